"""The deployment that grows (issue 11, README "Several processes"): two ``workflow serve
--no-scheduler`` and two ``workflow scheduler`` processes on one PostgreSQL database, under
load. Every acknowledged write is kept, a case changed through both servers at once keeps
exactly one of the two changes (the other gets 409), and every deadline falls due and fires
exactly once. Not timed: it waits for the outcome (up to two minutes), and asserts counts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))


@pytest.mark.slow
def test_two_servers_and_two_schedulers_keep_every_write_and_fire_each_deadline_once(
    db: Engine, db_url: str, tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes are the PostgreSQL deployment (SQLite: one process)")
    db.dispose()
    import bench_processes

    result = bench_processes.run(db_url, tmp_path, cases=24, deadlines=8, settle=5.0)
    assert result.other == []
    assert result.lost == []
    assert result.acknowledged == 24  # one of the two changes of each case
    assert result.conflicts == 24
    assert result.misfired == []
    assert result.fired_once == result.deadlines == 8
