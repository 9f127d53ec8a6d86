"""Sign-in attempts through the pages, counted in the database so every process and every
restart sees the same counts (``sign_in_attempt``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, delete, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from workflow.store.models.accounts import SignInAttempt


@dataclass(frozen=True)
class AttemptCounts:
    """Failures since the window opened, and whether this address ever signed in as the name."""

    name_and_address: int
    address: int
    name: int
    known_address: bool


def _total(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet ``condition`` (0 when none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class SignInRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def counts(
        self, name_key: str, address: str, failures_since: datetime, known_since: datetime
    ) -> AttemptCounts:
        """The counts a sign-in is judged by, in one query over the two indexes."""
        a = SignInAttempt
        failed = and_(col(a.succeeded).is_(False), col(a.at) > failures_since)
        same_name, same_address = col(a.name_key) == name_key, col(a.address) == address
        query = sa_select(
            _total(and_(failed, same_name, same_address)),
            _total(and_(failed, same_address)),
            _total(and_(failed, same_name)),
            _total(and_(col(a.succeeded).is_(True), same_name, same_address)),
        ).where(or_(same_name, same_address), col(a.at) >= min(failures_since, known_since))
        row = self._session.execute(query).one()
        return AttemptCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]) > 0)

    def failures(
        self, name_key: str, address: str, since: datetime
    ) -> list[tuple[datetime, bool, bool]]:
        """The failures since ``since`` for this name or from this address, oldest first: when
        each was, whether it was for the name, whether from the address (the throttle works out
        from them when its wait ends)."""
        a = SignInAttempt
        same_name, same_address = col(a.name_key) == name_key, col(a.address) == address
        query = (
            sa_select(col(a.at), same_name, same_address)
            .where(col(a.succeeded).is_(False), col(a.at) > since, or_(same_name, same_address))
            .order_by(col(a.at))
        )
        return [(at, bool(n), bool(ad)) for at, n, ad in self._session.execute(query).all()]

    def record(self, attempt: SignInAttempt) -> None:
        self._session.add(attempt)

    def forget_failures(self, name_key: str, address: str) -> None:
        """A right password from this address: its earlier failures for the name are forgiven."""
        self._session.execute(
            delete(SignInAttempt).where(
                col(SignInAttempt.name_key) == name_key,
                col(SignInAttempt.address) == address,
                col(SignInAttempt.succeeded).is_(False),
            )
        )

    def prune(self, failures_before: datetime, successes_before: datetime) -> None:
        """Forget failures older than the window, and successes older than memory of them."""
        self._session.execute(
            delete(SignInAttempt).where(
                or_(
                    col(SignInAttempt.succeeded).is_(False)
                    & (col(SignInAttempt.at) < failures_before),
                    col(SignInAttempt.at) < successes_before,
                )
            )
        )
