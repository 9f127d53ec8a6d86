"""Throttling sign-ins, counted in the database (every process, every restart).

Three counts of failures within ``[accounts] failed_login_window_minutes`` decide, before any
password is checked:

- one name from one address (``[web] max_failed_logins``): that address waits before trying
  that name again; the rightful user signing in from elsewhere is not affected;
- one address, any names (``max_failed_logins_per_address``): an address spraying many names
  waits;
- one name from every address (``max_failed_logins_per_name``): a name guessed from many
  addresses is closed to addresses that have never signed in as it (in the last 90 days); an
  address that has, the user's own, still gets in.

A right password forgives that address's failures for that name. A refused attempt is not
counted (the wait does not grow while one waits) and checks no password. Names are folded
(spaces and case), so ``Rita`` and ``rita `` count together; unknown names count like known ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from workflow.services.accounts.sessions import SessionRules, open_session, sign_in
from workflow.services.accounts.users import Account
from workflow.settings.model import Settings
from workflow.store.models.accounts import SignInAttempt
from workflow.store.sign_ins import AttemptCounts
from workflow.store.unit import Store

#: How long an address is remembered as one the user signed in from.
KNOWN_FOR = timedelta(days=90)
MAX_NAME = 120
MAX_ADDRESS = 64


@dataclass(frozen=True)
class SignInLimits:
    per_name_and_address: int
    per_address: int
    per_name: int
    window: timedelta

    @classmethod
    def of(cls, settings: Settings) -> SignInLimits:
        a = settings.accounts
        return cls(
            settings.web.max_failed_logins,
            a.max_failed_logins_per_address,
            a.max_failed_logins_per_name,
            timedelta(minutes=a.failed_login_window_minutes),
        )

    def refuses(self, counts: AttemptCounts) -> bool:
        return bool(self._exceeded(counts))

    def _exceeded(self, counts: AttemptCounts) -> list[tuple[int, int]]:
        """Which limits refuse (by index: name and address, address, name), with the limit."""
        limits = [
            (counts.name_and_address, self.per_name_and_address),
            (counts.address, self.per_address),
            (counts.name if not counts.known_address else 0, self.per_name),
        ]
        return [(i, limit) for i, (n, limit) in enumerate(limits) if n >= limit]

    def ends_at(
        self, counts: AttemptCounts, failures: list[tuple[datetime, bool, bool]]
    ) -> datetime:
        """When a refusal ends: every limit it broke has fewer failures in the window, i.e.
        the failure that keeps each at its limit has aged out (refused attempts are not
        counted, so nothing lengthens the wait)."""
        kinds = [
            [at for at, n, ad in failures if n and ad],
            [at for at, _n, ad in failures if ad],
            [at for at, n, _ad in failures if n],
        ]
        ends = []
        for i, limit in self._exceeded(counts):
            times = kinds[i]
            ends.append(times[len(times) - limit] + self.window)
        return max(ends)


@dataclass(frozen=True)
class SignInOutcome:
    """A signed-in account and its session's secret; or why not (``throttled`` or wrong)."""

    account: Account | None = None
    session: str = ""
    throttled: bool = False
    retry_at: datetime | None = None  # when throttled: the instant the wait ends


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()[:MAX_NAME]


def attempt_sign_in(
    store: Store,
    name: str,
    password: str,
    address: str,
    now: datetime,
    limits: SignInLimits,
    rules: SessionRules,
) -> SignInOutcome:
    """Sign in through the pages: refused while throttled; else the password is checked, the
    attempt counted and, when right, a session opened."""
    key, address = name_key(name), address[:MAX_ADDRESS]
    with store.read() as u:
        counts = u.sign_ins.counts(key, address, now - limits.window, now - KNOWN_FOR)
        if limits.refuses(counts):
            failures = u.sign_ins.failures(key, address, now - limits.window)
            return SignInOutcome(throttled=True, retry_at=limits.ends_at(counts, failures))
    account = sign_in(store, name, password)
    with store.write() as u:
        u.sign_ins.prune(now - limits.window, now - KNOWN_FOR)
        if account is not None:
            u.sign_ins.forget_failures(key, address)
        u.sign_ins.record(
            SignInAttempt(name_key=key, address=address, at=now, succeeded=account is not None)
        )
    if account is None:
        return SignInOutcome()
    return SignInOutcome(account=account, session=open_session(store, account, now, rules))
