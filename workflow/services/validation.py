"""Validation problems as the product words them: one ``field: problem`` sentence each.

Every edge validates its input into a typed command once (the API body and query string, a page
form, the command line, a Python caller of a service). pydantic finds the problems; this module
says them in the words the API has always used, so a client sees the same details whichever
edge refused its input, and ``command`` turns a refusal into the product's ``InvalidInput``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from workflow.core.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)

#: A body (or mapping) that is not an object at all.
NOT_AN_OBJECT = 'The request body must be a JSON object, e.g. {"key": "value"}.'

_OBJECT = NOT_AN_OBJECT.replace("{", "{{").replace("}", "}}")  # a template: braces doubled
_NUMBER = "Not a valid integer."
_DATE = "Not a valid date."
_DATETIME = "Not a valid datetime."

#: The sentence of each kind of problem pydantic reports (its ``type``); ``{name}`` takes the
#: problem's context. A kind not listed keeps its own message as it is (a rule's own
#: ``PydanticCustomError`` says what it means).
SENTENCES: dict[str, str] = {
    "missing": "Missing data for required field.",
    "extra_forbidden": "Unknown field.",
    "dict_type": "Not a valid mapping type.",
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "int_type": _NUMBER,
    "int_parsing": _NUMBER,
    "int_from_float": _NUMBER,
    "int_parsing_size": _NUMBER,
    "float_type": "Not a valid number.",
    "float_parsing": "Not a valid number.",
    "finite_number": "Not a valid number.",
    "string_type": "Not a valid string.",
    "string_unicode": "Not a valid string.",
    "bool_type": "Not a valid boolean.",
    "bool_parsing": "Not a valid boolean.",
    "list_type": "Not a valid list.",
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "timezone_aware": "Not a valid datetime: give its offset, e.g. 2026-11-30T10:00:00+00:00.",
    "greater_than_equal": "Must be greater than or equal to {ge}.",
    "less_than_equal": "Must be less than or equal to {le}.",
    "greater_than": "Must be greater than {gt}.",
    "less_than": "Must be less than {lt}.",
    "string_too_short": "Shorter than minimum length {min_length}.",
    "string_too_long": "Longer than maximum length {max_length}.",
    "too_short": "Shorter than minimum length {min_length}.",
    "too_long": "Longer than maximum length {max_length}.",
    "enum": "Must be one of: {expected}.",
    "literal_error": "Must be one of: {expected}.",
    "url_parsing": "Not a valid URL.",
    "url_scheme": "Not a valid URL.",
}


def sentence(error: ErrorDetails) -> str:
    """One problem as ``field: problem`` (the problem alone when it is about the whole)."""
    template = SENTENCES.get(error["type"])
    context: Mapping[str, Any] = error.get("ctx") or {}
    try:
        text = template.format(**context) if template else error["msg"]
    except (KeyError, IndexError):
        text = error["msg"]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {text}" if where else text


def problems(error: ValidationError) -> list[str]:
    """Every problem of a refused input, by field, so the same input always lists them alike."""
    return sorted(sentence(e) for e in error.errors())


def command(model: type[ModelT], message: str, /, **values: Any) -> ModelT:
    """``model`` made from ``values``, or ``InvalidInput(message, problems)``: for the callers of
    a service that hand it loose values instead of a command."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(message, problems(exc)) from None


__all__ = ["NOT_AN_OBJECT", "SENTENCES", "command", "problems", "sentence"]
