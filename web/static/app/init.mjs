// GOV.UK Frontend's components (error summary focus, details, service navigation...). Every
// page works without JavaScript; this only adds what the Design System's scripts add.
import { initAll } from "/static/govuk-frontend/govuk-frontend.min.js";

initAll();
