"""Building the running product from settings: one engine, one calendar, one service."""

from __future__ import annotations

from workflow.calendar import WorkingCalendar
from workflow.config import Settings
from workflow.db import make_engine
from workflow.service import Service


def build_service(settings: Settings) -> Service:
    if settings.database_url.startswith("sqlite:///"):
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    calendar = WorkingCalendar(settings.closure_days)
    return Service(make_engine(settings.database_url), calendar, page_size=settings.page_size)
