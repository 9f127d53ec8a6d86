"""Accounts: users, their passwords and API tokens, and who a token or a session belongs to.

Passwords and tokens are kept only as hashes: a password as a slow scrypt hash
(``workflow.services.passwords``), a token (256 random bits) as its SHA-256 digest, so it can be
looked up by it. A disabled user's tokens and sessions stop working at once. The functions that
take a ``Unit`` work inside a caller's transaction (the demo board makes several users in one);
the others open their own.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache
from typing import cast

from pydantic import Field, SecretStr

from workflow.core.errors import AlreadyExists, InvalidInput, NotFound
from workflow.core.roles import ASSIGNABLE_ROLES, Actor, Role
from workflow.services.passwords import check_password_hash, hash_password
from workflow.services.results import Command, Result
from workflow.store.models.accounts import ApiToken, User
from workflow.store.token_cache import MISSING
from workflow.store.unit import Store, Unit

MIN_PASSWORD = 10


class NewUser(Command):
    """A user to add. With no password the user can use API tokens only."""

    name: str
    role: str
    agencies: tuple[str, ...] = ()
    email: str = ""
    password: SecretStr = Field(default=SecretStr(""))


class Account(Result):
    """A user as the product shows them (never a hash)."""

    id: int
    name: str
    role: str
    agencies: tuple[str, ...]
    email: str
    active: bool
    #: Changes whenever the password does: a session signed in with an older one is over.
    stamp: str

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.agencies)


def token_digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, and lets us look them up by digest.
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(user.name, user.role, tuple(user.agencies))


def account_of(user: User) -> Account:
    stamp = hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]
    return Account(
        id=user.id or 0,
        name=user.name,
        role=user.role,
        agencies=tuple(user.agencies or ()),
        email=user.email,
        active=user.active,
        stamp=stamp,
    )


# -- users ----------------------------------------------------------------------------------


def create_user(store: Store, user: NewUser, now: datetime) -> Account:
    """Add a user; refused (nothing written) with every problem, or when the name is taken."""
    with store.write() as u:
        return account_of(add_user(u, user, now))


def add_user(u: Unit, user: NewUser, now: datetime) -> User:
    """``create_user`` inside the caller's transaction; the row, for the caller to go on with."""
    check_new_user(user)
    if u.accounts.named(user.name) is not None:
        raise AlreadyExists(f"A user named '{user.name}' exists already; choose another name.")
    password = user.password.get_secret_value()
    return u.accounts.add(
        User(
            name=user.name,
            role=user.role,
            agencies=[a.strip() for a in user.agencies if a.strip()],
            email=user.email,
            password_hash=hash_password(password) if password else "",
            created_at=now,
        )
    )


def check_new_user(user: NewUser) -> None:
    problems = []
    if not user.name.strip():
        problems.append("Give the user a name.")
    if user.role not in ASSIGNABLE_ROLES:
        problems.append(
            f"Unknown role '{user.role}'; choose one of: {', '.join(ASSIGNABLE_ROLES)}."
        )
    if user.role == Role.AGENCY.value and not [a for a in user.agencies if a.strip()]:
        problems.append("An agency user needs at least one --agency.")
    password = user.password.get_secret_value()
    if password and len(password) < MIN_PASSWORD:
        problems.append(f"The password must be at least {MIN_PASSWORD} characters.")
    if problems:
        raise InvalidInput("The user was not created.", problems)


def reset_user(u: Unit, row: User, user: NewUser) -> User:
    """Give an existing user the role, agencies and password of ``user``, and enable them."""
    check_new_user(user)
    password = user.password.get_secret_value()
    row.password_hash = hash_password(password) if password else ""
    row.role = user.role
    row.agencies = list(user.agencies)
    row.active = True
    return u.accounts.add(row)


def accounts_named(u: Unit, names: list[str]) -> dict[str, User]:
    return {user.name: user for user in u.accounts.all_named(names)}


def user_named(u: Unit, name: str) -> User:
    user = u.accounts.named(name)
    if user is None:
        raise NotFound(f"There is no user named '{name}'; create one with 'workflow users create'.")
    return user


# -- tokens ---------------------------------------------------------------------------------


def create_token(store: Store, name: str, now: datetime) -> str:
    """A new API token for the user: shown once, kept only as its digest."""
    with store.write() as u:
        return issue_token(u, name, now)


def issue_token(u: Unit, name: str, now: datetime, *, replacing: bool = False) -> str:
    """``create_token`` inside the caller's transaction; ``replacing`` ends the user's others."""
    user = user_named(u, name)
    if replacing:
        u.accounts.drop_tokens(user.id or 0)
    token = secrets.token_urlsafe(32)
    u.accounts.add_token(
        ApiToken(user_id=user.id or 0, token_hash=token_digest(token), created_at=now)
    )
    return token


def actor_for_token(store: Store, token: str) -> Actor | None:
    """Who a bearer token acts as: None when unknown, or when its user is disabled. Known
    tokens are remembered for a moment (``store.tokens``), until any revocation."""
    digest = token_digest(token)
    cached = store.tokens.get(digest)
    if cached is not MISSING:
        return cast(Actor, cached)
    generation = store.tokens.generation
    with store.read() as u:
        user = u.accounts.holder_of(digest)
        actor = actor_of(user) if user is not None and user.active else None
    if actor is not None:  # unknown tokens are not kept: nobody fills the cache by guessing
        store.tokens.put(digest, actor, generation)
    return actor


# -- signing in -----------------------------------------------------------------------------


def sign_in(store: Store, name: str, password: str) -> Account | None:
    """The account, when ``password`` is its password and it is active; else None (after the
    same work either way, so the time taken does not tell which names exist)."""
    with store.read() as u:
        user = u.accounts.named(name)
        account = account_of(user) if user is not None else None
        stored = user.password_hash if user is not None else ""
    # Hashing is slow on purpose: it is done after the database is let go.
    if account is None or not account.active or not stored:
        check_password_hash(_nobody(), password)
        return None
    return account if check_password_hash(stored, password) else None


@cache
def _nobody() -> str:
    """Checked against when the name is unknown, so the time taken is the same."""
    return hash_password(secrets.token_urlsafe(16))


def signed_in(store: Store, user_id: int, stamp: str) -> Account | None:
    """The account of a session, while the user is active and has the password it signed in
    with."""
    with store.read() as u:
        user = u.accounts.by_id(user_id)
        account = account_of(user) if user is not None else None
    if account is None or not account.active or account.stamp != stamp:
        return None
    return account
