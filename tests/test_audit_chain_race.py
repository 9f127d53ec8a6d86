"""Readers racing to log their reads still leave one unbroken access-log chain: the chain's head
is locked while an entry is linked (PostgreSQL: FOR UPDATE), and ``seq`` is unique."""

from __future__ import annotations

import threading

from workflow.core.roles import Actor
from workflow.services import audit
from workflow.services.cases import Service

READERS = 4
READS = 5


def test_racing_readers_keep_one_unbroken_access_chain(service: Service, reviewer: Actor) -> None:
    case = service.open_case(reviewer, "notifiable_incident", "Child A", {"aware_at": "2026-11-27"})
    before = audit.verify(service.store).access_entries
    barrier = threading.Barrier(READERS)
    errors: list[BaseException] = []

    def read() -> None:
        barrier.wait()
        for _ in range(READS):
            try:
                service.get_case(reviewer, case.id)
            except BaseException as exc:  # kept, to be reported by the test thread
                errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    verdict = audit.verify(service.store)
    assert verdict.intact, verdict.broken
    assert verdict.access_entries == before + READERS * READS
