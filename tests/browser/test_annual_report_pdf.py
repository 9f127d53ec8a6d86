"""Issue 14: the printed annual report, checked page by page as a PDF that Chromium prints on
A4 (``page.pdf``), read back with pypdf: page 1 holds more than the title, no chart label is
cut, and a time limit several review types share is told apart by its type."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdf
import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, NO_CHROMIUM
from tests.browser.test_incident_in_browser import sign_in
from workflow.core.roles import Actor
from workflow.services.cases import Service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
]

A4_POINTS = (595, 842)


def test_the_printed_annual_report_is_laid_out_for_a4(
    page: Any, service: Service, reviewer: Actor
) -> None:
    for title, aware in (("Child A", date(2026, 3, 2)), ("Child B", date(2026, 6, 1))):
        service.open_case(
            reviewer,
            "notifiable_incident",
            title,
            {"aware_at": aware.isoformat(), "agencies": ["Northshire Police"]},
        )
    sign_in(page)
    page.goto("/reports/annual?year=2026")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "annual-report.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = [p.extract_text() or "" for p in reader.pages]
    for p in reader.pages:
        width, height = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2
    assert "Case reviews in 2026" in texts[0]
    first = " ".join(texts[0].split())
    assert "Opened Completed Published Notifiable incident" in first, (
        "page 1 is not the title alone"
    )
    # A heading is never left at the foot of a page without the first table it introduces.
    for heading, first_table in (
        ("Reviews by classification", "Child death review: death category"),
        ("Recurring themes", "Findings Reviews"),
    ):
        on = next(" ".join(t.split()) for t in texts if heading in t)
        assert first_table in on, f"'{heading}' is printed apart from '{first_table}'"
    assert all("…" not in t for t in texts), "a chart label was cut"
    everything = " ".join(" ".join(t.split()) for t in texts)
    assert "Signed in as" not in everything and "Show the report" not in everything
    assert everything.count("Notifiable incident: T1") >= 1
    assert len(reader.pages) <= 8
