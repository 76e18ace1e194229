"""An opened index: manifest, SQLite store, vectors, FAISS and BM25 (the last three loaded on first use)."""

from __future__ import annotations

import sqlite3
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

from factcheck.errors import IndexError_, InputError
from factcheck.index import lexical, vectors
from factcheck.index.manifest import check_files, read_manifest, rebuild_hint, verify_checksums
from factcheck.index.store import STORE_FILE, Store
from factcheck.records import Document, SearchHit
from factcheck.settings import default_index_dir

__all__ = ["Index", "open_index", "canonical_name"]


def canonical_name(name: str) -> str:
    """An embedder's recorded name: the bundled model's aliases all become its one name."""
    from factcheck.embed import _BUNDLED_ALIASES, DEFAULT_EMBEDDER

    return DEFAULT_EMBEDDER if name in _BUNDLED_ALIASES else name


class Index:
    """A built index, opened read-only. Use `open_index` to get one; close it (or use `with`) when done."""

    def __init__(self, path: Path, manifest: dict[str, Any]):
        self.path = path
        self.manifest = manifest
        self.search_params: dict[str, Any] = dict(manifest["faiss"].get("params") or {})
        self.generation = check_files(path, manifest)
        verify_checksums(path, manifest, self.generation)
        try:
            self.store = Store(self.generation / STORE_FILE)
            stored = self.store.count("passages")
        except sqlite3.Error as exc:
            raise self._corrupt(f"{STORE_FILE}: {exc}") from None
        if stored != self.size:
            raise self._corrupt(f"{STORE_FILE} holds {stored} passages, the manifest says {self.size}")

    @property
    def embedder_name(self) -> str:
        """The name of the embedder that built the vectors."""
        return str(self.manifest["embedder"])

    @property
    def size(self) -> int:
        """The number of passages."""
        return int(self.manifest["counts"]["passages"])

    def check_embedder(self, name: str | None) -> None:
        """Raises IndexError_ when `name` is given and is not the embedder this index was built with."""
        if name is None or canonical_name(name) == self.embedder_name:
            return
        raise IndexError_(
            f"{self.path}: index was built with embedder {self.embedder_name!r}, not {name!r}; re-index with "
            f"--embedder {name}, or search with --embedder {self.embedder_name}"
        )

    @property
    def precision(self) -> str:
        """The precision its vectors were encoded at: "fp32", or "int8" (indexes from before int8 are fp32)."""
        return str(self.manifest.get("precision", "fp32"))

    def load_embedder(self, precision: str | None = None) -> Any:
        """Loads the embedder this index was built with, at `precision` (default: $FACTCHECK_PRECISION, else
        auto). Queries encoded at int8 search an fp32 index as well as fp32 ones do (SciFact nDCG@10 within
        0.001; docs/benchmarks.md, "Quantised encoders"), so either precision reads either index. One that
        cannot be loaded here is an index problem (exit 4): the index needs rebuilding with an embedder this
        machine has."""
        from factcheck.embed import embedder_installed, load_embedder
        from factcheck.errors import ModelError

        try:
            return load_embedder(self.embedder_name, precision=precision)
        except ModelError as exc:
            if not embedder_installed(self.embedder_name):
                raise IndexError_(f"{self.path}: {self.embedder_warning()}") from None
            raise IndexError_(f"{self.path}: index built with embedder {self.embedder_name!r}, which failed to load ({exc})") from None

    def embedder_warning(self) -> str:
        """Says that the index was built with an embedder this machine lacks, and what to do."""
        from factcheck.embed import DEFAULT_EMBEDDER

        return (
            f"index built with embedder {self.embedder_name!r}, which is not installed here; rebuild it with the bundled one: "
            f"factcheck index {' '.join(self.manifest.get('sources') or []) or 'PATH'} --index {self.path} "
            f"--embedder {DEFAULT_EMBEDDER}, or install {self.embedder_name!r} (a local path or Hugging Face cache)"
        )

    @cached_property
    def vectors(self) -> Any:
        """The passage vectors, an (n, dim) float32 memory map."""
        try:
            array = vectors.open_vectors(self.generation / vectors.VECTORS_FILE)
        except (OSError, ValueError) as exc:
            raise self._corrupt(f"{vectors.VECTORS_FILE}: {exc}") from None
        if array.shape != (self.size, int(self.manifest["dim"])):
            raise self._corrupt(f"{vectors.VECTORS_FILE} has shape {array.shape}")
        return array

    @cached_property
    def faiss(self) -> Any:
        """The FAISS index over the vectors (ids = passage ids)."""
        try:
            index = vectors.load_faiss(self.generation / vectors.FAISS_FILE, self.search_params)
        except RuntimeError as exc:
            raise self._corrupt(f"{vectors.FAISS_FILE}: {vectors._first_line(exc)}") from None
        if index.ntotal != self.size:
            raise self._corrupt(f"{vectors.FAISS_FILE} holds {index.ntotal} vectors, expected {self.size}")
        return index

    def set_search_params(self, **params: Any) -> None:
        """Overrides the manifest's FAISS search parameters for this opened index (e.g. nprobe=64)."""
        factory = str(self.manifest["faiss"].get("factory", ""))
        for name, needs in (("nprobe", "IVF"), ("efSearch", "HNSW")):
            if name in params and needs not in factory.upper():
                raise InputError(f"{self.path}: {name} applies to {needs} indexes; this index is {factory}")
        self.search_params.update(params)
        if "faiss" in self.__dict__:  # already loaded
            vectors.set_search_params(self.faiss, params)

    @cached_property
    def bm25(self) -> Any:
        """The bm25s model over the passages (ids = passage ids)."""
        try:
            return lexical.load_bm25(self.generation / lexical.BM25_DIR)
        except Exception as exc:  # noqa: BLE001 - bm25s raises many types for damaged files
            raise self._corrupt(f"{lexical.BM25_DIR}/: {type(exc).__name__}: {exc}") from None

    def hits(self, ids: Sequence[int]) -> dict[int, SearchHit]:
        """SearchHits (passage and document metadata, unscored) for passage ids."""
        try:
            found = self.store.hits(ids)
        except (sqlite3.Error, ValueError) as exc:  # a damaged page of a store too large to verify on open
            raise self._corrupt(f"{STORE_FILE}: {exc}") from None
        missing = [int(i) for i in ids if int(i) not in found]
        if missing:
            raise self._corrupt(f"{STORE_FILE} lacks passage {missing[0]}")
        return found

    def document(self, doc_id: str) -> Document | None:
        """The stored document with this id (full text, metadata), or None."""
        try:
            found = self.store.document(doc_id)
        except (sqlite3.Error, ValueError) as exc:
            raise self._corrupt(f"{STORE_FILE}: {exc}") from None
        return found[0] if found else None

    def info(self) -> dict[str, Any]:
        """What the index holds: the manifest plus its folder."""
        return {"path": str(self.path), "precision": self.precision,
                **{k: v for k, v in self.manifest.items() if k != "files"}}

    def close(self) -> None:
        """Closes the store (vectors and FAISS are released with the object)."""
        self.store.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _corrupt(self, detail: str) -> IndexError_:
        """The error for a damaged index file."""
        return IndexError_(f"{self.path}: index is corrupted ({detail}); {rebuild_hint(self.path, self.manifest)}")


def open_index(path: str | Path | None = None, embedder: str | None = None) -> Index:
    """Opens the index in `path` (default: settings.default_index_dir()) for search.

    Raises IndexError_ when the folder is missing, partial or corrupted, or when `embedder` is given
    and differs from the one the index was built with.
    """
    folder = Path(path) if path is not None else default_index_dir()
    index = Index(folder, read_manifest(folder))
    try:
        index.check_embedder(embedder)
    except IndexError_:
        index.close()
        raise
    return index
