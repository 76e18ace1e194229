"""Finding earlier fact-checks of a claim: hybrid candidates (MiniLM cosine + BM25) re-ranked by a
logistic regression over similarity, speaker and date features.

    >>> from factcheck.factchecks import Matcher
    >>> matcher = Matcher(".factcheck/factchecks")
    >>> matcher.match("Wind turbines cause cancer.", k=3)       # [Match(id, score, rating, url, ...)]

`score` is the re-ranker's match probability; a match is shown when it reaches MATCH_THRESHOLD
(measured on the CheckThat! dev splits, docs/benchmarks.md). Modes "dense", "bm25" and "hybrid" (RRF)
rank by those scores alone, as baselines.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from factcheck.errors import InputError
from factcheck.factchecks.features import (
    FEATURES, Reranker, date_near, day_number, name_tokens, reciprocal_ranks, speaker_overlap,
)
from factcheck.factchecks.records import FactCheck
from factcheck.factchecks.store import FactCheckStore
from factcheck.settings import MODELS_DIR

__all__ = [
    "Query", "Match", "Matcher", "open_matcher", "prior_factchecks", "MODES", "MATCH_THRESHOLD", "CANDIDATES",
    "RERANKER_PATH", "PRIOR_K",
]

MODES = ("rerank", "hybrid", "dense", "bm25")
CANDIDATES = 50  # per retriever; the union (up to 150) is re-ranked
SAME_SPEAKER_DAYS = 30  # a claim with a speaker also gets that speaker's fact-checks as candidates: the
# CANDIDATES closest in meaning, and (with a date) the CANDIDATES nearest in time within this many days
MATCH_THRESHOLD = 0.5  # re-ranker probability; measured in benchmarks/bench_claim_matching.py
RERANKER_PATH = MODELS_DIR / "claim-matcher" / "reranker.json"
PRIOR_K = 3  # earlier fact-checks attached to each checked claim (`check`, `article`, `serve`)


@dataclass(frozen=True)
class Query:
    """A claim to match, with what is known around it: who said it, when (ISO date) and the text before it."""

    id: str
    text: str
    speaker: str = ""
    date: str | None = None
    context: str = ""


@dataclass(frozen=True)
class Match:
    """An earlier fact-check of a claim: the fact-check's id, the match score and what it found."""

    id: str
    score: float
    rating: str
    url: str | None
    claim: str = ""
    rating_text: str = ""
    publisher: str = ""
    claimant: str = ""
    date: str | None = None
    title: str = ""
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return dataclasses.asdict(self)


@dataclass
class Candidates:
    """One query's candidate rows in the store and their feature matrix (columns as FEATURES)."""

    rows: np.ndarray
    x: np.ndarray
    bm25: np.ndarray  # raw BM25 scores of the rows
    rrf: np.ndarray


