"""Definitions as data: the linter-style validator (one bad file per rule in
``tests/definitions_bad/``), the shipped definitions, and the compiled machine and its diagram."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workflow.core import machine
from workflow.core.definition import Definition, load, problems_in
from workflow.core.errors import DefinitionError, Problem

HERE = Path(__file__).resolve().parent
BAD = HERE / "definitions_bad"
SHIPPED = sorted((HERE.parent / "definitions").glob("*.toml"))

# The file the bad ones are variations of: it must load clean, so each bad file's problems come
# from the one thing changed in it.
GOOD = """
key = "mini"
name = "Mini review"
initial = "open"

[states.open]
label = "Open"
stall = { after = "5 working days", repeat = "2 working days", escalate_to = ["chair"] }

[states.done]
label = "Done"
final = true

[[transitions]]
trigger = "finish"
source = "open"
dest = "done"
roles = ["reviewer"]
guards = [{ name = "required", fields = ["outcome"] }]

[timers.limit]
label = "Finish in time"
anchor = "data.opened_on"
duration = "5 working days"
runs_in = ["open"]
met_by = ["finish"]
met_on = "data.finished_on"
escalate_to = ["chair"]
"""

TOP_KEYS = "schema, key, name, description, initial, states, transitions, timers"
KNOWN_ROLES = "reviewer, chair, lead_reviewer, agency, admin, system"

# file -> every problem it must report, as (key, words the message must contain).
EXPECTED: dict[str, list[tuple[str, list[str]]]] = {
    "unknown_top_key": [("colour", ["unknown key 'colour'", f"allowed keys are: {TOP_KEYS}"])],
    "unknown_state_key": [
        ("states.open.colour", ["unknown key 'colour'", "label, description, final, stall"])
    ],
    "unknown_transition_key": [
        (
            "transitions[0].colour",
            ["unknown key 'colour'", "trigger, source, dest, roles, guards, label, records_date"],
        )
    ],
    "unknown_timer_key": [
        ("timers.limit.colour", ["unknown key 'colour'", "anchor, duration, runs_in, met_by"])
    ],
    "unknown_stall_key": [
        ("states.open.stall.colour", ["unknown key 'colour'", "after, repeat, escalate_to"])
    ],
    "invalid_toml": [("", ["is not valid TOML", "line 17"])],
    "missing_key": [("key", ["is required"])],
    "missing_name": [("name", ["is required"])],
    "missing_initial": [("initial", ["is required"])],
    "unknown_initial": [("initial", ["unknown state 'nowhere'", "known states: open, done"])],
    "final_initial": [
        ("initial", ["initial state cannot be final"]),
        ("states.open", ["'open' cannot be reached from 'done'"]),
    ],
    "unreachable_state": [("states.limbo", ["'limbo' cannot be reached from 'open'"])],
    "no_way_out": [("states.stuck", ["'stuck' is not final and has no way out"])],
    "no_final_state": [("states", ["at least one state must be final"])],
    "final_source": [("transitions[1] (reopen).source", ["'done' is final", "nothing may leave"])],
    "unknown_dest": [("transitions[1] (skip).dest", ["unknown state 'nowhere'", "open, done"])],
    "unknown_source": [("transitions[1] (skip).source", ["unknown state 'nowhere'", "open, done"])],
    "unknown_role": [("transitions[0] (finish).roles", ["unknown role 'janitor'", KNOWN_ROLES])],
    "missing_roles": [("transitions[0] (finish).roles", ["must name at least one role"])],
    "bad_trigger_name": [
        ("transitions[0] (finish now).trigger", ["letters, digits and underscores"])
    ],
    "unknown_guard": [
        (
            "transitions[0] (finish).guards[0]",
            ["unknown guard 'crystal_ball'", "known guards are:", "required", "not_in_future"],
        )
    ],
    "guard_param_missing": [
        ("transitions[0] (finish).guards[0]", ["'required' needs the parameter 'fields'"])
    ],
    "guard_param_unknown": [
        (
            "transitions[0] (finish).guards[0]",
            ["'required' has no parameter 'colour'", "its parameters: fields"],
        )
    ],
    "guard_param_wrong_type": [
        ("transitions[0] (finish).guards[0]", ["'fields' must be a non-empty list of data keys"])
    ],
    "guard_duration_wrong_type": [
        ("transitions[0] (finish).guards[0]", ["'elapsed_since'", "'duration' must be a duration"])
    ],
    "bad_duration_unit": [
        (
            "timers.limit.duration",
            ["unknown unit 'fortnights'", "working days, days, weeks, months"],
        )
    ],
    "bad_stall_duration": [("states.open.stall.after", ["'soon'", "5 working days"])],
    "bad_anchor": [
        (
            "timers.limit.anchor",
            ["'data.<key>', 'entered:<state>' or 'trigger:<trigger>'", "yesterday"],
        )
    ],
    "anchor_unknown_trigger": [("timers.limit.anchor", ["unknown trigger 'vanish'"])],
    "anchor_unknown_state": [("timers.limit.anchor", ["unknown state 'nowhere'"])],
    "timer_unknown_trigger": [
        ("timers.limit.met_by", ["unknown trigger 'vanish'", "known: finish"])
    ],
    "timer_unknown_state": [("timers.limit.runs_in", ["unknown state 'nowhere'", "open, done"])],
    "timer_does_nothing": [("timers.limit", ["escalate_to, fire, or both"])],
    "met_on_not_data": [("timers.limit.met_on", ["must be 'data.<key>'", "finished_on"])],
    "fire_without_system": [("timers.limit.fire", ["'finish' must list the role 'system'"])],
    "duplicate_trigger": [("transitions[1] (finish)", ["'finish' leaves 'open' more than once"])],
    "stall_on_final": [("states.done.stall", ["'done' is final", "no stall rule"])],
    "unsupported_schema": [("schema", ["unsupported schema 2", "reads 1"])],
    "bad_key": [("key", ["only letters, digits and underscores"])],
    # Several rules broken in one file: every problem is reported at once, not just the first.
    "several_problems": [
        ("colour", ["unknown key 'colour'"]),
        ("name", ["is required"]),
        ("initial", ["unknown state 'nowhere'"]),
        ("states.open.shape", ["unknown key 'shape'"]),
        ("transitions[0] (finish).roles", ["unknown role 'janitor'"]),
        ("transitions[0] (finish).guards[0]", ["unknown guard 'crystal_ball'"]),
        ("transitions[1] (skip).dest", ["unknown state 'nowhere'"]),
        ("timers.limit.duration", ["unknown unit 'fortnights'"]),
        ("timers.limit.met_by", ["unknown trigger 'vanish'"]),
    ],
}


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(DefinitionError) as caught:
        load(path.read_text(encoding="utf-8"), str(path))
    return caught.value.problems


def test_the_base_of_the_bad_files_is_itself_valid() -> None:
    assert problems_in(GOOD, "good.toml") == []
    d = load(GOOD, "good.toml")
    assert (d.key, d.name, d.initial, d.final_states) == ("mini", "Mini review", "open", ("done",))


def test_every_bad_file_has_its_expectations() -> None:
    on_disk = {p.stem for p in BAD.glob("*.toml")}
    assert on_disk == set(EXPECTED), "each file in definitions_bad/ needs a row in EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_reports_each_problem_with_file_and_key(name: str) -> None:
    path = BAD / f"{name}.toml"
    problems = _problems(path)
    for p in problems:
        assert p.file == str(path)
        assert str(p).startswith(f"{path}: ")
    found = [(p.key, p.message) for p in problems]
    for key, words in EXPECTED[name]:
        matching = [m for k, m in found if k == key and all(w in m for w in words)]
        assert matching, f"{name}: no problem at {key!r} saying {words}; got {found}"
    assert len(problems) == len(EXPECTED[name]), found


def test_definition_error_lists_every_problem_in_its_details() -> None:
    path = BAD / "several_problems.toml"
    with pytest.raises(DefinitionError) as caught:
        load(path.read_text(encoding="utf-8"), str(path))
    error = caught.value
    count = len(EXPECTED["several_problems"])
    assert error.message.startswith(f"The definition has {count} problems")
    assert len(error.details) == count
    assert all(d.startswith(f"{path}: ") for d in error.details)
    assert "timers.limit.met_by: unknown trigger 'vanish'" in "\n".join(error.details)


def test_problems_in_is_empty_for_a_valid_text_and_lists_them_otherwise() -> None:
    assert problems_in(GOOD, "x.toml") == []
    bad = (BAD / "unknown_role.toml").read_text(encoding="utf-8")
    assert [p.key for p in problems_in(bad, "x.toml")] == ["transitions[0] (finish).roles"]


@pytest.mark.parametrize(
    "guard",
    ['\'__import__("os").system("true")\'', "'os.system'", "'eval'"],
)
def test_nothing_in_a_file_is_evaluated_as_python(guard: str) -> None:
    text = GOOD.replace('{ name = "required", fields = ["outcome"] }', guard)
    problems = problems_in(text, "evil.toml")
    assert len(problems) == 1
    assert "unknown guard" in problems[0].message


def test_a_source_may_be_one_state_or_a_list() -> None:
    text = GOOD.replace('source = "open"', 'source = ["open"]')
    assert load(text).transitions[0].sources == ("open",)
    assert load(GOOD).transitions[0].sources == ("open",)


def test_loaded_definitions_are_frozen() -> None:
    d = load(GOOD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.initial = "done"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.transitions[0].dest = "open"  # type: ignore[misc]


# -- the shipped definitions ----------------------------------------------------------------


def _shipped(path: Path) -> Definition:
    return load(path.read_text(encoding="utf-8"), str(path))


def test_the_four_review_types_of_the_contract_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {
        "notifiable_incident",
        "serious_case_review",
        "child_death_review",
        "learning_review",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_definition_loads_clean(path: Path) -> None:
    assert problems_in(path.read_text(encoding="utf-8"), str(path)) == []
    d = _shipped(path)
    assert d.key == path.stem
    assert d.initial == "referral"
    assert d.final_states
    for t in d.transitions:
        assert t.roles, f"{t.trigger} names no role"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_compiled_machine_is_cached_per_definition(path: Path) -> None:
    d = _shipped(path)
    assert machine.compiled(d) is machine.compiled(d)
    # Another load of the same text is another version object: its own machine.
    assert machine.compiled(_shipped(path)) is not machine.compiled(d)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_compiled_machine_agrees_with_the_definition(path: Path) -> None:
    d = _shipped(path)
    for state in d.states:
        for trigger in d.triggers:
            t = d.find(trigger, state)
            assert machine.destination(d, trigger, state) == (t.dest if t else None), (
                trigger,
                state,
            )
    assert machine.destination(d, "no_such_trigger", d.initial) is None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_mermaid_diagram_names_every_state_and_step(path: Path) -> None:
    d = _shipped(path)
    text = machine.mermaid(d)
    assert "stateDiagram-v2" in text
    for state in d.states:
        assert state in text
    for t in d.transitions:
        for s in t.sources:
            assert f"{s} --> {t.dest}: {t.trigger}" in text
    assert f"[*] --> {d.initial}" in text
    for final in d.final_states:
        assert f"{final} --> [*]" in text


def test_mermaid_marks_the_current_state_but_starts_from_the_initial_one() -> None:
    d = _shipped(HERE.parent / "definitions" / "notifiable_incident.toml")
    text = machine.mermaid(d, current="notified")
    assert "[*] --> referral" in text
    assert "[*] --> notified" not in text
    assert "Class notified s_active" in text
    assert "Class referral s_active" not in text
