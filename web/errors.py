"""Errors as HTTP answers: typed workflow errors to status codes, and one body for every error.

Every error the web app answers with has the body
``{"error": {"code": "...", "message": "...", "details": [...]}}``: ``message`` is a sentence a
person can act on and ``details`` lists each problem (each unmet requirement, each definition
problem, each invalid field). This module is the only place that knows which status code a
typed error becomes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from apiflask import APIFlask, HTTPError, Schema, fields
from apiflask.exceptions import _ValidationError
from apiflask.types import ResponseReturnValueType
from flask import current_app, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError
from werkzeug.http import HTTP_STATUS_CODES

from workflow.core.errors import (
    AlreadyExists,
    DefinitionError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
    VersionConflict,
    WorkflowError,
)
from workflow.services.validation import NOT_AN_OBJECT, problems

SPEC_URL = "/api/v1/openapi.json"

#: The status code of each typed error; a subclass takes the code of its nearest listed base.
STATUS_OF: dict[type[WorkflowError], int] = {
    InvalidInput: 422,
    DefinitionError: 422,
    TransitionNotAllowed: 422,
    TransitionBlocked: 422,
    VersionConflict: 409,
    NotFound: 404,
    PermissionDenied: 403,
    AlreadyExists: 409,
}

#: The ``code`` of an error that did not come from a typed workflow error.
CODE_OF_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
}

VALIDATION_MESSAGE = "The request was not accepted: fix each problem listed and try again."


# The body's schema for the OpenAPI document. A marshmallow schema, not a pydantic model,
# because APIFlask 3.1 takes HTTP_ERROR_SCHEMA as a class it instantiates without arguments
# (or as a plain dict it names "HTTPError"), and the document calls the one body ErrorBody.
class ErrorInfo(Schema):
    code = fields.String(
        required=True,
        metadata={
            "description": "What went wrong, for programs: bad_request, unauthorized, forbidden, "
            "not_found, method_not_allowed, version_conflict, already_exists, too_large, "
            "invalid_input, invalid_definition, not_available, blocked, internal_error."
        },
    )
    message = fields.String(
        required=True, metadata={"description": "A sentence a person can act on."}
    )
    details = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Each problem as a sentence: each unmet requirement (blocked), each "
            "definition problem (invalid_definition), each invalid field (invalid_input, as "
            "'field: problem')."
        },
    )


class ErrorBody(Schema):
    error = fields.Nested(ErrorInfo, required=True)


def error_body(code: str, message: str, details: list[str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details or [])}}


def status_of(exc: WorkflowError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 422  # a rule of the product refused the request


def http_error(exc: WorkflowError) -> HTTPError:
    """The HTTPError a typed workflow error becomes."""
    return HTTPError(
        status_of(exc), exc.message, detail=list(exc.details), extra_data={"code": exc.code}
    )


def bad_request(message: str, details: list[str] | None = None) -> HTTPError:
    return HTTPError(400, message, detail=list(details or []), extra_data={"code": "bad_request"})


def _flatten(messages: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    """One sentence per problem from marshmallow's nested error messages."""
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            yield from _flatten(value, (*path, str(key)))
    elif isinstance(messages, list | tuple):
        for item in messages:
            yield from _flatten(item, path)
    else:
        text = str(messages)
        if path and path[-1] == "_schema":
            if text == "Invalid input type.":
                text = NOT_AN_OBJECT
            path = path[:-1]
        yield f"{'.'.join(path)}: {text}" if path else text


def validation_details(error: _ValidationError) -> list[str]:
    """Sentences like ``expected_version: Missing data for required field.``; the location
    (``json`` or ``query``) is dropped because each field lives in one place only."""
    if isinstance(error.__cause__, ValidationError):  # a pydantic model refused the input
        return problems(error.__cause__)
    detail = error.detail
    out: list[str] = []
    if isinstance(detail, Mapping):
        for value in detail.values():
            out.extend(_flatten(value))
    else:
        out.extend(_flatten(detail))
    return sorted(out)  # by field, so the same request always lists its problems alike


def _allowed_methods(headers: Any) -> str:
    allow = dict(headers or {}).get("Allow", "")
    methods = [m.strip() for m in str(allow).split(",") if m.strip() not in ("", "HEAD", "OPTIONS")]
    return ", ".join(methods)


def default_message(status: int, headers: Any = None) -> str:
    """A sentence a person can act on, for an error raised by Flask or Werkzeug itself."""
    if status == 400:
        return (
            "The request body is not valid JSON; send one JSON object with the header "
            "Content-Type: application/json."
        )
    if status == 401:
        return unauthorized_message()
    if status == 403:
        return "Your role may not do this; ask an administrator if you need to."
    if status == 404:
        return (
            f"There is nothing at {request.path}; check the address against the calls listed "
            f"in {SPEC_URL}."
        )
    if status == 405:
        allowed = _allowed_methods(headers)
        hint = f"; use {allowed}" if allowed else ""
        return f"{request.method} is not allowed on {request.path}{hint}."
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        size = f"the {limit} bytes allowed" if limit else "the size allowed"
        return f"The request body is larger than {size}; send less data in one request."
    if status >= 500:
        return (
            "The server could not complete the request because of an internal error; try "
            "again, and tell your administrator if it keeps happening."
        )
    reason = HTTP_STATUS_CODES.get(status, "Error")
    return f"The request was refused ({status} {reason}); check it against {SPEC_URL}."


def unauthorized_message() -> str:
    header = request.headers.get("Authorization", "")
    if not header.strip():
        return (
            "Send your API token in the header 'Authorization: Bearer TOKEN'; an administrator "
            "can create one with 'workflow tokens create NAME'."
        )
    if not header.lower().startswith("bearer "):
        return (
            "Send your API token as 'Authorization: Bearer TOKEN'; other kinds of "
            "authorization are not accepted."
        )
    return (
        "The API token is not recognised or its user is no longer active; ask an administrator "
        "for a new one ('workflow tokens create NAME')."
    )


def process_error(error: HTTPError) -> ResponseReturnValueType:
    """APIFlask's error processor: every HTTP error, validation error and abort gets one body."""
    code = error.extra_data.get("code") if error.extra_data else None
    headers = dict(error.headers or {})
    if code:
        message = error.message or default_message(error.status_code, headers)
        detail = error.detail if isinstance(error.detail, list) else []
        body = error_body(str(code), message, [str(d) for d in detail])
    elif isinstance(error, _ValidationError):
        body = error_body("invalid_input", VALIDATION_MESSAGE, validation_details(error))
    else:
        status = error.status_code
        fallback = HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_")
        body = error_body(CODE_OF_STATUS.get(status, fallback), default_message(status, headers))
    return body, error.status_code, headers


def auth_error(error: HTTPError) -> ResponseReturnValueType:
    """The token auth's error processor; Flask-HTTPAuth adds the WWW-Authenticate header."""
    if error.status_code == 401:
        return error_body("unauthorized", unauthorized_message()), 401
    return process_error(error)


def handle_workflow_error(exc: WorkflowError) -> ResponseReturnValue:
    # APIFlask and Flask spell the same return type two ways.
    return cast("ResponseReturnValue", process_error(http_error(exc)))


def register(app: APIFlask) -> None:
    """Make every error of the app answer in the one shape.

    The handler for typed errors is app-wide so every JSON blueprint shares it; a blueprint
    that wants another shape (HTML pages) registers its own handler, which Flask tries first.
    """
    app.error_processor(process_error)
    app.register_error_handler(WorkflowError, handle_workflow_error)
