"""Building and re-building an index: ingest → store → embed (only what changed) → FAISS + BM25 → switch.

Each build writes a fresh generation folder (`gen-*`) beside the current one and switches to it by
atomically replacing `manifest.json`; only then is the old generation deleted. A crash or Ctrl-C
at any earlier point leaves the previous index as it was.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import re
import shutil
import time
import uuid
import warnings
from array import array
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from factcheck import __version__
from factcheck.errors import IndexError_, InputError
from factcheck.index import lexical, vectors
from factcheck.index.manifest import (
    CHECKSUMMED, MANIFEST_FILE, SCHEMA_VERSION, file_checksum, file_sizes, now, read_manifest, write_manifest,
)
from factcheck.index.reader import Index, canonical_name
from factcheck.index.store import STORE_FILE, Store
from factcheck.ingest import PASSAGE_CHARS, PASSAGE_OVERLAP, Corpus, content_hash, read_corpus, split_passages
from factcheck.records import Document
from factcheck.settings import default_index_dir

__all__ = ["BuildStats", "build_index", "EMBED_CHUNK"]

EMBED_CHUNK = 8192  # passages read back from the store per step
PROGRESS_STEP = 256  # passages encoded between progress updates (about 10 s on 2 cores)
_LOCK_FILE = ".lock"
_WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
GENERATION_NAME = re.compile(r"gen-\d{8}T\d{6}-[0-9a-f]{8}")  # the only folders a build creates, or deletes


@dataclass
class BuildStats:
    """What a build did: documents added/updated/removed/unchanged, duplicates and skipped files."""

    index: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    duplicates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    documents: int = 0
    passages: int = 0
    embedded: int = 0  # passages encoded in this build (the rest reused their stored vectors)
    faiss: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (skipped files as {path, reason})."""
        data = asdict(self)
        data["skipped"] = [{"path": path, "reason": reason} for path, reason in self.skipped]
        return data


@dataclass
class _Plan:
    """Where each new passage's vector comes from: a row of the old vectors, or -1 (encode it)."""

    sources: array = field(default_factory=lambda: array("q"))
    seen_hashes: set[str] = field(default_factory=set)
    seen_ids: dict[str, str] = field(default_factory=dict)  # id -> source, for duplicate-id errors


def build_index(
    paths: Iterable[str | Path],
    index_dir: str | Path | None = None,
    embedder: Any = None,
    faiss: str | None = None,
    progress: bool = False,
    batch_size: int = 64,
) -> BuildStats:
    """Indexes the documents under `paths` into `index_dir`, re-embedding only new or changed documents.

    The index mirrors `paths`: documents no longer found there are dropped. `embedder` is a name or an
    object with `name`, `dim` and `encode`; by default the existing index's embedder (else the bundled
    all-MiniLM-L6-v2). `faiss` is "auto" (exact up to FLAT_MAX passages, IVF beyond, IVF-SQ8 from
    COMPRESS_MIN), "flat", "hnsw", "ivf", "ivf-sq8" or a faiss index_factory string. Raises InputError for a missing path or an empty corpus, with
    the existing index left untouched.
    """
    started = time.perf_counter()
    folder = Path(index_dir) if index_dir is not None else default_index_dir()
    corpus = read_corpus(paths)
    _check_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexError_(f"--index {folder}: cannot create the index folder ({exc.strerror}); choose another --index") from None
    with _locked(folder):
        old = _open_previous(folder)
        try:
            model = _resolve_embedder(embedder, old)
            if old is not None and old.embedder_name != model.name:
                warnings.warn(f"{folder}: embedder changed from {old.embedder_name} to {model.name}; re-embedding all")
            stats = _build_generation(folder, corpus, old, model, faiss, progress, batch_size)
        except OSError as exc:
            if exc.errno not in _WRITE_ERRORS:
                raise
            raise IndexError_(
                f"--index {folder}: cannot write the index ({exc.strerror}: {exc.filename}); the previous index is "
                "unchanged; free some space or make the folder writable"
            ) from None
        finally:
            if old is not None:
                old.close()
        _remove_stale(folder, keep=read_manifest(folder)["generation"])
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def _build_generation(
    folder: Path, corpus: Corpus, old: Index | None, model: Any, faiss_spec: str | None, progress: bool, batch_size: int
) -> BuildStats:
    """Writes a complete new generation and switches the manifest to it; removes it again on any failure."""
    generation = folder / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"  # see GENERATION_NAME
    generation.mkdir()
    stats = BuildStats(index=str(folder))
    try:
        store = Store.create(generation / STORE_FILE)
        reusable = old if old is not None and _can_reuse(old, model) else None
        plan = _fill_store(corpus, store, old, reusable, stats)
        if stats.documents == 0:
            raise InputError(_empty_message(corpus))
        matrix = _write_vectors(generation, store, plan, reusable, model, progress, batch_size, stats)
        requested = faiss_spec or _previous_faiss(old)
        chosen = vectors.choose_faiss(stats.passages, requested)
        vectors.build_faiss(matrix, chosen, generation / vectors.FAISS_FILE)
        lexical.build_bm25(store.iter_passage_texts(), generation / lexical.BM25_DIR)
        store.close()
        stats.faiss = chosen.factory
        manifest = _manifest(generation, corpus, old, model, chosen, requested, stats)
        write_manifest(folder, manifest)  # the switch: atomic os.replace of one small file
    except BaseException:
        with contextlib.suppress(Exception):
            store.close()
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return stats


