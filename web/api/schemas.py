"""The shapes of the JSON API: request bodies and query strings it accepts (validated) and the
answers it gives (documented in the OpenAPI document, generated from these schemas).

Request bodies reject unknown fields, so a misspelt field is reported instead of ignored.
"""

from __future__ import annotations

from apiflask import Schema, fields, validators

from workflow.services.cases import MAX_PAGE

DATE_TIME = {"format": "date-time"}


def _doc(description: str, **extra: object) -> dict[str, object]:
    return {"description": description, **extra}


# -- errors -----------------------------------------------------------------------------------


class ErrorInfo(Schema):
    code = fields.String(
        required=True,
        metadata=_doc(
            "What went wrong, for programs: bad_request, unauthorized, forbidden, not_found, "
            "method_not_allowed, version_conflict, already_exists, too_large, invalid_input, "
            "invalid_definition, not_available, blocked, internal_error."
        ),
    )
    message = fields.String(required=True, metadata=_doc("A sentence a person can act on."))
    details = fields.List(
        fields.String(),
        required=True,
        metadata=_doc(
            "Each problem as a sentence: each unmet requirement (blocked), each definition "
            "problem (invalid_definition), each invalid field (invalid_input, as "
            "'field: problem')."
        ),
    )


class ErrorBody(Schema):
    error = fields.Nested(ErrorInfo, required=True)


# -- review types -----------------------------------------------------------------------------


class StateSummary(Schema):
    key = fields.String()
    label = fields.String()
    final = fields.Boolean()


class ReviewTypeSummary(Schema):
    key = fields.String(metadata=_doc("The review type's key, e.g. notifiable_incident."))
    name = fields.String()
    version = fields.Integer(metadata=_doc("The latest published version."))
    initial = fields.String(metadata=_doc("The state a new case starts in."))
    states = fields.List(fields.Nested(StateSummary))


class TransitionDefinition(Schema):
    trigger = fields.String()
    source = fields.List(fields.String(), metadata=_doc("The states it leaves from."))
    dest = fields.String()
    roles = fields.List(fields.String(), metadata=_doc("The roles that may take this step."))
    label = fields.String()
    guards = fields.List(fields.Dict(), metadata=_doc("Named guards with their parameters."))


class TimerDefinition(Schema):
    name = fields.String()
    label = fields.String()
    limit = fields.String()
    anchor = fields.String()
    duration = fields.String()
    runs_in = fields.List(fields.String())
    met_by = fields.List(fields.String())
    escalate_to = fields.List(fields.String())
    fire = fields.String(allow_none=True)


class ReviewTypeDetail(ReviewTypeSummary):
    source = fields.String(metadata=_doc("The TOML text of this version."))
    transitions = fields.List(fields.Nested(TransitionDefinition))
    timers = fields.List(fields.Nested(TimerDefinition))


class ReviewTypeQuery(Schema):
    version = fields.Integer(
        validate=validators.Range(min=1),
        metadata=_doc("A published version to show instead of the latest."),
    )


class ReviewTypeSource(Schema):
    source = fields.String(
        required=True,
        metadata=_doc("The whole definition as TOML; its key must be the key in the address."),
    )


class Published(Schema):
    key = fields.String()
    version = fields.Integer(metadata=_doc("One above the previous version (1 for a new type)."))


# -- cases ------------------------------------------------------------------------------------


class DeadlineOut(Schema):
    id = fields.Integer()
    name = fields.String()
    label = fields.String()
    due_date = fields.String(
        metadata=_doc("The last permitted day, in Europe/London.", format="date")
    )
    due_at = fields.String(
        metadata=_doc("The UTC instant it falls due (the end of due_date).", **DATE_TIME)
    )
    status = fields.String(
        metadata=_doc(
            "pending, met, missed (fell due before it was met; escalated) or cancelled.",
            enum=["pending", "met", "missed", "cancelled"],
        )
    )
    met_at = fields.String(allow_none=True, metadata=DATE_TIME)
    fired_at = fields.String(allow_none=True, metadata=DATE_TIME)
    lateness_seconds = fields.Integer(allow_none=True)


class TransitionOption(Schema):
    trigger = fields.String()
    dest = fields.String()
    label = fields.String()
    allowed = fields.Boolean(metadata=_doc("Whether the guards allow the step now."))
    blocked_by = fields.List(
        fields.String(), metadata=_doc("Each unmet requirement, as a sentence.")
    )


