"""The demo serious case reviews' final reports: a one-page PDF uploaded by the lead reviewer
when publication is prepared, and signed off by the chair for the board before the report is
published (or the board decides not to publish it). Each is made only where it is missing, so
a run left part-way is finished, not doubled."""

from __future__ import annotations

from datetime import date

from workflow.services.cases import Service
from workflow.services.demo.people import CHAIR, LEAD
from workflow.services.publication import final_report

FILENAME = "final-report.pdf"


def pdf(title: str) -> bytes:
    """A one-page PDF whose only text is ``title`` (plain ASCII), with a correct cross-reference
    table, so the demo's download opens in any reader."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _version(service: Service, case_id: int) -> int:
    with service.store.read() as u:
        case = u.demo.case(case_id)
        return case.version if case is not None else 0


def upload(service: Service, case_id: int, today: date, agencies: tuple[str, ...]) -> None:
    """The lead reviewer uploads the final report (once)."""
    if final_report.report_of(service, CHAIR.actor, case_id).document is not None:
        return
    command = final_report.UploadFinalReport(
        case_id=case_id,
        filename=FILENAME,
        declared_type="application/pdf",
        content=pdf(f"Serious case review: final report, demonstration board {today.year}"),
        expected_version=_version(service, case_id),
    )
    final_report.upload(service, LEAD.actor, command)


def sign_off(service: Service, case_id: int, today: date, agencies: tuple[str, ...]) -> None:
    """The chair signs the final report off for the board (uploading it first if need be)."""
    upload(service, case_id, today, agencies)
    if final_report.report_of(service, CHAIR.actor, case_id).signed_off is not None:
        return
    command = final_report.SignOffFinalReport(
        expected_version=_version(service, case_id),
        minute="Safeguarding board meeting, item 4",
    )
    final_report.sign_off(service, CHAIR.actor, case_id, command)
