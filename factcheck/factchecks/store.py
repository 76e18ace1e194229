"""The fact-check store: a folder beside the evidence index holding published fact-checks, their
embeddings (claim and title) and a BM25 index over claim + title.

Like the evidence index, each import writes a fresh generation folder (`gen-*`) and switches to it by
atomically replacing `manifest.json`; an interrupted import leaves the previous store as it was. Records
are keyed by `id`; a record whose id or URL is already stored replaces it (keeping the stored id), and
only new or changed texts are embedded.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from factcheck import __version__
from factcheck.errors import IndexError_, InputError
from factcheck.factchecks.records import FactCheck, embed_texts
from factcheck.textio import atomic_write, atomic_write_text

__all__ = ["FactCheckStore", "AddStats", "add_factchecks", "default_store_dir", "STORE_SCHEMA_VERSION", "bm25_text"]

STORE_SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.jsonl"
CLAIM_VECTORS = "claim_vectors.npy"
TITLE_VECTORS = "title_vectors.npy"
BM25 = "bm25"
_LOCK = ".lock"


def default_store_dir(index_dir: str | Path | None = None) -> Path:
    """The fact-check store: $FACTCHECK_FACTCHECKS, else `factchecks` beside the evidence index folder."""
    from factcheck.settings import default_index_dir

    env = os.environ.get("FACTCHECK_FACTCHECKS")
    if env:
        return Path(env)
    return Path(index_dir or default_index_dir()).parent / "factchecks"


def bm25_text(record: FactCheck) -> str:
    """The text BM25 indexes for a fact-check: its claim and title."""
    return f"{record.claim} {record.title}".strip()


def _hint(folder: Path) -> str:
    return f"import fact-checks with: factcheck factchecks add FILE --store {folder}"


class FactCheckStore:
    """An opened fact-check store (read-only): records, vectors and BM25, loaded on first use."""

    def __init__(self, folder: str | Path | None = None):
        self.path = Path(folder) if folder is not None else default_store_dir()
        manifest_path = self.path / MANIFEST
        if not manifest_path.is_file():
            raise IndexError_(f"{self.path}: no fact-check store here; {_hint(self.path)}")
        try:
            self.manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            version = self.manifest["schema_version"]
            self.generation = self.path / self.manifest["generation"]
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexError_(f"{manifest_path}: unreadable store manifest ({exc}); {_hint(self.path)} into a new folder") from None
        if version != STORE_SCHEMA_VERSION:
            raise IndexError_(
                f"{self.path}: fact-check store version {version}, this factcheck reads {STORE_SCHEMA_VERSION}; "
                f"re-import the fact-checks into a new folder"
            )
        for name, size in self.manifest.get("files", {}).items():
            file = self.generation / name
            if not file.is_file() or file.stat().st_size != size:
                raise IndexError_(f"{self.path}: store file {name} is missing or truncated; re-import the fact-checks")

    @property
    def embedder_name(self) -> str:
        """The embedder that made the vectors."""
        return str(self.manifest["embedder"])

    def __len__(self) -> int:
        return int(self.manifest["count"])

    @cached_property
    def records(self) -> list[FactCheck]:
        """Every stored fact-check, in row order."""
        with (self.generation / RECORDS).open(encoding="utf-8") as handle:
            return [FactCheck.from_dict(json.loads(line)) for line in handle if line.strip()]

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Row number of each record id."""
        return {record.id: row for row, record in enumerate(self.records)}

    @cached_property
    def claim_vectors(self) -> np.ndarray:
        """Unit-length embeddings of the claims (rows as `records`)."""
        return np.load(self.generation / CLAIM_VECTORS, mmap_mode="r", allow_pickle=False)

    @cached_property
    def title_vectors(self) -> np.ndarray:
        """Unit-length embeddings of the titles (the claim's where a record has no title)."""
        return np.load(self.generation / TITLE_VECTORS, mmap_mode="r", allow_pickle=False)

    @cached_property
    def bm25(self) -> Any:
        """The bm25s index over claim + title."""
        from factcheck.index.lexical import load_bm25

        return load_bm25(self.generation / BM25)

    def info(self) -> dict[str, Any]:
        """The manifest plus the store path, for `factcheck factchecks info`."""
        return {"path": str(self.path), **self.manifest}


@dataclass
class AddStats:
    """What an import did."""

    store: str
    files: int = 0
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    embedded: int = 0
    total: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _merge(old: list[FactCheck], new: Iterable[FactCheck], stats: AddStats) -> list[FactCheck]:
    """The stored records updated with the new ones: same id or same URL replaces (keeping the stored
    id), anything else is appended."""
    merged = list(old)
    by_id = {r.id: i for i, r in enumerate(merged)}
    by_url = {r.url: i for i, r in enumerate(merged) if r.url}
    fresh: set[int] = set()
    for record in new:
        stats.read += 1
        row = by_id.get(record.id, by_url.get(record.url) if record.url else None)
        if row is None:
            by_id[record.id] = len(merged)
            if record.url:
                by_url[record.url] = len(merged)
            fresh.add(len(merged))
            merged.append(record)
            stats.added += 1
            continue
        kept = FactCheck.from_dict({**record.to_dict(), "id": merged[row].id})
        if row not in fresh:
            same = {**kept.to_dict(), "source": ""} == {**merged[row].to_dict(), "source": ""}
            stats.unchanged += same
            stats.updated += not same
            fresh.add(row)
        merged[row] = kept
        if kept.url:
            by_url[kept.url] = row
    return merged


