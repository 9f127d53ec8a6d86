"""The workflow engine that runs safeguarding case reviews.

Review types are declared as data in ``definitions/``; the engine enforces them, the store keeps
cases, deadlines and the audit trail, and the scheduler watches the clocks.
"""

__version__ = "0.1.0"
