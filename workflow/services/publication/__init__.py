"""Publication: the board's response, the advance copies, the harm check (``preparing``), the
outcomes — published, summary or learning brief only, not published, delayed by parallel
proceedings (``outcomes``) — and where a case stands on all of them (``status``).

Each change is a case change through the case use cases (``update_data`` or ``transition``), so
the definition's guards decide, the case version is checked, and the audit trail records it.
The policy — who must have the report and how long before publication — is read from the review
type's definition (``policy``), never set here.
"""

from workflow.services.publication.commands import (
    BoardResponse,
    ConfirmHarmCheck,
    DecideNotToPublish,
    DelayPublication,
    FindingNotAccepted,
    Publish,
    RecordResponse,
    ResumePublication,
    ReviewDelay,
    SendAdvanceCopies,
)
from workflow.services.publication.outcomes import (
    decide_not_to_publish,
    delay,
    publish,
    resume,
    review_delay,
)
from workflow.services.publication.policy import AdvancePolicy, advance_policy, publish_step
from workflow.services.publication.preparing import (
    confirm_harm_check,
    record_response,
    send_advance_copies,
)
from workflow.services.publication.results import PublicationStatus
from workflow.services.publication.status import status

__all__ = [
    "AdvancePolicy",
    "BoardResponse",
    "ConfirmHarmCheck",
    "DecideNotToPublish",
    "DelayPublication",
    "FindingNotAccepted",
    "PublicationStatus",
    "Publish",
    "RecordResponse",
    "ResumePublication",
    "ReviewDelay",
    "SendAdvanceCopies",
    "advance_policy",
    "confirm_harm_check",
    "decide_not_to_publish",
    "delay",
    "publish",
    "publish_step",
    "record_response",
    "resume",
    "review_delay",
    "send_advance_copies",
    "status",
]
