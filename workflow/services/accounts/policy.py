"""What a password must be, after NIST SP 800-63B (section 3.1.1.2): long enough, not one that
attackers try first, and not the user's own name. No rules of composition (a digit, a capital),
no forced changes: length and a blocklist are what the guidance asks for.

The blocklist is the 30,000 most common passwords that ``zxcvbn`` ships (its ``passwords``
frequency list, drawn from leaked password sets; a maintained package, pinned in
``pyproject.toml``). A password is compared folded (Unicode NFKC, then case-folded), also with
its spaces removed and with digits and symbols trimmed from its ends, so ``Password2026!`` is
refused with ``password``. Repeated or sequential characters (``aaaaaaaaaaaa``,
``abcdefghijkl``, ``qwertyuiop[]``) are refused as the guidance's "repetitive or sequential
characters".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

MIN_LENGTH = 12
MAX_LENGTH = 256
#: Runs a guessing attacker tries first: the alphabet, the digits, keyboard rows.
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
)
_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_ALNUM = re.compile(r"[\W_]+")


@cache
def common_passwords() -> frozenset[str]:
    """The blocklist (loaded once, on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def password_problems(password: str, name: str) -> list[str]:
    """Every reason ``password`` may not be the password of the user ``name``, as sentences."""
    folded = fold(password)
    if len(folded) < MIN_LENGTH:
        return [
            f"The password must be at least {MIN_LENGTH} characters long (this one has "
            f"{len(folded)}): a phrase of three or four unrelated words is long and easy to "
            "remember."
        ]
    problems = []
    if len(folded) > MAX_LENGTH:
        problems.append(f"The password must be at most {MAX_LENGTH} characters long.")
    if is_common(folded):
        problems.append(
            "The password is on a list of common passwords that attackers try first: choose "
            "one that is not a well-known word or phrase with digits or symbols added."
        )
    if is_predictable(folded):
        problems.append(
            "The password repeats a character or a short pattern, or follows the alphabet, the "
            "digits or a row of the keyboard: choose something less predictable."
        )
    if contains_name(folded, fold(name)):
        problems.append("The password must not be or contain the user's name: choose another.")
    return problems


def is_common(folded: str) -> bool:
    words = common_passwords()
    candidates = {folded, folded.replace(" ", ""), _ENDS.sub("", folded)}
    return any(c in words for c in candidates if c)


def is_predictable(folded: str) -> bool:
    compact = folded.replace(" ", "")
    if len(set(compact)) <= 2:
        return True
    # A string made of one shorter part repeated is found in itself rotated.
    if (compact + compact).find(compact, 1) < len(compact):
        return True
    return any(compact in run or compact in run[::-1] for run in (s * 3 for s in SEQUENCES))


def contains_name(folded: str, name: str) -> bool:
    """The password holds the whole name (ignoring case, spaces and punctuation), or is one
    part of it with digits or symbols added."""
    password = _NOT_ALNUM.sub("", folded)
    whole = _NOT_ALNUM.sub("", name)
    parts = {p for p in _NOT_ALNUM.split(name) if len(p) >= 3}
    return bool(len(whole) >= 3 and whole in password) or _ENDS.sub("", password) in parts
