"""Retrieval: reciprocal-rank fusion, dense / BM25 / hybrid modes, batching, and the real embedder."""

from __future__ import annotations

import numpy as np
import pytest
from index_fakes import HashEmbedder, write_corpus

from factcheck.errors import IndexError_, InputError
from factcheck.index import build_index
from factcheck.retrieve import Retriever, rrf_fuse, top_k


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("retrieve")
    build_index([write_corpus(root / "corpus")], root / "index", embedder=HashEmbedder())
    return root / "index"


def test_rrf_fuse_sums_reciprocal_ranks():
    fused = rrf_fuse([[1, 2, 3], [3, 1]], k=60)
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 62)
    assert sorted(fused, key=fused.get, reverse=True) == [1, 3, 2]


def test_top_k_keeps_only_positive_scores_best_first():
    scores = np.array([0.0, 2.0, 5.0, 0.0, 1.0], dtype=np.float32)
    assert top_k(scores, 10).tolist() == [2, 1, 4]
    assert top_k(scores, 2).tolist() == [2, 1]
    assert top_k(np.zeros(3), 2).tolist() == []


@pytest.mark.parametrize("mode, score_names", [("dense", {"dense"}), ("bm25", {"bm25"}), ("hybrid", {"dense", "bm25", "rrf"})])
def test_modes_find_the_matching_passage_with_their_scores(index_dir, mode, score_names):
    with Retriever(index_dir, mode=mode, embedder=HashEmbedder()) as retriever:
        hits = retriever.search("readmit Syria Arab League", k=2)
    assert hits[0].rank == 1 and "readmit" in hits[0].passage.text
    assert hits[0].source.endswith("league.txt") and hits[0].title == "Arab League."
    assert set(hits[0].scores) == score_names
    main = {"dense": "dense", "bm25": "bm25", "hybrid": "rrf"}[mode]
    assert hits[0].score == hits[0].scores[main]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_search_many_encodes_once_and_matches_single_searches(index_dir):
    embedder = HashEmbedder()
    queries = ["Caesar Act sanctions", "defence ministers Moscow", "readmit Syria"]
    with Retriever(index_dir, embedder=embedder) as retriever:
        batched = retriever.search_many(queries, k=3)
        assert embedder.calls == 1
        single = [retriever.search(q, k=3) for q in queries]
    assert [[h.passage.id for h in hits] for hits in batched] == [[h.passage.id for h in hits] for hits in single]
    assert "Moscow" in batched[1][0].passage.text


def test_k_beyond_the_index_size_returns_everything(index_dir):
    with Retriever(index_dir, mode="dense", embedder=HashEmbedder()) as retriever:
        hits = retriever.search("Syria", k=500)
        assert len(hits) == retriever.index.size
        assert len({h.passage.id for h in hits}) == len(hits)


def test_bm25_with_unknown_words_returns_nothing(index_dir):
    with Retriever(index_dir, mode="bm25") as retriever:
        assert retriever.search("zzzqqq the", k=5) == []


def test_bad_queries_and_modes_are_input_errors(index_dir):
    with pytest.raises(InputError, match="search mode 'fuzzy'"):
        Retriever(index_dir, mode="fuzzy")
    with Retriever(index_dir, mode="bm25") as retriever:
        with pytest.raises(InputError, match="empty search query"):
            retriever.search("   ")


def test_bm25_mode_loads_no_embedder(index_dir):
    """The index's embedder ("hash-test") cannot be loaded here: BM25 search never asks for it."""
    with Retriever(index_dir, mode="bm25") as retriever:
        hits = retriever.search("Caesar")
        assert hits and all(set(h.scores) == {"bm25"} for h in hits)
        with pytest.raises(IndexError_, match="hash-test"):
            retriever.embedder  # noqa: B018 - the first use loads it


def test_embedder_mismatch(index_dir):
    with pytest.raises(IndexError_, match="re-index with --embedder all-MiniLM-L6-v2"):
        Retriever(index_dir, embedder="all-MiniLM-L6-v2")


PARAPHRASES = {
    "Who smuggled pictures of tortured prisoners out of the country?": ("photograph",),
    "When was Syria allowed back into the Arab League?": ("May 7, 2023",),
    "How many people fled from Syria to Turkey?": ("3.6 million", "fled to Turkey"),
    "Defence chiefs of Ankara and Damascus held talks in the Russian capital": ("Moscow",),
    "On what date was the sanctions law signed?": ("December 20, 2019",),
    "Which sectors can be penalised for helping the Syrian regime?": ("energy",),
}


@pytest.mark.slow
def test_real_embedder_finds_paraphrased_facts_in_the_demo_corpus(tmp_path, embedder):
    stats = build_index(["corpus"], tmp_path / "index", embedder=embedder)
    assert stats.documents == 12 and stats.skipped == []
    with Retriever(tmp_path / "index", embedder=embedder) as retriever:
        results = retriever.search_many(list(PARAPHRASES), k=3)
        retriever.mode = "dense"
        dense = retriever.search_many(list(PARAPHRASES)[:4], k=1)
    for (query, wanted), hits in zip(PARAPHRASES.items(), results):
        assert any(w in h.passage.text for h in hits for w in wanted), (query, [h.passage.text for h in hits])
    for (query, wanted), hits in zip(list(PARAPHRASES.items())[:4], dense):
        assert any(w in hits[0].passage.text for w in wanted), query
    assert results[1][0].title == "Syria returns to the Arab League" and results[1][0].source.endswith(".html")
