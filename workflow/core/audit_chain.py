"""The audit trail's hash chains: each entry carries the SHA-256 of its own content and of the
hash of the entry before it in its chain, so changing, removing or inserting an entry anywhere
breaks every hash after it.

Two kinds of chain:

- a case's events form one chain each, in ``seq`` order (1, 2, 3… without gaps);
- the access log is one chain for the whole database, in ``seq`` order, whose last hash is also
  kept as the chain's head (``audit_head``), so entries cut off its end are noticed too.

The hash is computed in Python before the insert (a batch of rows is linked one after another
in memory), from a canonical JSON text of the entry's content: keys sorted, no spaces, instants
in UTC ISO form. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: The hash before the first entry of every chain.
GENESIS = "0" * 64

#: The content of each kind of entry (what its hash covers), by column.
EVENT_FIELDS = (
    "case_id",
    "seq",
    "at",
    "actor",
    "actor_role",
    "kind",
    "trigger",
    "from_state",
    "to_state",
    "note",
    "detail",
)
ACCESS_FIELDS = ("seq", "case_id", "at", "actor", "action")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical(entry: Mapping[str, Any], fields: Iterable[str]) -> str:
    """The entry's content as one JSON text (keys sorted, no spaces, instants in UTC)."""
    content = {f: _plain(entry.get(f)) for f in fields}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(previous: str, entry: Mapping[str, Any], fields: Iterable[str]) -> str:
    """The hash of an entry following ``previous`` in its chain."""
    text = f"{previous}\n{canonical(entry, fields)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link(previous: str, rows: Iterable[MutableMapping[str, Any]], fields: Iterable[str]) -> str:
    """Set ``hash`` on each row (in chain order), each linked to the one before; the last hash."""
    names = tuple(fields)
    for row in rows:
        previous = row["hash"] = entry_hash(previous, row, names)
    return previous


@dataclass(frozen=True)
class Break:
    """The first entry of a chain that is not what its hash says."""

    table: str
    entry_id: int | None
    chain: str
    seq: int | None
    reason: str

    def sentence(self) -> str:
        where = f"{self.table} entry {self.entry_id}" if self.entry_id else self.table
        at = f" (seq {self.seq})" if self.seq is not None else ""
        return f"{where}{at} in {self.chain}: {self.reason}"


class ChainCheck:
    """Walks one chain, entry after entry, and keeps the first break it finds."""

    def __init__(self, table: str, chain: str, fields: Iterable[str]) -> None:
        self.table, self.chain, self.fields = table, chain, tuple(fields)
        self.chain_id: object = None  # what the caller keys its chains by (a case id)
        self.previous = GENESIS
        self.expected_seq = 1
        self.broken: Break | None = None

    def feed(self, entry: Mapping[str, Any]) -> bool:
        """Check the next entry; False (and ``broken`` set) at the first one that fails."""
        seq = entry.get("seq")
        reason = ""
        if seq != self.expected_seq:
            reason = f"expected seq {self.expected_seq}: an entry was removed or inserted"
        elif entry.get("hash") != entry_hash(self.previous, entry, self.fields):
            reason = "its hash does not match its content and the entry before it"
        if reason:
            self.broken = Break(self.table, entry.get("id"), self.chain, seq, reason)
            return False
        self.previous = str(entry["hash"])
        self.expected_seq += 1
        return True

    def end(self, head_hash: str | None = None) -> bool:
        """At the chain's end: its last hash must be the head recorded (when one is)."""
        if head_hash is not None and head_hash != self.previous:
            self.broken = Break(
                self.table,
                None,
                self.chain,
                self.expected_seq - 1,
                "the last entry is not the chain's recorded head: entries were cut off its end",
            )
            return False
        return True


__all__ = [
    "ACCESS_FIELDS",
    "EVENT_FIELDS",
    "GENESIS",
    "Break",
    "ChainCheck",
    "canonical",
    "entry_hash",
    "link",
]
