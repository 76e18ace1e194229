"""The run's shared embedder: a sentence embedded to score it is not embedded again to retrieve evidence."""

from __future__ import annotations

import numpy as np

from factcheck.embed import ReusingEmbedder, same_embedder


class CountingEmbedder:
    """A stand-in model: a text's vector is a function of the text; records every text it encoded."""

    name, dim = "all-MiniLM-L6-v2", 4

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts, batch_size=64, progress=False):
        self.seen += list(texts)
        return np.array([[len(t), t.count("a"), t.count("e"), 1.0] for t in texts], dtype=np.float32)


def test_each_text_goes_through_the_model_once_and_vectors_keep_the_order():
    inner = CountingEmbedder()
    shared = ReusingEmbedder(inner)
    first = shared.encode(["Unemployment fell.", "Thank you.", "Unemployment fell."])
    second = shared.encode(["Prices rose.", "Thank you.", "Unemployment fell."])
    assert inner.seen == ["Unemployment fell.", "Thank you.", "Prices rose."]
    assert shared.encoded == 3
    assert np.array_equal(first[0], first[2]) and np.array_equal(second[1], first[1])
    assert np.array_equal(second, inner.encode(["Prices rose.", "Thank you.", "Unemployment fell."]))
    assert second.dtype == np.float32 and second.flags["C_CONTIGUOUS"]


def test_capacity_forgets_the_least_recently_used_texts():
    inner = CountingEmbedder()
    shared = ReusingEmbedder(inner, capacity=2)
    shared.encode(["a", "b"])
    shared.encode(["a", "c"])  # "b" is the least recently used: forgotten
    shared.encode(["a", "b"])
    assert inner.seen == ["a", "b", "c", "b"]
    assert shared.encode([]).shape == (0, 4)


def test_same_embedder_knows_the_bundled_aliases():
    assert same_embedder(ReusingEmbedder(CountingEmbedder()), "sentence-transformers/all-MiniLM-L6-v2")
    assert not same_embedder(CountingEmbedder(), "BAAI/bge-small-en-v1.5")
    assert not same_embedder(object(), "all-MiniLM-L6-v2")


def test_the_scorer_ignores_an_embedder_of_another_model(monkeypatch):
    from factcheck.claims.checkworthy import CheckworthinessModel

    other = CountingEmbedder()
    other.name = "BAAI/bge-small-en-v1.5"
    loaded = []
    monkeypatch.setattr("factcheck.embed.load_embedder", lambda name: loaded.append(name) or CountingEmbedder())
    model = CheckworthinessModel.load(embedder=other)
    assert model.embedder is not other and loaded == ["all-MiniLM-L6-v2"]
    mine = ReusingEmbedder(CountingEmbedder())
    assert CheckworthinessModel.load(embedder=mine).embedder is mine
