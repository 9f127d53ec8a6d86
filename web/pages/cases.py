"""Case pages: the blueprint of everything under ``/cases`` — one case (``case_page``), taking its
steps (here), recording its data (``case_data``), opening a case (``opening``), the list of all
cases and finding one by its reference.

Every read and change goes through the service, so the pages honour the same access rule as the
API: a case the person may not see is "not found" (404), whatever the URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from web.pages import case_data, helpers, opening
from web.pages.case_page import case_context, definition_of
from web.pages.dashboard import filter_form
from web.pages.datagroups import Spec, layout
from web.pages.forms import FindCaseForm, StepForm, step_form, stored_value
from workflow.core.definition import Transition
from workflow.core.errors import (
    InvalidInput,
    NotFound,
    TransitionBlocked,
    TransitionNotAllowed,
    VersionConflict,
)
from workflow.services import dashboard as board

PAGE_SIZE = 25
PROBLEM = "There is a problem"
STALE = (
    "Someone else changed this case while you were looking at it, so nothing was done. The page "
    "now shows the case as it is: check it, then take the step again."
)


def blueprint() -> Blueprint:
    bp = Blueprint("cases", __name__)
    bp.add_url_rule("/cases", view_func=all_cases)
    bp.add_url_rule("/cases/find", view_func=find)
    bp.add_url_rule("/cases/new", view_func=opening.choose_type)
    bp.add_url_rule("/cases/new/<key>", view_func=opening.open_case, methods=["GET", "POST"])
    bp.add_url_rule("/cases/<int:case_id>", view_func=show)
    bp.add_url_rule("/cases/<int:case_id>/steps/<trigger>", view_func=take_step, methods=["POST"])
    bp.add_url_rule(
        "/cases/<int:case_id>/record/<group_id>",
        view_func=case_data.record,
        methods=["GET", "POST"],
    )
    return bp


def show(case_id: int) -> str:
    case = helpers.service().get_case(helpers.actor(), case_id).model_dump(mode="json")
    return render_template("pages/case.html", **case_context(case))


# -- taking a step ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A step the service refused: the error summary's title, its items and the status."""

    title: str
    problems: list[dict[str, str]]
    status: int


def take_step(case_id: int, trigger: str) -> Any:
    svc = helpers.service()
    who = helpers.actor()
    case = svc.get_case(who, case_id).model_dump(mode="json")
    d = definition_of(case)
    t = d.find(trigger, case["state"])
    specs = [layout(d).spec(k) for k in t.records_date] if t else []
    form = step_form(trigger, specs, case["version"], formdata=request.form)
    if not form.validate():
        return _render_case(case, {trigger: form}, helpers.error_list(form), PROBLEM, 400)
    note = (form.note.data or "").strip()
    try:
        after = svc.transition(who, case_id, trigger, form.version(), note, _patch(specs, form))
    except VersionConflict:
        # Shown against the case as it is now, with fresh forms.
        problems = [{"text": STALE, "href": f"#step-{trigger}"}]
        return _render_case(
            svc.get_case(who, case_id).model_dump(mode="json"), {}, problems, PROBLEM, 409
        )
    except (TransitionBlocked, TransitionNotAllowed, InvalidInput) as exc:
        refused = _refusal(exc, t, trigger)
        problems = helpers.error_list(form) + refused.problems
        return _render_case(case, {trigger: form}, problems, refused.title, refused.status)
    done = f"Done: {_step_label(t, trigger)}. The case is now at {after.state_label}."
    opened = _opened(after, t)
    if opened is None:
        flash(done, "success")
    else:
        name = svc.definition(opened.review_type).name.lower()
        link = url_for("pages.cases.show", case_id=opened.id)
        # One string (flash takes text): the words, the address and the link's text.
        flash(f"{done} It opened the {name}\x1f{link}\x1f{opened.reference}", "opened")
    return redirect(url_for("pages.cases.show", case_id=case_id))


def _opened(after: Any, t: Transition | None) -> Any:
    """The case a step opened (a conversion), as the case now lists it; None when it opened
    none."""
    if t is None or t.opens is None:
        return None
    found = [c for c in after.linked_cases if str(c.relation) == "opened"]
    found = [c for c in found if c.review_type == t.opens.review_type] or found
    return max(found, key=lambda c: c.id) if found else None


def _step_label(t: Transition | None, trigger: str) -> str:
    return t.label if t and t.label else trigger


def _patch(specs: list[Spec], form: StepForm) -> dict[str, Any]:
    """The dates the step records, as the data they are kept in."""
    patch = {}
    for spec in specs:
        value = stored_value(spec, form[spec.name])
        if value is not None:
            patch[spec.path] = value
    return patch


def _refusal(
    exc: TransitionBlocked | TransitionNotAllowed | InvalidInput,
    t: Transition | None,
    trigger: str,
) -> Refusal:
    href = f"#step-{trigger}"
    if isinstance(exc, TransitionBlocked):
        label = _step_label(t, trigger)
        title = f"You cannot {label[0].lower() + label[1:]} yet"
        return Refusal(title, [{"text": s, "href": href} for s in exc.details], 422)
    problems = [{"text": exc.message, "href": href}]
    problems += [{"text": s, "href": href} for s in exc.details]
    return Refusal(PROBLEM, problems, 409 if isinstance(exc, TransitionNotAllowed) else 400)


def _render_case(
    case: Mapping[str, Any],
    forms: Mapping[str, StepForm],
    problems: list[dict[str, str]],
    title: str,
    status: int,
) -> tuple[str, int]:
    context = case_context(case, forms)
    return (
        render_template("pages/case.html", problems=problems, problem_title=title, **context),
        status,
    )


# -- lists ------------------------------------------------------------------------------------


def all_cases() -> str:
    svc = helpers.service()
    types = board.review_types(svc)
    form, review_type, state = filter_form(types)
    overdue = request.args.get("overdue") == "true"
    page = svc.list_cases(
        helpers.actor(),
        review_type=review_type or None,
        state=state or None,
        overdue=overdue,
        limit=PAGE_SIZE,
        after=request.args.get("after", type=int),
    )
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "after" and v}
    next_link = None
    if page.next_after is not None:
        next_link = url_for("pages.cases.all_cases", after=page.next_after, **args)
    return render_template(
        "pages/cases.html",
        form=form,
        overdue=overdue,
        items=page.items,
        names={t.key: t.name for t in types},
        next_link=next_link,
        first=request.args.get("after") is None,
        first_link=url_for("pages.cases.all_cases", **args),
        nav="cases",
    )


def find() -> Any:
    form = FindCaseForm(request.args)
    reference = (form.reference.data or "").strip().upper()
    if reference and form.validate():
        try:
            case = helpers.service().find_case(helpers.actor(), reference)
        except NotFound:
            form.reference.errors = [f"There is no case {reference} that you can see"]
        else:
            return redirect(url_for("pages.cases.show", case_id=case.id))
    elif not reference:
        form.reference.errors = ["Enter a case reference, like NI-2026-3F2A1B"]
    return (
        render_template("pages/find.html", form=form, problems=helpers.error_list(form)),
        404 if reference else 400,
    )
