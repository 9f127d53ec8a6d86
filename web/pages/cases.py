"""Case pages: one case with its stages, deadlines, steps, data, diagram and timeline; the
forms that record its data, take its steps and open new cases; the list of all cases.

Every read and change goes through the service, so the pages honour the same access rule as the
API: a case the person may not see is "not found" (404), whatever the URL.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages import records as record_pages
from web.pages.dashboard import filter_form
from web.pages.datagroups import (
    DATA_FOR_RECORDS,
    Group,
    Kind,
    Layout,
    Spec,
    groups_needed,
    guard_reads,
    layout,
    lookup,
    nested_patch,
    record_kinds,
    shown,
)
from web.pages.forms import (
    FindCaseForm,
    OpenCaseForm,
    StepForm,
    form_value,
    group_form,
    group_values,
    open_form,
    step_form,
    stored_value,
)
from workflow.core.deadlines import STALL
from workflow.core.definition import Definition
from workflow.core.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionBlocked,
    TransitionNotAllowed,
    VersionConflict,
)
from workflow.core.events import EventKind
from workflow.services import access
from workflow.services import dashboard as queries
from workflow.services.cases import Service

PAGE_SIZE = 25
# Opening a case "from" another keeps the link when the service can record it.
_OPEN_LINKS = "linked_case_id" in inspect.signature(Service.open_case).parameters


def blueprint() -> Blueprint:
    bp = Blueprint("cases", __name__)
    bp.add_url_rule("/cases", view_func=all_cases)
    bp.add_url_rule("/cases/find", view_func=find)
    bp.add_url_rule("/cases/new", view_func=choose_type)
    bp.add_url_rule("/cases/new/<key>", view_func=open_case, methods=["GET", "POST"])
    bp.add_url_rule("/cases/<int:case_id>", view_func=show)
    bp.add_url_rule("/cases/<int:case_id>/steps/<trigger>", view_func=take_step, methods=["POST"])
    bp.add_url_rule(
        "/cases/<int:case_id>/record/<group_id>", view_func=record, methods=["GET", "POST"]
    )
    return bp


# -- the case page ----------------------------------------------------------------------------


def _definition(case: Mapping[str, Any]) -> Definition:
    return helpers.service().definition(case["review_type"], case["definition_version"])


def _reason(lay: Layout, sentence: str) -> dict[str, Any]:
    for path in helpers.data_paths(sentence):
        group = lay.group_for(path)
        if group is not None:
            return {"text": sentence, "group": group}
    return {"text": sentence, "group": None}


def _summary(group: Group, data: Mapping[str, Any]) -> list[dict[str, str]]:
    """Rows of the group's summary card: what is recorded, in words."""
    rows = []
    for spec in group.fields:
        value = lookup(data, spec.path)
        text = shown(spec, value)
        if spec.kind == Kind.DATE and text:
            text = helpers.format_date(text)
        rows.append({"key": spec.label, "value": text})
    return rows


