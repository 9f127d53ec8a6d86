"""The dashboard: what the signed-in person should act on, what falls due, what was escalated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages.forms import AcknowledgeForm, FilterForm, FindCaseForm, options
from workflow.services import dashboard as board
from workflow.services.time import escalations

PAGE_SIZE = 20
SOON = 5  # working days ahead that count as "due soon"
MAX_AGENCY = 300  # characters of the agency filter that are looked for


def blueprint() -> Blueprint:
    bp = Blueprint("dashboard", __name__)
    bp.add_url_rule("/", view_func=index)
    bp.add_url_rule(
        "/escalations/<int:escalation_id>/acknowledge", view_func=acknowledge, methods=["POST"]
    )
    return bp


def acknowledge(escalation_id: int) -> Response:
    """Say the escalation is in hand: it leaves the open list, and the case's timeline says who."""
    form = AcknowledgeForm()
    if form.validate_on_submit():
        done = escalations.acknowledge(helpers.service(), helpers.actor(), escalation_id)
        flash(f"Acknowledged the escalation on {done.case}.", "success")
    return redirect(url_for("pages.dashboard.index") + "#escalations")


def filter_form(types: list[board.ReviewTypeChoice]) -> tuple[FilterForm, str, str]:
    """The filter form with its choices, and the review type and stage chosen (if known)."""
    form = FilterForm(request.args)
    form.review_type.choices = options(
        [("", "All review types"), *[(t.key, t.name) for t in types]]
    )
    chosen = next((t for t in types if t.key == form.review_type.data), None)
    states: dict[str, str] = {}
    for t in [chosen] if chosen else types:
        for s in t.states:
            states.setdefault(s.key, s.label)
    form.state.choices = options(
        [("", "All stages"), *sorted(states.items(), key=lambda kv: kv[1])]
    )
    state = form.state.data if form.state.data in states else ""
    return form, chosen.key if chosen else "", state or ""


def _int_arg(name: str) -> int | None:
    """A page cursor from the query string; one that is not a number starts at the first page."""
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() else None


def _query(form: FilterForm, review_type: str, state: str) -> board.BoardQuery:
    return board.BoardQuery(
        review_type=review_type,
        state=state,
        agency=" ".join((form.agency.data or "").split())[:MAX_AGENCY],
        cases_after=_int_arg("cases_after"),
        deadlines_after=board.deadline_key(request.args.get("deadlines_after")),
        escalations_after=_int_arg("escalations_after"),
        limit=PAGE_SIZE,
        soon=SOON,
    )


def _page_link(param: str, after: object | None) -> str | None:
    """The link to the next page of one list, keeping the filters (not the other lists' pages)."""
    if after is None:
        return None
    args: dict[str, Any] = {k: v for k, v in request.args.items() if not k.endswith("_after") and v}
    args[param] = after
    return url_for("pages.dashboard.index", **args) + f"#{param.removesuffix('_after')}"


@dataclass(frozen=True)
class DueRow:
    """A deadline as the board shows it: in words and a tag colour, as of today."""

    line: board.DueLine
    words: str
    colour: str


def index() -> str:
    svc = helpers.service()
    who = helpers.actor()
    types = board.review_types(svc)
    form, review_type, state = filter_form(types)
    query = _query(form, review_type, state)
    shown = board.board(svc, who, query)
    due_rows = []
    for line in shown.due.items:
        words, colour = helpers.deadline_words(
            line.due_date, line.status, shown.today, svc.calendar
        )
        due_rows.append(DueRow(line, words, colour))
    return render_template(
        "pages/dashboard.html",
        form=form,
        find_form=FindCaseForm(),
        filtered=bool(query.review_type or query.state or query.agency),
        agencies=shown.agencies,
        action_rows=shown.action.items,
        action_next=_page_link("cases_after", shown.action.next_after),
        due_rows=due_rows,
        due_next=_page_link("deadlines_after", shown.due.next_after),
        escalations=shown.escalations.items,
        escalations_next=_page_link("escalations_after", shown.escalations.next_after),
        soon=SOON,
        can_open=[t for t in types if who.role in t.open_roles],
        nav="dashboard",
    )
