"""JSON API under /api/v1 (to be written)."""

from apiflask import APIFlask


def register(app: APIFlask) -> None:
    pass