def _fill_store(corpus: Corpus, store: Store, old: Index | None, reusable: Index | None, stats: BuildStats) -> _Plan:
    """Reads every document into the new store, deduplicated by content; passages of unchanged content
    keep their old vectors (recorded in the plan), others are split afresh."""
    plan = _Plan()
    next_id = 0
    for doc in _documents(corpus, stats):
        digest = content_hash(doc.text)
        if digest in plan.seen_hashes:
            stats.duplicates += 1
            continue
        if doc.id in plan.seen_ids:
            raise InputError(
                f"{doc.source}: duplicate document id {doc.id!r} (also in {plan.seen_ids[doc.id]}); give each document a unique id"
            )
        plan.seen_hashes.add(digest)
        plan.seen_ids[doc.id] = doc.source
        _count_change(doc, digest, old, stats)
        reused = reusable.store.passages_by_hash(digest) if reusable is not None else []
        passages = [p for _, p in reused] or split_passages(doc, PASSAGE_CHARS, PASSAGE_OVERLAP)
        plan.sources.extend([pid for pid, _ in reused] if reused else [-1] * len(passages))
        row = store.add_document(doc, digest)
        next_id = store.add_passages(row, passages, next_id)
        stats.documents += 1
    store.commit()
    if old is not None:
        stats.removed = len(old.store.document_ids() - plan.seen_ids.keys())
    stats.passages = next_id
    return plan


def _documents(corpus: Corpus, stats: BuildStats) -> Iterator[Document]:
    """The corpus documents that have text; empty ones are counted as skipped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skipped files are reported through stats.skipped
        for doc in corpus.documents:
            if doc.text.strip():
                yield doc
            else:
                corpus.skipped.append((doc.source, f"{doc.source}: no text"))
    stats.skipped = corpus.skipped


def _count_change(doc: Document, digest: str, old: Index | None, stats: BuildStats) -> None:
    """Counts a document as added, updated or unchanged relative to the old index."""
    found = old.store.document(doc.id) if old is not None else None
    if found is None:
        stats.added += 1
        return
    before, old_digest = found
    same = old_digest == digest and (before.title, before.source, before.url, before.date, _kept(before.meta)) == (
        doc.title, doc.source, doc.url, doc.date, _kept(doc.meta)
    )
    if same:
        stats.unchanged += 1
    else:
        stats.updated += 1


def _kept(meta: dict[str, Any]) -> dict[str, Any]:
    """A document's metadata without its fetch time: a page fetched again with the same content is unchanged."""
    return {key: value for key, value in meta.items() if key != "fetched"}


