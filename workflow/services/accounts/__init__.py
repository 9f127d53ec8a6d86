"""Accounts: users, their passwords, API tokens and page sessions, and who a token or a session
belongs to. One module per part: ``users`` (adding, listing, disabling), ``policy`` (what a
password must be), ``tokens`` (made, listed, revoked, checked), ``sessions`` (signing in and the
server-side sessions), ``throttle`` (sign-in limits counted in the database), ``events``
(telling in-process caches that credentials changed).
"""

from workflow.services.accounts.events import credentials_changed, on_credentials_changed
from workflow.services.accounts.policy import MIN_LENGTH, password_problems
from workflow.services.accounts.sessions import (
    SessionRules,
    end_session,
    open_session,
    session_account,
    sign_in,
)
from workflow.services.accounts.throttle import (
    SignInLimits,
    SignInOutcome,
    attempt_sign_in,
    name_key,
)
from workflow.services.accounts.tokens import (
    TokenHolder,
    TokenStatus,
    TokenView,
    actor_for_token,
    check_token,
    create_token,
    issue_token,
    list_tokens,
    revoke_tokens,
    token_digest,
)
from workflow.services.accounts.users import (
    Account,
    NewUser,
    UserView,
    accounts_named,
    actor_of,
    add_user,
    create_user,
    list_users,
    reset_user,
    set_active,
    user_named,
)

__all__ = [
    "MIN_LENGTH",
    "Account",
    "NewUser",
    "SessionRules",
    "SignInLimits",
    "SignInOutcome",
    "TokenHolder",
    "TokenStatus",
    "TokenView",
    "UserView",
    "accounts_named",
    "actor_for_token",
    "actor_of",
    "add_user",
    "attempt_sign_in",
    "check_token",
    "create_token",
    "create_user",
    "credentials_changed",
    "end_session",
    "issue_token",
    "list_tokens",
    "list_users",
    "name_key",
    "on_credentials_changed",
    "open_session",
    "password_problems",
    "reset_user",
    "revoke_tokens",
    "session_account",
    "set_active",
    "sign_in",
    "token_digest",
    "user_named",
]
