"""Which pieces of a case's data the pages let people record, grouped as a person thinks of
them (criteria answers, agencies, scoping, the lead reviewer...), and how each is stored.

The groups a case shows are worked out from its definition: every data key a guard, a date rule,
a timer or a step's recorded date reads gets a field, so a person can take any case from start
to end without writing JSON. Keys this module knows get a fitting question (yes/no, a date, a
list of names); a key only a new definition uses still gets a plain field under "Other details".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from workflow.core.definition import Definition, GuardRef
from workflow.core.fields import FieldKind, FieldSpec
from workflow.core.fields import shown as shown_value
from workflow.core.guards import REGISTRY
from workflow.core.guards.criteria import QUESTIONS

# The review's records (``records.findings[].why``...) are rows of their own, written on their
# own pages, not keys of ``data``; a lead appointment is also recorded through the contract's
# ``data.lead_reviewer``, which the lead reviewer group asks for.
RECORDS = "records."
DATA_FOR_RECORDS = {"lead_appointments": "lead_reviewer"}

# Guards whose field parameters name dates, and those whose fields must be confirmed (true).
DATE_GUARDS = frozenset({"not_in_future", "not_before", "elapsed_since"})
CONFIRM_GUARDS = frozenset({"confirmed"})


#: The kinds of data the pages ask (``workflow.core.fields``).
Kind = FieldKind


@dataclass(frozen=True)
class Spec:
    """One piece of data: where it is stored (``a.b`` for a key inside a table), how it is asked."""

    path: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def field(self) -> FieldSpec:
        """The field as the table of field kinds knows it."""
        return FieldSpec(self.path, self.kind, choices=self.choices)

    @property
    def top(self) -> str:
        return self.path.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The form field name: letters, digits and underscores only."""
        return self.path.replace(".", "__")


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    fields: tuple[Spec, ...] = ()
    intro: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        """The top-level data keys this group writes."""
        seen: dict[str, None] = {}
        for f in self.fields:
            seen.setdefault(f.top)
        return tuple(seen)


def _label(path: str) -> str:
    return path.split(".")[-1].replace("_", " ").capitalize()


YES_NO = Kind.YES_NO
DATE_LABELS = {
    "aware_at": "Date the local authority became aware",
    "notified_at": "Date notified",
    "panel_told_at": "Date the national panel was told",
    "date_of_death": "Date of death",
    "meeting_held_at": "Date of the review meeting",
    "panel_held_at": "Date of the overview panel",
    "report_sent_at": "Date the final report was sent to the national panel",
    "published_at": "Date published",
}

KNOWN: tuple[Group, ...] = (
    Group(
        "agencies",
        "Agencies involved",
        (
            Spec(
                "agencies",
                "Agencies involved",
                Kind.LINES,
                "One agency a line, for example Northshire Police. Staff of an agency see a case "
                "only when their agency is listed here.",
            ),
        ),
    ),
    Group("dates", "Key dates"),  # filled per definition with the date keys it reads
    Group(
        "criteria",
        "Criteria",
        tuple(
            Spec(f"criteria.{q}", text[0].upper() + text[1:] + "?", YES_NO)
            for q, text in QUESTIONS.items()
        ),
        intro="Record the answers. The board's chair makes the final decision.",
    ),
    Group(
        "decision",
        "Decision and rationale",
        (
            Spec(
                "decision_rationale",
                "Decision and rationale",
                Kind.LONG_TEXT,
                "What was decided and why, in words the family and the national panel would "
                "understand.",
            ),
        ),
    ),
    Group(
        "death",
        "About the death",
        (
            Spec(
                "age_at_death",
                "Age at death, in years",
                Kind.AMOUNT,
                "For example 0.5 for six months.",
            ),
            Spec("stillbirth", "Was it a stillbirth?", YES_NO),
            Spec("planned_termination", "Was it a planned termination of pregnancy?", YES_NO),
            Spec("expected_death", "Was the death expected?", YES_NO),
        ),
    ),
    Group(
        "scoping",
        "Scoping",
        (
            Spec(
                "scoping.scale",
                "Scale of the review",
                Kind.TEXT,
                "For example: a full review, or a proportionate review with one learning event.",
            ),
            Spec("scoping.method", "Method", Kind.LONG_TEXT, "How the review will be carried out."),
        ),
        intro="A proportionate approach: agree the scale and method before a lead is appointed.",
    ),
    Group(
        "lead_reviewer",
        "Lead reviewer",
        (
            Spec("lead_reviewer.name", "Name of the lead reviewer"),
            Spec(
                "lead_reviewer.organisations",
                "Organisations the lead reviewer belongs to or has worked for",
                Kind.LINES_OR_NONE,
                "One a line. Leave empty if none. The lead must be independent of every agency "
                "involved.",
            ),
        ),
    ),
    Group(
        "cdr_review",
        "Review meeting and overview panel",
        (
            Spec(
                "information_complete",
                "Information from every agency involved has been gathered",
                Kind.CONFIRM,
            ),
            Spec("panel_outcome", "Outcome of the overview panel", Kind.LONG_TEXT),
            Spec(
                "modifiable_factors",
                "Were modifiable factors identified?",
                Kind.CHOICE,
                choices=(
                    ("yes", "Yes"),
                    ("no", "No"),
                    ("insufficient_information", "Insufficient information"),
                ),
            ),
            Spec(
                "national_database_submitted",
                "The review has been submitted to the national child mortality database",
                Kind.CONFIRM,
            ),
        ),
    ),
    Group(
        "publication",
        "Publication",
        (
            Spec("report_sent_at", DATE_LABELS["report_sent_at"], Kind.DATE),
            Spec("board_response", "The board's response to the report", Kind.LONG_TEXT),
            Spec(
                "harm_check_confirmed",
                "The report has been checked: it names no child and publishing it would not "
                "harm a surviving child",
                Kind.CONFIRM,
            ),
            Spec("publication_url", "Web address where the report is published", Kind.URL),
            Spec(
                "published_at",
                DATE_LABELS["published_at"],
                Kind.DATE,
                "Leave empty to use the day it is published.",
            ),
            Spec(
                "delay_reason", "Why publication is delayed (parallel proceedings)", Kind.LONG_TEXT
            ),
            Spec("not_published_reasons", "Reasons for not publishing", Kind.LONG_TEXT),
        ),
    ),
)
KNOWN_BY_ID = {g.id: g for g in KNOWN}


