"""The JSON API under /api/v1: one parent blueprint (``web.api.root``: bearer auth, the JSON
body rule, the error body, the OpenAPI document) and a child blueprint per area.

Helpers for the children: ``web.api.commands.case_command`` (an endpoint that changes a case),
``workflow.services.paging`` (keyset-paged lists) and ``web.api.root.page_size``.
"""

from web.api import (
    admin,
    agencies,
    cases,
    learning,
    publication,
    records,
    reports,
    review_types,
    time,
)
from web.api.root import API_PREFIX, api, register

#: The child blueprints, one per area, in the order the document lists them.
AREAS = (review_types, cases, records, agencies, publication, time, reports, learning, admin)

for _area in AREAS:
    api.register_blueprint(_area.bp)

__all__ = ["API_PREFIX", "AREAS", "api", "register"]
