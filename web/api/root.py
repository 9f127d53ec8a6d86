"""The JSON API's one parent blueprint at /api/v1: what every call shares is wired here, once.

- Every call needs ``Authorization: Bearer TOKEN`` (``web.api.auth``): checked before anything
  else, for every child blueprint.
- A body is JSON: a POST, PUT or PATCH whose body is not declared as JSON is refused (400)
  rather than silently ignored, unless its view takes a form (``takes_form``: an upload).
- Every error answers with the one error body (``web.errors``).
- The OpenAPI document describes every call of every child, with its security.

A child blueprint (one per area: review types, cases, records, time, learning, admin) is a
plain ``APIBlueprint`` without a prefix of its own, attached in ``web.api``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import GenericAlias
from typing import Any, TypeVar

from apiflask import APIBlueprint, APIFlask
from flask import current_app, request
from pydantic import BaseModel

from web import errors
from web.api import hardening
from web.api.auth import auth
from workflow.services.paging import PageQuery

API_PREFIX = "/api/v1"
SPEC_PATH = f"{API_PREFIX}/openapi.json"

DESCRIPTION = f"""The JSON API of the safeguarding case review workflow.

**Authentication.** Send `Authorization: Bearer TOKEN` on every call; an administrator creates a
token with `workflow tokens create NAME`. A missing or unknown token gets 401; a role that may
not do the thing gets 403. Agency users see only the cases of their agencies: any other case
answers 404, as if it did not exist.

**Errors.** Every error answers `{{"error": {{"code", "message", "details"}}}}`: `message` is a
sentence a person can act on and `details` lists each problem (each unmet requirement, each
definition problem, each invalid field as `field: problem`). Malformed JSON gets 400
(`bad_request`), a body over the configured size 413 (`too_large`), a stale `expected_version`
409 (`version_conflict`), a step that does not leave the current state 422 (`not_available`),
a step whose guards are unmet 422 (`blocked`), invalid fields or data 422 (`invalid_input`).
A request that fails changes nothing.

**Concurrency.** Each case has a `version`. Every change sends the version it last read as
`expected_version`; if someone else changed the case first the answer is 409 and nothing is
saved: reload the case and try again.

**Paging.** Lists (`GET {API_PREFIX}/cases`, `GET {API_PREFIX}/escalations`…) answer
`{{"items": [...], "next_after": ID-or-null}}`, newest first. `limit` sets the page size
(default: the configured page_size, at most 200). To get the next page, send the same query
with `after` set to the `next_after` of the page you have; `next_after` is null on the last
page. Pages are keyed on the item's id, so items added while you page do not shift or repeat
the pages.
"""

ViewT = TypeVar("ViewT", bound=Callable[..., Any])
PageQueryT = TypeVar("PageQueryT", bound=PageQuery)

api = APIBlueprint("api", __name__, url_prefix=API_PREFIX)


@api.before_request
@api.auth_required(auth)
def authenticate() -> None:
    """Every call of the API needs a valid bearer token."""
    return None


@api.before_request
def require_json_body() -> None:
    """A body that is not declared as JSON is refused rather than silently ignored."""
    if request.method not in ("POST", "PUT", "PATCH") or request.is_json:
        return
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "")
    if not (request.content_length or chunked):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_form", False):
        return
    raise errors.bad_request(
        "Send the request body as JSON with the header Content-Type: application/json."
    )


def takes_form(view: ViewT) -> ViewT:
    """Mark a view whose body is a form (an upload), not JSON; put it right under the route."""
    view.takes_form = True  # type: ignore[attr-defined]
    return view


def page_size() -> int:
    """The configured page size of lists (``page_size`` in the settings)."""
    settings = current_app.extensions.get("workflow.settings")
    size = getattr(settings, "page_size", None)
    return int(size) if size else int(current_app.extensions["workflow.service"].page_size)


def paged(query: PageQueryT) -> PageQueryT:
    """The query of a list, with the configured page size when it asks for none."""
    return query if query.limit else query.model_copy(update={"limit": page_size()})


def many(model: type[BaseModel]) -> Any:
    """A list of ``model``, as ``@bp.output`` takes it (APIFlask 3.1 reads ``list[Model]``
    though its annotations do not say so)."""
    return GenericAlias(list, (model,))


def complete_document(spec: dict[Any, Any] | str) -> dict[Any, Any] | str:
    """What APIFlask 3.1 leaves out of the document for a nested blueprint: each operation's
    security (it records a blueprint's auth only where it is declared, the parent), and each
    query parameter's description at the parameter (pydantic puts it in the schema)."""
    if isinstance(spec, str):
        return spec
    schemes = spec.get("components", {}).get("securitySchemes", {})
    security: list[dict[str, list[str]]] = [{name: []} for name in schemes]
    for path, operations in spec.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            operation.setdefault("security", security)
            _declare_refusals(operation)
            for parameter in operation.get("parameters", []):
                described = parameter.get("schema", {}).get("description")
                if described and not parameter.get("description"):
                    parameter["description"] = described
    return spec


BAD_REQUEST = (
    "Not JSON, or a value no field can hold: NaN or Infinity, a lone surrogate, a NUL "
    "character, a number beyond 2,147,483,647, a string over the configured length, nesting "
    "too deep (bad_request)"
)
TOO_LARGE = "The body is larger than the configured size (too_large)"


def _declare_refusals(operation: dict[str, Any]) -> None:
    """Every call may be refused 400 (its query or body); a call with a body also 413."""
    responses = operation.setdefault("responses", {})
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    responses.setdefault("400", {"description": BAD_REQUEST, "content": body})
    if "requestBody" in operation:
        responses.setdefault("413", {"description": TOO_LARGE, "content": body})


def register(app: APIFlask) -> None:
    """Hang the API (the parent and every child attached to it) on the app."""
    errors.register(app)
    hardening.register(app)
    if not app.config.get("DESCRIPTION"):
        app.config["DESCRIPTION"] = DESCRIPTION
    app.config.update(
        HTTP_ERROR_SCHEMA=errors.ErrorBody,
        VALIDATION_ERROR_SCHEMA=errors.ErrorBody,
        VALIDATION_ERROR_DESCRIPTION="Invalid input (invalid_input): one detail per problem",
        AUTH_ERROR_DESCRIPTION="Missing or unknown API token (unauthorized)",
        NOT_FOUND_DESCRIPTION="Not found, or not one you may see (not_found)",
    )
    app.spec_processor(complete_document)
    app.register_blueprint(api)


__all__ = [
    "API_PREFIX",
    "DESCRIPTION",
    "SPEC_PATH",
    "api",
    "complete_document",
    "many",
    "page_size",
    "paged",
    "register",
    "takes_form",
]