@dataclass(frozen=True)
class Layout:
    """The data groups one definition version needs, in the order the case page shows them."""

    groups: tuple[Group, ...]
    dates: frozenset[str]
    paths: dict[str, str] = field(default_factory=dict)  # data path or top key -> group id
    confirms: frozenset[str] = frozenset()

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def group_for(self, path: str) -> Group | None:
        """The group that records ``path`` (``criteria.child_died``, ``findings[0].why``...)."""
        path = path.split("[", 1)[0]
        while path:
            found = self.paths.get(path)
            if found:
                return self.group(found)
            path = path.rpartition(".")[0]
        return None

    def spec(self, path: str) -> Spec:
        for g in self.groups:
            for f in g.fields:
                if f.path == path:
                    return f
        return spec_for(path, path in self.dates, path in self.confirms)


def _normal(path: str) -> str:
    """``findings[].why`` -> ``findings``; ``records.lead_appointments[].name`` -> ``lead_reviewer``
    (the data key that records it); other records -> ``records.<kind>``."""
    path = path.split("[", 1)[0]
    if path.startswith(RECORDS):
        kind = path.removeprefix(RECORDS).split(".", 1)[0]
        return DATA_FOR_RECORDS.get(kind, RECORDS + kind)
    return path


def record_kinds(refs: Iterable[GuardRef]) -> list[str]:
    """The kinds of record these guards read (``findings``, ``practitioners``...), in order."""
    kinds: dict[str, None] = {}
    for ref in refs:
        guard = REGISTRY.guards.get(ref.name)
        for p in guard.reads if guard else ():
            if p.startswith(RECORDS):
                kinds.setdefault(p.removeprefix(RECORDS).split("[", 1)[0].split(".", 1)[0])
    return list(kinds)


def guard_reads(refs: Iterable[GuardRef]) -> tuple[list[str], set[str]]:
    """The data paths the guards read, in order, and which of them are dates."""
    paths: dict[str, None] = {}
    dates: set[str] = set()
    for ref in refs:
        guard = REGISTRY.guards.get(ref.name)
        if guard is None:
            continue
        for p in guard.reads:
            paths.setdefault(_normal(p))
        for param in guard.params:
            if param.kind not in ("field", "fields"):
                continue
            value = ref.params.get(param.name)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and v:
                    paths.setdefault(_normal(v))
                    if ref.name in DATE_GUARDS:
                        dates.add(_normal(v))
    return list(paths), dates


def looks_like_date(path: str) -> bool:
    """The product's naming habit: ``aware_at``, ``date_of_death``..."""
    last = path.rsplit(".", 1)[-1]
    return path in DATE_LABELS or last.endswith("_at") or last.startswith("date_")


