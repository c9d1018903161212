// Draws the hourly API-call chart of an entity profile with uPlot from
// the page's embedded series: [hours (Unix seconds), successful, failed].
(function () {
  const el = document.getElementById("chart");
  const src = document.getElementById("series");
  if (!el || !src || !window.uPlot) return;
  const data = JSON.parse(src.textContent);
  if (data[0].length === 0) {
    el.textContent = "No API calls in this range.";
    return;
  }
  const width = () => Math.max(320, el.clientWidth || 800);
  const plot = new uPlot({
    width: width(), height: 260,
    scales: { x: { time: true } },
    series: [
      { label: "Hour (UTC)" },
      { label: "Successful", stroke: "#0b5cad", fill: "rgba(11,92,173,0.12)", width: 1.5 },
      { label: "Failed", stroke: "#a4161a", width: 1.5 },
    ],
    axes: [{}, { label: "calls" }],
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
  }, data, el);
  el.dataset.rendered = "true";
  window.addEventListener("resize", () => plot.setSize({ width: width(), height: 260 }));
})();
