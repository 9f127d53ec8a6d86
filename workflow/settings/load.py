"""Reading the settings: the config file first, then the environment, which wins.

Sources, highest priority first (pydantic-settings merges them, table by table): the file's own
folder as ``root``; ``WORKFLOW_<KEY>`` and ``WORKFLOW_<SECTION>__<KEY>``; the older short names
(``WORKFLOW_NOTICE_SENDER``, ``WORKFLOW_SMTP_*``); ``config.toml``; and, when nothing above
gave one, the secret key kept in ``instance/secret_key``. A problem names where its key was
written: the environment variable when one is set, else the file.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import (
    EnvSettingsSource,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as SourceError

from workflow.settings.model import ENV_PREFIX, NESTED, Settings
from workflow.settings.problems import SettingProblem, SettingsError, unknown

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
#: The older environment variables, kept beside the ``WORKFLOW_NOTICES__…`` names.
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "WORKFLOW_NOTICE_SENDER": ("notices", "sender"),
    **{
        f"WORKFLOW_SMTP_{key.upper()}": ("notices", "smtp", key)
        for key in ("host", "port", "user", "password", "from")
    },
}


def find_config(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The file ``--config`` names, else ``WORKFLOW_CONFIG``, else ``config.toml`` at the
    repository root, else in the working directory (``None``: no file, defaults and the
    environment only)."""
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
    """Read the settings; raise ``SettingsError`` (one line a problem, naming the key, the file
    or environment variable, and what is allowed) for anything wrong."""
    file = find_config(path)
    if file is not None and not file.is_file():
        raise SettingsError(
            [SettingProblem("", f"The configuration file {file} does not exist; check --config.")]
        )
    root = file.resolve().parent if file is not None else Path.cwd()
    sources = (
        InitSettingsSource(Settings, init_kwargs={"root": root}),
        EnvSettingsSource(Settings),
        ShortNames(Settings),
        *([config_file(file)] if file is not None else []),
        InstanceSecret(Settings),
    )
    # mypy sees the fields as the signature; BaseSettings' own options are keywords too.
    build: Callable[..., Settings] = Settings
    try:
        return build(_build_sources=(sources, {}))
    except SettingsError as exc:
        raise exc.located(lambda key: origin(key, file)) from None
    except SourceError as exc:  # an environment variable that is not the JSON it must be
        example = f"{ENV_PREFIX}CALENDAR{NESTED}CLOSURE_DAYS='[\"2026-12-24\"]'"
        raise SettingsError(
            [SettingProblem("", f"{exc}: write a list or a table as JSON, e.g. {example}.")]
        ) from None


def config_file(file: Path) -> TomlConfigSettingsSource:
    """The file as a source, refused whole when it is not TOML or holds a secret."""
    try:
        source = TomlConfigSettingsSource(Settings, toml_file=file)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError([SettingProblem("", f"is not valid TOML: {exc}", str(file))]) from None
    if "secret_key" in source.toml_data:
        raise SettingsError(
            [
                SettingProblem(
                    "secret_key",
                    "does not belong in the file: set WORKFLOW_SECRET_KEY, or leave it unset "
                    "and one is generated into instance/secret_key.",
                    str(file),
                )
            ]
        )
    if "root" in source.toml_data:
        raise SettingsError([replace(unknown(("root",), Settings), origin=str(file))])
    return source


def origin(key: str, file: Path | None) -> str:
    """Where the value of ``key`` was read: its environment variable when one is set (the
    environment wins), else the file."""
    path = tuple(key.split("[", 1)[0].split("."))
    candidates = [ENV_PREFIX + NESTED.join(path[:n]).upper() for n in range(len(path), 0, -1)] + [
        name for name, target in SHORT_NAMES.items() if target == path
    ]
    present = {name.upper() for name, value in os.environ.items() if value}
    found = next((name for name in candidates if name in present), None)
    return found or (str(file) if file is not None else "")


class ShortNames(PydanticBaseSettingsSource):
    """``WORKFLOW_NOTICE_SENDER`` and ``WORKFLOW_SMTP_*``, the names the README has always
    given, below the ``WORKFLOW_NOTICES__…`` ones."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, path in SHORT_NAMES.items():
            value = os.environ.get(name)
            if not value:
                continue
            table = out
            for part in path[:-1]:
                table = table.setdefault(part, {})
            table[path[-1]] = value
        return out


class InstanceSecret(PydanticBaseSettingsSource):
    """The last resort for the secret key: one generated once into ``instance/secret_key``."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        state = self.current_state
        instance = state.get("instance_dir", "instance")
        if state.get("secret_key") or not isinstance(instance, str | Path):
            return {}
        return {"secret_key": instance_secret(Path(state["root"]) / instance)}


def instance_secret(instance: Path) -> str:
    """The key kept in ``instance/secret_key``, made (mode 600) the first time."""
    secret_file = instance / "secret_key"
    if secret_file.is_file():
        return secret_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
