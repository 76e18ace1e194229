"""The server's limits and the token rule; no heavy imports, so the CLI can take its defaults from here."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from factcheck.errors import InputError
from factcheck.serve.batcher import DEFAULT_MAX_BATCH, DEFAULT_MAX_QUEUE_SECONDS, DEFAULT_MAX_WAIT

__all__ = ["ServeLimits", "is_loopback", "read_token", "MIN_TOKEN_CHARS", "TOKEN_ENV"]

TOKEN_ENV = "FACTCHECK_TOKEN"
MIN_TOKEN_CHARS = 16  # a guessable token is no protection; secrets.token_urlsafe(32) gives 43


@dataclass(frozen=True)
class ServeLimits:
    """What one request may ask for; anything beyond gets a clear 413 or 422, past `timeout` a 504, and a
    503 with Retry-After while the claims queued ahead would take over `max_queue_seconds`."""

    max_body: int = 2 * 1024 * 1024 + 64 * 1024  # bytes: the 2 MB article limit plus JSON overhead
    max_claim_chars: int = 1000  # one claim is a sentence or two; the verdict model reads 256 tokens at most
    max_claims: int = 256  # claims per /v1/check request; larger sets: `factcheck check --claims FILE`
    max_k: int = 100  # passages per /v1/search query
    timeout: float = 120.0  # seconds per request, queueing included
    max_batch: int = DEFAULT_MAX_BATCH  # claims per model call
    batch_wait: float = DEFAULT_MAX_WAIT  # seconds a request waits for others to share its model call
    max_queue_seconds: float = DEFAULT_MAX_QUEUE_SECONDS  # queued work over this: 503 + Retry-After; 0: queue all


def is_loopback(host: str) -> bool:
    """Tells whether a bind address only accepts connections from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def read_token(token_file: str | Path | None) -> str | None:
    """The API token from `token_file` (first line) or $FACTCHECK_TOKEN; None when neither is set."""
    if token_file is not None:
        from factcheck.textio import read_text

        token = read_text(token_file, max_bytes=4096).strip()
        where = str(token_file)
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
        where = f"${TOKEN_ENV}"
        if not token:
            return None
    if not token:
        raise InputError(f"{where}: the token file is empty; write a token in it, e.g. "
                         "python -c 'import secrets; print(secrets.token_urlsafe(32))' > FILE")
    if len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token):
        raise InputError(f"{where}: the token must be one word of at least {MIN_TOKEN_CHARS} characters; make one "
                         "with python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return token
