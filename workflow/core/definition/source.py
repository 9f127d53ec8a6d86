"""Finding where a problem's key stands in a definition's TOML text, so an editor can show the
line (pure text search: the TOML has already been parsed or refused by then)."""

from __future__ import annotations

import re

_TABLE = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*(#.*)?$")
_ARRAY = re.compile(r"^\s*\[\[(?P<name>[^\[\]]+)\]\]\s*(#.*)?$")
_ITEM = re.compile(r"^(?P<head>[A-Za-z0-9_]+)(\[(?P<index>\d+)\])?")
_TOML_LINE = re.compile(r"at line (\d+)")
_NAMED = re.compile(r"^unknown question '([^']+)'")


def _assignment(lines: list[str], start: int, end: int, name: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*[=.]")
    for i in range(start, end):
        if pattern.match(lines[i]):
            return i
    return None


def _section_end(lines: list[str], start: int) -> int:
    for i in range(start + 1, len(lines)):
        if _TABLE.match(lines[i]) or _ARRAY.match(lines[i]):
            return i
    return len(lines)


def locate(text: str, key: str, message: str = "") -> int | None:
    """The 1-based line a problem's ``key`` refers to, or None when it cannot be told."""
    found = _TOML_LINE.search(message)
    if found:
        return int(found.group(1))
    if not key:
        return None
    lines = text.splitlines()
    parts = key.split(" ")[0].split(".") if "(" not in key else _split_with_label(key)
    head = _ITEM.match(parts[0])
    if head is None:
        return None
    rest = parts[1:]
    if head.group("index") is not None:  # transitions[3] -> the fourth [[transitions]]
        section = _nth_array(lines, head.group("head"), int(head.group("index")))
    elif head.group("head") in ("states", "timers", "criteria", "choices") and rest:
        section = _table(lines, f"{head.group('head')}.{rest[0]}")
        rest = rest[1:]
    else:  # a key at the top, before the first table
        end = next(
            (i for i, line in enumerate(lines) if _TABLE.match(line) or _ARRAY.match(line)),
            len(lines),
        )
        at = _assignment(lines, 0, end, head.group("head"))
        return at + 1 if at is not None else None
    if section is None:
        return None
    start, end = section
    field = _ITEM.match(rest[0]) if rest else None
    at = _assignment(lines, start + 1, end, field.group("head")) if field else None
    named = _NAMED.search(message)
    if at is not None and named:  # the line of the very name refused ("unknown question 'x'")
        quoted = re.compile(rf"[\"']{re.escape(named.group(1))}[\"']")
        at = next((i for i in range(at, end) if quoted.search(lines[i])), at)
    return at + 1 if at is not None else start + 1


def _nth_array(lines: list[str], name: str, wanted: int) -> tuple[int, int] | None:
    """Where the ``wanted``-th (0-based) ``[[name]]`` section starts and ends."""
    seen = -1
    for i, line in enumerate(lines):
        m = _ARRAY.match(line)
        if m and m.group("name").strip() == name:
            seen += 1
            if seen == wanted:
                return i, _section_end(lines, i)
    return None


def _table(lines: list[str], name: str) -> tuple[int, int] | None:
    """Where the ``[name]`` table starts and ends."""
    for i, line in enumerate(lines):
        m = _TABLE.match(line)
        if m and m.group("name").strip() == name:
            return i, _section_end(lines, i)
    return None


def _split_with_label(key: str) -> list[str]:
    # "transitions[2] (notify).roles" -> ["transitions[2]", "roles"]
    head, _, tail = key.partition(" (")
    _, _, after = tail.partition(")")
    return [head, *[p for p in after.split(".") if p]]
