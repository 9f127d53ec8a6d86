"""The board's annual report: what reviews there were and what they changed, for one year.

For the period (the calendar year, or the year from ``start_month``, e.g. April to March), by
review type:

- **reviews** — ``opened`` (cases opened in the period); ``completed`` (the review's completion
  step taken: a trigger that meets its completion timer — the one named ``completion`` or with
  limit T4 — or, for a type without one, the step into an end state); ``ended`` (first reached
  an end state, by outcome); ``published`` (the ``publish`` step, counted on its recorded
  publication date), ``not_published``, ``delayed`` (publication delayed);
- **decisions** — the steps the chair took, by step;
- **timeliness** — each time limit (T1 …, and the record deadlines of actions and agency
  contributions) through ``workflow.services.reports.timeliness``, for deadlines due in the period;
- **actions** — due, completed (on time, late), completed with impact evidenced, and open and
  overdue at the end of the period (or today, if it has not ended), overall and by owner agency;
- **learning** — products delivered in the period, deliveries and reach, by kind and by agency
  reached;
- **themes** — the themes of findings recorded in the period: findings, reviews, whether they
  recur (more than one review) and whether they were seen in earlier years.

No child is named: reviews appear by case reference and review type only, never by title or by
any free text from their data.

The modules: ``period`` (the year covered), ``reviews`` (reviews and decisions, from the audit
trail), ``figures`` (actions, learning, themes), ``report`` (the use case), ``results`` (the
typed report) and ``exports`` (its JSON and CSV).
"""

from workflow.services.reports.annual.exports import csv_rows, file_stem, to_csv, to_json
from workflow.services.reports.annual.period import MAX_YEAR, MIN_YEAR, Period, period_of
from workflow.services.reports.annual.report import annual
from workflow.services.reports.annual.results import (
    ActionMeasure,
    AnnualReport,
    ReviewMeasure,
)
from workflow.services.reports.annual.reviews import completion_triggers

#: The measures of each review type and of actions, in the order the report lists them.
REVIEW_MEASURES = tuple(ReviewMeasure)
ACTION_MEASURES = tuple(ActionMeasure)

__all__ = [
    "ACTION_MEASURES",
    "MAX_YEAR",
    "MIN_YEAR",
    "REVIEW_MEASURES",
    "ActionMeasure",
    "AnnualReport",
    "Period",
    "ReviewMeasure",
    "annual",
    "completion_triggers",
    "csv_rows",
    "file_stem",
    "period_of",
    "to_csv",
    "to_json",
]
