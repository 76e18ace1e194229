"""Reading user text files safely, and writing files atomically."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from factcheck.errors import InputError

__all__ = ["read_text", "looks_binary", "json_object", "atomic_write", "atomic_write_text", "MAX_TEXT_BYTES"]

MAX_TEXT_BYTES = 20 * 1024 * 1024  # 20 MB: far beyond any article, small enough to fail fast


def looks_binary(data: bytes) -> bool:
    """Tells whether a byte string looks like binary data (NUL bytes or many control bytes)."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > 0.05


def read_text(path: str | Path, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Reads a text file as UTF-8 (BOM allowed), raising InputError for missing, binary,
    undecodable or oversized files."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; split it into smaller files"
        )
    data = path.read_bytes()
    if looks_binary(data):
        raise InputError(f"{path}: looks like a binary file, not text; pass a .txt, .md, .html or .jsonl file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8"
        ) from None


def json_object(text: str | bytes, where: str) -> dict[str, Any]:
    """Parses one JSON object (a JSONL line); otherwise an InputError that names `where` (file:line)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg}); write one JSON object per line") from None
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Opens a temporary file beside `path` and renames it over `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Writes a whole text file atomically."""
    with atomic_write(path) as handle:
        handle.write(text)
