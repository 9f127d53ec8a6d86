"""A guard's sentence as a person reads it on a page: the definition's labels in place of data
key paths (``The aware at (data.aware_at) is …`` becomes ``The date the local authority became
aware is …``), dates in words, no doubled words. The API keeps the sentence with its paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from web.pages.helpers import format_date

PATH = r"data\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
#: ``(data.aware_at)``, ``(data.harm_check_confirmed = true)``, ``(data.notified_at, 2026-…)``.
KEYED = re.compile(r"\s*\(" + PATH + r"(?P<rest>[^()]*)\)")
BARE = re.compile(PATH)
SPACES = re.compile(r"\s+([,.;:?])")

Label = Callable[[str], str | None]


def _lower_first(label: str) -> str:
    """``Date the local authority became aware`` -> ``date the …``; ``DfE …`` stays."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _words_of(path: str) -> str:
    return path.split(".")[-1].replace("_", " ")


def _replace_keyed(text: str, label_of: Label) -> str:
    """Each ``<words> (data.<path>…)``: the words a guard made from the key (``the aware at``)
    become the label; the path goes; what else the brackets held stays (a date, say)."""
    out, pos = [], 0
    for m in KEYED.finditer(text):
        path, rest = m.group(1), m.group("rest").strip(" ,")
        if rest == "= true":
            rest = ""
        head = text[pos : m.start()]
        words = _words_of(path)
        label = label_of(path)
        if label and head.lower().endswith(words.lower()):
            head = head[: len(head) - len(words)] + _lower_first(label)
        out.append(head + (f" ({rest})" if rest else ""))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def readable(sentence: str, label_of: Label) -> str:
    """``sentence`` with each data path replaced by its label (``label_of(path)``; ``None`` when
    the page knows none), ISO dates in words and stray spaces before punctuation removed."""
    text = _replace_keyed(sentence, label_of)
    text = BARE.sub(lambda m: _lower_first(label_of(m.group(1)) or _words_of(m.group(1))), text)
    text = ISO_DAY.sub(lambda m: format_date(date.fromisoformat(m.group(1))), text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\b(\w+) \1\b", r"\1", text)  # "the the", "confirmed confirmed"
    text = SPACES.sub(r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text[:1].upper() + text[1:]
