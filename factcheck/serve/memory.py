"""Giving freed heap memory back to the system between model calls, so a long-running server stays flat.

Batches of different sizes leave glibc's heap fragmented: the memory is free inside the process but never
returned. Measured on the demo index (`Checker.check` on batches of 1, 4, then 16 claims, on a worker
thread): RSS rose from 1025 to 1196 MB over nine batches; with `malloc_trim(0)` after each batch it stayed
at 980-985 MB, for well under a millisecond per 20 s batch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Callable

__all__ = ["release_free_memory"]


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None on other C libraries (macOS, musl, Windows)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Returns free heap pages to the system where the C library allows; tells whether it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
