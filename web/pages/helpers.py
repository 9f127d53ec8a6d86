"""Small helpers the page blueprints share: who is acting, dates and deadlines in words, the
error summary, request body limits, security headers and the state diagram text."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, current_app, g, url_for
from flask.sansio.app import App
from flask_login import current_user
from wtforms import Field, Form

from workflow.core import machine
from workflow.core.calendar import LONDON, WorkingCalendar
from workflow.core.deadlines import DeadlineStatus
from workflow.core.definition import Definition
from workflow.core.errors import WorkflowError
from workflow.core.roles import Actor
from workflow.services.cases import Service
from workflow.services.documents import DEFAULT_MAX_DOCUMENT_BYTES
from workflow.settings import Settings

SERVICE_NAME = "Safeguarding case reviews"
DATA_PATH = re.compile(r"data\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")


def service() -> Service:
    svc: Service = current_app.extensions["workflow.service"]
    return svc


def settings() -> Settings:
    found: Settings = current_app.extensions["workflow.settings"]
    return found


def actor() -> Actor:
    """The signed-in person as the service sees them."""
    return Actor(current_user.name, current_user.role, tuple(current_user.agencies))


def today() -> date:
    svc = service()
    return svc.calendar.local_date(svc.now())


# -- the service navigation -------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    """A link in the service navigation: ``key`` marks it current when a page renders with
    ``nav=key``; ``roles`` (when given) limits who sees it."""

    text: str
    endpoint: str
    key: str
    roles: frozenset[str] | None = None
    shown: Callable[[str], bool] | None = None

    def offered_to(self, role: str | None) -> bool:
        if self.roles is not None and role not in self.roles:
            return False
        return self.shown is None or (role is not None and self.shown(role))


def may_open_some_type(role: str) -> bool:
    """Whether ``role`` may open a case of at least one review type (``open_roles``)."""
    from workflow.services import dashboard as board

    return any(role in t.open_roles for t in board.review_types(service()))


#: The links every signed-in person sees (those with ``roles``, only people in one of them).
BUILT_IN_NAV = (
    NavItem("Dashboard", "pages.dashboard.index", "dashboard"),
    NavItem("All cases", "pages.cases.all_cases", "cases"),
    NavItem("Open a case", "pages.cases.choose_type", "new", shown=may_open_some_type),
)


def register_nav_item(
    app: App, text: str, endpoint: str, key: str, roles: Iterable[str] | None = None
) -> None:
    """Add a link to the service navigation of every page (for other page modules, such as the
    reports). ``key`` marks it current when a page renders with ``nav=key``; ``roles`` limits
    who sees it."""
    items: list[NavItem] = app.extensions.setdefault("workflow.pages.nav", [])
    items.append(NavItem(text, endpoint, key, frozenset(roles) if roles else None))


def nav_items(current: str | None) -> list[dict[str, Any]]:
    """The service navigation for the signed-in person, as the GOV.UK macro takes it."""
    added: list[NavItem] = current_app.extensions.get("workflow.pages.nav", [])
    role = getattr(current_user, "role", None)
    return [
        {"href": url_for(i.endpoint), "text": i.text, "current": i.key == current}
        for i in (*BUILT_IN_NAV, *added)
        if i.offered_to(role)
    ]


# -- pages of the review's records ----------------------------------------------------------

RecordPage = Callable[[int], str]


def register_record_page(app: App, kind: str, url: RecordPage) -> None:
    """Say where the records of ``kind`` (``findings``, ``practitioners``...) of a case are
    recorded: ``url(case_id)``. A blocked step that needs such records links there."""
    pages: dict[str, RecordPage] = app.extensions.setdefault("workflow.pages.record_pages", {})
    pages[kind] = url


def record_page(kind: str, case_id: int) -> str | None:
    pages: dict[str, RecordPage] = current_app.extensions.get("workflow.pages.record_pages", {})
    found = pages.get(kind)
    return found(case_id) if found else None


# -- words for dates and deadlines ----------------------------------------------------------


def format_date(value: date | str | None) -> str:
    """``30 November 2026``; a string is read as an ISO date, and shown as is if it is not one."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value
    return f"{day.day} {day:%B %Y}"


