"""Sign-in attempts through the pages, counted in the database so every process and every
restart sees the same counts (``sign_in_attempt``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, or_
from sqlmodel import Session, col, select

from workflow.store.models.accounts import SignInAttempt


@dataclass(frozen=True)
class AttemptCounts:
    """Failures since the window opened, and whether this address ever signed in as the name."""

    name_and_address: int
    address: int
    name: int
    known_address: bool


class SignInRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def counts(
        self, name_key: str, address: str, failures_since: datetime, known_since: datetime
    ) -> AttemptCounts:
        """The counts a sign-in is judged by, in one query over the two indexes."""
        a = SignInAttempt
        failed = col(a.succeeded).is_(False) & (col(a.at) > failures_since)
        same_name, same_address = col(a.name_key) == name_key, col(a.address) == address

        def total(condition: object) -> object:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # type: ignore[arg-type]

        query = select(
            total(failed & same_name & same_address),
            total(failed & same_address),
            total(failed & same_name),
            total(col(a.succeeded).is_(True) & same_name & same_address),
        ).where(or_(same_name, same_address), col(a.at) >= min(failures_since, known_since))
        row = self._session.exec(query).one()  # type: ignore[call-overload]
        return AttemptCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]) > 0)

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
