"""Check-worthiness training data: readers with clear errors, the debate blocks, the resumable feature cache."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.errors import InputError
from factcheck.train.checkworthiness_data import (
    HELD_OUT_START, Sentences, cached_features, debate_blocks, read_debates, read_tweets,
)


def _debates(folder, body: str):
    path = folder / "checkworthiness" / "clef2020_task5_debates" / "train.tsv"
    path.parent.mkdir(parents=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_debates_keep_quotes_and_order(tmp_path):
    _debates(tmp_path, 'text\tlabel\nAnd welcome back.\t0\n"They look ""get me outta here."""\t0\nIt costs $5 billion.\t1\n')
    debates = read_debates(tmp_path)
    assert debates.texts == ["And welcome back.", 'They look "get me outta here."', "It costs $5 billion."]
    assert debates.labels.tolist() == [0, 0, 1]
    train, dev, held = debate_blocks(debates, 1, 2)
    assert (len(train), len(dev), len(held)) == (1, 1, 1) and held.texts == ["It costs $5 billion."]


def test_a_file_that_is_not_the_clef_release_is_refused_at_the_default_cut(tmp_path):
    _debates(tmp_path, "text\tlabel\nHello.\t0\n")
    with pytest.raises(InputError, match=f"row {HELD_OUT_START}"):
        debate_blocks(read_debates(tmp_path))


@pytest.mark.parametrize("body", ["text\tlabel\nHello.\tmaybe\n", "words\tlabel\nHello.\t0\n"])
def test_malformed_files_name_the_file(tmp_path, body):
    path = _debates(tmp_path, body)
    with pytest.raises(InputError, match=str(path)):
        read_debates(tmp_path)
    with pytest.raises(InputError, match="clef2020_task1_tweets"):
        read_tweets(tmp_path)


class _CountingEmbedder:
    name, dim = "fake", 3

    def __init__(self):
        self.calls = 0

    def encode(self, texts, batch_size=64, progress=False):
        self.calls += 1
        return np.array([[len(t), t.count(" "), 1.0] for t in texts], dtype=np.float32)


def test_feature_cache_is_reused_chunk_by_chunk(tmp_path):
    spacy = pytest.importorskip("spacy")
    nlp, embedder = spacy.blank("en"), _CountingEmbedder()
    texts = [f"Sentence number {k} has {k % 7} words more." for k in range(25)]
    emb, hand = cached_features(texts[:10], embedder, nlp, tmp_path, chunk=10)
    assert embedder.calls == 1 and emb.shape == (10, 3) and hand.shape[0] == 10
    emb_all, _ = cached_features(texts[:20], embedder, nlp, tmp_path, chunk=10)  # the first chunk is cached
    assert embedder.calls == 2 and np.array_equal(emb_all[:10], emb)
    reverse, _ = cached_features(texts, embedder, nlp, tmp_path, chunk=10, reverse=True)
    assert embedder.calls == 3 and np.array_equal(reverse[:20], emb_all)
    assert Sentences("x", texts, np.zeros(25)).part(5, 7).texts == texts[5:7]


@pytest.mark.dataset
def test_the_real_debates_split_at_a_debate_boundary(data_dir):
    train, dev, held = debate_blocks(read_debates(data_dir))
    assert (len(train), len(dev), len(held)) == (27144, 6106, 9526)
    assert (int(train.labels.sum()), int(dev.labels.sum()), int(held.labels.sum())) == (316, 81, 90)
    assert held.texts[0] == "Welcome to all of you who are joining us."