def _event_words(e: Mapping[str, Any], d: Definition, lay: Layout) -> str:
    kind = e["kind"]
    detail = e.get("detail") or {}
    name = str(detail.get("deadline", ""))
    timer = d.timers.get(name)
    deadline = timer.label if timer else name.replace("_", " ")
    if name == STALL:
        deadline = "no progress at this stage"
    if kind == EventKind.CREATED:
        return f"Opened the case at {d.label_of(e['to_state'] or '')}"
    if kind == EventKind.TRANSITION:
        t = d.find(e["trigger"] or "", e["from_state"] or "")
        label = t.label if t and t.label else e["trigger"]
        before, after = d.label_of(e["from_state"] or ""), d.label_of(e["to_state"] or "")
        return f"{label}: from {before} to {after}"
    if kind == EventKind.DATA_CHANGED:
        changed = detail.get("changed") or {}
        labels = []
        for key in changed:
            group = lay.group_for(str(key))
            labels.append(group.title if group else str(key).replace("_", " "))
        named = ", ".join(dict.fromkeys(labels)) or "data"
        return f"Recorded {named}" + (" with the step" if e.get("trigger") else "")
    if kind == EventKind.DEADLINE_OPENED:
        return f"Deadline set: {deadline}, due {helpers.format_date(detail.get('due_date'))}"
    if kind == EventKind.DEADLINE_MOVED:
        return (
            f"Deadline moved: {deadline}, from {helpers.format_date(detail.get('from'))} "
            f"to {helpers.format_date(detail.get('to'))}"
        )
    if kind == EventKind.DEADLINE_MET:
        late = "" if detail.get("on_time", True) else " (late)"
        return f"Deadline met: {deadline}{late}"
    if kind == EventKind.DEADLINE_CANCELLED:
        return f"Deadline no longer needed: {deadline}"
    if kind == EventKind.DEADLINE_MISSED:
        return f"Deadline missed: {deadline}"
    if kind in (EventKind.RECORD_ADDED, EventKind.RECORD_CHANGED, EventKind.RECORD_REMOVED):
        verb = {
            EventKind.RECORD_ADDED: "Added",
            EventKind.RECORD_CHANGED: "Changed",
            EventKind.RECORD_REMOVED: "Removed",
        }[kind]
        what = str(detail.get("label") or detail.get("record") or "a record")
        fields = [str(f).replace("_", " ") for f in detail.get("fields") or []]
        said = f" ({', '.join(fields)})" if fields and kind == EventKind.RECORD_CHANGED else ""
        return f"{verb} {what[0].lower() + what[1:]}{said}"
    if kind == EventKind.CASE_OPENED:
        return f"Opened the linked case {detail.get('case')}"
    if kind == EventKind.ESCALATED:
        roles = detail.get("to") or detail.get("to_roles") or []
        to = f" to the {' and '.join(str(r) for r in roles)}" if roles else ""
        return f"Escalated{to}" + (f": {deadline}" if deadline else "")
    return str(kind).replace("_", " ").capitalize()


def case_context(
    case: Mapping[str, Any],
    step_forms: Mapping[str, StepForm] | None = None,
) -> dict[str, Any]:
    svc = helpers.service()
    who = helpers.actor()
    case_id = int(case["id"])
    d = _definition(case)
    lay = layout(d)
    day = helpers.today()
    data = case["data"]
    can_edit = who.role in access.EDIT_DATA and not case["final"]

    steps = []
    needed: dict[str, list[str]] = {}
    for option in case.get("transitions", []):
        t = d.find(option["trigger"], case["state"])
        if t is None:
            continue
        label = option.get("label") or t.label or t.trigger
        if not option["allowed"]:
            for gid in groups_needed(d, t.guards):
                needed.setdefault(gid, []).append(label)
        reasons = [_reason(lay, s) for s in option["blocked_by"]]
        form = (step_forms or {}).get(t.trigger) or step_form(
            t.trigger, [lay.spec(k) for k in t.records_date], case["version"]
        )
        steps.append(
            {
                "trigger": t.trigger,
                "label": label,
                "dest": d.label_of(t.dest),
                "allowed": option["allowed"],
                "reasons": reasons,
                "groups": list({r["group"].id: r["group"] for r in reasons if r["group"]}.values()),
                "records": [
                    {"label": kind.replace("_", " "), "href": helpers.record_page(kind, case_id)}
                    for kind in record_kinds(t.guards)
                    if kind not in DATA_FOR_RECORDS
                ],
                "form": form,
            }
        )

    deadlines = []
    for dl in case["deadlines"]:
        words, colour = helpers.deadline_words(
            date.fromisoformat(dl["due_date"]), dl["status"], day, svc.calendar
        )
        deadlines.append({**dl, "words": words, "colour": colour})

    events = svc.events(who, case_id)
    visited = {e["to_state"] for e in events if e.get("to_state")} | {d.initial}
    stages = []
    for s in d.states.values():
        if s.final and s.key != case["state"]:
            continue
        status = "current" if s.key == case["state"] else "done" if s.key in visited else "todo"
        stages.append({"key": s.key, "label": s.label, "status": status})

    groups = [
        {
            "group": g,
            "rows": _summary(g, data),
            "needed_for": needed.get(g.id, []),
        }
        for g in lay.groups
    ]
    timeline = [
        {**e, "words": _event_words(e, d, lay)} for e in sorted(events, key=lambda e: -e["seq"])
    ]
    linked = queries.linked_cases(svc.db, who, case_id, case.get("linked_case_id"))
    return {
        "case": case,
        "definition": d,
        "state_label": d.label_of(case["state"]),
        "state_description": d.states[case["state"]].description
        if case["state"] in d.states
        else "",
        "steps": steps,
        "deadlines": deadlines,
        "stages": stages,
        "groups": groups,
        "timeline": timeline,
        "linked": [
            {
                "row": row,
                "relation": "Opened from" if row.id == case.get("linked_case_id") else "Led to",
            }
            for row in linked
        ],
        "can_edit": can_edit,
        "records": record_pages.links(case),
        "can_open": _openable(who.role),
        "diagram": helpers.diagram(d, case["state"]),
        "nav": "cases",
    }


