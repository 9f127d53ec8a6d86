"""Opening a case: choosing its review type, then one form asking its title and the data its
opening rules read (and the agencies involved), filled in from another case when it is opened
from one. Each problem the service finds is shown beside the field it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from web.pages import helpers
from web.pages.case_page import openable
from web.pages.datagroups import Spec, guard_reads, layout, lookup, nested_patch
from web.pages.forms import OpenCaseForm, form_value, open_form, stored_value
from workflow.core.definition import Definition
from workflow.core.errors import InvalidInput, NotFound, PermissionDenied
from workflow.core.roles import Actor, a_role


def choose_type() -> str:
    source = request.args.get("from", type=int)
    return render_template(
        "pages/choose_type.html",
        types=openable(helpers.actor().role),
        source=source,
        nav="new",
    )


def open_case(key: str) -> Any:
    who = helpers.actor()
    d = helpers.service().definition(key)
    if who.role not in d.open_roles:
        raise PermissionDenied(
            f"{a_role(who.role).capitalize()} may not "
            f"open a {d.name.lower()}; ask someone with the role "
            f"{' or '.join(d.open_roles)}."
        )
    specs, required = _open_specs(d)
    if request.method == "GET":
        source = _source(who, request.args.get("from", type=int))
        form = open_form(specs, required, data=_prefill(source, specs))
        return _render(d, form, specs, source, [], 200)
    form = open_form(specs, required, formdata=request.form)
    source = _posted_source(who, form.linked_from.data)
    if not form.validate():
        return _render(d, form, specs, source, [], 400)
    values = {s.path: stored_value(s, form[f"data__{s.name}"]) for s in specs}
    data = {k: v for k, v in nested_patch(specs, values, {}).items() if v is not None}
    try:
        case = helpers.service().open_case(who, key, form.title.data.strip(), data)
    except InvalidInput as exc:
        return _render(d, form, specs, source, _attach(form, specs, exc), 400)
    flash(f"Opened {d.name.lower()} {case.reference}.", "success")
    return redirect(url_for("pages.cases.show", case_id=case.id))


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


def _source(who: Actor, case_id: int | None) -> Mapping[str, Any] | None:
    """The case this one is opened from, when the link names one."""
    if case_id is None:
        return None
    return helpers.service().get_case(who, case_id).model_dump(mode="json")


def _posted_source(who: Actor, linked_from: str | None) -> Mapping[str, Any] | None:
    if not linked_from:
        return None
    try:
        return helpers.service().get_case(who, int(linked_from)).model_dump(mode="json")
    except (ValueError, NotFound):
        return None


def _prefill(source: Mapping[str, Any] | None, specs: list[Spec]) -> dict[str, Any]:
    """The form's values taken from the case it is opened from."""
    if source is None:
        return {}
    prefill: dict[str, Any] = {"title": source["title"], "linked_from": str(source["id"])}
    for spec in specs:
        prefill[f"data__{spec.name}"] = form_value(spec, lookup(source["data"], spec.path))
    return prefill


def _attach(form: Any, specs: list[Spec], exc: InvalidInput) -> list[dict[str, str]]:
    """Put each problem beside the field it names; return those that name none."""
    left = []
    for sentence in exc.details:
        target = form.title if "(title)" in sentence else None
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


def _render(
    d: Definition,
    form: OpenCaseForm,
    specs: list[Spec],
    source: Mapping[str, Any] | None,
    extra: list[dict[str, str]],
    status: int,
) -> tuple[str, int]:
    page = render_template(
        "pages/open_case.html",
        definition=d,
        form=form,
        specs=specs,
        problems=helpers.error_list(form, extra),
        source=source,
        nav="new",
    )
    return page, status
