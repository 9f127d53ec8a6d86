"""Which pieces of a case's data the pages let people record, grouped as a person thinks of
them (criteria answers, agencies, scoping, the lead reviewer...), and how each is stored.

The groups a case shows are worked out from its definition: every data key a guard, a date rule,
a timer or a step's recorded date reads gets a field, so a person can take any case from start
to end without writing JSON. Keys ``data_questions`` knows get a fitting question (yes/no, a
date, a list of names); a key only a new definition uses still gets a plain field under "Other
details".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from web.pages.data_questions import DATE_LABELS, KNOWN, Group, Kind, Spec, spec_for
from workflow.core.definition import Definition, GuardRef
from workflow.core.fields import shown as shown_value
from workflow.core.guards import REGISTRY
from workflow.core.guards.publication import FINAL_REPORT, FINAL_REPORT_SIGNED_OFF

# The review's records (``records.findings[].why``...) are rows of their own, written on their
# own pages, not keys of ``data``; a lead appointment is also recorded through the contract's
# ``data.lead_reviewer``, which the lead reviewer group asks for.
RECORDS = "records."
DATA_FOR_RECORDS = {"lead_appointments": "lead_reviewer"}
#: Data written on a page of its own (the final report and its sign-off), never a data form:
#: the key -> the page (``helpers.record_page``) that writes it.
OWN_PAGES = {FINAL_REPORT: FINAL_REPORT, FINAL_REPORT_SIGNED_OFF: FINAL_REPORT}

# Guards whose field parameters name dates, and those whose fields must be confirmed (true).
DATE_GUARDS = frozenset({"not_in_future", "not_before", "elapsed_since"})
CONFIRM_GUARDS = frozenset({"confirmed"})


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


def own_pages(refs: Iterable[GuardRef]) -> list[str]:
    """The pages of their own (``OWN_PAGES``) holding what these guards read, in order."""
    pages: dict[str, None] = {}
    for ref in refs:
        guard = REGISTRY.guards.get(ref.name)
        for p in guard.reads if guard else ():
            if p in OWN_PAGES:
                pages.setdefault(OWN_PAGES[p])
    return list(pages)


def guard_reads(refs: Iterable[GuardRef]) -> tuple[list[str], set[str]]:
    """The data paths the guards read, in order, and which of them are dates."""
    paths: dict[str, None] = {}
    dates: set[str] = set()
    for ref in refs:
        guard = REGISTRY.guards.get(ref.name)
        if guard is None:
            continue
        for p in guard.reads:
            if p not in OWN_PAGES:
                paths.setdefault(_normal(p))
        for param in guard.params:
            if param.kind not in ("field", "fields", "choice_fields"):
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


def criteria_group(d: Definition) -> Group:
    """The criteria questions of the definition's [criteria.<name>] tables, each asked once;
    a [choices.<key>] table makes its key a choice."""
    questions: dict[str, str] = {}
    for c in d.criteria.values():
        for q, text in c.questions.items():
            questions.setdefault(q, text)
    g = next(g for g in KNOWN if g.id == "criteria")
    specs = tuple(
        Spec(f"criteria.{q}", text[0].upper() + text[1:] + "?", Kind.YES_NO)
        for q, text in questions.items()
    )
    return Group(g.id, g.title, specs, g.intro)


def choice_specs(d: Definition) -> dict[str, Spec]:
    """A question for each key with a [choices.<key>] table, its values as choices."""
    return {
        key: Spec(key, spec_for(key, False).label, Kind.CHOICE, choices=tuple(c.values.items()))
        for key, c in d.choices.items()
    }


def _known_groups(d: Definition, read: set[str]) -> tuple[list[Group], set[str]]:
    """The known groups holding what the definition reads (the key dates' place kept), and the
    paths they cover."""
    groups: list[Group] = []
    covered: set[str] = set()
    choices = choice_specs(d)
    for known in KNOWN:
        g = criteria_group(d) if known.id == "criteria" else known
        g = Group(g.id, g.title, tuple(choices.get(f.path, f) for f in g.fields), g.intro)
        if g.id == "dates":
            groups.append(g)  # filled by the caller
            continue
        keep = tuple(f for f in g.fields if f.path in read or f.top in read or g.id == "agencies")
        if keep:
            groups.append(Group(g.id, g.title, keep, g.intro))
            covered.update(f.path for f in keep)
    return groups, covered


def _uncovered(
    reads: list[str],
    dates: set[str],
    confirms: set[str],
    covered: set[str],
    choices: Mapping[str, Spec],
) -> tuple[list[Spec], list[Spec]]:
    """Keys no known group covers: the dates (for "Key dates") and the rest ("Other details")."""
    top_covered = {p.split(".", 1)[0] for p in covered}
    # A table asked key by key (``advance_copies.ofsted``) is not asked again as one text, and
    # the keys of a table a known group asks whole (``board_response``) are not asked again one
    # by one: two fields writing one key would each undo the other.
    tables = {p.split(".", 1)[0] for p in reads if "." in p} | top_covered
    date_specs: list[Spec] = []
    other: list[Spec] = []
    for path in reads:
        if path.startswith(RECORDS):
            continue  # written on the records' own pages
        if path in covered or (path in tables and "." not in path and path not in dates):
            continue
        if "." in path and path.split(".", 1)[0] in covered:
            continue
        spec = choices.get(path) or spec_for(path, path in dates, path in confirms)
        (date_specs if path in dates else other).append(spec)
        covered.add(path)
    return date_specs, other


def _paths(groups: Iterable[Group]) -> dict[str, str]:
    """Each data path and top key, to the group that records it."""
    paths: dict[str, str] = {}
    for g in groups:
        for k in g.keys:
            paths.setdefault(k, g.id)
        for f in g.fields:
            paths[f.path] = g.id
    return paths


@lru_cache(maxsize=256)
def layout(d: Definition) -> Layout:
    reads, dates = definition_reads(d)
    confirms = guard_confirms(_refs(d))
    groups, covered = _known_groups(d, set(reads))
    date_specs, other = _uncovered(reads, dates, confirms, covered, choice_specs(d))
    final: list[Group] = []
    for g in groups:
        if g.id != "dates":
            final.append(g)
        elif date_specs:
            final.append(Group("dates", "Key dates", tuple(date_specs)))
    if other:
        final.append(Group("other", "Other details", tuple(other)))
    return Layout(tuple(final), frozenset(dates), _paths(final), frozenset(confirms))


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
    ``data``, keeping keys of a table this form does not ask about. Unchanged keys, and paths
    ``values`` does not name, are left out."""
    patch: dict[str, Any] = {}
    for spec in specs:
        if spec.path not in values:
            continue  # not changed on the form: the stored value stays as it is
        value = values[spec.path]
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


__all__ = [
    "DATA_FOR_RECORDS",
    "DATE_LABELS",
    "OWN_PAGES",
    "Group",
    "Kind",
    "Layout",
    "Spec",
    "definition_reads",
    "groups_needed",
    "guard_reads",
    "layout",
    "looks_like_date",
    "lookup",
    "nested_patch",
    "own_pages",
    "record_kinds",
    "shown",
    "spec_for",
]
