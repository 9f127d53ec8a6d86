"""Password hashes, slow on purpose: scrypt from the standard library, stored in the format
``scrypt:N:r:p$salt$hex`` that werkzeug writes (every hash made before the restructure was made
by werkzeug, and still checks). ``pbkdf2:sha256:ITERATIONS$salt$hex`` hashes check too.
Nothing here knows HTTP: the format is werkzeug's, not the library.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

SALT_CHARS = string.ascii_letters + string.digits
SALT_LENGTH = 16
#: scrypt's cost: N (CPU and memory), r (block size), p (parallelism), as werkzeug's default.
SCRYPT = (2**15, 8, 1)
PBKDF2_ITERATIONS = 1_000_000


def hash_password(password: str) -> str:
    """A new hash of ``password``, with a salt of its own."""
    salt = "".join(secrets.choice(SALT_CHARS) for _ in range(SALT_LENGTH))
    n, r, p = SCRYPT
    method = f"scrypt:{n}:{r}:{p}"
    return f"{method}${salt}${_digest(method, salt, password)}"


def check_password_hash(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (in constant time)."""
    method, _, rest = stored.partition("$")
    salt, _, expected = rest.partition("$")
    if not expected:
        return False
    try:
        found = _digest(method, salt, password)
    except ValueError:  # a method this product never writes
        return False
    return hmac.compare_digest(found, expected)


def _digest(method: str, salt: str, password: str) -> str:
    name, *args = method.split(":")
    if name == "scrypt":
        n, r, p = (int(a) for a in args) if args else SCRYPT
        # scrypt needs 128·N·r·p bytes; a little more, or OpenSSL refuses.
        return hashlib.scrypt(
            password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p
        ).hex()
    if name == "pbkdf2":
        algorithm = args[0] if args else "sha256"
        rounds = int(args[1]) if len(args) > 1 else PBKDF2_ITERATIONS
        return hashlib.pbkdf2_hmac(algorithm, password.encode(), salt.encode(), rounds).hex()
    raise ValueError(f"unknown password hash method {name!r}")
