"""JSON API for escalations and timeliness (to be written)."""

from apiflask import APIFlask


def register(app: APIFlask) -> None:
    pass
