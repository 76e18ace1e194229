"""Search over an index: dense (FAISS), BM25 (bm25s) or hybrid (reciprocal-rank fusion of both).

    >>> from factcheck.retrieve import Retriever
    >>> retriever = Retriever(".factcheck/index", mode="hybrid")     # or an opened Index
    >>> hits = retriever.search("Caesar Act sanctions", k=5)
    >>> hits[0].passage.text, hits[0].title, hits[0].scores          # {"dense", "bm25", "rrf"}
    >>> batches = retriever.search_many(["claim one", "claim two"], k=5)   # queries encoded in one batch

The embedder is loaded once, by the Retriever, and only when the mode needs it (not for "bm25").
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from factcheck.errors import InputError
from factcheck.index.lexical import bm25_scores, tokenize
from factcheck.index.reader import Index, open_index
from factcheck.records import SearchHit

__all__ = ["Retriever", "MODES", "RRF_K", "rrf_fuse", "top_k"]

MODES = ("hybrid", "dense", "bm25")
RRF_K = 10  # measured on SciFact: k=10 gives nDCG@10 0.875 vs 0.864 at the usual 60 (docs/benchmarks.md)
CANDIDATES = 100  # per-retriever depth fused in hybrid mode
FEW_QUERIES = 16  # below this many queries in a batch, FAISS runs on one thread


def rrf_fuse(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal-rank fusion: each id scores the sum of 1 / (k + rank) over the rankings it appears in."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (k + rank)
    return fused


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """The indices of the k highest positive scores, best first."""
    k = min(k, int(np.count_nonzero(scores > 0)))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


@contextlib.contextmanager
def _faiss_threads(threads: int | None) -> Iterator[None]:
    """Runs FAISS single-threaded for a few queries: it parallelises over queries, and idle OpenMP
    threads spin-waiting on a busy machine made one query 30x slower (0.5 ms -> 30 ms at 10k passages)."""
    import faiss

    if threads is None:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class Retriever:
    """Ranks an index's passages for queries; holds the index and (for dense/hybrid) the embedder."""

    def __init__(
        self,
        index: Index | str | Path | None = None,
        mode: str = "hybrid",
        embedder: Any = None,
        candidates: int = CANDIDATES,
        rrf_k: int = RRF_K,
        nprobe: int | None = None,
    ):
        if mode not in MODES:
            raise InputError(f"search mode {mode!r}: use one of {', '.join(MODES)}")
        name = embedder if isinstance(embedder, str) else getattr(embedder, "name", None)
        self.index = index if isinstance(index, Index) else open_index(index, embedder=name)
        self.index.check_embedder(name)
        if nprobe is not None:  # IVF lists probed per query; default: the manifest's
            self.index.set_search_params(nprobe=nprobe)
        self.mode = mode
        self.candidates = candidates
        self.rrf_k = rrf_k
        self._embedder = None if isinstance(embedder, str) else embedder

    @property
    def embedder(self) -> Any:
        """The index's embedder, loaded on first use."""
        if self._embedder is None:
            self._embedder = self.index.load_embedder()
        return self._embedder

    def search(self, query: str, k: int = 10) -> list[SearchHit]:
        """The k best passages for one query."""
        return self.search_many([query], k)[0]

    def search_many(self, queries: Sequence[str], k: int = 10, batch_size: int = 64) -> list[list[SearchHit]]:
        """The k best passages for each query; dense queries are encoded and searched as one batch."""
        queries = [q.strip() if isinstance(q, str) else "" for q in queries]
        if not all(queries):
            raise InputError("empty search query; pass some words to search for")
        if not queries:
            return []
        depth = min(self.index.size, k if self.mode != "hybrid" else max(k, self.candidates))
        query_vectors = self._encode(queries, batch_size) if self.mode != "bm25" else None
        dense = self._dense(query_vectors, depth) if query_vectors is not None else [[] for _ in queries]
        lexical = self._bm25(queries) if self.mode != "dense" else None
        results = []
        for i in range(len(queries)):
            bm25 = lexical[i] if lexical is not None else None
            ranked = self._rank(dense[i], bm25, depth, k)
            qvec = query_vectors[i] if query_vectors is not None else None
            results.append(self._hits(ranked, qvec, bm25))
        return results

    def _encode(self, queries: list[str], batch_size: int) -> np.ndarray:
        """Unit-length query vectors, one batch through the embedder."""
        import faiss

        vectors = np.ascontiguousarray(self.embedder.encode(queries, batch_size=batch_size), dtype=np.float32)
        faiss.normalize_L2(vectors)
        return vectors

    def _dense(self, query_vectors: np.ndarray, depth: int) -> list[list[int]]:
        """FAISS top-`depth` passage ids per query (-1 padding removed)."""
        index = self.index.faiss
        with _faiss_threads(1 if len(query_vectors) < FEW_QUERIES else None):
            _, ids = index.search(query_vectors, depth)
        return [[int(i) for i in row if i >= 0] for row in ids]

    def _bm25(self, queries: list[str]) -> list[np.ndarray]:
        """BM25 scores of every passage, per query."""
        model = self.index.bm25
        return [bm25_scores(model, tokens, self.index.size) for tokens in tokenize(queries)]

    def _rank(self, dense: list[int], bm25: np.ndarray | None, depth: int, k: int) -> list[tuple[int, float]]:
        """The final (passage id, score) ranking for one query in this retriever's mode."""
        if self.mode == "dense":
            return [(pid, 0.0) for pid in dense[:k]]
        lexical = [int(i) for i in top_k(bm25, depth)]
        if self.mode == "bm25":
            return [(pid, float(bm25[pid])) for pid in lexical[:k]]
        fused = rrf_fuse([dense, lexical], self.rrf_k)
        return sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]

    def _hits(self, ranked: list[tuple[int, float]], qvec: np.ndarray | None, bm25: np.ndarray | None) -> list[SearchHit]:
        """SearchHits with passage, document metadata and every score available for this mode."""
        ids = [pid for pid, _ in ranked]
        found = self.index.hits(ids)
        dense = np.asarray(self.index.vectors[np.sort(ids)] @ qvec) if qvec is not None and ids else None
        dense_of = dict(zip(np.sort(ids).tolist(), dense.tolist())) if dense is not None else {}
        hits = []
        for rank, (pid, fused) in enumerate(ranked, start=1):
            scores = dict(found[pid].scores)
            if pid in dense_of:
                scores["dense"] = float(dense_of[pid])
            if bm25 is not None:
                scores["bm25"] = float(bm25[pid])
            if self.mode == "hybrid":
                scores["rrf"] = fused
            score = scores[{"dense": "dense", "bm25": "bm25", "hybrid": "rrf"}[self.mode]]
            hits.append(replace(found[pid], rank=rank, score=score, scores=scores))
        return hits

    def close(self) -> None:
        """Closes the index."""
        self.index.close()

    def __enter__(self) -> "Retriever":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
