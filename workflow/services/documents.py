"""Documents agencies send with their contributions: checked (size limit, an allow-list of
types, the content matching its type), hashed (SHA-256), kept in the ``document`` table, and
served only to the people running the review (reviewer, chair, the case's lead reviewer,
administrators) and to the agency that sent it — never to other agencies.

Uploading is a change to the case (its version goes up; the audit trail names the document and
its hash, never its name, which may name a child). A document sent for a contribution still
requested records that contribution as received, by whom and when.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflow.core.errors import InvalidInput, NotFound, PermissionDenied
from workflow.core.events import EventKind, NewEvent
from workflow.core.record_kinds import AGENCY, EDITORS, ContributionStatus, RecordKey, kind_of, owns
from workflow.core.roles import Actor, Role, a_role
from workflow.services import access
from workflow.services.records.changes import Done, write
from workflow.services.records.schemas import DocumentSaved, Removed, SavedRecord
from workflow.services.records.shaping import view
from workflow.services.results import Command
from workflow.store.models.cases import Case
from workflow.store.models.records import Contribution, Document
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import Service

log = logging.getLogger(__name__)

#: Used when the settings name no limit (``max_document_bytes`` in config.toml).
DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Who may download any document of a case they can see; an agency user only their own.
DOWNLOAD_ROLES = {
    Role.REVIEWER.value,
    Role.CHAIR.value,
    Role.LEAD_REVIEWER.value,
    Role.ADMIN.value,
}


class DocumentTooLarge(InvalidInput):
    """The file is over the size limit (the web answers 413)."""

    code = "too_large"


def _pdf(content: bytes) -> bool:
    return content.startswith(b"%PDF-")


def _zip(content: bytes) -> bool:
    return content.startswith(b"PK\x03\x04")


def _rtf(content: bytes) -> bool:
    return content.startswith(b"{\\rtf")


def _text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class FileType:
    content_type: str
    also_sent_as: tuple[str, ...]
    looks_right: Callable[[bytes], bool]
    what: str


GENERIC = ("", "application/octet-stream", "binary/octet-stream")
ZIPPED = ("application/zip", "application/x-zip-compressed")
#: The allow-list, by the file name's extension.
FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", ("application/x-pdf",), _pdf, "a PDF"),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIPPED,
        _zip,
        "a Word document",
    ),
    ".xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ZIPPED,
        _zip,
        "an Excel workbook",
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", ZIPPED, _zip, "an ODF text"),
    ".rtf": FileType("application/rtf", ("text/rtf",), _rtf, "rich text"),
    ".txt": FileType("text/plain", (), _text, "plain text (UTF-8)"),
    ".csv": FileType(
        "text/csv",
        ("application/csv", "text/plain", "application/vnd.ms-excel"),
        _text,
        "CSV text (UTF-8)",
    ),
}


def safe_filename(name: Any) -> str:
    """The file's own name, without any folder, control characters or surrounding spaces."""
    text = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/")
    text = posixpath.basename(text)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip().strip(".")
    return text[:255]


def check_file(
    filename: str, declared_type: str, content: bytes, max_bytes: int
) -> tuple[str, FileType]:
    """The stored name and type of an upload, or the problem with it."""
    name = safe_filename(filename)
    if not name:
        raise InvalidInput("Send the file with its name (e.g. chronology.pdf).")
    if len(content) > max_bytes:
        raise DocumentTooLarge(
            f"The file is {len(content):,} bytes; the limit is {max_bytes:,} bytes. Send a "
            "smaller file, or split it.",
            [f"file: {len(content)} bytes is over the limit of {max_bytes} bytes"],
        )
    if not content:
        raise InvalidInput("The file is empty; send the document itself.", ["file: empty"])
    extension = posixpath.splitext(name.lower())[1]
    kind = FILE_TYPES.get(extension)
    allowed = ", ".join(sorted(FILE_TYPES))
    if kind is None:
        raise InvalidInput(
            f"Files of this type are not accepted; send one of: {allowed}.",
            [f"file: '{extension or name}' is not one of {allowed}"],
        )
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in (kind.content_type, *kind.also_sent_as, *GENERIC):
        raise InvalidInput(
            f"The file's type ({declared}) does not match its name ({extension}).",
            [f"file: sent as {declared}, but {extension} is {kind.content_type}"],
        )
    if not kind.looks_right(content):
        raise InvalidInput(
            f"The file is named {extension} but its content is not {kind.what}.",
            [f"file: the content is not {kind.what}"],
        )
    return name, kind


def new_document(
    case_id: int,
    name: str,
    kind: FileType,
    content: bytes,
    actor: Actor,
    now: datetime,
    **owner: Any,
) -> Document:
    """The row of a checked upload (``check_file``), with its SHA-256; ``owner``: the
    contribution and agency it answers, or the purpose it serves (a final report)."""
    return Document(
        case_id=case_id,
        filename=name,
        content_type=kind.content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=actor.name,
        uploaded_at=now,
        **owner,
    )


