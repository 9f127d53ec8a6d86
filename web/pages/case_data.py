"""Recording one data group of a case (the criteria answers, the scoping, the lead reviewer...):
its form, each problem beside the field it names, and a conflicting edit shown with the values
someone else saved, never overwritten silently."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages.case_page import definition_of, summary
from web.pages.datagroups import Group, layout, lookup, nested_patch
from web.pages.forms import group_form, group_values, options
from workflow.core.definition import Definition
from workflow.core.errors import InvalidInput, PermissionDenied, VersionConflict
from workflow.core.events import EventKind
from workflow.core.fields import FieldKind
from workflow.core.roles import Actor, a_role
from workflow.services import access
from workflow.services.agencies.register import list_agencies

CONFLICT = (
    "Someone else changed this case after you opened this page, so your changes were not saved. "
    "Check the values they saved, shown below, then save again to replace them with yours."
)


@dataclass(frozen=True)
class Outcome:
    """What the record page shows after a save that did not go through."""

    problems: list[dict[str, str]]
    conflict: dict[str, Any] | None
    status: int


def record(case_id: int, group_id: str) -> Any:
    svc = helpers.service()
    who = helpers.actor()
    case = svc.get_case(who, case_id).model_dump(mode="json")
    if who.role not in access.EDIT_DATA:
        raise PermissionDenied(
            f"{a_role(who.role).capitalize()} may not "
            "change a case's data; ask someone with the role "
            f"{' or '.join(sorted(access.EDIT_DATA))}."
        )
    d, group = _group(case, group_id)
    group, offered = registered(group)
    if case["final"] or request.method == "GET":
        form = offer(group_form(group, case["data"], case["version"]), group, offered, case)
        return _render(case, d, group, form, Outcome([], None, 200))
    form = offer(
        group_form(group, case["data"], case["version"], request.form), group, offered, case
    )
    if not form.validate():
        return _render(case, d, group, form, Outcome([], None, 400))
    patch = nested_patch(group.fields, group_values(group, form, case["data"]), case["data"])
    if not patch:
        flash(f"Nothing changed in {group.title.lower()}.", "info")
        return _after(case_id, group)
    try:
        svc.update_data(who, case_id, patch, form.version())
    except VersionConflict:
        case = svc.get_case(who, case_id).model_dump(mode="json")
        d, group = _group(case, group_id)
        form.expected_version.data = str(case["version"])
        return _render(case, d, group, form, Outcome([], _conflict(who, case, group), 409))
    except InvalidInput as exc:
        return _render(case, d, group, form, Outcome(_attach(form, group, exc), None, 400))
    flash(f"Saved: {group.title}.", "success")
    return _after(case_id, group)


#: The data chosen from the board's register of agencies (ticked), when it keeps one.
REGISTERED = ("agencies", "lead_reviewer.organisations")


def registered(group: Group) -> tuple[Group, list[str]]:
    """The group with its agencies ticked among the register's names (typed while the board
    keeps no register), and those names."""
    wanted = [s for s in group.fields if s.path in REGISTERED]
    if not wanted:
        return group, []
    names = [a.name for a in list_agencies(helpers.service(), helpers.actor()).items]
    if not names:
        return group, []
    ticked = tuple(
        replace(s, kind=FieldKind.NAMES, options_from="agencies", hint=REGISTER_HINT)
        if s.path in REGISTERED
        else s
        for s in group.fields
    )
    return replace(group, fields=ticked), names


REGISTER_HINT = (
    "Chosen from the board's register of agencies (an administrator adds to it). Staff of an "
    "agency see a case only when their agency is ticked here."
)


def offer(form: Any, group: Group, names: list[str], case: Mapping[str, Any]) -> Any:
    """Give the ticked fields the register's names, and any recorded before the register."""
    for spec in group.fields:
        if spec.options_from != "agencies":
            continue
        recorded = lookup(case["data"], spec.path)
        extra = (
            [str(v) for v in recorded or [] if str(v) not in names]
            if isinstance(recorded, list)
            else []
        )
        form[spec.name].choices = options([(n, n) for n in [*names, *extra]])
    return form


def _group(case: Mapping[str, Any], group_id: str) -> tuple[Definition, Group]:
    d = definition_of(case)
    group = layout(d).group(group_id)
    if group is None:
        abort(404)
    return d, group


def _conflict(who: Actor, case: Mapping[str, Any], group: Group) -> dict[str, Any]:
    """The values saved meanwhile, and the change that saved them."""
    events = [e.model_dump(mode="json") for e in helpers.service().events(who, int(case["id"]))]
    changes = [e for e in events if e["kind"] == EventKind.DATA_CHANGED]
    return {
        "rows": summary(group, case["data"]),
        "last": changes[-1] if changes else None,
        "version": case["version"],
    }


def _attach(form: Any, group: Group, exc: InvalidInput) -> list[dict[str, str]]:
    """Put each problem beside the field it names; return those that name none."""
    if not exc.details:
        return [{"text": exc.message, "href": "#record-form"}]
    left = []
    for sentence in exc.details:
        target = _field_named(form, group, sentence)
        if target is not None:
            target.errors = [*target.errors, sentence]
        else:
            left.append({"text": sentence, "href": "#record-form"})
    return left


def _field_named(form: Any, group: Group, sentence: str) -> Any:
    for path in helpers.data_paths(sentence):
        for spec in group.fields:
            if spec.path == path or spec.top == path:
                return form[spec.name]
    return None


def _after(case_id: int, group: Group) -> Response:
    return redirect(url_for("pages.cases.show", case_id=case_id) + f"#group-{group.id}")


def _render(
    case: Mapping[str, Any], d: Definition, group: Group, form: Any, outcome: Outcome
) -> tuple[str, int]:
    problems = helpers.error_list(form, outcome.problems)
    if outcome.conflict is not None:
        problems.insert(0, {"text": CONFLICT, "href": "#conflict"})
    page = render_template(
        "pages/record.html",
        case=case,
        definition=d,
        group=group,
        form=form,
        problems=problems,
        conflict=outcome.conflict,
        nav="cases",
    )
    return page, outcome.status