def _open_old(folder: Path) -> FactCheckStore | None:
    """The current store, or None when there is none yet."""
    if not (folder / MANIFEST).exists():
        return None
    return FactCheckStore(folder)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Holds an exclusive lock on the store folder so two imports cannot interleave."""
    with open(folder / _LOCK, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexError_(f"{folder}: another import is writing this fact-check store; wait for it") from None
        yield


def add_factchecks(
    records: Iterable[FactCheck], folder: str | Path | None = None, embedder: Any = None, progress: bool = False,
    batch_size: int = 128,
) -> AddStats:
    """Adds (or updates) fact-checks in the store at `folder`, embedding only new or changed texts, and
    switches to the new generation atomically. `embedder` is an object or a name (default: the store's,
    else the bundled all-MiniLM-L6-v2)."""
    started = time.perf_counter()
    folder = Path(folder) if folder is not None else default_store_dir()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--store {folder}: is a file, expected a folder for the fact-check store")
    folder.mkdir(parents=True, exist_ok=True)
    stats = AddStats(store=str(folder))
    with _locked(folder):
        old = _open_old(folder)
        merged = _merge(old.records if old is not None else [], records, stats)
        model = _embedder(embedder, old)
        generation = folder / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        generation.mkdir()
        try:
            _write_generation(generation, merged, old, model, progress, batch_size, stats)
            manifest = _manifest(folder, generation, old, model, len(merged))
            atomic_write_text(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        for stale in folder.glob("gen-*"):
            if stale != generation and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
    stats.total = len(merged)
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def _embedder(embedder: Any, old: FactCheckStore | None) -> Any:
    """An embedder object: the one given, else one loaded by name (the store's, else the default)."""
    if embedder is not None and not isinstance(embedder, str):
        return embedder
    from factcheck.embed import DEFAULT_EMBEDDER, load_embedder

    return load_embedder(embedder or (old.embedder_name if old is not None else DEFAULT_EMBEDDER))


def _write_generation(
    generation: Path, records: list[FactCheck], old: FactCheckStore | None, model: Any, progress: bool,
    batch_size: int, stats: AddStats,
) -> None:
    """Writes records.jsonl, both vector files (stored rows reused by content) and the BM25 index."""
    from factcheck.index.lexical import build_bm25

    with atomic_write(generation / RECORDS) as handle:
        for record in records:
            handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
    claims, titles = _vectors(records, old, model, progress, batch_size, stats)
    np.save(generation / CLAIM_VECTORS, claims, allow_pickle=False)
    np.save(generation / TITLE_VECTORS, titles, allow_pickle=False)
    build_bm25([[bm25_text(r) for r in records]], generation / BM25)


def _vectors(
    records: list[FactCheck], old: FactCheckStore | None, model: Any, progress: bool, batch_size: int, stats: AddStats
) -> tuple[np.ndarray, np.ndarray]:
    """Claim and title vectors for every record: copied from the old store when the texts and the
    embedder are the same, else encoded (in batches, with a progress bar)."""
    dim = int(model.dim)
    claims = np.zeros((len(records), dim), np.float32)
    titles = np.zeros((len(records), dim), np.float32)
    reusable: dict[str, int] = {}
    if old is not None and old.embedder_name == model.name:
        reusable = {r.digest(): row for row, r in enumerate(old.records)}
    todo = []
    for row, record in enumerate(records):
        source = reusable.get(record.digest())
        if source is None:
            todo.append(row)
        else:
            claims[row], titles[row] = old.claim_vectors[source], old.title_vectors[source]
    if todo:
        started = time.perf_counter()
        texts = [text for row in todo for text in embed_texts(records[row])]
        encoded = np.asarray(model.encode(texts, batch_size=batch_size, progress=progress), np.float32)
        claims[todo], titles[todo] = encoded[0::2], encoded[1::2]
        stats.embed_seconds = round(time.perf_counter() - started, 3)
    stats.embedded = len(todo)
    return claims, titles


def _manifest(folder: Path, generation: Path, old: FactCheckStore | None, model: Any, count: int) -> dict[str, Any]:
    """The manifest of a freshly written generation."""
    from factcheck.index.lexical import BM25_PARAMS
    from factcheck.index.manifest import file_sizes, now

    return {
        "schema_version": STORE_SCHEMA_VERSION,
        "kind": "factchecks",
        "factcheck_version": __version__,
        "generation": generation.name,
        "embedder": model.name,
        "dim": int(model.dim),
        "count": count,
        "bm25": BM25_PARAMS,
        "created": (old.manifest.get("created") if old is not None else None) or now(),
        "updated": now(),
        "files": file_sizes(generation),
    }
