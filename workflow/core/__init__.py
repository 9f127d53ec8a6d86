"""The pure core: definitions, the engine, guards, the calendar, values, roles and errors.

Nothing here does I/O: no database, no clock, no configuration, no HTTP.
"""