class UploadDocument(Command):
    """A file sent for a contribution, as it arrived."""

    case_id: int
    contribution_id: int
    filename: str
    declared_type: str
    content: bytes
    expected_version: int
    max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES


def _document_events(document: Document, row: Contribution, received: bool) -> list[NewEvent]:
    events = [
        NewEvent(
            EventKind.RECORD_ADDED,
            detail={
                "record": "document",
                "id": document.id,
                "label": f"Document {document.id}",
                "contribution": row.id,
                "size_bytes": document.size_bytes,
                "sha256": document.sha256,
                "fields": ["content", "content_type", "filename"],
            },
        )
    ]
    if received:
        events.append(
            NewEvent(
                EventKind.RECORD_CHANGED,
                detail={
                    "record": kind_of(RecordKey.CONTRIBUTIONS).noun,
                    "id": row.id,
                    "label": f"Contribution {row.id}",
                    "fields": ["received_by", "received_on", "status"],
                },
            )
        )
    return events


def _contribution(u: Unit, actor: Actor, case: Case, command: UploadDocument) -> Contribution:
    row = u.documents.contribution(command.contribution_id)
    if (
        row is None
        or row.case_id != case.id
        or (actor.role == AGENCY and not owns(actor.agencies, row.agency))
    ):
        raise NotFound(
            f"There is no contribution {command.contribution_id} on case {command.case_id} "
            "that you can see."
        )
    return row


def upload(service: Service, actor: Actor, command: UploadDocument) -> SavedRecord:
    """Keep a document an agency sent for a contribution; answer with its details."""
    if actor.role not in EDITORS and actor.role != AGENCY:
        raise PermissionDenied(
            f"{a_role(actor.role).capitalize()} may not "
            "upload documents; agencies send them for their "
            "contributions, and the reviewer may record them."
        )
    content = command.content
    name, kind = check_file(command.filename, command.declared_type, content, command.max_bytes)

    def work(u: Unit, case: Case, now: datetime) -> Done[SavedRecord]:
        row = _contribution(u, actor, case, command)
        document = new_document(
            case.id or 0,
            name,
            kind,
            content,
            actor,
            now,
            contribution_id=command.contribution_id,
            agency=row.agency,
        )
        u.documents.save(document)
        received = row.status == ContributionStatus.REQUESTED
        if received:
            row.status = ContributionStatus.RECEIVED.value
            row.received_on = service.calendar.local_date(now)
            row.received_by = actor.name
            u.documents.save(row)
        log.info(
            "case %s: document %s (%d bytes) for contribution %s by %s",
            case.reference,
            document.id,
            len(content),
            command.contribution_id,
            actor.name,
        )
        shown = view("documents", document)
        answer = lambda version: DocumentSaved.model_validate(shown | {"case_version": version})  # noqa: E731
        return answer, _document_events(document, row, received)

    return write(service, actor, command.case_id, command.expected_version, work)


def download(service: Service, actor: Actor, case_id: int, document_id: int) -> Document:
    """The document with its content, for those who may have it; the read is logged."""
    now = service.now()
    with service.store.write() as u:
        access.require_visible(actor, u.records.case(case_id), case_id)
        document = u.documents.get(document_id)
        allowed = actor.role in DOWNLOAD_ROLES or (
            actor.role == AGENCY and document is not None and owns(actor.agencies, document.agency)
        )
        if document is None or document.case_id != case_id or not allowed:
            raise NotFound(f"There is no document {document_id} on case {case_id} you may have.")
        u.records.log_read(case_id, now, actor.name, "download document")
        return document


def remove(
    service: Service, actor: Actor, case_id: int, document_id: int, expected_version: int
) -> Removed:
    """Remove a document sent in error (reviewer, chair or lead reviewer)."""
    if actor.role not in EDITORS:
        raise PermissionDenied(
            f"{a_role(actor.role).capitalize()} may not remove documents; "
            "ask the reviewer or the chair."
        )

    def work(u: Unit, case: Case, now: datetime) -> Done[Removed]:
        document = u.documents.get(document_id)
        if document is None or document.case_id != case.id:
            raise NotFound(f"There is no document {document_id} on case {case_id}.")
        report = (case.data or {}).get("final_report")
        if isinstance(report, dict) and report.get("document") == document_id:
            raise InvalidInput(
                f"Document {document_id} is the case's final report: upload the right version "
                "in its place (the chair then signs it off); it cannot be removed."
            )
        u.documents.remove(document)
        detail = {"record": "document", "id": document_id, "label": f"Document {document_id}"}
        answer = lambda version: Removed(removed=document_id, case_version=version)  # noqa: E731
        return answer, [NewEvent(EventKind.RECORD_REMOVED, detail=detail | {"fields": []})]

    return write(service, actor, case_id, expected_version, work)


__all__ = [
    "DEFAULT_MAX_DOCUMENT_BYTES",
    "FILE_TYPES",
    "DocumentTooLarge",
    "UploadDocument",
    "check_file",
    "download",
    "new_document",
    "remove",
    "safe_filename",
    "upload",
]
