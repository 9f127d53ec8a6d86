"""A short in-process cache of who each API token acts as, emptied by any revocation.

A request's token check then costs a dictionary look-up instead of a read transaction. An entry
lives ``TTL_SECONDS`` at most. Every statement this process sends, on any of its engines, that
can end a token's use (a DELETE of tokens, an UPDATE of tokens other than their
``last_used_at`` stamp, any UPDATE of users: disabled, role changed) empties every cache before
it runs, and a look-up that was under way when it did is not cached (a generation counter), so a
revoked token gets 401 at once in this process. A revocation made by another process
(``workflow tokens revoke``) reaches this one within ``TTL_SECONDS``.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

TTL_SECONDS = 2.0
_MISSING = object()


class TokenCache:
    def __init__(self, engine: Engine, ttl: float = TTL_SECONDS) -> None:
        self.ttl = ttl
        self.generation = 0
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        del engine  # every engine of the process is watched (a CLI command opens its own)
        _CACHES.add(self)

    def get(self, digest: str) -> Any:
        """The cached holder of the token, or ``MISSING``."""
        found = self._entries.get(digest)
        if found is None or found[0] < time.monotonic():
            return _MISSING
        return found[1]

    def put(self, digest: str, holder: Any, generation: int) -> None:
        """Cache ``holder`` unless the cache was emptied since ``generation`` was read."""
        with self._lock:
            if generation == self.generation:
                self._entries[digest] = (time.monotonic() + self.ttl, holder)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()


_CACHES: weakref.WeakSet[TokenCache] = weakref.WeakSet()


@event.listens_for(Engine, "before_cursor_execute")
def _watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """Any engine of this process that sends a revocation empties every cache of it."""
    if _CACHES and _revokes(statement):
        for cache in list(_CACHES):
            if cache._entries:
                cache.clear()


def _revokes(statement: str) -> bool:
    head = statement[:48].lstrip().upper()
    if head.startswith("DELETE FROM API_TOKEN") or head.startswith("UPDATE USER_ACCOUNT"):
        return True
    return head.startswith("UPDATE API_TOKEN") and not head.startswith(
        "UPDATE API_TOKEN SET LAST_USED_AT"
    )


MISSING = _MISSING

__all__ = ["MISSING", "TTL_SECONDS", "TokenCache"]
