"""The check-worthiness score: 0.5 is the deciding members' yes, the ranking members order each side."""

from __future__ import annotations

import json

import numpy as np
import pytest

from factcheck.claims.checkworthy import CheckworthinessModel, tiered_score
from factcheck.errors import ModelError


def test_yes_scores_at_least_half_and_the_ranking_orders_each_side():
    rank = np.array([0.02, 0.9, 0.4, 1.0, 0.0])
    decide = np.array([0.8, 0.1, 0.6, 0.2, 0.5])
    score = tiered_score(rank, decide, threshold=0.5)
    yes = decide >= 0.5
    assert (score[yes] >= 0.5).all() and (score[~yes] < 0.5).all()  # even a 'no' with ranking probability 1.0
    assert list(np.argsort(-score)) == [2, 0, 4, 3, 1]  # yes by ranking (0.4, 0.02, 0.0), then no (1.0, 0.9)


def _write(folder, config, arrays):
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    np.savez(folder / "weights.npz", **arrays)


def _dense(k, w, b):
    """Arrays of a one-feature logistic member reading the first hand feature (log of the token count)."""
    return {f"m{k}.mean": np.zeros(1), f"m{k}.scale": np.ones(1), f"m{k}.W0": np.array([[w]]), f"m{k}.b0": np.array([b])}


class _Parse(list):
    """A stand-in spaCy parse: tokens with the attributes hand_features reads."""

    def __init__(self, text):
        from types import SimpleNamespace

        super().__init__(SimpleNamespace(is_space=False, lower_=w.lower(), lemma_=w.lower(), tag_="NN", dep_="dep")
                         for w in text.split())
        self.text, self.ents = text, []


def test_a_two_role_model_decides_with_one_member_and_ranks_with_the_other(tmp_path, monkeypatch):
    monkeypatch.setattr("factcheck.claims.checkworthy.CheckworthinessModel.embedder",
                        property(lambda self: type("E", (), {"encode": lambda _s, t: np.zeros((len(t), 0))})()))
    monkeypatch.setattr("factcheck.claims.features.hand_features", lambda doc: [float(len(doc))])
    member = {"kind": "dense", "layers": 1}
    config = {"version": 2, "threshold": 0.5, "embedder": "all-MiniLM-L6-v2", "decision": {"threshold": 0.5},
              "members": [{**member, "role": "rank"}, {**member, "role": "decide"}]}
    _write(tmp_path / "m", config, {**_dense(0, -1.0, 5.0), **_dense(1, 1.0, -3.5)})  # rank: short first; decide: > 3 words
    model = CheckworthinessModel.load(tmp_path / "m")
    texts = ["one two", "one two three four", "one two three four five six"]
    score = model.score(texts, [_Parse(t) for t in texts])
    assert score[0] < 0.5 <= score[2] < score[1]  # two words: a no; the shorter yes ranks first


def test_unknown_model_version_is_refused(tmp_path):
    _write(tmp_path / "m", {"version": 3, "threshold": 0.5, "members": []}, {"a": np.zeros(1)})
    with pytest.raises(ModelError, match="version 3"):
        CheckworthinessModel.load(tmp_path / "m")
