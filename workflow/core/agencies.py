"""The board's register of agencies and organisations, as the guards and the name checks read it
(pure): each entry's name, its aliases and its parent body; how two names relate (the same body,
an alias, a parent or part body, a similar name); the entries closest to a name not found.

Names are compared trimmed and case-folded. A *near match* (a parent or part body, or a name
similar by ``rapidfuzz``'s token-set ratio at or above the similarity threshold) is not proof of
a link, so it needs the chair's recorded confirmation; the same body (by name or alias) is an
overlap that no confirmation lifts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process

#: Where the register and the chair's confirmations reach the guards, beside the case's records.
REGISTER = "agency_register"
CONFIRMATIONS = "independence_confirmations"
#: The similarity (0-100, rapidfuzz token-set ratio) at which two names are a near match, unless
#: a definition gives its independence guards another ``similarity``.
DEFAULT_SIMILARITY = 90
#: How close a name must be (WRatio) to be offered as "did you mean".
SUGGEST_CUTOFF = 60
SPREAD = 10


def fold(name: Any) -> str:
    return " ".join(str(name or "").split()).casefold()


class Relation(StrEnum):
    SAME = "the same body"
    ALIAS = "another name of the same body"
    PARENT = "the parent body"
    PART = "a part"
    SIMILAR = "a similar name"

    @property
    def near(self) -> bool:
        """Whether the link is only likely (a confirmation may lift it)."""
        return self not in (Relation.SAME, Relation.ALIAS)


@dataclass(frozen=True)
class Entry:
    name: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Register:
    """The entries of the register (active ones), looked up by folded name or alias."""

    entries: tuple[Entry, ...] = ()

    @classmethod
    def of(cls, items: Iterable[Mapping[str, Any]]) -> Register:
        return cls(
            tuple(
                Entry(str(i["name"]), tuple(i.get("aliases") or ()), i.get("parent") or None)
                for i in items
            )
        )

    @property
    def kept(self) -> bool:
        """Whether the board keeps a register (names must then be chosen from it)."""
        return bool(self.entries)

    def find(self, name: Any) -> Entry | None:
        wanted = fold(name)
        return next((e for e in self.entries if wanted in {fold(n) for n in e.names}), None)

    def closest(self, name: Any, limit: int = 3) -> list[str]:
        """The register names closest to ``name`` (for "did you mean"), best first."""
        choices = {fold(n): e.name for e in self.entries for n in e.names}
        found = process.extract(fold(name), list(choices), scorer=fuzz.WRatio, limit=limit * 2)
        best = found[0][1] if found else 0
        # Names of one area share its name ("Northshire …"): offer only those near the best.
        names = [choices[c] for c, score, _ in found if score >= max(SUGGEST_CUTOFF, best - SPREAD)]
        return list(dict.fromkeys(names))[:limit]

    def ancestors(self, entry: Entry) -> list[Entry]:
        """The bodies ``entry`` is part of, nearest first (a loop stops the walk)."""
        out: list[Entry] = []
        parent = self.find(entry.parent) if entry.parent else None
        while parent is not None and parent not in out and parent != entry:
            out.append(parent)
            parent = self.find(parent.parent) if parent.parent else None
        return out

    def relation(self, a: str, b: str, similarity: int = DEFAULT_SIMILARITY) -> Relation | None:
        """How the organisation ``a`` relates to the agency ``b`` (None: not at all)."""
        if fold(a) == fold(b):
            return Relation.SAME
        first, second = self.find(a), self.find(b)
        if first is not None and first == second:
            return Relation.ALIAS
        if first is not None and second is not None:
            if second in self.ancestors(first):
                return Relation.PART
            if first in self.ancestors(second):
                return Relation.PARENT
        if fuzz.token_set_ratio(fold(a), fold(b)) >= similarity:
            return Relation.SIMILAR
        return None


def confirmed_pairs(items: Sequence[Mapping[str, Any]]) -> frozenset[tuple[str, str]]:
    """The (organisation, agency) near matches the chair confirmed, folded."""
    return frozenset((fold(i.get("organisation")), fold(i.get("agency"))) for i in items)


def explain(organisation: str, agency: str, relation: Relation) -> str:
    """What links an organisation to an agency, in words."""
    if relation is Relation.SAME:
        return organisation
    if relation is Relation.ALIAS:
        return f"{organisation} (another name of {agency})"
    if relation is Relation.PART:
        return f"{organisation} (part of {agency})"
    if relation is Relation.PARENT:
        return f"{organisation} (the parent body of {agency})"
    return f"{organisation} (a name like {agency})"


__all__ = [
    "CONFIRMATIONS",
    "DEFAULT_SIMILARITY",
    "REGISTER",
    "Entry",
    "Register",
    "Relation",
    "confirmed_pairs",
    "explain",
    "fold",
]