def guard_confirms(refs: Iterable[GuardRef]) -> set[str]:
    """The data keys guards want confirmed (recorded as true)."""
    out: set[str] = set()
    for ref in refs:
        value = ref.params.get("fields") if ref.name in CONFIRM_GUARDS else None
        if isinstance(value, list):
            out.update(v for v in value if isinstance(v, str))
    return out


def _refs(d: Definition) -> list[GuardRef]:
    return [*d.open_guards, *d.data_rules, *(g for t in d.transitions for g in t.guards)]


def definition_reads(d: Definition) -> tuple[list[str], set[str]]:
    """The data paths the definition reads, in order, and which of them are dates."""
    paths, dates = guard_reads(_refs(d))
    dates.update(p for p in paths if looks_like_date(p))
    ordered = dict.fromkeys(paths)
    for t in d.transitions:
        for key in t.records_date:
            ordered.setdefault(key)
            dates.add(key)
    for timer in d.timers.values():
        keys = [timer.anchor.name] if timer.anchor.kind == "data" else []
        keys += [timer.met_on] if timer.met_on else []
        for key in keys:
            ordered.setdefault(key)
            dates.add(key)
    return list(ordered), dates


def spec_for(path: str, is_date: bool, is_confirm: bool = False) -> Spec:
    """The question for a key no group knows."""
    for g in KNOWN:
        for f in g.fields:
            if f.path == path:
                return f
    if is_date:
        return Spec(path, DATE_LABELS.get(path, _label(path)), Kind.DATE)
    if is_confirm:
        return Spec(path, f"{_label(path)}: confirmed", Kind.CONFIRM)
    return Spec(path, _label(path), Kind.LONG_TEXT)


@lru_cache(maxsize=256)
def layout(d: Definition) -> Layout:
    reads, dates = definition_reads(d)
    confirms = guard_confirms(_refs(d))
    read = set(reads)
    groups: list[Group] = []
    covered: set[str] = set()
    for g in KNOWN:
        if g.id == "dates":
            groups.append(g)  # filled below
            continue
        keep = tuple(f for f in g.fields if f.path in read or f.top in read or g.id == "agencies")
        if keep:
            groups.append(Group(g.id, g.title, keep, g.intro))
            covered.update(f.path for f in keep)
    # Keys no known group covers: dates under "Key dates", the rest under "Other details".
    top_covered = {p.split(".", 1)[0] for p in covered}
    date_specs: list[Spec] = []
    other: list[Spec] = []
    for path in reads:
        if path.startswith(RECORDS):
            continue  # written on the records' own pages
        if path in covered or (path in top_covered and "." not in path and path not in dates):
            continue
        spec = spec_for(path, path in dates, path in confirms)
        (date_specs if path in dates else other).append(spec)
        covered.add(path)
    final: list[Group] = []
    for g in groups:
        if g.id == "dates":
            if date_specs:
                final.append(Group("dates", "Key dates", tuple(date_specs)))
            continue
        final.append(g)
    if other:
        final.append(Group("other", "Other details", tuple(other)))
    paths: dict[str, str] = {}
    for g in final:
        for k in g.keys:
            paths.setdefault(k, g.id)
        for f in g.fields:
            paths[f.path] = g.id
    return Layout(tuple(final), frozenset(dates), paths, frozenset(confirms))


def groups_needed(d: Definition, refs: Iterable[GuardRef]) -> list[str]:
    """Ids of the groups holding what these guards read."""
    lay = layout(d)
    paths, _ = guard_reads(refs)
    out: dict[str, None] = {}
    for p in paths:
        g = lay.group_for(p)
        if g is not None:
            out.setdefault(g.id)
    return list(out)


# -- values between the stored data and the forms ---------------------------------------------


def lookup(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def shown(spec: Spec, value: Any) -> str:
    """A stored value in words, for summaries ('' when not recorded)."""
    return shown_value(spec.field, value)


def nested_patch(
    specs: Iterable[Spec], values: Mapping[str, Any], data: Mapping[str, Any]
) -> dict[str, Any]:
    """The patch (top-level keys, ``None`` removes) that stores ``values`` (by path) into
    ``data``, keeping keys of a table this form does not ask about. Unchanged keys are left out."""
    patch: dict[str, Any] = {}
    for spec in specs:
        value = values.get(spec.path)
        top, _, sub = spec.path.partition(".")
        if not sub:
            patch[top] = value
            continue
        if top not in patch:
            current = data.get(top)
            patch[top] = dict(current) if isinstance(current, Mapping) else {}
        table = patch[top]
        if value is None:
            table.pop(sub, None)
        else:
            table[sub] = value
    for key, value in list(patch.items()):
        if isinstance(value, dict) and not value:
            patch[key] = None
    return {k: v for k, v in patch.items() if data.get(k) != v}