def _openable(role: str) -> list[queries.ReviewType]:
    return [
        t for t in queries.review_types(helpers.service().db) if role in t.definition.open_roles
    ]


def show(case_id: int) -> str:
    case = helpers.service().get_case(helpers.actor(), case_id)
    return render_template("pages/case.html", **case_context(case))


def take_step(case_id: int, trigger: str) -> Any:
    svc = helpers.service()
    who = helpers.actor()
    case = svc.get_case(who, case_id)
    d = _definition(case)
    t = d.find(trigger, case["state"])
    specs = [layout(d).spec(k) for k in t.records_date] if t else []
    form = step_form(trigger, specs, case["version"], formdata=request.form)
    problems: list[dict[str, str]] = []
    title = "There is a problem"
    status = 400
    if form.validate():
        patch = {}
        for spec in specs:
            value = stored_value(spec, form[spec.name])
            if value is not None:
                patch[spec.path] = value
        try:
            after = svc.transition(
                who, case_id, trigger, form.version(), (form.note.data or "").strip(), patch
            )
        except TransitionBlocked as exc:
            label = t.label if t and t.label else trigger
            title = f"You cannot {label[0].lower() + label[1:]} yet"
            problems = [{"text": s, "href": f"#step-{trigger}"} for s in exc.details]
            status = 422
        except VersionConflict:
            problems = [
                {
                    "text": "Someone else changed this case while you were looking at it, so "
                    "nothing was done. The page now shows the case as it is: check it, then "
                    "take the step again.",
                    "href": f"#step-{trigger}",
                }
            ]
            status = 409
            case = svc.get_case(who, case_id)
            return _render_case(case, {}, problems, title, status)
        except (TransitionNotAllowed, InvalidInput) as exc:
            problems = [{"text": exc.message, "href": f"#step-{trigger}"}]
            problems += [{"text": s, "href": f"#step-{trigger}"} for s in exc.details]
            status = 409 if isinstance(exc, TransitionNotAllowed) else 400
        else:
            flash(
                f"Done: {(t.label if t and t.label else trigger)}. "
                f"The case is now at {after['state_label']}.",
                "success",
            )
            return redirect(url_for("pages.cases.show", case_id=case_id))
    problems = helpers.error_list(form) + problems
    return _render_case(case, {trigger: form}, problems, title, status)


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


# -- recording data ---------------------------------------------------------------------------


def _group(case: Mapping[str, Any], group_id: str) -> tuple[Definition, Group]:
    d = _definition(case)
    group = layout(d).group(group_id)
    if group is None:
        abort(404)
    return d, group


def _last_change(case_id: int) -> Mapping[str, Any] | None:
    events = helpers.service().events(helpers.actor(), case_id)
    changes = [e for e in events if e["kind"] == EventKind.DATA_CHANGED]
    return changes[-1] if changes else None