def format_instant(value: datetime | str | None) -> str:
    """``30 November 2026 at 10:05am`` in London time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def deadline_words(
    due_date: date, status: str, day: date, calendar: WorkingCalendar
) -> tuple[str, str]:
    """What a deadline means today, and the GOV.UK tag colour to show it with."""
    if status == DeadlineStatus.MET:
        return "Met", "govuk-tag--green"
    if status == DeadlineStatus.CANCELLED:
        return "No longer needed", "govuk-tag--grey"
    if day > due_date or status == DeadlineStatus.MISSED:
        late = calendar.working_days_between(due_date, day)
        if late == 0:
            return "Overdue", "govuk-tag--red"
        return f"Overdue by {plural(late, 'working day')}", "govuk-tag--red"
    if day == due_date:
        return "Due today", "govuk-tag--orange"
    left = calendar.working_days_between(day, due_date)
    colour = "govuk-tag--yellow" if left <= 2 else "govuk-tag--blue"
    return f"{plural(left, 'working day')} left", colour


# -- forms and errors -----------------------------------------------------------------------


def field_href(field: Field) -> str:
    """Where an error summary link for ``field`` should land: its first input."""
    widget = type(field.widget).__name__
    if widget == "GovDateInput":
        return f"#{field.name}-day"
    return f"#{field.id}"


def error_list(form: Form | None, extra: Iterable[Mapping[str, str]] = ()) -> list[dict[str, str]]:
    """Items for the error summary: one per field error (linked to the field), then ``extra``."""
    items: list[dict[str, str]] = []
    if form is not None:
        for field in _fields(form):
            for message in field.errors:
                if isinstance(message, str):
                    items.append({"text": message, "href": field_href(field)})
    items.extend(dict(x) for x in extra)
    return items


def _fields(form: Any) -> Iterable[Field]:
    for field in form:
        entries = getattr(field, "entries", None)
        if entries is not None:  # a FieldList of FormFields
            for entry in entries:
                sub = getattr(entry, "form", None)
                yield from _fields(sub) if sub is not None else [entry]
        else:
            yield field


def problem_words(exc: WorkflowError) -> str:
    """A refusal in one paragraph for a person: the message, then each detail that says more
    than the message (without the ``field:`` prefix the API's details carry)."""
    parts = [exc.message]
    for detail in exc.details:
        name, sep, problem = detail.partition(": ")
        text = problem if sep and " " not in name else detail
        text = text[:1].upper() + text[1:]
        if text.rstrip(".").lower() not in " ".join(parts).lower():
            parts.append(text if text.endswith(".") else f"{text}.")
    return " ".join(parts)


def data_paths(sentence: str) -> list[str]:
    """The data keys a guard's sentence names, e.g. ``criteria.child_died``."""
    return [m.rstrip(".") for m in DATA_PATH.findall(sentence)]


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, so a sign-in link cannot send people away."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


# -- request bodies -----------------------------------------------------------------------

BodyLimit = Callable[[], int]
View = TypeVar("View", bound=Callable[..., Any])


def larger_body(view: View, limit: BodyLimit) -> View:
    """Let ``view`` take a request body of up to ``limit()`` bytes (an upload), beyond the app's
    ``MAX_CONTENT_LENGTH``. The parent blueprint applies it before the form token is read."""
    setattr(view, "body_limit", limit)  # noqa: B010  # an attribute of the view, as Flask's own
    return view


def document_limit() -> int:
    """The largest document one may upload (``max_document_bytes``, else the default)."""
    return int(getattr(settings(), "max_document_bytes", 0)) or DEFAULT_MAX_DOCUMENT_BYTES


def upload_body_limit() -> int:
    """The body an upload form may send: the document limit and the form's other fields."""
    return document_limit() + 64 * 1024


def body_limit(view: Callable[..., Any] | None) -> BodyLimit | None:
    """The body limit ``larger_body`` gave ``view``, if any."""
    found: BodyLimit | None = getattr(view, "body_limit", None)
    return found


# -- security headers -----------------------------------------------------------------------


def csp_nonce() -> str:
    nonce: str | None = getattr(g, "csp_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(16)
        g.csp_nonce = nonce
    return nonce


def secure_headers(response: Response) -> Response:
    """Pages hold data about children: never cached, never framed, scripts only from here."""
    nonce = csp_nonce()
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        # Mermaid writes <style> into the SVG it draws.
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# -- the diagram ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StateWords:
    """A state of the review type in words, for the page without the drawing: its label, and
    each step from it (label, who takes it, where it leads)."""

    key: str
    label: str
    final: bool
    current: bool
    steps: tuple[tuple[str, str, str], ...]


def diagram_words(d: Definition, state: str) -> list[StateWords]:
    """The diagram as a readable list: every state with its steps."""
    from workflow.core.roles import role_words

    out = []
    for key, s in d.states.items():
        steps = tuple(
            (
                t.label or t.trigger.replace("_", " "),
                " or ".join(role_words(r) for r in t.roles),
                d.label_of(t.dest),
            )
            for t in d.transitions_from(key)
        )
        out.append(StateWords(key, s.label, s.final, key == state, steps))
    return out


@lru_cache(maxsize=256)
def diagram(d: Definition, state: str) -> str:
    """Mermaid text of the review type with the case's state highlighted and states labelled.

    Cached per definition version and state: drawing it costs about a millisecond.
    """
    lines = machine.mermaid(d, state).splitlines()
    if lines and lines[0].strip() == "---":  # a title block; the page has its own heading
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        lines = lines[end + 1 :]
    out = []
    state_line = re.compile(r'^(\s*)state "([^"]*)" as (\S+)\s*$')
    edge_line = re.compile(r"^(\s*)(\S+) --> (\S+): (\S+)\s*$")
    for line in lines:
        m = state_line.match(line)
        edge = edge_line.match(line)
        if edge:  # the edge by its step's label, not its trigger key
            t = d.find(edge.group(4), edge.group(2))
            label = (t.label if t and t.label else edge.group(4).replace("_", " ")).strip()
            label = re.sub(r"[:;#\"{}<>]", " ", label)
            line = f"{edge.group(1)}{edge.group(2)} --> {edge.group(3)}: {label}"
        elif line.strip() == "direction LR":  # top to bottom fits the page's width
            line = "  direction TB"
        elif m:
            label = d.label_of(m.group(3)).replace('"', "'")
            line = f'{m.group(1)}state "{label}" as {m.group(3)}'
        elif line.strip().startswith("classDef s_active"):
            line = (
                "  classDef s_active fill:#ffdd00,stroke:#0b0c0c,stroke-width:4px,"
                "color:#0b0c0c,font-weight:bold"
            )
        elif line.strip().startswith("Class "):
            line = line.replace("Class ", "class ", 1)
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"
