// Draws each finding group on the page as a graph with cytoscape: its
// findings and the entities they involve.
(function () {
  if (!window.cytoscape) return;
  const colors = { finding: "#a4161a", principal: "#0b5cad", ip: "#2b7a3d", instance: "#6b3100", key: "#5b6573", bucket: "#5b6573", cluster: "#5b6573" };
  document.querySelectorAll("section.group").forEach((sec) => {
    const box = sec.querySelector(".cy");
    const elements = JSON.parse(sec.querySelector("script.elements").textContent);
    const cy = cytoscape({
      container: box, elements: elements,
      layout: { name: "cose", animate: false },
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": (n) => colors[n.data("kind")] || "#5b6573", color: "#1b1f24", "text-wrap": "ellipsis", "text-max-width": 140 } },
        { selector: 'node[kind = "finding"]', style: { shape: "diamond", width: 22, height: 22 } },
        { selector: "edge", style: { width: 1.2, "line-color": "#8a93a0", "curve-style": "bezier" } },
      ],
    });
    box.dataset.rendered = String(cy.nodes().length);
  });
})();
