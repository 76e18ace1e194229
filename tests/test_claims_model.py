"""The shipped check-worthiness model: loads offline without pickle, ranks sensibly, keeps its test score."""

from __future__ import annotations

import json

import numpy as np
import pytest

from factcheck.claims.checkworthy import DEFAULT_MODEL_DIR, CheckworthinessModel
from factcheck.errors import ModelError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    import spacy

    from factcheck.claims.extract import SPACY_MODEL

    return spacy.load(SPACY_MODEL)


@pytest.fixture(scope="module")
def model(embedder):
    return CheckworthinessModel.load(embedder=embedder)


def _score(model, nlp, texts):
    return model.score(texts, list(nlp.pipe(texts)))


def test_artifact_is_small_plain_and_versioned():
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text())
    assert config["version"] == 1 and config["embedder"] == "all-MiniLM-L6-v2"
    assert 0 < config["threshold"] < 1 and config["features"]
    total = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir())
    assert total < 10_000_000  # the full embedder would be 90 MB
    scores = config["test_scores"]
    assert scores["model"]["heldout_ap"] > scores["baseline"]["heldout_ap"]  # ranks what fact-checkers chose
    assert {m["kind"] for m in config["members"]} <= {"dense", "ngram"}  # no second transformer pass
    with np.load(DEFAULT_MODEL_DIR / "weights.npz", allow_pickle=False) as data:
        assert all(data[k].dtype in (np.float32, np.float16) for k in data.files)
    card = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text()
    assert "F1" in card and f"{scores['model']['heldout_ap']:.3f}" in card


def test_factual_claims_outscore_opinions_and_chatter(model, nlp):
    scores = _score(model, nlp, [
        "The conflict has killed half a million people since 2011.",
        "Unemployment fell to 3.5 percent in 2019, the lowest rate in 50 years.",
        "I think we should all be proud of this great country.",
        "Thank you very much, it is great to be here tonight.",
    ])
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert min(scores[:2]) > 0.5 > max(scores[2:])


def test_given_embeddings_give_the_same_scores(model, nlp, embedder):
    texts = ["Unemployment fell to 3.5 percent in 2019.", "Thank you very much, it is great to be here tonight."]
    docs = list(nlp.pipe(texts))
    assert np.allclose(model.score(texts, docs), model.score(texts, docs, embeddings=embedder.encode(texts)), atol=1e-6)


def test_missing_or_corrupt_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="factcheck train checkworthiness"):
        CheckworthinessModel.load(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"version": 99, "threshold": 0.5, "members": []}))
    np.savez(tmp_path / "weights.npz", a=np.zeros(2, dtype=np.float32))
    with pytest.raises(ModelError, match="version"):
        CheckworthinessModel.load(tmp_path)


@pytest.mark.dataset
def test_shipped_model_keeps_its_test_score(model, nlp, data_dir):
    from sklearn.metrics import f1_score

    from factcheck.train.checkworthiness import load_claimbuster

    texts, labels = load_claimbuster(data_dir, "test")
    predicted = _score(model, nlp, texts) >= 0.5
    reported = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text())["test_scores"]["model"]["f1"]
    assert f1_score(labels, predicted) >= reported - 0.005
    assert reported >= 0.86
