"""What the case page shows of one case: the steps open to the person (with why a blocked one is
blocked and where to record what it needs), the deadlines in words, the stages, the data
groups with what each is needed for, the review's records, the linked cases, the timeline and
the diagram."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for

from web.pages import helpers
from web.pages import records as record_pages
from web.pages import stages as stage_panel
from web.pages.datagroups import (
    DATA_FOR_RECORDS,
    OWN_PAGES,
    Group,
    Kind,
    Layout,
    groups_needed,
    layout,
    lookup,
    own_pages,
    record_kinds,
    shown,
)
from web.pages.forms import StepForm, step_form
from web.pages.record_lists import TITLES
from web.pages.sentences import readable
from web.pages.timeline import timeline
from workflow.core.definition import Definition, Transition
from workflow.core.guards.publication import FINAL_REPORT, FINAL_REPORT_SIGNED_OFF
from workflow.core.roles import Actor
from workflow.services import access
from workflow.services import dashboard as board
from workflow.services.documents import DOWNLOAD_ROLES
from workflow.services.publication import final_report


@dataclass(frozen=True)
class Reason:
    """Why a step is blocked (in the definition's words), the data group that would fix it (if
    one does), and the form (and field) that meets it: ``href``, named ``form``."""

    text: str
    group: Group | None
    href: str | None = None
    form: str = ""


@dataclass(frozen=True)
class RecordLink:
    label: str
    href: str | None


@dataclass(frozen=True)
class Step:
    trigger: str
    label: str
    dest: str
    allowed: bool
    reasons: list[Reason]
    groups: list[Group]
    records: list[RecordLink]
    form: StepForm


@dataclass(frozen=True)
class DeadlineLine:
    name: str
    label: str
    due_date: date
    status: str
    words: str
    colour: str


@dataclass(frozen=True)
class GroupCard:
    group: Group
    rows: list[dict[str, str]]
    needed_for: list[str]


@dataclass(frozen=True)
class Linked:
    row: board.LinkedLine
    relation: str


def definition_of(case: Mapping[str, Any]) -> Definition:
    return helpers.service().definition(case["review_type"], case["definition_version"])


def summary(group: Group, data: Mapping[str, Any]) -> list[dict[str, str]]:
    """Rows of the group's summary card: what is recorded, in words."""
    rows = []
    for spec in group.fields:
        text = shown(spec, lookup(data, spec.path))
        if spec.kind == Kind.DATE and text:
            text = helpers.format_date(text)
        rows.append({"key": spec.label, "value": text})
    return rows


def case_context(
    case: Mapping[str, Any], step_forms: Mapping[str, StepForm] | None = None
) -> dict[str, Any]:
    """Everything ``pages/case.html`` shows; ``step_forms`` are forms posted back with errors."""
    who = helpers.actor()
    d = definition_of(case)
    lay = layout(d)
    offered = _offered(case, d)
    events = [e.model_dump(mode="json") for e in helpers.service().events(who, int(case["id"]))]
    return {
        "case": case,
        "definition": d,
        "state_label": d.label_of(case["state"]),
        "state_description": d.states[case["state"]].description
        if case["state"] in d.states
        else "",
        "steps": [_step(case, d, lay, t, option, step_forms or {}) for t, option in offered],
        "deadlines": _deadlines(case["deadlines"]),
        "stages": stage_panel.stages(case, d, events),
        "next_actors": stage_panel.next_actors(d, case["state"], who.role),
        "groups": _groups(lay, case["data"], _needed(d, offered)),
        "timeline": timeline(events, d, lay),
        "linked": _linked(who, case),
        "can_edit": who.role in access.EDIT_DATA and not case["final"],
        "records": record_pages.links(case),
        "final_report": _final_report(case, d, who),
        "can_open": openable(who.role),
        "diagram": helpers.diagram(d, case["state"]),
        "diagram_words": helpers.diagram_words(d, case["state"]),
        "nav": "cases",
    }


def _final_report(case: Mapping[str, Any], d: Definition, who: Actor) -> dict[str, str] | None:
    """Where the case's final report is kept, and how it stands, for those who may have it."""
    if not final_report.has_final_report(d) or who.role not in DOWNLOAD_ROLES:
        return None
    data = case["data"]
    uploaded, signed = data.get(FINAL_REPORT), data.get(FINAL_REPORT_SIGNED_OFF)
    words = "signed off" if signed else "not signed off yet" if uploaded else "not uploaded yet"
    return {
        "href": helpers.record_page(OWN_PAGES[FINAL_REPORT], int(case["id"])) or "",
        "words": words,
    }


