# ruff: noqa: F811  (the fixtures of tests/test_admin_pages.py are imported, then asked for by name)
"""Issue 14, the admin pages in words: the draft's time as people write it (London), the
migration dry run with stage and deadline labels and never a literal "None", and a TOML
error without a doubled colon."""

from __future__ import annotations

import re
from typing import Any

from tests.test_admin_pages import admin_app, page  # noqa: F401  (fixtures)
from tests.test_administration import LR, LR_V2
from tests.test_pages import as_user, submit, text_of
from workflow.core.roles import Actor
from workflow.services.cases import Service

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_the_draft_time_is_in_words_and_bad_toml_reads_cleanly(admin_app: Any) -> None:
    c = as_user(admin_app, "ada")
    editor = page(c, f"/admin/review-types/{LR}")
    saved = submit(c, editor, f"/admin/review-types/{LR}", {"source": LR_V2, "save": "1"})
    html = page(c, saved.location) if saved.status_code == 302 else saved.get_data(as_text=True)
    text = text_of(html)
    found = re.search(r"Draft saved by ada, (\d+ \w+ \d{4} at \d+:\d\d[ap]m)", text)
    assert found, text[:600]
    assert not ISO.search(text)
    bad = submit(c, html, f"/admin/review-types/{LR}", {"source": "key = = 1", "check": "1"})
    text = text_of(bad.get_data(as_text=True))
    assert ": :" not in text
    assert re.search(r"Line 1: The text is not valid TOML", text), text[:800]


def test_the_dry_run_shows_labels_and_no_none(
    admin_app: Any, service: Service, reviewer: Actor
) -> None:
    old = service.open_case(reviewer, LR, "Family A", {})
    c = as_user(admin_app, "ada")
    editor = page(c, f"/admin/review-types/{LR}")
    submit(c, editor, f"/admin/review-types/{LR}", {"source": LR_V2, "publish": "1"})
    migrate = page(c, f"/admin/review-types/{LR}/migrate")
    d = service.definition(LR, 1)
    for key, state in d.states.items():
        if not state.final:
            assert f'<label class="govuk-label" for="map-{key}">{state.label}</label>' in migrate
    dry = submit(
        c,
        migrate,
        f"/admin/review-types/{LR}/migrate",
        {"from_version": "1", "to_version": "2", "dry_run": "1"},
    )
    html = dry.get_data(as_text=True)
    table = text_of(html[html.index("Dry run: version 1 to 2") :])
    assert old.reference in table
    assert "None" not in table
    assert "Will move" in table and "planned" not in table
    assert d.label_of(d.initial) in table
    assert f" {d.initial} " not in f" {table} " or d.initial == d.label_of(d.initial)
