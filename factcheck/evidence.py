"""Evidence selection: candidate sentences inside retrieved passages, ranked by similarity to the
claim and chosen for diversity (maximal marginal relevance), so that five copies of one fact do not
crowd out the rest."""

from __future__ import annotations

import re

import numpy as np

from factcheck.records import Evidence, SearchHit
from factcheck.text import related_stems, split_sentences, stem_set

__all__ = ["candidate_sentences", "prefilter", "mmr_select", "clean", "shared_words", "MIN_SENTENCE_CHARS", "MAX_CANDIDATES"]

MIN_SENTENCE_CHARS = 25  # shorter pieces are headings or list numbers, not evidence
MAX_CANDIDATES = 12  # sentences per claim that are embedded; the rest are dropped by word overlap first
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Collapses runs of whitespace (hard-wrapped source text) into single spaces."""
    return _SPACE.sub(" ", text).strip()


def candidate_sentences(hits: list[SearchHit]) -> list[Evidence]:
    """Every distinct sentence of the retrieved passages, with offsets into its document."""
    seen: set[str] = set()
    out: list[Evidence] = []
    for hit in hits:
        p = hit.passage
        for start, end in split_sentences(p.text):
            sentence = clean(p.text[start:end])
            key = sentence.lower()
            if len(sentence) < MIN_SENTENCE_CHARS or key in seen:
                continue
            seen.add(key)
            out.append(
                Evidence(
                    doc_id=p.doc_id,
                    sentence=sentence,
                    title=hit.title,
                    source=hit.source,
                    url=hit.url,
                    passage_id=p.id,
                    passage=p.text,
                    passage_start=p.start,
                    passage_end=p.end,
                    sentence_start=p.start + start,
                    sentence_end=p.start + end,
                    scores={**hit.scores, "rank": float(hit.rank)},
                    page=p.page,
                    section=p.section,
                )
            )
    return out


def shared_words(claim: str, sentence: str) -> float:
    """The share of the claim's content words (stemmed) that the sentence states (1.0 for a claim without any)."""
    words = stem_set(claim)
    return len(related_stems(words, stem_set(sentence))) / len(words) if words else 1.0


def prefilter(claim: str, candidates: list[Evidence], n: int = MAX_CANDIDATES) -> list[Evidence]:
    """Keeps the `n` candidates that share the most content words with the claim (ties: retrieval order),
    so that only those are embedded."""
    if len(candidates) <= n:
        return candidates
    words = stem_set(claim)
    order = sorted(range(len(candidates)), key=lambda i: -len(related_stems(words, stem_set(candidates[i].sentence))))
    return [candidates[i] for i in sorted(order[:n])]


def mmr_select(query: np.ndarray, candidates: np.ndarray, n: int, diversity: float = 0.3) -> list[int]:
    """Picks `n` candidate rows by maximal marginal relevance over unit vectors: relevance to the
    query minus `diversity` times the similarity to what was already picked."""
    if len(candidates) == 0:
        return []
    relevance = candidates @ query
    chosen: list[int] = []
    best_overlap = np.zeros(len(candidates), dtype=np.float32)
    while len(chosen) < min(n, len(candidates)):
        score = (1 - diversity) * relevance - diversity * best_overlap
        score[chosen] = -np.inf
        pick = int(np.argmax(score))
        chosen.append(pick)
        best_overlap = np.maximum(best_overlap, candidates @ candidates[pick])
    return chosen
