"""Named guards: the rules of the statutory guidance, as code a definition can refer to."""

from workflow.core.guards import basic, criteria, publication, review
from workflow.core.guards.registry import REGISTRY, Guard, GuardContext, GuardRegistry, Param

__all__ = [
    "REGISTRY",
    "Guard",
    "GuardContext",
    "GuardRegistry",
    "Param",
    "basic",
    "criteria",
    "publication",
    "review",
]
