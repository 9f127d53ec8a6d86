"""APScheduler wakes the sweep (to be written)."""

from __future__ import annotations

from typing import Any

from workflow.config import Settings


def start_background(settings: Settings) -> Any:
    """Start the sweep in a background thread of this process; returns a handle with shutdown()."""
    return None


def run_forever(settings: Settings) -> None:
    """Run the scheduler alone in the foreground until interrupted."""
