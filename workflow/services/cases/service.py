"""``Service``: what every use case works with (the store, the calendar, the clock, the one
definition cache, the page size), and the case use cases as its methods.

Each method is one unit of work (see the modules it calls: ``opening``, ``steps``, ``reading``,
``review_types``). The API hands the typed commands it validated to ``open``, ``take_step``,
``change_data`` and ``page_of_cases``; Python callers may pass loose values to ``open_case``,
``transition``, ``update_data`` and ``list_cases``, which make the same commands (a refusal is an
``InvalidInput`` naming each field).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Definition
from workflow.core.roles import Actor
from workflow.services import catalog
from workflow.services.cases import opening, reading, review_types, steps
from workflow.services.cases.commands import CaseQuery, ChangeData, OpenCase, TakeStep
from workflow.services.cases.results import CasePage, CaseView, EventView
from workflow.services.cases.review_types import Published, ReviewTypeDetail, ReviewTypeSummary
from workflow.services.validation import command
from workflow.store.unit import Engine, Store

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Service:
    """The product's use cases on one store; other areas are modules of functions that take it."""

    def __init__(
        self,
        store: Store,
        calendar: WorkingCalendar,
        clock: Clock = utc_now,
        page_size: int = 50,
        offered: tuple[str, ...] = (),
        annual_start_month: int = 1,
    ) -> None:
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.page_size = page_size
        #: The review types the board's framework offers for new cases (empty: every one).
        self.offered = tuple(offered)
        #: The month the annual report's year starts (config ``[reports] annual_start_month``).
        self.annual_start_month = annual_start_month
        self.definitions = catalog.DEFINITIONS

    @property
    def db(self) -> Engine:
        """The database engine (while areas still open sessions of their own)."""
        return self.store.engine

    def now(self) -> datetime:
        now = self.clock()
        return now if now.tzinfo else now.replace(tzinfo=UTC)

    # -- review types -------------------------------------------------------------------------

    def publish(
        self, actor: Actor, source: str, file: str = "<request>", expected_key: str | None = None
    ) -> Published:
        return review_types.publish(self, actor, source, file, expected_key)

    def publish_missing(self, folder: Path, by: str = "workflow init") -> list[Published]:
        """Publish each definition file as version 1 of its review type where none exists."""
        return review_types.publish_missing(self, folder, by)

    def review_types(self) -> list[ReviewTypeSummary]:
        return review_types.review_types(self)

    def review_type(self, key: str, version: int | None = None) -> ReviewTypeDetail:
        return review_types.review_type(self, key, version)

    def definition(self, key: str, version: int | None = None) -> Definition:
        return review_types.definition(self, key, version)

    # -- cases: typed commands ------------------------------------------------------------------

    def open(self, actor: Actor, cmd: OpenCase) -> CaseView:
        return opening.open_case(self, actor, cmd)

    def take_step(self, actor: Actor, case_id: int, cmd: TakeStep) -> CaseView:
        return steps.take_step(self, actor, case_id, cmd)

    def change_data(
        self, actor: Actor, case_id: int, cmd: ChangeData, prepare: steps.Prepare | None = None
    ) -> CaseView:
        """Merge ``cmd.data`` into the case's data; ``prepare`` (a use case's own work in the
        same transaction) may add values no data form writes (see ``steps.change_data``)."""
        return steps.change_data(self, actor, case_id, cmd, prepare)

    def page_of_cases(self, actor: Actor, query: CaseQuery) -> CasePage:
        """Newest first, keyset-paged by id: pass ``after`` = the last page's ``next_after``."""
        return reading.list_cases(self, actor, query)

    # -- cases: loose values, validated into the commands -------------------------------------

    def open_case(
        self, actor: Actor, review_type: str, title: str, data: Mapping[str, Any]
    ) -> CaseView:
        cmd = command(
            OpenCase, "The case was not opened.", review_type=review_type, title=title, data=data
        )
        return self.open(actor, cmd)

    def transition(
        self,
        actor: Actor,
        case_id: int,
        trigger: str,
        expected_version: int | None,
        note: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> CaseView:
        cmd = command(
            TakeStep,
            "The step was not taken.",
            trigger=trigger,
            expected_version=expected_version,
            note=note or "",
            data={} if data is None else data,
        )
        return self.take_step(actor, case_id, cmd)

    def update_data(
        self,
        actor: Actor,
        case_id: int,
        patch: Mapping[str, Any],
        expected_version: int | None,
        note: str = "",
    ) -> CaseView:
        cmd = command(
            ChangeData,
            "The change was not saved.",
            data=patch,
            expected_version=expected_version,
            note=note or "",
        )
        return self.change_data(actor, case_id, cmd)

    def list_cases(
        self,
        actor: Actor,
        review_type: str | None = None,
        state: str | None = None,
        overdue: bool = False,
        limit: int | None = None,
        after: int | None = None,
    ) -> CasePage:
        """Newest first, keyset-paged by id: pass ``after`` = the last page's ``next_after``."""
        # Typed values from Python, not a query string: a page size out of bounds is kept
        # within them rather than refused, as it always was.
        query = CaseQuery.model_construct(
            review_type=review_type or "",
            state=state or "",
            overdue=overdue,
            limit=limit,
            after=after,
        )
        return reading.list_cases(self, actor, query)

    # -- cases: reading -------------------------------------------------------------------------

    def get_case(self, actor: Actor, case_id: int) -> CaseView:
        return reading.get_case(self, actor, case_id)

    def find_case(self, actor: Actor, reference: str) -> CaseView:
        return reading.find_case(self, actor, reference)

    def events(self, actor: Actor, case_id: int) -> list[EventView]:
        return reading.events(self, actor, case_id)

    def count_cases(self) -> int:
        with self.store.read() as u:
            return u.cases.count()
