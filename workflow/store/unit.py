"""Units of work: one database transaction each, and the repositories that work inside it.

Above the store, nothing opens a session or writes SQL: a service asks the ``Store`` for a unit
(``store.write()`` for a transaction that changes something, ``store.read()`` for one that only
reads), and calls the repository of each aggregate on it (``unit.cases``, ``unit.catalog``…).
Everything written in a unit commits together when the ``with`` block ends, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from workflow.core.errors import VersionConflict
from workflow.store import wakeups
from workflow.store.accounts import AccountsRepository, CalendarFeedRepository
from workflow.store.admin import AdminRepository
from workflow.store.agencies import AgencyRepository
from workflow.store.audit import AuditRepository
from workflow.store.cases import CaseRepository
from workflow.store.catalog import CatalogRepository
from workflow.store.dashboard import DashboardRepository
from workflow.store.db import queued, writing
from workflow.store.deadlines import DeadlineRepository
from workflow.store.demo import DemoRepository
from workflow.store.escalations import EscalationRepository
from workflow.store.learning import LearningRepository
from workflow.store.notices import NoticeRepository
from workflow.store.publication import PublicationRepository
from workflow.store.records import DocumentRepository, RecordRepository, ThemeRepository
from workflow.store.reports import ReportsReadModel
from workflow.store.sign_ins import SignInRepository

#: What may end a unit of work through no fault of its own, so that trying it again at once may
#: succeed: a concurrent change of the same case, or the database choosing the transaction as a
#: deadlock victim (or timing out on a lock).
RETRYABLE: tuple[type[Exception], ...] = (VersionConflict, OperationalError)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction that writes, as a bare session (for the store's own code and tests).
    On SQLite the process's writers queue on one lock first (readers do not)."""
    with queued(engine), Session(writing(engine), expire_on_commit=False) as session:
        try:
            with session.begin():
                yield session
                wakeups.before_commit(session)
        except StaleDataError as exc:
            raise VersionConflict(
                "Someone else changed this case at the same moment; reload it and try again."
            ) from exc
        wakeups.after_commit(session)


class Unit:
    """One transaction, and the repository of each aggregate inside it."""

    def __init__(self, session: Session, memo: dict[Any, Any] | None = None) -> None:
        self._session = session
        #: What the store keeps between units (e.g. the definition of a published version,
        #: which never changes): the store's own dict, shared by its units.
        self.memo: dict[Any, Any] = {} if memo is None else memo

    def flush(self) -> None:
        """Send what is pending to the database now (its checks run here), without committing."""
        self._session.flush()

    @cached_property
    def catalog(self) -> CatalogRepository:
        return CatalogRepository(self._session)

    @cached_property
    def agencies(self) -> AgencyRepository:
        return AgencyRepository(self._session)

    @cached_property
    def cases(self) -> CaseRepository:
        return CaseRepository(self._session)

    @cached_property
    def records(self) -> RecordRepository:
        return RecordRepository(self._session)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self._session)

    @cached_property
    def themes(self) -> ThemeRepository:
        return ThemeRepository(self._session)

    @cached_property
    def documents(self) -> DocumentRepository:
        return DocumentRepository(self._session)

    @cached_property
    def accounts(self) -> AccountsRepository:
        return AccountsRepository(self._session)

    @cached_property
    def sign_ins(self) -> SignInRepository:
        return SignInRepository(self._session)

    @cached_property
    def feeds(self) -> CalendarFeedRepository:
        return CalendarFeedRepository(self._session)

    @cached_property
    def admin(self) -> AdminRepository:
        return AdminRepository(self._session)

    @cached_property
    def demo(self) -> DemoRepository:
        return DemoRepository(self._session)

    @cached_property
    def deadlines(self) -> DeadlineRepository:
        return DeadlineRepository(self._session)

    @cached_property
    def escalations(self) -> EscalationRepository:
        return EscalationRepository(self._session)

    @cached_property
    def notices(self) -> NoticeRepository:
        return NoticeRepository(self._session)

    @cached_property
    def learning(self) -> LearningRepository:
        return LearningRepository(self._session)

    @cached_property
    def publication(self) -> PublicationRepository:
        return PublicationRepository(self._session)

    @cached_property
    def reports(self) -> ReportsReadModel:
        return ReportsReadModel(self._session)

    @cached_property
    def dashboard(self) -> DashboardRepository:
        return DashboardRepository(self._session)


class Store:
    """The database the product keeps its cases in: hands out units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.memo: dict[Any, Any] = {}

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Unit]:
        """A transaction that writes: it commits when the block ends, or rolls back on an error.
        On SQLite it takes the write lock up front (BEGIN IMMEDIATE)."""
        with unit_of_work(self.engine) as session:
            yield Unit(session, self.memo)

    @contextmanager
    def read(self) -> Iterator[Unit]:
        """A transaction that only reads (rolled back at the end; on SQLite it never waits on a
        writer)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield Unit(session, self.memo)

    def upgrade_schema(self) -> None:
        """Create the schema, or bring it to the newest migration; safe to run again."""
        from workflow.store import schema  # Alembic is slow to import: only when needed

        schema.upgrade(self.engine)

    def schema_is_current(self) -> bool:
        """Whether the database holds the schema of this version of the product (``workflow
        init`` makes it so); False when there is none yet, or the database cannot be reached."""
        # Imported here: Alembic takes about a third of a second to import, and only the
        # commands that check the schema need it, not every process that opens the store.
        from workflow.store import schema

        try:
            return schema.is_current(self.engine)
        except SQLAlchemyError:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


#: ``Engine`` is re-exported for the services that still hand the engine on (``service.db``).
__all__ = ["RETRYABLE", "Engine", "Store", "Unit", "unit_of_work"]
