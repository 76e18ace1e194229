"""The on-disk index: an SQLite store of documents and passages, FAISS vectors, BM25 and a manifest.

    >>> from factcheck.index import build_index, open_index
    >>> stats = build_index(["corpus/"], ".factcheck/index")     # incremental and atomic
    >>> stats.added, stats.updated, stats.removed, stats.unchanged
    >>> with open_index(".factcheck/index") as index:
    ...     index.info()["counts"]

Search goes through `factcheck.retrieve.Retriever`. Importing this package is cheap: FAISS,
bm25s and the embedder load only when an index is built or searched.

Folder layout: `manifest.json` (names the current generation) and `gen-*/` holding
`store.sqlite`, `vectors.npy`, `faiss.index` and `bm25/`.
"""

from factcheck.index.build import BuildStats, build_index
from factcheck.index.reader import Index, open_index
from factcheck.index.vectors import FAISS_TYPES, FaissPlan, choose_faiss

__all__ = ["build_index", "open_index", "Index", "BuildStats", "choose_faiss", "FaissPlan", "FAISS_TYPES"]
