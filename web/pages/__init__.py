"""The pages people use (to be written)."""

from apiflask import APIFlask


def register(app: APIFlask) -> None:
    pass
