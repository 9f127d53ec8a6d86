"""Claims the time use cases take (on due deadlines, on due notices): who holds one, for how
long, and how many rows a claim takes at once."""

from __future__ import annotations

import os
import socket
import uuid

DEFAULT_LEASE_SECONDS = 300  # a claim not finished by then is another sweeper's to take
DEFAULT_BATCH = 200


def default_owner() -> str:
    """A name for a claimer, unique per process and sweep: host, process id, random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
