// Converts world-atlas's land-110m (Natural Earth, public domain) into one SVG
// path in an equirectangular projection: x = longitude + 180, y = 90 - latitude,
// so that the console places a location at (lon+180, 90-lat) in a 360x180 box.
// Run once: node tools/world-outline.mjs path/to/land-110m.json > ../internal/console/assets/vendor/world-110m.svg
import { readFileSync } from "node:fs";
import { feature } from "topojson-client";

const topo = JSON.parse(readFileSync(process.argv[2], "utf8"));
const land = feature(topo, topo.objects.land);
const round = (v) => Math.round(v * 10) / 10;
let d = "";
for (const f of land.features ?? [land]) {
  const g = f.geometry;
  const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  for (const poly of polys) {
    for (const ring of poly) {
      // A ring that crosses the antimeridian would draw a line across
      // the whole map: break the path there instead, and leave it open.
      let crossed = false;
      d += ring.map(([lon, lat], i) => {
        const jump = i > 0 && Math.abs(lon - ring[i - 1][0]) > 180;
        crossed ||= jump;
        return (i && !jump ? "L" : "M") + round(lon + 180) + " " + round(90 - lat);
      }).join("") + (crossed ? "" : "Z");
    }
  }
}
process.stdout.write(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180"><path d="${d}"/></svg>\n`);
