"""Verifying the audit trail: every hash chain (each case's events, the one access log) walked
from its first entry to its recorded head (the case row's ``last_hash``; the access log's
``audit_head``), and the first entry that is not what its hash says reported.

Who may run it: whoever can reach the database (``workflow audit verify`` on the server); it
reads the trail and shows no content of it, only where a chain breaks.
"""

from __future__ import annotations

from workflow.core.audit_chain import ACCESS_FIELDS, EVENT_FIELDS, Break, ChainCheck
from workflow.services.results import Result
from workflow.store.unit import Store


class AuditVerdict(Result):
    """What verifying found: how many entries and chains were checked, and the first break."""

    events: int
    cases: int
    access_entries: int
    broken: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _events(store: Store) -> tuple[int, int, Break | None]:
    """Each case's chain from its first event to the head its row records (entries cut off the
    end of a case's trail break it too)."""
    count, cases = 0, 0
    check: ChainCheck | None = None
    with store.read() as u:
        heads = u.audit.case_heads()
        for entry in u.audit.events():
            if check is None or entry["case_id"] != check.chain_id:
                if check is not None and not check.end(heads.get(int(str(check.chain_id)))):
                    return count, cases, check.broken
                cases += 1
                check = ChainCheck("event", f"the events of case {entry['case_id']}", EVENT_FIELDS)
                check.chain_id = entry["case_id"]
            count += 1
            if not check.feed(entry):
                return count, cases, check.broken
    if check is not None and not check.end(heads.get(int(str(check.chain_id)))):
        return count, cases, check.broken
    return count, cases, None


def _access(store: Store) -> tuple[int, Break | None]:
    check = ChainCheck("access_log", "the access log", ACCESS_FIELDS)
    count = 0
    with store.read() as u:
        for entry in u.audit.access():
            count += 1
            if not check.feed(entry):
                return count, check.broken
        head = u.audit.access_head()
    if head is None and count:
        head = ""  # the head was removed: the end of the chain cannot be vouched for
    check.end(head)
    return count, check.broken


def verify(store: Store) -> AuditVerdict:
    """Walk every chain; the verdict names the first entry that breaks one (events first)."""
    events, cases, broken = _events(store)
    access, access_broken = _access(store)
    first = broken or access_broken
    return AuditVerdict(
        events=events,
        cases=cases,
        access_entries=access,
        broken=first.sentence() if first else None,
    )


__all__ = ["AuditVerdict", "verify"]
