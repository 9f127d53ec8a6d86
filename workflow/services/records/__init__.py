"""The review's records as use cases: list, add, change and remove each kind of record (each a
change to its case), the lead reviewer named in data, the themes vocabulary, and the action
plan's progress.

- ``schemas``: the typed values of each kind, made from the table of field kinds;
- ``commands``: the commands, and how loose values become one (every problem at once);
- ``listing``: who sees which records; ``changes``: adding, changing, removing;
- ``rules``: each kind's rules; ``leads``: the lead reviewer; ``themes``; ``summary``;
- ``shaping``: the store's rows as the guards and the answers read them.

Agency users see and update only their own agency's contributions and actions, and only the
fields that are theirs to report (progress and evidence); they never see people, family or panel.
"""

from workflow.services.records.changes import (
    add_record,
    apply_records_change,
    change_record,
    may_edit,
    record_event,
    remove_record,
    write,
)
from workflow.services.records.commands import (
    AddRecord,
    ChangeRecord,
    RemoveRecord,
    SaveTheme,
    require_version,
)
from workflow.services.records.leads import (
    appoint_from_data,
    lead_from_data,
    lead_in_data,
    registered_lead,
    sync_lead,
)
from workflow.services.records.listing import counts, list_records, visible_deadlines
from workflow.services.records.schemas import (
    RecordList,
    RecordOut,
    Removed,
    SavedRecord,
    models_of,
)
from workflow.services.records.shaping import (
    case_records,
    guard_records,
    plain_records,
    record_view,
    snapshot_of,
)
from workflow.services.records.summary import ActionSummary, actions_summary
from workflow.services.records.themes import list_themes, save_theme

__all__ = [
    "ActionSummary",
    "AddRecord",
    "ChangeRecord",
    "RecordList",
    "RecordOut",
    "RemoveRecord",
    "Removed",
    "SaveTheme",
    "SavedRecord",
    "actions_summary",
    "add_record",
    "apply_records_change",
    "appoint_from_data",
    "case_records",
    "change_record",
    "counts",
    "guard_records",
    "lead_from_data",
    "lead_in_data",
    "list_records",
    "list_themes",
    "may_edit",
    "models_of",
    "plain_records",
    "record_event",
    "record_view",
    "registered_lead",
    "remove_record",
    "require_version",
    "save_theme",
    "snapshot_of",
    "sync_lead",
    "visible_deadlines",
    "write",
]
