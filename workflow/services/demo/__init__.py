"""The demonstration board behind ``workflow demo``: agencies, a user for every role, and cases
of every shipped review type at every stage.

Cases are opened and moved through the service with the real triggers, by the people whose role
allows each step and with data and records that meet each guard, so every audit trail is a real
one. The reviews carry real records at every stage: the panel, contributions requested from the
agencies (some received, with a document the agency uploaded, one waived, one overdue), the
practitioners and family invited, findings with themes, and actions open, done and overdue,
updated by the agencies' own users. Notifiable incidents that decide on a review open it, linked
(and so does a rapid review that recommends a local practice review).

Running it again adds nothing twice: demo users carry an ``@demo.invalid`` address and demo cases
carry ``data.demo = true`` and a fixed title; a demo case left part-way (an interrupted run) is
moved on to its stage, and the records of a stage are made only where none of their kind exist.
Passwords are never written here: each run gives each demo user a new random one and replaces
the reviewer's API token.

- ``people``: the agencies and a user for every role;
- ``steps``: what a plan is written in (``Step``, ``Plan``) and shared values;
- ``incidents``, ``reviews``: every case at every stage, as plans; ``plans``: all of them;
- ``stages``: the records each stage needs, made before the step that reads them;
- ``loader``: loading the board through the services; ``report``: what the command prints.
"""

from workflow.services.demo.loader import Board, CaseLine, expected_cases, load
from workflow.services.demo.people import AGENCIES, REVIEWER, USERS, DemoUser
from workflow.services.demo.plans import plans
from workflow.services.demo.report import FirstSweep, describe, first_sweep

__all__ = [
    "AGENCIES",
    "REVIEWER",
    "USERS",
    "Board",
    "CaseLine",
    "DemoUser",
    "FirstSweep",
    "describe",
    "expected_cases",
    "first_sweep",
    "load",
    "plans",
]
