"""Administrators change review types without a release: drafts with located problems, a
readable comparison, publishing new versions, pinning, and migrating open cases."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from tests import records_support as rs
from tests.conftest import DEFINITIONS, Clock
from workflow.core.definition import load
from workflow.core.definition.compare import compare
from workflow.core.definition.source import locate
from workflow.core.errors import (
    DefinitionError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    VersionConflict,
)
from workflow.core.roles import Actor
from workflow.services.administration import audit, drafts, migration, review_types
from workflow.services.administration.results import CaseRef, MigrationPlan
from workflow.services.cases import Service
from workflow.store.models.cases import Case
from workflow.store.models.time import Deadline

LR = "learning_review"
LR_V1 = (DEFINITIONS / "learning_review.toml").read_text(encoding="utf-8")
# Version 2: 'monitoring' becomes 'monitoring_actions', the completion limit is 4 months, and the
# lead reviewer may sign off the action plan too.
LR_V2 = (
    LR_V1.replace("[states.monitoring]", "[states.monitoring_actions]")
    .replace('dest = "monitoring"', 'dest = "monitoring_actions"')
    .replace('source = "monitoring"', 'source = "monitoring_actions"')
    .replace('duration = "6 months"', 'duration = "4 months"')
    .replace(
        'trigger = "sign_off_action_plan"\nlabel = "Sign off the action plan"\nsource = '
        '"action_plan"\ndest = "monitoring_actions"\nroles = ["chair"]',
        'trigger = "sign_off_action_plan"\nlabel = "Sign off the action plan"\nsource = '
        '"action_plan"\ndest = "monitoring_actions"\nroles = ["chair", "lead_reviewer"]',
    )
)
UNREACHABLE = LR_V1.replace(
    "[states.declined]", '[states.orphaned]\nlabel = "Orphaned"\nfinal = true\n\n[states.declined]'
)
RATIONALE = {"decision_rationale": "Useful learning on neglect."}
SCOPED = {
    "agencies": ["Police"],
    "scoping": {"scale": "small", "method": "workshop"},
    "lead_reviewer": {"name": "Lena Lead", "organisations": ["Independent Reviews Ltd"]},
}
INVOLVED: dict[str, Any] = {}  # the people involved are records: see involve()
FINDINGS: dict[str, Any] = {}  # findings are records: see find()


def involve(service: Service, actor: Actor, case_id: int) -> None:
    rs.add(
        service,
        actor,
        case_id,
        "practitioners",
        agency="Police",
        role_title="Sergeant",
        invited_on="2026-11-02",
    )
    rs.add(
        service,
        actor,
        case_id,
        "family_members",
        relationship="parents",
        not_involved_reason="Moved",
    )


def find(service: Service, actor: Actor, case_id: int) -> dict:
    rs.add(service, actor, case_id, "findings", what_happened="a", why="b", kind="good_practice")
    return service.get_case(actor, case_id)


def migrate(
    service: Service,
    actor: Actor,
    from_version: int,
    to_version: int,
    state_map: dict[str, str],
    cases: list[dict[str, int]] | None = None,
    dry_run: bool = True,
) -> Any:
    plan = MigrationPlan(
        from_version=from_version,
        to_version=to_version,
        state_map=state_map,
        cases=tuple(CaseRef(**c) for c in cases) if cases is not None else None,
        dry_run=dry_run,
    )
    return migration.migrate(service, actor, LR, plan)


def open_lr(service: Service, reviewer: Actor, chair: Actor, lead: Actor, steps: int) -> dict:
    case = service.open_case(reviewer, LR, "Family A", {})
    path = [
        (chair, "commission", RATIONALE),
        (reviewer, "appoint_lead", SCOPED),
        (lead, "start_involvement", {}),
        (lead, "begin_findings", INVOLVED),
        (lead, "agree_findings", FINDINGS),
        (chair, "sign_off_action_plan", {}),
    ]
    for actor, trigger, data in path[:steps]:
        if trigger == "begin_findings":
            involve(service, reviewer, case.id)
            case = service.get_case(reviewer, case.id)
        if trigger == "agree_findings":
            case = find(service, lead, case.id)
        case = service.transition(actor, case.id, trigger, case.version, data=data)
    return case


# -- problems, located --------------------------------------------------------------------------


def test_an_unreachable_state_is_refused_with_its_name_and_line(
    service: Service, admin: Actor
) -> None:
    preview = drafts.preview(service, admin, LR, UNREACHABLE)
    assert preview.valid is False
    [problem] = preview.problems
    assert "'orphaned' cannot be reached" in problem.message
    assert problem.line is not None
    assert UNREACHABLE.splitlines()[problem.line - 1] == "[states.orphaned]"


@pytest.mark.parametrize(
    ("key", "line_text"),
    [
        ("initial", 'initial = "referral"'),
        ("states.scoping", "[states.scoping]"),
        ("states.scoping.stall", 'stall = { after = "20 working days"'),
        ("transitions[2] (appoint_lead).roles", 'roles = ["chair", "reviewer"]'),
        ("timers.completion.duration", 'duration = "6 months"'),
    ],
)
def test_problems_point_at_their_line(key: str, line_text: str) -> None:
    line = locate(LR_V1, key)
    assert line is not None
    assert LR_V1.splitlines()[line - 1].startswith(line_text)


def test_a_toml_syntax_error_points_at_its_line() -> None:
    broken = LR_V1.replace('name = "Learning review"', 'name = "Learning review')
    with pytest.raises(DefinitionError) as caught:
        load(broken, "lr.toml")
    [problem] = caught.value.problems
    assert problem.line == LR_V1.splitlines().index('name = "Learning review"') + 1


# -- comparison -----------------------------------------------------------------------------------


def test_the_comparison_names_each_change() -> None:
    texts = [c.text for c in compare(load(LR_V1), load(LR_V2))]
    assert "state 'monitoring' removed" in texts
    assert "state 'monitoring_actions' added" in texts
    assert any("timer completion: duration '6 months' → '4 months'" in t for t in texts)
    assert any(
        "step sign_off_action_plan from action_plan: roles ['chair'] → ['chair', 'lead_reviewer']"
        in t
        for t in texts
    )
    assert compare(load(LR_V1), load(LR_V1)) == []


# -- drafts and publishing ------------------------------------------------------------------------


def test_a_draft_keeps_its_problems_until_fixed_and_refuses_a_stale_save(
    service: Service, admin: Actor
) -> None:
    saved = drafts.save_draft(service, admin, LR, UNREACHABLE)
    assert saved.preview.valid is False
    assert saved.based_on_version == 1
    with pytest.raises(DefinitionError, match="1 problem"):
        drafts.publish_draft(service, admin, LR)
    fixed = drafts.save_draft(service, admin, LR, LR_V2, expected_version=saved.version)
    assert fixed.preview.valid is True
    assert fixed.preview.diagram is not None and "stateDiagram-v2" in fixed.preview.diagram
    with pytest.raises(VersionConflict):
        drafts.save_draft(service, admin, LR, LR_V1, expected_version=saved.version)
    assert drafts.get_draft(service, admin, LR).source == LR_V2


def test_publishing_pins_open_cases_and_new_cases_take_the_latest(
    service: Service,
    admin: Actor,
    reviewer: Actor,
    chair: Actor,
    lead: Actor,
) -> None:
    old = open_lr(service, reviewer, chair, lead, steps=1)
    drafts.save_draft(service, admin, LR, LR_V2)
    assert drafts.publish_draft(service, admin, LR).model_dump() == {"key": LR, "version": 2}
    with pytest.raises(NotFound):  # publishing used the draft up
        drafts.discard_draft(service, admin, LR)
    assert service.get_case(reviewer, old.id).definition_version == 1
    new = service.open_case(reviewer, LR, "Family B", {})
    assert new.definition_version == 2
    # The old case still runs on version 1's rules: only the chair may sign off there.
    assert service.review_type(LR).version == 2
    assert service.review_type(LR, 1).source == LR_V1
    assert [v.version for v in review_types.versions(service, admin, LR)] == [1, 2]


def test_publishing_through_service_is_audited(service: Service, admin: Actor) -> None:
    service.publish(admin, LR_V2, expected_key=LR)
    actions = [(e.action, e.key, e.version) for e in audit.entries(service, admin, LR)]
    assert actions[0] == ("published", LR, 2)
    assert ("published", LR, 1) in actions  # workflow init's publication is audited too


@pytest.mark.parametrize("role", ["reviewer", "chair", "lead_reviewer", "agency"])
def test_only_admins_may_administer(service: Service, role: str) -> None:
    actor = Actor("someone", role, ("Police",))
    calls = [
        lambda: review_types.catalogue(actor),
        lambda: drafts.preview(service, actor, LR, LR_V2),
        lambda: drafts.save_draft(service, actor, LR, LR_V2),
        lambda: drafts.get_draft(service, actor, LR),
        lambda: drafts.discard_draft(service, actor, LR),
        lambda: drafts.publish_draft(service, actor, LR),
        lambda: review_types.versions(service, actor, LR),
        lambda: audit.entries(service, actor),
        lambda: migrate(service, actor, 1, 1, {}),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


def test_the_catalogue_lists_guards_with_their_parameters_and_roles(
    service: Service, admin: Actor
) -> None:
    catalogue = review_types.catalogue(admin)
    guards = {g.name: g for g in catalogue.guards}
    assert [p.name for p in guards["elapsed_since"].params] == ["field", "duration"]
    assert "records.lead_appointments[].organisations" in guards["lead_reviewer_independent"].reads
    assert guards["involvement_recorded"].doc
    assert "system" in catalogue.roles and "admin" in catalogue.roles


# -- migration of open cases ----------------------------------------------------------------------


def _state_of_things(service: Service, case_id: int) -> dict[str, Any]:
    with Session(service.db) as s:
        case = s.get(Case, case_id)
        assert case is not None
        deadlines = s.exec(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.current == True)  # noqa: E712
        ).all()
        return {
            "state": case.state,
            "version": case.definition_version,
            "deadlines": sorted(
                (d.name, d.status, d.due_date.isoformat()) for d in deadlines if d.name != "stall"
            ),
        }


def test_a_dry_run_and_the_applied_migration_agree_exactly(
    service: Service,
    admin: Actor,
    reviewer: Actor,
    chair: Actor,
    lead: Actor,
    clock: Clock,
) -> None:
    in_findings = open_lr(service, reviewer, chair, lead, steps=4)
    monitoring = open_lr(service, reviewer, chair, lead, steps=6)
    service.publish(admin, LR_V2, expected_key=LR)
    clock.advance(days=1)
    with pytest.raises(InvalidInput, match="monitoring"):
        migrate(service, admin, 1, 2, {})  # 'monitoring' has no home in version 2
    state_map = {"monitoring": "monitoring_actions"}
    before = {c: _state_of_things(service, c) for c in (in_findings.id, monitoring.id)}
    plan = migrate(service, admin, 1, 2, state_map)
    assert plan.dry_run is True
    assert {c: _state_of_things(service, c) for c in before} == before  # nothing changed
    by_id = {c.id: c for c in plan.cases}
    assert by_id[monitoring.id].to_state == "monitoring_actions"
    moved = [d.model_dump(mode="json") for d in by_id[in_findings.id].deadlines or ()]
    assert moved == [
        {
            "op": "move",
            "name": "completion",
            "from_due_date": "2027-05-30",
            "due_date": "2027-03-30",
        }
    ]
    assert "agree_findings" in (by_id[in_findings.id].blocked or {})
    applied = migrate(
        service,
        admin,
        1,
        2,
        state_map,
        cases=[{"id": c.id, "version": c.version or 0} for c in plan.cases],
        dry_run=False,
    )
    assert [c.outcome for c in applied.cases] == ["migrated", "migrated"]
    for planned in plan.cases:
        after = _state_of_things(service, planned.id)
        assert after["state"] == planned.to_state
        assert after["version"] == 2
    assert _state_of_things(service, in_findings.id)["deadlines"] == [
        ("completion", "pending", "2027-03-30")
    ]
    events = service.events(admin, in_findings.id)
    assert events[-2].kind == "migrated"
    assert events[-2].detail["state_map"] == state_map
    assert events[-1].kind == "deadline_moved"
    actions = [e.action for e in audit.entries(service, admin, LR)]
    assert actions[0] == "migration_applied"


def test_a_case_changed_since_the_dry_run_is_skipped_not_overwritten(
    service: Service,
    admin: Actor,
    reviewer: Actor,
    chair: Actor,
    lead: Actor,
) -> None:
    case = find(service, lead, open_lr(service, reviewer, chair, lead, steps=4).id)
    service.publish(admin, LR_V2, expected_key=LR)
    plan = migrate(service, admin, 1, 2, {})
    moved_on = service.transition(lead, case.id, "agree_findings", case.version, data=FINDINGS)
    result = migrate(
        service,
        admin,
        1,
        2,
        {},
        cases=[{"id": case.id, "version": plan.cases[0].version}],
        dry_run=False,
    )
    [only] = result.cases
    assert only.outcome == "skipped" and "dry run" in (only.reason or "")
    after = service.get_case(reviewer, case.id)
    assert (after.definition_version, after.state, after.version) == (
        1,
        "action_plan",
        moved_on.version,
    )


def test_a_migration_racing_a_reviewers_step_loses_cleanly(
    service: Service,
    admin: Actor,
    reviewer: Actor,
    chair: Actor,
    lead: Actor,
) -> None:
    case = find(service, lead, open_lr(service, reviewer, chair, lead, steps=4).id)
    service.publish(admin, LR_V2, expected_key=LR)
    plan = migrate(service, admin, 1, 2, {})
    cases = [{"id": case.id, "version": plan.cases[0].version}]
    outcomes: dict[str, Any] = {}
    barrier = threading.Barrier(2)

    def step() -> None:
        barrier.wait()
        try:
            outcomes["step"] = service.transition(
                lead, case.id, "agree_findings", case.version, data=FINDINGS
            ).state
        except VersionConflict:
            outcomes["step"] = "conflict"

    def move() -> None:
        barrier.wait()
        moved = migrate(service, admin, 1, 2, {}, cases=cases, dry_run=False)
        outcomes["migration"] = moved.cases[0].outcome

    threads = [threading.Thread(target=step), threading.Thread(target=move)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = service.get_case(reviewer, case.id)
    # Exactly one of the two writers won; the other changed nothing.
    if outcomes["migration"] == "migrated":
        assert outcomes["step"] == "conflict"
        assert (after.definition_version, after.state) == (2, "findings")
    else:
        assert outcomes["migration"] == "skipped"
        assert outcomes["step"] == "action_plan"
        assert (after.definition_version, after.state) == (1, "action_plan")
    assert after.version == case.version + 1


# -- export and publish on the command line -------------------------------------------------------


def test_export_and_publish_round_trip_on_the_command_line(
    service: Service, db_url: str, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from workflow.cli import cli

    config = tmp_path / "config.toml"
    config.write_text(
        f'database_url = "{db_url}"\ndefinitions_dir = "{DEFINITIONS}"\n', encoding="utf-8"
    )
    runner = CliRunner()
    exported = runner.invoke(cli, ["--config", str(config), "definitions", "export", LR])
    assert exported.exit_code == 0 and exported.output == LR_V1
    changed = tmp_path / "lr.toml"
    changed.write_text(LR_V2, encoding="utf-8")
    published = runner.invoke(
        cli, ["--config", str(config), "definitions", "publish", str(changed)]
    )
    assert published.exit_code == 0, published.output
    assert f"published {LR} version 2" in published.output
    bad = tmp_path / "bad.toml"
    bad.write_text(UNREACHABLE, encoding="utf-8")
    refused = runner.invoke(cli, ["--config", str(config), "definitions", "publish", str(bad)])
    assert refused.exit_code == 1
    assert f"{bad}: states.orphaned: state 'orphaned' cannot be reached" in refused.stderr
    assert service.review_type(LR).version == 2
