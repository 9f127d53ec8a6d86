"""The settings model: the typed object every entry point builds the product from.

``Settings`` holds the top-level keys of ``config.toml``; each ``[section]`` is a frozen
sub-model (``settings.scheduler.lease_seconds``). A ``Settings`` built in code holds exactly the
values given (tests build them so); ``workflow.settings.load`` reads the file and the
environment. Relative paths are read from ``root``, the config file's folder. Any value that
does not fit raises ``SettingsError``, one line a problem.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core.core_schema import ValidatorFunctionWrapHandler
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from workflow.settings.problems import SettingsError, problems_of

#: Environment variables: ``WORKFLOW_<KEY>``, ``WORKFLOW_<SECTION>__<KEY>``.
ENV_PREFIX = "WORKFLOW_"
NESTED = "__"


class Section(BaseModel):
    """A ``[section]`` of the file: frozen, and an unknown key in it is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class CalendarSettings(Section):
    """``[calendar]``: the working days deadlines are counted in."""

    closure_days: tuple[date, ...] = Field(
        default=(), description="The board's own closure days, on top of the bank holidays."
    )


class FrameworkSettings(Section):
    """``[framework]``: the statutory framework the board works under (a 2015 board, or a
    2018/2023 safeguarding partnership): which review types it offers for new cases. Cases
    already open keep theirs; a step of an open case may still open a linked case."""

    review_types: tuple[str, ...] = Field(
        default=(),
        description="The keys of the review types offered for new cases (empty: every one).",
    )


class ReportSettings(Section):
    """``[reports]``: how the board's reports are cut."""

    annual_start_month: int = Field(
        default=1,
        ge=1,
        le=12,
        description="The month the annual report's year starts: 1 a calendar year, 4 April.",
    )


class SchedulerSettings(Section):
    """``[scheduler]``: how the sweep of due deadlines runs."""

    interval_seconds: int = Field(default=60, ge=1, description="How often the sweep wakes.")
    lease_seconds: int = Field(
        default=300, ge=1, description="A claimed deadline whose sweeper died is retried after."
    )
    batch: int = Field(default=200, ge=1, description="Deadlines claimed per sweep round.")


class NoticeSender(StrEnum):
    """How notices leave: written to the log (development) or sent by e-mail."""

    LOG = "log"
    SMTP = "smtp"


class SmtpSettings(Section):
    """``[notices.smtp]``: the mail server; the user and password only from the environment."""

    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    sender: str = Field(default="", alias="from", description="The address notices come from.")
    user: str = ""
    password: SecretStr = Field(default=SecretStr(""), description="WORKFLOW_SMTP_PASSWORD.")
    starttls: bool = False
    timeout: float = Field(default=10.0, gt=0, description="Seconds to wait for the server.")

    def connection(self) -> dict[str, Any]:
        """What the SMTP sender reads, the password revealed."""
        return self.model_dump(by_alias=True) | {"password": self.password.get_secret_value()}


class NoticeSettings(Section):
    """``[notices]``: how the notices of deadlines and escalations are delivered."""

    sender: NoticeSender = Field(default=NoticeSender.LOG, description="log or smtp.")
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)


class WebSettings(Section):
    """``[web]``: the pages' sessions and sign-in."""

    session_cookie_secure: bool = Field(default=False, description="Set true behind HTTPS.")
    max_failed_logins: int = Field(
        default=5,
        ge=1,
        description="Failures for one name from one address before that address waits.",
    )


class AccountSettings(Section):
    """``[accounts]``: how long tokens and sessions last, and how sign-ins are throttled."""

    token_expires_in_days: int = Field(
        default=90, ge=1, le=3650, description="A new API token's life, unless --expires-in."
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A page session with no request for this long ends."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="A page session ends this long after signing in."
    )
    failed_login_window_minutes: int = Field(
        default=15, ge=1, description="How long a failed sign-in is counted."
    )
    max_failed_logins_per_address: int = Field(
        default=30, ge=1, description="Failures from one address, any names, before it waits."
    )
    max_failed_logins_per_name: int = Field(
        default=20,
        ge=1,
        description="Failures for one name from all addresses before addresses that never "
        "signed in as it wait.",
    )


class LimitSettings(Section):
    """``[limits]``: what any one input may hold (API bodies and query strings, page forms)."""

    max_string_length: int = Field(
        default=20_000, ge=1, description="Characters in any one string of the input."
    )
    max_json_depth: int = Field(
        default=32, ge=2, le=500, description="How deeply a JSON body may nest."
    )


class Settings(BaseSettings):
    """Everything the product is configured with. Paths are absolute once read."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED,
        env_ignore_empty=True,
        validate_default=True,
    )
    #: Keys that are never read from the file.
    NOT_IN_FILE: ClassVar[frozenset[str]] = frozenset({"root", "secret_key"})

    root: Path = Field(description="The folder relative paths are read from.")
    definitions_dir: Path = Path("definitions")
    instance_dir: Path = Path("instance")
    database_url: str = Field(
        default="", description="Any SQLAlchemy URL; default SQLite in instance/."
    )
    secret_key: SecretStr = Field(min_length=1)
    max_body_bytes: int = Field(
        default=1_000_000, ge=1, description="Larger request bodies get 413."
    )
    max_document_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1, description="A document uploaded for a contribution."
    )
    page_size: int = Field(default=50, ge=1, description="The default page of GET /cases.")
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    framework: FrameworkSettings = Field(default_factory=FrameworkSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    notices: NoticeSettings = Field(default_factory=NoticeSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    accounts: AccountSettings = Field(default_factory=AccountSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Built in code, settings are the values given; load_settings adds the file and the
        # environment.
        return (init_settings,)

    @model_validator(mode="wrap")
    @classmethod
    def _one_line_per_problem(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            raise SettingsError(problems_of(exc, cls)) from None

    @field_validator("definitions_dir", "instance_dir")
    @classmethod
    def _from_root(cls, value: Path, info: ValidationInfo) -> Path:
        root = info.data.get("root")
        return value if value.is_absolute() or root is None else root / value

    @field_validator("database_url")
    @classmethod
    def _sqlite_from_root(cls, value: str, info: ValidationInfo) -> str:
        instance, root = info.data.get("instance_dir"), info.data.get("root")
        if not value and instance is not None:
            return f"sqlite:///{instance / 'workflow.db'}"
        relative = value.removeprefix("sqlite:///")
        if value == relative or relative.startswith("/") or relative in ("", ":memory:"):
            return value  # not SQLite, or an absolute path, or in memory
        return f"sqlite:///{root / relative}" if root is not None else value
