"""What every command works with: the settings and the service, built on first use (so
``definitions validate`` runs with no database), and the one way a command reports a user's
mistake (its message on standard error, exit status 1)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from workflow.runtime import build_service
from workflow.services.cases import Service
from workflow.settings import Settings, load_settings


class Runtime:
    """The ``ctx.obj`` of ``workflow``: the settings, then the service, built on first use."""

    def __init__(self, config: str | None) -> None:
        self.config = config
        self._settings: Settings | None = None
        self._service: Service | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config)
        return self._settings

    @property
    def loaded_settings(self) -> Settings | None:
        """The settings, when a command has read them already."""
        return self._settings

    @property
    def service(self) -> Service:
        if self._service is None:
            self._service = build_service(self.settings)
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.store.dispose()


def fail(message: str, details: Sequence[str] = ()) -> NoReturn:
    """Report a user error on standard error and exit 1."""
    click.echo(message, err=True)
    for detail in details:
        click.echo(f"- {detail}", err=True)
    raise click.exceptions.Exit(1)


def configure_logging() -> None:
    """Logging for long-running commands; messages never carry secrets or tokens."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
