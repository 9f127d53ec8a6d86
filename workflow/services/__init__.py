"""Use cases: what a person (or the scheduler) can do. One module per area.

Services reach the database only through ``workflow.store`` and decide through ``workflow.core``.
"""