class Matcher:
    """Ranks a store's fact-checks for claims; holds the store, the embedder and the re-ranker."""

    def __init__(
        self, store: FactCheckStore | str | Path | None = None, embedder: Any = None, mode: str = "rerank",
        reranker: Reranker | str | Path | None = None, candidates: int = CANDIDATES,
    ):
        if mode not in MODES:
            raise InputError(f"match mode {mode!r}: use one of {', '.join(MODES)}")
        self.store = store if isinstance(store, FactCheckStore) else FactCheckStore(store)
        self.mode = mode
        self.candidates = candidates
        self._embedder = embedder
        self._reranker = reranker
        self._claims = np.ascontiguousarray(self.store.claim_vectors, np.float32)
        self._titles = np.ascontiguousarray(self.store.title_vectors, np.float32)

    @property
    def embedder(self) -> Any:
        """The store's embedder, loaded on first use."""
        if self._embedder is None or isinstance(self._embedder, str):
            from factcheck.embed import load_embedder

            self._embedder = load_embedder(self.store.embedder_name)
        return self._embedder

    @property
    def reranker(self) -> Reranker:
        """The logistic re-ranker (the bundled one unless another was given)."""
        if not isinstance(self._reranker, Reranker):
            self._reranker = Reranker.load(self._reranker or RERANKER_PATH)
        return self._reranker

    def match(self, query: str | Query, k: int = 10, min_score: float | None = None) -> list[Match]:
        """The earlier fact-checks of one claim, best first."""
        return self.match_many([query], k, min_score)[0]

    def match_many(
        self, queries: Sequence[str | Query], k: int = 10, min_score: float | None = None, batch_size: int = 64
    ) -> list[list[Match]]:
        """The earlier fact-checks of each claim: at most k, those scoring at least `min_score` (default:
        MATCH_THRESHOLD in rerank mode, 0 otherwise), best first."""
        floor = (MATCH_THRESHOLD if self.mode == "rerank" else 0.0) if min_score is None else min_score
        results = []
        for query, found in zip(queries, self.candidates_of(queries, batch_size)):
            score = self._score(found)
            order = np.argsort(-score, kind="stable")[:k]
            results.append([self._match(found, i, float(score[i])) for i in order if score[i] >= floor])
        return results

    def candidates_of(self, queries: Sequence[str | Query], batch_size: int = 64) -> list[Candidates]:
        """Each query's candidates (dense and BM25 top ones) with their features."""
        from factcheck.index.lexical import bm25_scores, tokenize

        queries = [q if isinstance(q, Query) else Query(id=str(i), text=str(q)) for i, q in enumerate(queries)]
        if not all(q.text.strip() for q in queries):
            raise InputError("empty claim; pass the claim text to match")
        if not queries:
            return []
        with_context = [i for i, q in enumerate(queries) if q.context.strip()]
        texts = [q.text for q in queries] + [f"{queries[i].context} {queries[i].text}" for i in with_context]
        encoded = self.embedder.encode(texts, batch_size=batch_size)  # one call: each call has a fixed cost
        vectors = encoded[: len(queries)]
        context_vectors = dict(zip(with_context, encoded[len(queries):]))
        dense = vectors @ self._claims.T
        tokens = tokenize([q.text for q in queries])
        found = []
        for i, query in enumerate(queries):
            bm25 = bm25_scores(self.store.bm25, tokens[i], len(self.store))
            context = context_vectors.get(i, vectors[i])
            found.append(self._features(query, vectors[i], context, dense[i], bm25))
        return found

    def _features(self, query: Query, vector: np.ndarray, context: np.ndarray, dense: np.ndarray, bm25: np.ndarray) -> Candidates:
        """The candidate rows of one query and their FEATURES matrix."""
        from factcheck.retrieve import RRF_K, top_k

        n = min(self.candidates, len(dense))
        by_dense = np.argpartition(-dense, n - 1)[:n] if n else np.zeros(0, np.int64)
        by_bm25 = top_k(bm25, n)
        rows = np.union1d(np.union1d(by_dense, by_bm25), self._same_speaker(query, dense)).astype(np.int64)
        cos = dense[rows]
        rr_dense, rr_bm25 = reciprocal_ranks(cos), reciprocal_ranks(bm25[rows])
        rr_bm25[bm25[rows] <= 0] = 0.0
        records = self.store.records
        speaker = [speaker_overlap(query.speaker, records[r].claimant) for r in rows] if query.speaker else [0.0] * len(rows)
        known = [float(bool(query.speaker and records[r].claimant)) for r in rows]
        when = day_number(query.date)
        gaps = np.abs(self._speakers[1][rows] - when) if when is not None else np.full(len(rows), np.nan)
        days = [None if np.isnan(g) else float(g) for g in gaps]
        x = np.column_stack([
            cos, self._titles[rows] @ vector, self._claims[rows] @ context, cos - cos.max(initial=0.0),
            bm25[rows] / max(float(bm25.max(initial=0.0)), 1e-9), rr_dense, rr_bm25, known, speaker,
            [float(d is not None) for d in days], [date_near(d) for d in days],
        ]).astype(np.float32)
        rrf = 1.0 / (RRF_K + 1.0 / rr_dense) + np.where(rr_bm25 > 0, 1.0 / (RRF_K + 1.0 / np.maximum(rr_bm25, 1e-9)), 0.0)
        return Candidates(rows, x.reshape(len(rows), len(FEATURES)), bm25[rows], rrf)

    @cached_property
    def _speakers(self) -> tuple[dict[str, list[int]], np.ndarray]:
        """Rows of the fact-checks by each name of their claimant, and each fact-check's day number (NaN: undated)."""
        by_name: dict[str, list[int]] = {}
        days = np.full(len(self.store), np.nan)
        for row, record in enumerate(self.store.records):
            for name in name_tokens(record.claimant):
                by_name.setdefault(name, []).append(row)
            when = day_number(record.claim_date or record.date)
            if when is not None:
                days[row] = when
        return by_name, days

    def _same_speaker(self, query: Query, dense: np.ndarray) -> np.ndarray:
        """The fact-checks of claims by the query's speaker: the CANDIDATES closest in meaning, and the
        CANDIDATES nearest in time within SAME_SPEAKER_DAYS of its date."""
        if not query.speaker:
            return np.zeros(0, np.int64)
        by_name, days = self._speakers
        rows = np.unique([r for name in name_tokens(query.speaker) for r in by_name.get(name, ())]).astype(np.int64)
        if not len(rows):
            return rows
        closest = rows[np.argsort(-dense[rows], kind="stable")[: self.candidates]]
        when = day_number(query.date)
        if when is None:
            return closest
        gap = np.abs(days[rows] - when)
        near = rows[gap <= SAME_SPEAKER_DAYS]
        return np.union1d(closest, near[np.argsort(np.abs(days[near] - when), kind="stable")[: self.candidates]])

    def _score(self, found: Candidates) -> np.ndarray:
        """The score each candidate is ranked by, in this matcher's mode."""
        if self.mode == "rerank":
            return self.reranker.probability(found.x) if len(found.rows) else np.zeros(0)
        column = {"dense": found.x[:, FEATURES.index("cos_claim")], "bm25": found.bm25, "hybrid": found.rrf}
        return column[self.mode]

    def _match(self, found: Candidates, i: int, score: float) -> Match:
        """The Match of candidate i."""
        record: FactCheck = self.store.records[int(found.rows[i])]
        scores = {"cosine": round(float(found.x[i, 0]), 4), "bm25": round(float(found.bm25[i]), 4)}
        return Match(
            id=record.id, score=round(score, 4), rating=record.rating, url=record.url, claim=record.claim,
            rating_text=record.rating_text, publisher=record.publisher, claimant=record.claimant,
            date=record.claim_date or record.date, title=record.title, scores=scores,
        )


