"""Retraining the check-worthiness model end to end on a small slice of ClaimBuster (excluded by default)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from factcheck.cli import app

pytestmark = [pytest.mark.training, pytest.mark.dataset]


def test_train_command_writes_a_loadable_model(tmp_path, data_dir, embedder):
    source = data_dir / "checkworthiness"
    small = tmp_path / "data" / "checkworthiness"
    small.mkdir(parents=True)
    for split, step in (("train", 20), ("test", 7)):  # every n-th sentence: both labels, ~400 / ~100
        rows = json.loads((source / f"claimbuster_two_class_{split}.json").read_text())[::step]
        (small / f"claimbuster_two_class_{split}.json").write_text(json.dumps(rows))
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "checkworthiness", "--data-dir", str(tmp_path / "data"),
                                      "--out", str(out), "--epochs", "1", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout[result.stdout.index("{"):])["scores"]
    assert set(scores) == {"baseline", "model"}
    from factcheck.claims.checkworthy import CheckworthinessModel
    from factcheck.claims.extract import SPACY_MODEL
    import spacy

    model = CheckworthinessModel.load(out, embedder=embedder)
    texts = ["The conflict has killed half a million people since 2011.", "Thank you all for coming tonight."]
    assert len(model.score(texts, list(spacy.load(SPACY_MODEL).pipe(texts)))) == 2
    assert "F1" in (out / "MODEL_CARD.md").read_text()