class CaseItem(Schema):
    """A case as GET /cases lists it: everything but the steps open to the caller."""

    id = fields.Integer()
    reference = fields.String()
    review_type = fields.String()
    definition_version = fields.Integer(
        metadata=_doc("The version of the review type the case runs on.")
    )
    state = fields.String()
    state_label = fields.String()
    final = fields.Boolean()
    version = fields.Integer(
        metadata=_doc("Send it back as expected_version when you change the case.")
    )
    title = fields.String()
    data = fields.Dict(
        keys=fields.String(),
        metadata=_doc(
            "The case's named values. lead_reviewer ({name, organisations}) is the lead "
            "appointment in force, kept as a record (GET …/lead-appointments)."
        ),
    )
    created_at = fields.String(metadata=DATE_TIME)
    updated_at = fields.String(metadata=DATE_TIME)
    created_by = fields.String()
    linked_case_id = fields.Integer(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineOut))


class LinkedCase(Schema):
    relation = fields.String(
        metadata=_doc(
            "opened_from: the case this one was opened from (e.g. the notifiable incident); "
            "opened: a case this one opened (e.g. the serious case review it decided on).",
            enum=["opened_from", "opened"],
        )
    )
    id = fields.Integer()
    reference = fields.String()
    review_type = fields.String()
    state = fields.String()


class CaseOut(CaseItem):
    """A case, with the steps open to the caller from its current state."""

    linked_cases = fields.List(
        fields.Nested(LinkedCase),
        metadata=_doc("Cases linked to this one, both ways, that you may see (conversions)."),
    )

    transitions = fields.List(
        fields.Nested(TransitionOption),
        metadata=_doc(
            "The steps available from the current state to the caller, each with whether it is "
            "allowed now and, if not, why."
        ),
    )


class CasePage(Schema):
    items = fields.List(fields.Nested(CaseItem))
    next_after = fields.Integer(
        allow_none=True,
        metadata=_doc(
            "Pass it as the query parameter after to get the next page; null on the last page."
        ),
    )


class CaseQuery(Schema):
    review_type = fields.String(metadata=_doc("Only cases of this review type (its key)."))
    state = fields.String(metadata=_doc("Only cases in this state (its key)."))
    overdue = fields.Boolean(
        load_default=False,
        metadata=_doc(
            "true: only cases with a deadline that has fallen due and was not met in time."
        ),
    )
    limit = fields.Integer(
        validate=validators.Range(min=1, max=MAX_PAGE),
        metadata=_doc(f"Cases per page, 1 to {MAX_PAGE}; defaults to the configured page_size."),
    )
    after = fields.Integer(
        validate=validators.Range(min=1),
        metadata=_doc("The next_after value of the previous page; leave it out for the first."),
    )


class CaseIn(Schema):
    review_type = fields.String(
        required=True, metadata=_doc("The key of the review type, e.g. notifiable_incident.")
    )
    title = fields.String(required=True, metadata=_doc("e.g. 'Child A'."))
    data = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata=_doc("The case's named values, checked against the review type's rules."),
    )


class CasePatch(Schema):
    data = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata=_doc("Merged key by key into the case's data; a null value removes the key."),
    )
    expected_version = fields.Integer(
        required=True, strict=True, metadata=_doc("The version of the case you last read.")
    )
    note = fields.String(load_default="", metadata=_doc("Why, for the audit trail."))


class TransitionIn(Schema):
    trigger = fields.String(required=True, metadata=_doc("The step to take, e.g. notify."))
    expected_version = fields.Integer(
        required=True, strict=True, metadata=_doc("The version of the case you last read.")
    )
    note = fields.String(load_default="", metadata=_doc("Why, for the audit trail."))
    data = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata=_doc(
            "Merged into the case's data before the guards run, in the same transaction."
        ),
    )


class EventOut(Schema):
    seq = fields.Integer(metadata=_doc("1, 2, 3... in the order things happened."))
    at = fields.String(metadata=DATE_TIME)
    actor = fields.String()
    actor_role = fields.String()
    kind = fields.String(
        metadata=_doc(
            "created, transition, data_changed, deadline_opened, deadline_moved, deadline_met, "
            "deadline_cancelled, deadline_missed, escalated, escalation_acknowledged, migrated, "
            "record_added, record_changed, record_removed (detail: the record and the fields "
            "changed, never their values), case_opened (a step opened a linked case)."
        )
    )
    trigger = fields.String(allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    note = fields.String()
    detail = fields.Dict()