def open_matcher(store: str | Path | None = None, index_dir: str | Path | None = None, embedder: Any = None) -> Matcher | None:
    """The Matcher of `store`; without one, of the default store beside `index_dir` when it exists, else None.
    `embedder` (the evidence index's) is reused when the store was embedded with the same model."""
    from factcheck.factchecks.store import MANIFEST, default_store_dir

    folder = Path(store) if store is not None else default_store_dir(index_dir)
    if store is None and not (folder / MANIFEST).is_file():
        return None
    opened = FactCheckStore(folder)
    same = embedder is not None and getattr(embedder, "name", None) == opened.embedder_name
    return Matcher(opened, embedder=embedder if same else None)


def prior_factchecks(matcher: Matcher, claims: Sequence[Any], k: int = PRIOR_K) -> dict[str, list[Any]]:
    """The earlier fact-checks (PriorFactCheck records, above the match threshold) of each Claim, by claim id."""
    from factcheck.records import PriorFactCheck

    queries = [
        Query(id=c.id, text=c.text, speaker=c.attribution.speaker if c.attribution else "") for c in claims if c.text.strip()
    ]
    names = {f.name for f in dataclasses.fields(PriorFactCheck)}
    found = matcher.match_many(queries, k) if queries else []
    return {
        q.id: [PriorFactCheck(**{n: v for n, v in m.to_dict().items() if n in names}) for m in ms]
        for q, ms in zip(queries, found)
    }
