// Draws the review type's state diagram from its Mermaid text, with the renderer served by the
// app itself. Without JavaScript the text stays on the page, and the stages list says the same.
(function () {
  if (!window.mermaid) {
    return;
  }
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: "neutral",
    fontFamily: "arial, sans-serif",
  });
  window.mermaid.run({ querySelector: ".app-diagram" }).then(function () {
    document.documentElement.setAttribute("data-diagram", "drawn");
  }).catch(function (error) {
    document.documentElement.setAttribute("data-diagram", "failed");
    if (window.console) {
      window.console.error(error);
    }
  });
})();
