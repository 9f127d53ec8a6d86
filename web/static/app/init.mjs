// GOV.UK Frontend's components (error summary focus, details, service navigation...). Every
// page works without JavaScript; this only adds what the Design System's scripts add.
import { initAll } from "/static/govuk-frontend/govuk-frontend.min.js";

initAll();

// At phone width a wide table scrolls inside itself (app.css): let the keyboard reach and
// scroll it, named by its caption, and only while it does scroll.
function markScrollingTables() {
  for (const table of document.querySelectorAll(".govuk-table")) {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.setAttribute("tabindex", "0");
      const caption = table.querySelector("caption");
      if (caption && !table.hasAttribute("aria-label")) {
        table.setAttribute("aria-label", caption.textContent.trim());
      }
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  }
}
markScrollingTables();
window.addEventListener("resize", markScrollingTables);
