"""What ``workflow demo`` prints: what is on the board, a one-line summary of the first sweep
(its notices are not printed in full, so the sign-in table stays on the screen), who can sign in
with what (and each agency user's agency), and how to reach the pages and the API at the
address ``serve`` will listen on."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from workflow.services.cases import Service
from workflow.services.demo.loader import Board
from workflow.services.demo.people import AGENCIES, USERS
from workflow.settings import Settings

SIGN_IN_URL = "http://127.0.0.1:5000/"


@dataclass(frozen=True)
class FirstSweep:
    """What the first sweep on the board did: deadlines fired, notices delivered or waiting."""

    fired: int
    delivered: int
    waiting: int
    sender: str


def first_sweep(service: Service, settings: Settings) -> FirstSweep:
    """Fire the deadlines already due on the board and deliver their notices now, so the
    server's first sweep does not flood the screen with them."""
    from workflow.services.time.notices import deliver_due
    from workflow.services.time.senders import make_sender
    from workflow.services.time.sweep import Sweeper

    now = service.now()
    sweeper = Sweeper(service, lease_seconds=settings.scheduler.lease_seconds)
    fired = sweeper.sweep(now)
    delivery = deliver_due(service, make_sender(settings), now, owner=sweeper.owner)
    waiting = len(delivery.retrying) + len(delivery.failed)
    return FirstSweep(len(fired), len(delivery.delivered), waiting, str(settings.notices.sender))


def _sweep_line(swept: FirstSweep) -> str:
    line = (
        f"First sweep: {swept.fired} overdue deadline(s) fired; {swept.delivered} notice(s) "
        f"delivered by the '{swept.sender}' sender"
    )
    if swept.waiting:
        line += f", {swept.waiting} to be retried"
    return line + " (see GET /api/v1/escalations?open=true)."


def _user_table(board: Board) -> list[str]:
    agencies = {u.name: ", ".join(u.agencies) for u in USERS}
    width = max(len(n) for n, _, _ in board.users)
    rows = [(n, r, p, agencies.get(n, "")) for n, r, p in board.users]
    agency_width = max([len("agency"), *(len(a) for *_, a in rows)])
    lines = [
        f"{'name':<{width}}  {'role':<13}  {'agency':<{agency_width}}  password",
        f"{'-' * width}  {'-' * 13}  {'-' * agency_width}  --------",
    ]
    lines += [f"{n:<{width}}  {r:<13}  {a or '-':<{agency_width}}  {p}" for n, r, p, a in rows]
    return lines


def describe(
    board: Board,
    config: str | None = None,
    *,
    url: str = SIGN_IN_URL,
    swept: FirstSweep | None = None,
) -> list[str]:
    """The printout's lines: the cases by review type, the first sweep in one line, a table of
    names, roles, agencies and passwords, then how to sign in at ``url`` (naming ``--config``
    when one was given) and the reviewer's token."""
    lines = [
        f"Demo board ready: {len(board.cases)} cases ({board.new_cases} new), "
        f"{len(board.users)} users, agencies: {', '.join(AGENCIES)}.",
        "",
    ]
    by_type: dict[str, list[str]] = {}
    for c in board.cases:
        by_type.setdefault(c.review_type, []).append(f"{c.title} ({c.state})")
    lines += [f"{key}: {'; '.join(items)}" for key, items in by_type.items()]
    if swept is not None:
        lines += ["", _sweep_line(swept)]
    lines += ["", *_user_table(board)]
    serve = "workflow serve" if not config else f"workflow --config {shlex.quote(config)} serve"
    lines += [
        "",
        f"Sign in: run '{serve}', open {url} and use a name and password above.",
        "These passwords are new on every run of 'workflow demo'; earlier ones no longer work.",
        f"API token for {board.token_user} (reviewer):",
        board.token,
        f'  curl -H "Authorization: Bearer <token>" {url}api/v1/cases',
    ]
    return lines
