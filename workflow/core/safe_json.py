"""What the product accepts as input text and JSON, whatever edge it comes through.

Python's ``json`` accepts ``NaN``, ``Infinity``, ``1e999``, lone surrogates (``"\\udfff"``), NUL
characters, integers of any size and any depth of nesting; the databases do not (PostgreSQL
refuses NUL and NaN, its INTEGER columns hold 32 bits) and a deep document exhausts
the stack of everything that walks it. ``loads`` reads a body and ``check`` a value already read,
refusing each of those with a sentence (``InputRefused``) that says where and how to fix it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

#: The largest and smallest integers any field may hold: what an INTEGER column holds (32-bit
#: signed on PostgreSQL; a larger id, version or record number there is a database error).
MAX_INT = 2**31 - 1
MIN_INT = -(2**31)


class InputRefused(ValueError):
    """The input cannot be accepted; the message is a sentence saying why and what to do."""


@dataclass(frozen=True)
class Limits:
    """How long any one string may be, and how deeply JSON may nest."""

    max_string: int = 20_000
    max_depth: int = 32


def _refuse_constant(name: str) -> Any:
    raise InputRefused(
        f"{name} is not a number JSON allows; send a finite number, or null for none."
    )


def loads(text: str | bytes, limits: Limits) -> Any:
    """The JSON value of ``text``, checked by ``check``. Raises InputRefused, or
    ``json.JSONDecodeError`` when it is not JSON at all."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InputRefused("The request body is not UTF-8 text; send JSON in UTF-8.") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise InputRefused(_too_deep(limits)) from None
    check(value, limits)
    return value


def _too_deep(limits: Limits) -> str:
    return f"The JSON is nested more than {limits.max_depth} levels deep; send a flatter document."


def _where(path: list[str]) -> str:
    if not path:
        return "the body"
    return "".join(p if p.startswith("[") or i == 0 else f".{p}" for i, p in enumerate(path))


def check_text(text: str, where: str, limits: Limits) -> None:
    """A string is refused with a NUL character, a lone surrogate or past the length limit."""
    if "\x00" in text:
        raise InputRefused(f"{where} contains a NUL character (\\u0000); remove it.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputRefused(
            f"{where} contains a lone surrogate (such as \\udfff), which is not a character; "
            "send valid Unicode text."
        ) from None
    if len(text) > limits.max_string:
        raise InputRefused(
            f"{where} is {len(text):,} characters long; at most {limits.max_string:,} are allowed."
        )


def _check_scalar(value: Any, path: list[str], limits: Limits) -> None:
    if isinstance(value, str):
        check_text(value, _where(path), limits)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not MIN_INT <= value <= MAX_INT:
            raise InputRefused(
                f"{_where(path)} is {len(str(abs(value)))} digits long; numbers must lie "
                f"between {MIN_INT} and {MAX_INT}."
            )
    elif isinstance(value, float) and not math.isfinite(value):
        raise InputRefused(f"{_where(path)} is not a finite number; send a smaller number.")


def check(value: Any, limits: Limits) -> None:
    """Refuse what no field may hold, anywhere in ``value`` (keys included). Iterative, so a
    deep document cannot exhaust the stack here."""
    stack: list[tuple[Any, list[str]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if len(path) > limits.max_depth:
            raise InputRefused(_too_deep(limits))
        if isinstance(item, dict):
            for key, sub in item.items():
                text = str(key)
                check_text(text, f"A key in {_where(path)}", limits)
                stack.append((sub, [*path, text]))
        elif isinstance(item, list | tuple):
            stack.extend((sub, [*path, f"[{i}]"]) for i, sub in enumerate(item))
        else:
            _check_scalar(item, path, limits)


__all__ = ["MAX_INT", "MIN_INT", "InputRefused", "Limits", "check", "check_text", "loads"]