def _write_vectors(
    generation: Path, store: Store, plan: _Plan, reusable: Index | None, model: Any, progress: bool, batch_size: int,
    stats: BuildStats,
) -> np.ndarray:
    """Fills vectors.npy: stored vectors copied for reused passages, the rest encoded in chunks."""
    import faiss
    from tqdm.auto import tqdm

    sources = np.frombuffer(plan.sources, dtype=np.int64) if len(plan.sources) else np.zeros(0, np.int64)
    matrix = vectors.create_vectors(generation / vectors.VECTORS_FILE, len(sources), int(model.dim))
    keep = np.flatnonzero(sources >= 0)
    for start in range(0, len(keep), EMBED_CHUNK):
        rows = keep[start : start + EMBED_CHUNK]
        matrix[rows] = reusable.vectors[sources[rows]]
    fresh = np.flatnonzero(sources < 0)
    # An embedder may encode many rows itself (factcheck.scale.ray_index: Ray actors, shards merged here).
    encode_rows = getattr(model, "encode_rows", None) or functools.partial(_encode_rows, model)
    with tqdm(total=len(fresh), desc="embedding", unit="passage", disable=not progress or not len(fresh),
              smoothing=0.1) as bar:
        for rows, encoded in encode_rows(store, fresh, batch_size) if len(fresh) else ():
            encoded = np.ascontiguousarray(encoded, np.float32)
            faiss.normalize_L2(encoded)
            matrix[rows] = encoded
            bar.update(len(rows))
    matrix.flush()
    stats.embedded = len(fresh)
    return matrix


def _encode_rows(model: Any, store: Store, rows: np.ndarray, batch_size: int) -> Iterator[tuple[np.ndarray, Any]]:
    """Encodes the given passages in this process: reads EMBED_CHUNK at a time, sorts them by length (less
    padding) and yields (row ids, vectors) every PROGRESS_STEP passages, so the progress bar moves per step."""
    for start in range(0, len(rows), EMBED_CHUNK):
        chunk = rows[start : start + EMBED_CHUNK]
        texts = store.passage_texts(chunk)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for step in range(0, len(order), PROGRESS_STEP):
            part = order[step : step + PROGRESS_STEP]
            yield chunk[part], model.encode([texts[i] for i in part], batch_size=batch_size)


def _manifest(
    generation: Path, corpus: Corpus, old: Index | None, model: Any, chosen: vectors.FaissPlan,
    requested: str | None, stats: BuildStats,
) -> dict[str, Any]:
    """The manifest of a freshly built generation."""
    created = old.manifest.get("created") if old is not None else None
    return {
        "schema_version": SCHEMA_VERSION,
        "factcheck_version": __version__,
        "generation": generation.name,
        "embedder": model.name,
        "precision": str(getattr(model, "precision", "fp32")),
        "dim": int(model.dim),
        "normalization": "l2",
        "metric": "inner_product",
        "faiss": {"type": chosen.type, "factory": chosen.factory, "params": chosen.params, "requested": requested},
        "bm25": lexical.BM25_PARAMS,
        "passage_chars": PASSAGE_CHARS,
        "passage_overlap": PASSAGE_OVERLAP,
        "counts": {
            "documents": stats.documents,
            "passages": stats.passages,
            "files": corpus.files,
            "skipped": len(stats.skipped),
            "duplicates": stats.duplicates,
        },
        "sources": [str(p) for p in corpus.paths] + corpus.urls,
        "created": created or now(),
        "updated": now(),
        "files": file_sizes(generation),
        "checksums": {name: file_checksum(generation / name) for name in CHECKSUMMED},
    }


class _LazyEmbedder:
    """An embedder by name that loads its model only when a passage needs encoding."""

    def __init__(self, name: str, known_dim: int | None = None, index: Index | None = None,
                 precision: str | None = None):
        self.name = name
        self._dim = known_dim
        self._index = index  # the index whose embedder this is, when the user named none
        self._precision = precision
        self._model: Any = None

    @property
    def model(self) -> Any:
        """The loaded embedder (an index's embedder that is not installed here is an index error, exit 4)."""
        if self._model is None:
            from factcheck.embed import load_embedder

            self._model = (self._index.load_embedder(self._precision) if self._index is not None
                           else load_embedder(self.name, precision=self._precision))
        return self._model

    @property
    def precision(self) -> str:
        """The precision the vectors are encoded at ("int8" or "fp32"), without loading the model."""
        if self._model is not None:
            return str(getattr(self._model, "precision", "fp32"))
        from factcheck.embed import embedder_precision

        return embedder_precision(self.name, self._precision)

    @property
    def dim(self) -> int:
        """The vector dimension (from the old index when the embedder is the same; else from the model)."""
        return self._dim if self._dim is not None else int(self.model.dim)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> Any:
        """Encodes with the loaded model."""
        return self.model.encode(texts, batch_size=batch_size, progress=progress)


