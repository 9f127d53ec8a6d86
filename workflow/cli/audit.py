"""``workflow audit verify``: check every hash chain of the audit trail (exit 0 when intact,
1 naming the first entry that is not)."""

from __future__ import annotations

import click

from workflow.cli.context import Runtime, fail
from workflow.services import audit as audit_service


@click.group()
def audit() -> None:
    """Check the audit trail (events and access log)."""


@audit.command("verify")
@click.pass_obj
def verify(rt: Runtime) -> None:
    """Walk each case's events and the access log, checking every entry's hash against its
    content and the entry before it: exit 0 when every chain is intact, else 1 naming the
    first entry that is not."""
    verdict = audit_service.verify(rt.service.store)
    checked = (
        f"{verdict.events} events of {verdict.cases} cases and "
        f"{verdict.access_entries} access-log entries"
    )
    if verdict.broken is not None:
        fail(
            f"The audit trail has been tampered with: {verdict.broken}.",
            [f"Checked up to there: {checked}."],
        )
    click.echo(f"The audit trail is intact: {checked} checked.")


def register(group: click.Group) -> None:
    group.add_command(audit)