def _attach(form: Any, group: Group, details: list[str]) -> list[str]:
    """Put each problem beside the field it names; return those that name none."""
    left = []
    for sentence in details:
        target = None
        for path in helpers.data_paths(sentence):
            for spec in group.fields:
                if spec.path == path or spec.top == path:
                    target = form[spec.name]
                    break
            if target is not None:
                break
        if target is not None:
            target.errors = [*target.errors, sentence]
        else:
            left.append(sentence)
    return left


def record(case_id: int, group_id: str) -> Any:
    svc = helpers.service()
    who = helpers.actor()
    case = svc.get_case(who, case_id)
    if who.role not in access.EDIT_DATA:
        raise PermissionDenied(
            f"A {who.role} may not change a case's data; ask someone with the role "
            f"{' or '.join(sorted(access.EDIT_DATA))}."
        )
    d, group = _group(case, group_id)
    extra: list[dict[str, str]] = []
    conflict: dict[str, Any] | None = None
    status = 200
    if case["final"] or request.method == "GET":
        form = group_form(group, case["data"], case["version"])
        return _render_record(case, d, group, form, extra, conflict, status)

    form = group_form(group, case["data"], case["version"], request.form)
    if not form.validate():
        return _render_record(case, d, group, form, extra, conflict, 400)
    patch = nested_patch(group.fields, group_values(group, form), case["data"])
    if not patch:
        flash(f"Nothing changed in {group.title.lower()}.", "info")
        return _after_record(case_id, group)
    try:
        svc.update_data(who, case_id, patch, form.version())
    except VersionConflict:
        case = svc.get_case(who, case_id)
        d, group = _group(case, group_id)
        form.expected_version.data = str(case["version"])
        conflict = {
            "rows": _summary(group, case["data"]),
            "last": _last_change(case_id),
            "version": case["version"],
        }
        status = 409
    except InvalidInput as exc:
        left = _attach(form, group, exc.details)
        extra = [{"text": s, "href": "#record-form"} for s in left]
        if not exc.details:
            extra = [{"text": exc.message, "href": "#record-form"}]
        status = 400
    else:
        flash(f"Saved: {group.title}.", "success")
        return _after_record(case_id, group)
    return _render_record(case, d, group, form, extra, conflict, status)


def _after_record(case_id: int, group: Group) -> Response:
    return redirect(url_for("pages.cases.show", case_id=case_id) + f"#group-{group.id}")


def _render_record(
    case: Mapping[str, Any],
    d: Definition,
    group: Group,
    form: Any,
    extra: list[dict[str, str]],
    conflict: dict[str, Any] | None,
    status: int,
) -> tuple[str, int]:
    problems = helpers.error_list(form, extra)
    if conflict is not None:
        problems.insert(
            0,
            {
                "text": "Someone else changed this case after you opened this page, so your "
                "changes were not saved. Check the values they saved, shown below, then save "
                "again to replace them with yours.",
                "href": "#conflict",
            },
        )
    return (
        render_template(
            "pages/record.html",
            case=case,
            definition=d,
            group=group,
            form=form,
            problems=problems,
            conflict=conflict,
            nav="cases",
        ),
        status,
    )


# -- opening a case ---------------------------------------------------------------------------


def _open_specs(d: Definition) -> tuple[list[Spec], set[str]]:
    """What opening a case of this type asks: the keys its opening rules read, and agencies."""
    lay = layout(d)
    paths, _ = guard_reads(d.open_guards)
    required: set[str] = set()
    for ref in d.open_guards:
        if ref.name == "required":
            required.update(p for p in ref.params.get("fields", []) if isinstance(p, str))
    specs = [lay.spec(p) for p in paths]
    if "agencies" not in paths:
        specs.append(lay.spec("agencies"))
    return specs, required


def choose_type() -> str:
    source = request.args.get("from", type=int)
    return render_template(
        "pages/choose_type.html",
        types=_openable(helpers.actor().role),
        source=source,
        nav="new",
    )


