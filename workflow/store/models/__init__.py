"""The tables, one module per aggregate; every table is importable from here too.

Importing this package registers every table on ``SQLModel.metadata`` (Alembic compares them).
"""

from workflow.store.models.accounts import ApiToken, CalendarFeed, SignInAttempt, User, UserSession
from workflow.store.models.admin import AdminEvent, Draft
from workflow.store.models.agencies import Agency, IndependenceConfirmation
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
    "Agency",
    "ApiToken",
    "AuditHead",
    "CalendarFeed",
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
    "IndependenceConfirmation",
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
    "SignInAttempt",
    "Theme",
    "User",
    "UserSession",
]
