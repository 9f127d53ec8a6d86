"""Command-line commands for time: ``tick``, ``scheduler`` and ``report timeliness``.

They join the ``workflow`` group through ``register(group)``; settings come from the group's
``--config`` option (or ``WORKFLOW_CONFIG``) like every other command. ``python -m
workflow.cli.time`` runs the same commands on their own. Input is checked here, where it
enters: an instant, a day; the services take them typed.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, date, datetime, time
from typing import Any

import click

from workflow.core.calendar import LONDON
from workflow.core.errors import InvalidInput, WorkflowError
from workflow.runtime import build_service, require_current_schema
from workflow.services.cases import Service
from workflow.services.reports import timeliness as reports
from workflow.services.time.notices import deliver_due
from workflow.services.time.senders import make_sender
from workflow.services.time.sweep import Sweeper
from workflow.settings import Settings, load_settings


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant. One without an offset (``2026-12-08T09:00`` or a bare date, read
    as its midnight) is London time, the product's time zone."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=LONDON).astimezone(
                UTC
            )
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 instant; write it like 2026-12-08T09:00:00+00:00."
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=LONDON)
    return instant.astimezone(UTC)


def parse_day(value: str | None, name: str) -> date | None:
    """A day written like ``2026-04-01``; None when not given."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            f"{name} must be a date written like 2026-04-01; got {value!r}.",
            [f"{name}: not a date"],
        ) from None


class _Context:
    """Settings and service of the running command: the group's own when it keeps them
    (``ctx.obj`` of ``workflow``), else built here from ``--config``."""

    def __init__(self, ctx: click.Context) -> None:
        self.ctx = ctx
        self.obj = ctx.find_root().obj
        self.config = ctx.find_root().params.get("config")
        self._settings: Settings | None = None
        self._service: Service | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            found = getattr(self.obj, "settings", None)
            self._settings = found if isinstance(found, Settings) else load_settings(self.config)
        return self._settings

    @property
    def service(self) -> Service:
        if self._service is None:
            found = getattr(self.obj, "service", None) if self.obj is not None else None
            if isinstance(found, Service):
                self._service = found
            else:
                self._service = build_service(self.settings)
                self.ctx.call_on_close(self._service.store.dispose)
        return self._service


def _require_schema(service: Service) -> None:
    require_current_schema(service)


@click.command()
@click.option(
    "--at",
    "at",
    metavar="INSTANT",
    default=None,
    help="Sweep as of this ISO 8601 instant (default: now); without an offset, London time.",
)
@click.pass_context
def tick(ctx: click.Context, at: str | None) -> None:
    """Run one sweep: fire every deadline due, then deliver the notices due.

    Prints one JSON object a line for each deadline fired, with at least case (reference),
    deadline (name), due_at and fired_at. Safe to run from several places at once: each
    deadline fires exactly once.
    """
    rt = _Context(ctx)
    settings, service = rt.settings, rt.service
    now = parse_instant(at) if at else service.now()
    _require_schema(service)
    sweeper = Sweeper(
        service, lease_seconds=settings.scheduler.lease_seconds, batch=settings.scheduler.batch
    )
    fired = sweeper.sweep(now)
    for item in fired:
        click.echo(json.dumps(item.as_json()))
    deliver_due(
        service,
        make_sender(settings),
        now,
        owner=sweeper.owner,
        lease_seconds=settings.scheduler.lease_seconds,
        batch=settings.scheduler.batch,
    )


@click.command("scheduler")
@click.pass_context
def scheduler_command(ctx: click.Context) -> None:
    """Run the scheduler alone (for deployments with several web processes) until stopped."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO,
            stream=sys.stderr,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    # Imported here: APScheduler takes about 0.4 s to import, which every other command
    # (a tick run from cron, above all) would pay for nothing.
    from workflow import scheduler

    rt = _Context(ctx)
    _require_schema(rt.service)
    scheduler.run_forever(rt.settings, rt.service)


@click.group()
def report() -> None:
    """Reports for the board."""


@report.command("timeliness")
@click.option("--review-type", default=None, metavar="KEY", help="One review type (default: all).")
@click.option(
    "--from",
    "start",
    default=None,
    metavar="DATE",
    help="First due date counted, e.g. 2026-04-01 (default: no limit).",
)
@click.option(
    "--to",
    "end",
    default=None,
    metavar="DATE",
    help="Last due date counted, e.g. 2027-03-31 (default: no limit).",
)
@click.pass_context
def timeliness(
    ctx: click.Context, review_type: str | None, start: str | None, end: str | None
) -> None:
    """Deadlines met on time, met late, missed and open, by kind, with median and worst
    lateness in days, as JSON."""
    service = _Context(ctx).service
    result = reports.timeliness(
        service, review_type, parse_day(start, "--from"), parse_day(end, "--to")
    )
    click.echo(json.dumps(result.model_dump(mode="json", by_alias=True), indent=2))


def register(group: click.Group) -> None:
    group.add_command(tick)
    group.add_command(scheduler_command)
    group.add_command(report)


class _Standalone(click.Group):
    """Typed errors become their message on standard error and exit 1, as in ``workflow``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkflowError as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(1) from exc


@click.group(cls=_Standalone)
@click.option("--config", "config", metavar="PATH", default=None, help="Settings file.")
def main(config: str | None) -> None:
    """Time commands of the safeguarding case review workflow."""


register(main)

if __name__ == "__main__":
    main()