def open_case(key: str) -> Any:
    svc = helpers.service()
    who = helpers.actor()
    d = svc.definition(key)
    if who.role not in d.open_roles:
        raise PermissionDenied(
            f"A {who.role} may not open a {d.name.lower()}; ask someone with the role "
            f"{' or '.join(d.open_roles)}."
        )
    specs, required = _open_specs(d)
    status = 200
    extra: list[dict[str, str]] = []
    source: Mapping[str, Any] | None = None
    if request.method == "GET":
        from_id = request.args.get("from", type=int)
        prefill: dict[str, Any] = {}
        if from_id is not None:
            source = svc.get_case(who, from_id)
            prefill["title"] = source["title"]
            prefill["linked_from"] = str(from_id)
            for spec in specs:
                prefill[f"data__{spec.name}"] = form_value(spec, lookup(source["data"], spec.path))
        form: OpenCaseForm = open_form(specs, required, data=prefill)
    else:
        form = open_form(specs, required, formdata=request.form)
        if form.linked_from.data:
            try:
                source = svc.get_case(who, int(form.linked_from.data))
            except (ValueError, NotFound):
                source = None
        if form.validate():
            values = {s.path: stored_value(s, form[f"data__{s.name}"]) for s in specs}
            data = {k: v for k, v in nested_patch(specs, values, {}).items() if v is not None}
            try:
                case = _open(svc, who, key, form.title.data.strip(), data, source)
            except InvalidInput as exc:
                extra = _attach_open(form, specs, exc)
                status = 400
            else:
                flash(f"Opened {d.name.lower()} {case['reference']}.", "success")
                return redirect(url_for("pages.cases.show", case_id=case["id"]))
        else:
            status = 400
    return (
        render_template(
            "pages/open_case.html",
            definition=d,
            form=form,
            specs=specs,
            problems=helpers.error_list(form, extra),
            source=source,
            links=_OPEN_LINKS,
            nav="new",
        ),
        status,
    )


def _open(
    svc: Service,
    who: Any,
    key: str,
    title: str,
    data: dict[str, Any],
    source: Mapping[str, Any] | None,
) -> dict[str, Any]:
    if source is not None and _OPEN_LINKS:
        opener: Any = svc.open_case
        result: dict[str, Any] = opener(who, key, title, data, linked_case_id=int(source["id"]))
        return result
    return svc.open_case(who, key, title, data)


def _attach_open(form: Any, specs: list[Spec], exc: InvalidInput) -> list[dict[str, str]]:
    left = []
    for sentence in exc.details:
        target = None
        if "(title)" in sentence:
            target = form.title
        for path in helpers.data_paths(sentence):
            spec = next((s for s in specs if s.path == path or s.top == path), None)
            if spec is not None:
                target = form[f"data__{spec.name}"]
                break
        if target is not None:
            target.errors = [*target.errors, sentence]
        else:
            left.append({"text": sentence, "href": "#open-form"})
    if not exc.details:
        left.append({"text": exc.message, "href": "#open-form"})
    return left


# -- lists ------------------------------------------------------------------------------------


def all_cases() -> str:
    svc = helpers.service()
    who = helpers.actor()
    types = queries.review_types(svc.db)
    form, review_type, state = filter_form(types)
    overdue = request.args.get("overdue") == "true"
    page = svc.list_cases(
        who,
        review_type=review_type or None,
        state=state or None,
        overdue=overdue,
        limit=PAGE_SIZE,
        after=request.args.get("after", type=int),
    )
    names = {t.key: t.name for t in types}
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "after" and v}
    next_link = None
    if page.next_after is not None:
        next_link = url_for("pages.cases.all_cases", after=page.next_after, **args)
    return render_template(
        "pages/cases.html",
        form=form,
        overdue=overdue,
        items=page.items,
        names=names,
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
            return redirect(url_for("pages.cases.show", case_id=case["id"]))
    elif not reference:
        form.reference.errors = ["Enter a case reference, like NI-2026-3F2A1B"]
    return (
        render_template("pages/find.html", form=form, problems=helpers.error_list(form)),
        404 if reference else 400,
    )
