"""Settings: ``config.toml`` first, then environment variables, which win.

The file is the one named by ``--config`` or ``WORKFLOW_CONFIG``, else ``config.toml`` at the
repository root (beside the ``workflow`` package), else in the working directory. Relative paths
in it are read from the file's own folder. Secrets never live in the file: the secret key comes
from ``WORKFLOW_SECRET_KEY`` or is generated once into ``instance/secret_key`` (mode 600).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workflow.core.errors import InvalidInput

REPO_ROOT = Path(__file__).resolve().parent.parent
KNOWN = {
    "database_url",
    "definitions_dir",
    "instance_dir",
    "max_body_bytes",
    "max_document_bytes",
    "page_size",
    "calendar",
    "scheduler",
    "notices",
    "web",
}


@dataclass(frozen=True)
class Settings:
    root: Path
    database_url: str
    secret_key: str
    definitions_dir: Path
    instance_dir: Path
    closure_days: tuple[date, ...] = ()
    max_body_bytes: int = 1_000_000
    max_document_bytes: int = 10 * 1024 * 1024  # a document an agency uploads
    page_size: int = 50
    sweep_interval_seconds: int = 60
    lease_seconds: int = 300
    sweep_batch: int = 200
    notice_sender: str = "log"
    smtp: dict[str, Any] = field(default_factory=dict)
    session_cookie_secure: bool = False
    max_failed_logins: int = 5


def find_config(path: str | os.PathLike[str] | None = None) -> Path | None:
    if path:
        return Path(path)
    env = os.environ.get("WORKFLOW_CONFIG")
    if env:
        return Path(env)
    for candidate in (REPO_ROOT / "config.toml", Path.cwd() / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings; raise InvalidInput naming the file and key of anything wrong."""
    file = find_config(path)
    raw: dict[str, Any] = {}
    root = Path.cwd()
    if file is not None:
        if not file.is_file():
            raise InvalidInput(f"The configuration file {file} does not exist; check --config.")
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"{file} is not valid TOML: {exc}") from exc
        root = file.resolve().parent
        unknown = sorted(set(raw) - KNOWN)
        if unknown:
            raise InvalidInput(
                f"{file}: unknown settings {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}"
            )
    env = os.environ
    instance = root / str(raw.get("instance_dir", "instance"))
    url = env.get("WORKFLOW_DATABASE_URL") or raw.get("database_url") or ""
    if not url:
        url = f"sqlite:///{instance / 'workflow.db'}"
    elif url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url.removeprefix("sqlite:///")
        if relative and relative != ":memory:":
            url = f"sqlite:///{root / relative}"
    calendar = raw.get("calendar", {})
    scheduler = raw.get("scheduler", {})
    notices = raw.get("notices", {})
    web = raw.get("web", {})
    try:
        closure = tuple(date.fromisoformat(str(d)) for d in calendar.get("closure_days", []))
    except ValueError as exc:
        raise InvalidInput(
            f"{file}: calendar.closure_days must be dates like 2026-12-24: {exc}"
        ) from exc
    return Settings(
        root=root,
        database_url=url,
        secret_key=env.get("WORKFLOW_SECRET_KEY") or _instance_secret(instance),
        definitions_dir=root / str(raw.get("definitions_dir", "definitions")),
        instance_dir=instance,
        closure_days=closure,
        max_body_bytes=int(
            env.get("WORKFLOW_MAX_BODY_BYTES", raw.get("max_body_bytes", 1_000_000))
        ),
        max_document_bytes=int(
            env.get("WORKFLOW_MAX_DOCUMENT_BYTES", raw.get("max_document_bytes", 10 * 1024 * 1024))
        ),
        page_size=int(raw.get("page_size", 50)),
        sweep_interval_seconds=int(scheduler.get("interval_seconds", 60)),
        lease_seconds=int(scheduler.get("lease_seconds", 300)),
        sweep_batch=int(scheduler.get("batch", 200)),
        notice_sender=str(env.get("WORKFLOW_NOTICE_SENDER", notices.get("sender", "log"))),
        smtp={**notices.get("smtp", {}), **_smtp_env()},
        session_cookie_secure=bool(web.get("session_cookie_secure", False)),
        max_failed_logins=int(web.get("max_failed_logins", 5)),
    )


def _smtp_env() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("host", "port", "user", "password", "from"):
        value = os.environ.get(f"WORKFLOW_SMTP_{key.upper()}")
        if value:
            out[key] = value
    return out


def _instance_secret(instance: Path) -> str:
    secret_file = instance / "secret_key"
    if secret_file.is_file():
        return secret_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
