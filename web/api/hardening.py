"""What every answer of the JSON API shares against bad input and prying, wired once on the app.

- A JSON body is read strictly (``workflow.core.safe_json``): NaN, Infinity, lone surrogates,
  NUL characters, integers beyond 32 bits (an INTEGER column), strings over
  ``[limits] max_string_length`` and nesting deeper than ``[limits] max_json_depth`` get 400
  with a sentence, before any view runs; query strings get the same checks.
- A page form's fields get the same checks of their text (400, shown on the error page).
- A whole number in a URL (``<int:id>``) beyond 2,147,483,647 matches no route: 404, never a
  database error.
- Every API answer carries ``Cache-Control: no-store`` and ``X-Content-Type-Options: nosniff``:
  case data is about children and must not stay in a shared cache.
- A refused attempt (403 or 404) is logged on ``web.api.refused`` with the actor, the method and
  the path; never the query string, the body or the token.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from apiflask import APIFlask
from flask import current_app, request
from flask.wrappers import Response
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from web import errors
from web.api.auth import auth
from workflow.core.safe_json import MAX_INT, InputRefused, Limits, check_text, loads

API_PREFIX = "/api/"
REFUSED = logging.getLogger("web.api.refused")
_WHOLE = re.compile(r"[+-]?\d+")


class BoundedInt(IntegerConverter):
    """``<int:…>`` that matches only what an INTEGER column holds (up to 2**31 - 1)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def limits() -> Limits:
    settings = current_app.extensions.get("workflow.settings")
    configured = getattr(settings, "limits", None)
    if configured is None:
        return Limits()
    return Limits(configured.max_string_length, configured.max_json_depth)


def _check_query(found: Limits) -> None:
    for name, value in request.args.items(multi=True):
        where = f"The query parameter {name!r}"
        check_text(name, "A query parameter's name", found)
        check_text(value, where, found)
        if _WHOLE.fullmatch(value.strip()) and abs(int(value)) > MAX_INT:
            raise InputRefused(f"{where} is larger than {MAX_INT}, the largest number accepted.")


def check_form(found: Limits) -> None:
    """A page form's fields get the same checks (a NUL would reach PostgreSQL as a 500)."""
    if request.method != "POST" or request.mimetype not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return
    try:
        for name, value in request.form.items(multi=True):
            check_text(value, f"The field {name!r}", found)
    except InputRefused as exc:
        raise BadRequest(f"{exc} Go back, change it and send the form again.") from None


def check_input() -> None:
    """Refuse a JSON body or query string no field could hold, with a sentence (400)."""
    found = limits()
    if not request.path.startswith(API_PREFIX):
        return  # page forms: checked by the pages' parent, once their body limit is set
    try:
        _check_query(found)
        if request.is_json and request.content_length != 0:
            body = request.get_data(cache=True)
            if body.strip():
                loads(body, found)
    except InputRefused as exc:
        raise errors.bad_request(str(exc)) from None
    except json.JSONDecodeError:
        return  # Flask's own reading answers 400 with the one error body


def secure_answer(response: Response) -> Response:
    """No caching and no sniffing of API answers; refused attempts logged."""
    if not request.path.startswith(API_PREFIX):
        return response
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.status_code in (403, 404):
        REFUSED.warning(
            "refused %s: %s %s by %s",
            response.status_code,
            request.method,
            request.path,
            _actor_name(),
        )
    return response


def _actor_name() -> str:
    user = auth.current_user
    name = getattr(user, "name", None)
    role = getattr(user, "role", None)
    return f"{name} ({role})" if name else "an unauthenticated caller"


def register(app: APIFlask) -> None:
    """Wire the checks on the whole app (so an unknown /api/ address is covered too)."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(check_input)
    app.after_request(secure_answer)


__all__ = ["BoundedInt", "check_input", "limits", "register", "secure_answer"]
