"""Building the running product from settings: one engine, one calendar, one service."""

from __future__ import annotations

from workflow.core.calendar import WorkingCalendar
from workflow.core.errors import InvalidInput
from workflow.services.cases import Service
from workflow.settings import Settings
from workflow.store.db import make_engine
from workflow.store.unit import Store


def build_service(settings: Settings) -> Service:
    if settings.database_url.startswith("sqlite:///"):
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    calendar = WorkingCalendar(settings.calendar.closure_days)
    return Service(
        Store(make_engine(settings.database_url)),
        calendar,
        page_size=settings.page_size,
        offered=settings.framework.review_types,
        annual_start_month=settings.reports.annual_start_month,
    )


def require_current_schema(service: Service) -> None:
    """Refuse to go on, in one sentence, when the database has no schema yet or an old one."""
    if not service.store.schema_is_current():
        raise InvalidInput(
            "The database has no schema yet or an old one: run 'workflow init' first."
        )
