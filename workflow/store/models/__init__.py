"""The tables, one module per aggregate; every table is importable from here too.

Importing this package registers every table on ``SQLModel.metadata`` (Alembic compares them).
"""

from workflow.store.models.accounts import ApiToken, User
from workflow.store.models.admin import AdminEvent, Draft
from workflow.store.models.cases import AccessLog, AuditHead, Case, CaseAgency, Event
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.models.learning import (
    LearningAudit,
    LearningDelivery,
    LearningProduct,
    LearningProductCase,
    LearningProductFinding,
    LearningProductTheme,
    ProductKind,
)
from workflow.store.models.records import (
    Action,
    Contribution,
    Document,
    FamilyMember,
    Finding,
    FindingSource,
    FindingTheme,
    LeadAppointment,
    PanelMember,
    Practitioner,
    Theme,
)
from workflow.store.models.time import Deadline, Escalation, Notice

__all__ = [
    "AccessLog",
    "Action",
    "AdminEvent",
    "ApiToken",
    "AuditHead",
    "Case",
    "CaseAgency",
    "Contribution",
    "Deadline",
    "Document",
    "Draft",
    "Escalation",
    "Event",
    "FamilyMember",
    "Finding",
    "FindingSource",
    "FindingTheme",
    "LeadAppointment",
    "LearningAudit",
    "LearningDelivery",
    "LearningProduct",
    "LearningProductCase",
    "LearningProductFinding",
    "LearningProductTheme",
    "Notice",
    "PanelMember",
    "Practitioner",
    "ProductKind",
    "ReviewTypeVersion",
    "Theme",
    "User",
]