def openable(role: str) -> list[board.ReviewTypeChoice]:
    """The review types a person of ``role`` may open."""
    return [t for t in board.review_types(helpers.service()) if role in t.open_roles]


# -- steps ------------------------------------------------------------------------------------


def _offered(case: Mapping[str, Any], d: Definition) -> list[tuple[Transition, Any]]:
    """The steps the case answer offers, each with its transition in the definition."""
    found = []
    for option in case.get("transitions", []):
        t = d.find(option["trigger"], case["state"])
        if t is not None:
            found.append((t, option))
    return found


def _label(t: Transition, option: Any) -> str:
    return str(option.get("label") or t.label or t.trigger)


def _needed(d: Definition, offered: Sequence[tuple[Transition, Any]]) -> dict[str, list[str]]:
    """For each data group: the blocked steps that need it."""
    needed: dict[str, list[str]] = {}
    for t, option in offered:
        if not option["allowed"]:
            for gid in groups_needed(d, t.guards):
                needed.setdefault(gid, []).append(_label(t, option))
    return needed


#: Words that tell which record a sentence without a data path asks for.
RECORD_WORDS = {
    "lead_appointments": ("lead reviewer",),
    "panel_members": ("panel member", "review panel"),
    "practitioners": ("practitioner",),
    "family_members": ("family",),
    "contributions": ("contribution", "chronolog", "agency report"),
    "findings": ("finding",),
    "actions": ("action",),
}


def _label_of(lay: Layout, path: str) -> str | None:
    if lay.group_for(path) is None:
        return None
    return lay.spec(path).label or None


def _reason(lay: Layout, sentence: str, case_id: int, kinds: Sequence[str]) -> Reason:
    text = readable(sentence, lambda p: _label_of(lay, p))
    for path in helpers.data_paths(sentence):
        own = helpers.record_page(OWN_PAGES[path], case_id) if path in OWN_PAGES else None
        if own:
            return Reason(text, None, own, OWN_PAGES[path].replace("_", " ").capitalize())
        group = lay.group_for(path)
        if group is not None:
            spec = lay.spec(path)
            anchor = f"{spec.name}-day" if spec.path in lay.dates else spec.name
            href = url_for("pages.cases.record", case_id=case_id, group_id=group.id)
            return Reason(text, group, f"{href}#{anchor}", group.title)
    lowered = sentence.lower()
    for kind in kinds:
        if any(word in lowered for word in RECORD_WORDS.get(kind, ())):
            page = helpers.record_page(kind, case_id)
            if page:
                return Reason(text, None, f"{page}#add", TITLES.get(kind, kind))
    return Reason(text, None)


def _step(
    case: Mapping[str, Any],
    d: Definition,
    lay: Layout,
    t: Transition,
    option: Any,
    step_forms: Mapping[str, StepForm],
) -> Step:
    kinds = record_kinds(t.guards)
    reasons = [_reason(lay, s, int(case["id"]), kinds) for s in option["blocked_by"]]
    form = step_forms.get(t.trigger) or step_form(
        t.trigger, [lay.spec(k) for k in t.records_date], case["version"]
    )
    return Step(
        trigger=t.trigger,
        label=_label(t, option),
        dest=d.label_of(t.dest),
        allowed=option["allowed"],
        reasons=reasons,
        groups=list({r.group.id: r.group for r in reasons if r.group}.values()),
        records=[
            RecordLink(kind.replace("_", " "), helpers.record_page(kind, int(case["id"])))
            for kind in kinds
            if kind not in DATA_FOR_RECORDS
        ]
        + [
            RecordLink(page.replace("_", " "), helpers.record_page(page, int(case["id"])))
            for page in own_pages(t.guards)
        ],
        form=form,
    )


# -- deadlines, stages, data groups, linked cases ---------------------------------------------


def _deadlines(deadlines: Sequence[Any]) -> list[DeadlineLine]:
    calendar, day = helpers.service().calendar, helpers.today()
    lines = []
    for dl in deadlines:
        due = date.fromisoformat(str(dl["due_date"]))
        words, colour = helpers.deadline_words(due, dl["status"], day, calendar)
        lines.append(
            DeadlineLine(dl["name"], dl.get("label") or "", due, dl["status"], words, colour)
        )
    return lines


def _groups(
    lay: Layout, data: Mapping[str, Any], needed: Mapping[str, list[str]]
) -> list[GroupCard]:
    return [GroupCard(g, summary(g, data), needed.get(g.id, [])) for g in lay.groups]


def _linked(who: Actor, case: Mapping[str, Any]) -> list[Linked]:
    rows = board.linked_cases(helpers.service(), who, int(case["id"]), case.get("linked_case_id"))
    return [Linked(row, "Opened from" if row.opened_from else "Led to") for row in rows]
