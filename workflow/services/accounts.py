"""Users, passwords and API tokens. Passwords and tokens are stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.core.errors import AlreadyExists, InvalidInput, NotFound
from workflow.core.roles import ASSIGNABLE_ROLES, Actor, Role
from workflow.store.models.accounts import ApiToken, User

MIN_PASSWORD = 10


def token_digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, and lets us look them up by digest.
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(user.name, user.role, tuple(user.agencies))


def create_user(
    session: Session,
    name: str,
    role: str,
    agencies: Sequence[str],
    password: str,
    now: datetime,
    email: str = "",
) -> User:
    problems = []
    if not name.strip():
        problems.append("Give the user a name.")
    if role not in ASSIGNABLE_ROLES:
        problems.append(f"Unknown role '{role}'; choose one of: {', '.join(ASSIGNABLE_ROLES)}.")
    if role == Role.AGENCY.value and not [a for a in agencies if a.strip()]:
        problems.append("An agency user needs at least one --agency.")
    if password and len(password) < MIN_PASSWORD:
        problems.append(f"The password must be at least {MIN_PASSWORD} characters.")
    if problems:
        raise InvalidInput("The user was not created.", problems)
    if session.exec(select(User).where(User.name == name)).first() is not None:
        raise AlreadyExists(f"A user named '{name}' exists already; choose another name.")
    user = User(
        name=name,
        role=role,
        agencies=[a.strip() for a in agencies if a.strip()],
        email=email,
        password_hash=generate_password_hash(password) if password else "",
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def user_named(session: Session, name: str) -> User:
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(f"There is no user named '{name}'; create one with 'workflow users create'.")
    return user


def create_token(session: Session, name: str, now: datetime) -> str:
    user = user_named(session, name)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id or 0, token_hash=token_digest(token), created_at=now))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.active or not user.password_hash:
        # Same work either way, so timing does not reveal which names exist.
        check_password_hash(generate_password_hash("x"), password)
        return False
    return check_password_hash(user.password_hash, password)
