"""Telling this process that credentials changed (a token revoked, a user disabled or enabled,
a password set), so anything that keeps token checks in memory empties itself.

The truth is in the database, so another process learns of the change at its next check; an
in-process cache of token checks must therefore be short-lived (seconds) and register here with
``on_credentials_changed(cache.clear)`` so that a change made in this process applies at once.
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[[], None]] = []


def on_credentials_changed(listener: Callable[[], None]) -> None:
    """Call ``listener`` (with no arguments) after every change of credentials."""
    if listener not in _listeners:
        _listeners.append(listener)


def credentials_changed() -> None:
    for listener in list(_listeners):
        listener()
