"""Users: adding them, listing them, disabling and enabling them, and the account a user is.

Passwords are kept only as slow scrypt hashes (``workflow.services.passwords``) and must follow
``workflow.services.accounts.policy``. Disabling a user ends their page sessions at once; their
API tokens stop working while they are disabled (the check reads the user's row). The functions
that take a ``Unit`` work inside a caller's transaction (the demo board makes several users in
one); the others open their own.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Protocol

from pydantic import Field, SecretStr

from workflow.core.errors import AlreadyExists, InvalidInput, NotFound
from workflow.core.roles import ASSIGNABLE_ROLES, Actor, Role
from workflow.services.accounts.events import credentials_changed
from workflow.services.accounts.policy import password_problems
from workflow.services.agencies.checking import chosen, register_of
from workflow.services.passwords import hash_password
from workflow.services.results import Command, Instant, Result
from workflow.store.models.accounts import User
from workflow.store.unit import Store, Unit


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


class UserView(Account):
    """A user as ``workflow users list`` and ``/admin/users`` show them."""

    created_at: Instant
    disabled_at: Instant | None
    has_password: bool
    tokens_in_use: int


class Holder(Protocol):
    """Who acts: a user's row, or the row a token check reads."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def agencies(self) -> list[str]: ...


def actor_of(user: Holder) -> Actor:
    return Actor(user.name, user.role, tuple(user.agencies))


def stamp_of(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


def account_of(user: User) -> Account:
    return Account(
        id=user.id or 0,
        name=user.name,
        role=user.role,
        agencies=tuple(user.agencies or ()),
        email=user.email,
        active=user.active,
        stamp=stamp_of(user),
    )


# -- adding ---------------------------------------------------------------------------------


def create_user(store: Store, user: NewUser, now: datetime) -> Account:
    """Add a user; refused (nothing written) with every problem, or when the name is taken."""
    with store.write() as u:
        return account_of(add_user(u, user, now))


def add_user(u: Unit, user: NewUser, now: datetime) -> User:
    """``create_user`` inside the caller's transaction; the row, for the caller to go on with."""
    check_new_user(user)
    if u.accounts.named(user.name) is not None:
        raise AlreadyExists(f"A user named '{user.name}' exists already; choose another name.")
    agencies = registered_agencies(u, user, "The user was not created.")
    password = user.password.get_secret_value()
    return u.accounts.add(
        User(
            name=user.name,
            role=user.role,
            agencies=agencies,
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
    if password:
        problems.extend(password_problems(password, user.name))
    if problems:
        raise InvalidInput("The user was not created.", problems)


def registered_agencies(u: Unit, user: NewUser, refused: str) -> list[str]:
    """The user's agencies as the board's register names them. An agency user sees the cases of
    their agencies only, so a misspelt one ("Northshire Polce") would show them nothing: a name
    not in the register is refused, with the closest entries (a board keeping no register yet is
    not checked)."""
    names = [a.strip() for a in user.agencies if a.strip()]
    register = register_of(u)
    if not register.kept:
        return list(dict.fromkeys(names))
    agencies, problems = chosen(register, names, "agency")
    if problems:
        raise InvalidInput(refused, problems)
    return agencies


def reset_user(u: Unit, row: User, user: NewUser) -> User:
    """Give an existing user the role, agencies and password of ``user``, and enable them."""
    check_new_user(user)
    agencies = registered_agencies(u, user, "The user was not changed.")
    password = user.password.get_secret_value()
    row.password_hash = hash_password(password) if password else ""
    row.role = user.role
    row.agencies = agencies
    row.active = True
    credentials_changed()
    return u.accounts.add(row)


# -- finding --------------------------------------------------------------------------------


def accounts_named(u: Unit, names: list[str]) -> dict[str, User]:
    return {user.name: user for user in u.accounts.all_named(names)}


def user_named(u: Unit, name: str) -> User:
    user = u.accounts.named(name)
    if user is None:
        raise NotFound(f"There is no user named '{name}'; see 'workflow users list' for the names.")
    return user


def list_users(store: Store, now: datetime) -> list[UserView]:
    """Every user by name, with how many of their tokens still work (revoked or expired not)."""
    with store.read() as u:
        return [_view(u, user, now) for user in u.accounts.everyone()]


def _view(u: Unit, user: User, now: datetime) -> UserView:
    tokens = u.accounts.tokens_of(user.id or 0)
    working = [
        t for t in tokens if t.revoked_at is None and (t.expires_at is None or t.expires_at > now)
    ]
    return UserView(
        **account_of(user).model_dump(),
        created_at=user.created_at,
        disabled_at=user.disabled_at,
        has_password=bool(user.password_hash),
        tokens_in_use=len(working),
    )


# -- disabling ------------------------------------------------------------------------------


def set_active(store: Store, name: str, active: bool, now: datetime) -> UserView:
    """Disable a user (their sessions end now; their tokens stop working while disabled) or
    enable them again (their tokens neither revoked nor expired work again; they sign in
    anew)."""
    with store.write() as u:
        user = user_named(u, name)
        if user.active and not active:
            user.active = False
            user.disabled_at = now
            u.accounts.add(user)
            u.accounts.end_sessions(now, user_id=user.id or 0)
        elif active and not user.active:
            user.active = True
            u.accounts.add(user)
        view = _view(u, user, now)
    credentials_changed()
    return view
