"""The command line (to be written)."""

import click


@click.group()
def cli() -> None:
    """Safeguarding case review workflow."""


def main() -> None:
    cli()
