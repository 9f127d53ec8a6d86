"""The dashboard: what the signed-in person should act on, what falls due, what was escalated."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages.forms import AcknowledgeForm, FilterForm, FindCaseForm, options
from workflow.core.definition import Definition
from workflow.services import dashboard as queries
from workflow.services.time import escalations

PAGE_SIZE = 20
SOON = 5  # working days ahead that count as "due soon"


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
        flash(f"Acknowledged the escalation on {done['case']}.", "success")
    return redirect(url_for("pages.dashboard.index") + "#escalations")


def filter_form(types: list[queries.ReviewType]) -> tuple[FilterForm, str, str]:
    """The filter form with its choices, and the review type and stage chosen (if known)."""
    form = FilterForm(request.args)
    form.review_type.choices = options(
        [("", "All review types"), *[(t.key, t.name) for t in types]]
    )
    chosen = next((t for t in types if t.key == form.review_type.data), None)
    states: dict[str, str] = {}
    for t in [chosen] if chosen else types:
        for s in t.definition.states.values():
            states.setdefault(s.key, s.label)
    form.state.choices = options(
        [("", "All stages"), *sorted(states.items(), key=lambda kv: kv[1])]
    )
    state = form.state.data if form.state.data in states else ""
    return form, chosen.key if chosen else "", state or ""


def _filters(types: list[queries.ReviewType]) -> tuple[FilterForm, queries.Filters]:
    form, review_type, state = filter_form(types)
    agency = " ".join((form.agency.data or "").split())[:300]
    return form, queries.Filters(review_type, state, agency)


def _page_link(param: str, after: str | None) -> str | None:
    if after is None:
        return None
    args: dict[str, Any] = {k: v for k, v in request.args.items() if not k.endswith("_after") and v}
    args[param] = after
    return url_for("pages.dashboard.index", **args) + f"#{param.removesuffix('_after')}"


def index() -> str:
    svc = helpers.service()
    who = helpers.actor()
    types = queries.review_types(svc.db)
    names = {t.key: t.name for t in types}
    form, filters = _filters(types)
    day = helpers.today()
    horizon = svc.calendar.end_of_day(svc.calendar.add_working_days(day, SOON))
    defs: dict[int, Definition] = queries.definitions(svc.db)
    args = request.args

    start = queries.candidates(svc.db, who, filters)
    action = queries.needing_action(svc.db, who, filters, args.get("cases_after"), PAGE_SIZE, start)
    action_rows = []
    for row in action.items:
        d = defs.get(row.definition_id)
        steps = [
            t.label or t.trigger
            for t in (d.transitions_from(row.state) if d else ())
            if who.role in t.roles
        ]
        action_rows.append(
            {
                "row": row,
                "type": names.get(row.review_type, row.review_type),
                "stage": d.label_of(row.state) if d else row.state,
                "steps": steps,
            }
        )

    due = queries.deadlines_due(
        svc.db, who, horizon, filters, args.get("deadlines_after"), PAGE_SIZE, start
    )
    due_rows = []
    for drow in due.items:
        words, colour = helpers.deadline_words(drow.due_date, drow.status, day, svc.calendar)
        d = defs.get(drow.definition_id)
        due_rows.append(
            {
                "row": drow,
                "words": words,
                "colour": colour,
                "type": names.get(drow.review_type, drow.review_type),
                "stage": d.label_of(drow.state) if d else drow.state,
                "overdue": "govuk-tag--red" in colour,
            }
        )

    raised = queries.open_escalations(
        svc.db, who, filters, args.get("escalations_after"), PAGE_SIZE, start
    )
    can_open = [t for t in types if who.role in t.definition.open_roles]
    return render_template(
        "pages/dashboard.html",
        form=form,
        find_form=FindCaseForm(),
        filtered=bool(filters.review_type or filters.state or filters.agency),
        agencies=queries.known_agencies(svc.db),
        action_rows=action_rows,
        action_next=_page_link("cases_after", action.next_after),
        due_rows=due_rows,
        due_next=_page_link("deadlines_after", due.next_after),
        escalations=raised.items,
        escalations_next=_page_link("escalations_after", raised.next_after),
        names=names,
        today=day,
        soon=SOON,
        can_open=can_open,
        nav="dashboard",
    )
