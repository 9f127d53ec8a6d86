"""What ``workflow demo`` prints: what is on the board, who can sign in and with what, and how
to reach the pages and the API."""

from __future__ import annotations

import shlex

from workflow.services.demo.loader import Board
from workflow.services.demo.people import AGENCIES

SIGN_IN_URL = "http://127.0.0.1:5000/"


def describe(board: Board, config: str | None = None) -> list[str]:
    """The printout's lines: the cases by review type, a table of names, roles and passwords,
    then how to sign in (naming ``--config`` when one was given) and the reviewer's token."""
    lines = [
        f"Demo board ready: {len(board.cases)} cases ({board.new_cases} new), "
        f"{len(board.users)} users, agencies: {', '.join(AGENCIES)}.",
        "",
    ]
    by_type: dict[str, list[str]] = {}
    for c in board.cases:
        by_type.setdefault(c.review_type, []).append(f"{c.title} ({c.state})")
    lines += [f"{key}: {'; '.join(items)}" for key, items in by_type.items()]
    width = max(len(n) for n, _, _ in board.users)
    lines += [
        "",
        f"{'name':<{width}}  {'role':<13}  password",
        f"{'-' * width}  {'-' * 13}  --------",
    ]
    lines += [f"{n:<{width}}  {r:<13}  {p}" for n, r, p in board.users]
    serve = "workflow serve" if not config else f"workflow --config {shlex.quote(config)} serve"
    lines += [
        "",
        f"Sign in: run '{serve}', open {SIGN_IN_URL} and use a name and password above.",
        "These passwords are new on every run of 'workflow demo'; earlier ones no longer work.",
        f"API token for {board.token_user} (reviewer):",
        board.token,
        f'  curl -H "Authorization: Bearer <token>" {SIGN_IN_URL}api/v1/cases',
    ]
    return lines
