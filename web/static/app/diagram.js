// Draws the review type's state diagram from its Mermaid text, with the renderer served by the
// app itself, fitted to the page's width, with buttons to zoom in and out. Without JavaScript
// the text stays hidden and the list of stages and steps beside it says the same in words.
(function () {
  if (!window.mermaid) {
    return;
  }
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: "neutral",
    fontFamily: "arial, sans-serif",
    flowchart: { useMaxWidth: true },
    state: { useMaxWidth: true },
  });
  var diagrams = document.querySelectorAll(".app-diagram");
  diagrams.forEach(function (pre) {
    pre.removeAttribute("hidden");
  });
  function addZoom(frame) {
    var group = document.createElement("div");
    group.className = "govuk-button-group app-diagram-zoom";
    [["Zoom in", 1.5], ["Zoom out", 1 / 1.5], ["Fit to width", 0]].forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "govuk-button govuk-button--secondary";
      button.textContent = item[0];
      button.addEventListener("click", function () {
        var svg = frame.querySelector("svg");
        if (!svg) {
          return;
        }
        var scale = item[1] === 0 ? 1 : (parseFloat(frame.dataset.scale || "1") * item[1]);
        frame.dataset.scale = String(scale);
        svg.style.maxWidth = item[1] === 0 ? "100%" : "none";
        svg.style.width = (scale * 100) + "%";
      });
      group.appendChild(button);
    });
    frame.parentNode.insertBefore(group, frame);
  }
  window.mermaid.run({ querySelector: ".app-diagram" }).then(function () {
    document.querySelectorAll(".app-diagram-frame").forEach(addZoom);
    document.documentElement.setAttribute("data-diagram", "drawn");
  }).catch(function (error) {
    document.documentElement.setAttribute("data-diagram", "failed");
    if (window.console) {
      window.console.error(error);
    }
  });
})();
