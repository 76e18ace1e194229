"""The index manifest: `manifest.json` at the top of the index folder.

It describes the index (schema version, embedder, dimension, normalisation, metric, FAISS type,
counts, times, factcheck version) and names the current generation folder. Replacing this one
small file (atomically) is what switches an index to a newly built generation.
"""

from __future__ import annotations

import json
import mmap
import os
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from factcheck.errors import IndexError_
from factcheck.textio import atomic_write_text

__all__ = [
    "SCHEMA_VERSION", "MANIFEST_FILE", "read_manifest", "write_manifest", "check_files", "file_sizes", "file_checksum",
    "verify_checksums", "rebuild_hint", "now", "CHECKSUMMED", "VERIFY_MAX_BYTES",
]

SCHEMA_VERSION = 1
MANIFEST_FILE = "manifest.json"
CHECKSUMMED = ("store.sqlite",)  # files whose CRC-32 the manifest records (`checksums`) and open verifies
# Files up to this size are verified on every open (~0.2 s per 100 MB; docs/benchmarks.md, "Index open: store checksum");
# larger ones only by the size check and by SQLite's own errors at query time, which also give exit 4.
VERIFY_MAX_BYTES = 256 * 1024 * 1024
_CRC_BLOCK = 64 * 1024 * 1024
_REQUIRED = ("schema_version", "generation", "embedder", "dim", "normalization", "metric", "faiss", "counts", "files")


def now() -> str:
    """The current UTC time in ISO 8601, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def rebuild_hint(folder: Path, manifest: dict[str, Any] | None = None) -> str:
    """The command that rebuilds this index, with the indexed paths when the manifest names them."""
    sources = " ".join((manifest or {}).get("sources") or []) or "PATH"
    return f"rebuild it with: factcheck index {sources} --index {folder}"


def read_manifest(folder: Path) -> dict[str, Any]:
    """Reads and checks `folder/manifest.json`; raises IndexError_ naming the folder when it is missing or bad."""
    path = folder / MANIFEST_FILE
    if not folder.is_dir():
        raise IndexError_(f"{folder}: no index here; build one with: factcheck index PATH --index {folder}")
    if not path.is_file():
        raise IndexError_(f"{folder}: not a complete index (no {MANIFEST_FILE}); {rebuild_hint(folder)}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexError_(f"{path}: unreadable manifest ({exc}); {rebuild_hint(folder)}") from None
    missing = [key for key in _REQUIRED if not isinstance(manifest, dict) or key not in manifest]
    if missing:
        raise IndexError_(f"{path}: manifest lacks {', '.join(missing)}; {rebuild_hint(folder)}")
    if manifest["schema_version"] != SCHEMA_VERSION:
        raise IndexError_(
            f"{path}: index schema version {manifest['schema_version']}, this factcheck reads version "
            f"{SCHEMA_VERSION}; {rebuild_hint(folder, manifest)}"
        )
    return manifest


def check_files(folder: Path, manifest: dict[str, Any]) -> Path:
    """Checks that the current generation's files exist with the sizes the manifest recorded; returns its folder."""
    generation = folder / manifest["generation"]
    for name, size in manifest["files"].items():
        path = generation / name
        if not path.is_file():
            raise IndexError_(f"{folder}: index file {path.name} is missing; {rebuild_hint(folder, manifest)}")
        if path.stat().st_size != size:
            raise IndexError_(
                f"{folder}: index file {name} has {path.stat().st_size} bytes, expected {size} (truncated or "
                f"changed); {rebuild_hint(folder, manifest)}"
            )
    return generation


def file_checksum(path: Path) -> str:
    """The CRC-32 of a file as "crc32:xxxxxxxx", computed over a memory map (no copies; ~1 GB/s)."""
    crc = 0
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                view = memoryview(mapped)
                for start in range(0, len(view), _CRC_BLOCK):
                    crc = zlib.crc32(view[start : start + _CRC_BLOCK], crc)
                view.release()
    return f"crc32:{crc:08x}"


def verify_checksums(folder: Path, manifest: dict[str, Any], generation: Path) -> None:
    """Compares the recorded checksums (manifests from before they were recorded have none) with the files
    of up to VERIFY_MAX_BYTES; raises IndexError_ for a changed file."""
    for name, expected in (manifest.get("checksums") or {}).items():
        path = generation / name
        if path.stat().st_size <= VERIFY_MAX_BYTES and file_checksum(path) != expected:
            raise IndexError_(
                f"{folder}: index is corrupted ({name} does not match its checksum); {rebuild_hint(folder, manifest)}"
            )


def file_sizes(generation: Path) -> dict[str, int]:
    """The sizes of every file in a generation folder, by path relative to it."""
    return {
        str(path.relative_to(generation)): path.stat().st_size
        for path in sorted(generation.rglob("*"))
        if path.is_file()
    }


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Writes the manifest atomically (temporary file, fsync, os.replace): the switch to a new generation."""
    atomic_write_text(folder / MANIFEST_FILE, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Flushes a folder's entries so the rename survives a power loss (no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