def _resolve_embedder(embedder: Any, old: Index | None) -> Any:
    """An embedder object: the one given, one named (loaded lazily), or the old index's (else the default)."""
    from factcheck.embed import DEFAULT_EMBEDDER

    if embedder is not None and not isinstance(embedder, str):
        return embedder
    name = canonical_name(embedder or (old.embedder_name if old is not None else DEFAULT_EMBEDDER))
    same = old is not None and old.embedder_name == name
    known = int(old.manifest["dim"]) if same else None
    # re-indexing keeps the index's precision unless --precision (or $FACTCHECK_PRECISION) asks otherwise
    precision = os.environ.get("FACTCHECK_PRECISION") or (old.precision if same else None)
    return _LazyEmbedder(name, known, old if embedder is None else None, precision)


def _can_reuse(old: Index, model: Any) -> bool:
    """Tells whether the old vectors fit the new build (same embedder, dimension and passage windows)."""
    manifest = old.manifest
    return (
        manifest["embedder"] == model.name
        and manifest.get("precision", "fp32") == getattr(model, "precision", "fp32")
        and int(manifest["dim"]) == int(model.dim)
        and manifest.get("passage_chars") == PASSAGE_CHARS
        and manifest.get("passage_overlap") == PASSAGE_OVERLAP
    )


def _previous_faiss(old: Index | None) -> str | None:
    """Keeps an explicitly chosen FAISS type across re-indexing; automatic choices are re-made by size."""
    if old is None:
        return None
    requested = old.manifest["faiss"].get("requested")
    return None if requested in (None, "auto") else requested


def _open_previous(folder: Path) -> Index | None:
    """The current index in `folder`, or None when there is none or it is damaged (then it is rebuilt)."""
    if not (folder / MANIFEST_FILE).exists():
        return None
    try:
        index = Index(folder, read_manifest(folder))
        index.vectors  # noqa: B018 - checks the vectors file before any reuse
        return index
    except IndexError_ as exc:
        warnings.warn(f"rebuilding from scratch: {exc}")
        return None


def _check_folder(folder: Path) -> None:
    """Refuses to write into a folder that holds anything but a factcheck index."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--index {folder}: is a file, expected a folder for the index")
    if not folder.is_dir():
        return
    if not os.access(folder, os.W_OK | os.X_OK):
        raise IndexError_(f"--index {folder}: the index folder is not writable; make it writable or choose another --index")
    foreign = [p.name for p in folder.iterdir() if not _ours(p.name)]
    if foreign:
        raise InputError(
            f"--index {folder}: folder holds other files ({', '.join(sorted(foreign)[:3])}); "
            "choose an empty or new folder for the index"
        )


def _ours(name: str) -> bool:
    """Tells whether a folder entry belongs to a factcheck index (a user's `gen-2023-photos/` does not)."""
    return name in {MANIFEST_FILE, _LOCK_FILE} or bool(GENERATION_NAME.fullmatch(name)) or name.startswith(f".{MANIFEST_FILE}.")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Holds an exclusive lock on the index folder so two builds cannot interleave."""
    try:
        handle = open(folder / _LOCK_FILE, "a")
    except OSError as exc:
        raise IndexError_(
            f"--index {folder}: cannot write to the index folder ({exc.strerror}); make it writable or choose another --index"
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexError_(f"{folder}: another factcheck index is building this index; wait for it") from None
        yield


def _remove_stale(folder: Path, keep: str) -> None:
    """Deletes every generation folder but the current one (old ones, and leftovers of killed builds)."""
    for path in folder.glob("gen-*"):
        if path.name != keep and path.is_dir() and GENERATION_NAME.fullmatch(path.name):
            shutil.rmtree(path, ignore_errors=True)


def _empty_message(corpus: Corpus) -> str:
    """The error for a corpus without a readable document."""
    where = ", ".join([str(p) for p in corpus.paths] + corpus.urls)
    skipped = f" ({len(corpus.skipped)} file(s) skipped: {corpus.skipped[0][1]})" if corpus.skipped else ""
    return f"{where}: no readable documents found{skipped}; add .txt, .md, .html, .jsonl, .pdf or .docx files"
