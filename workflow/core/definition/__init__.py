"""Review types as data: parse a TOML definition into frozen dataclasses and validate it.

``model`` holds the dataclasses, ``parse`` the loader, ``checks`` the cross-reference rules,
``source`` the line a problem stands on, ``compare`` what changes between two versions.
"""

from workflow.core.definition.model import (
    DEFAULT_OPEN_ROLES,
    SCHEMA_VERSION,
    Anchor,
    Definition,
    GuardRef,
    Opening,
    StallRule,
    State,
    Timer,
    Transition,
)
from workflow.core.definition.parse import load, problems_in

__all__ = [
    "DEFAULT_OPEN_ROLES",
    "SCHEMA_VERSION",
    "Anchor",
    "Definition",
    "GuardRef",
    "Opening",
    "StallRule",
    "State",
    "Timer",
    "Transition",
    "load",
    "problems_in",
]
