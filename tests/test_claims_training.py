"""Retraining the check-worthiness model end to end on a small slice of its data sets (excluded by default)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from factcheck.cli import app

pytestmark = [pytest.mark.training, pytest.mark.dataset]


def _small_copy(source, target):
    """Every n-th sentence of each file: both labels, a few hundred sentences each."""
    small = target / "checkworthiness"
    (small / "clef2020_task5_debates").mkdir(parents=True)
    (small / "clef2020_task1_tweets").mkdir(parents=True)
    for split, step in (("train", 20), ("test", 7)):
        rows = json.loads((source / f"claimbuster_two_class_{split}.json").read_text())[::step]
        (small / f"claimbuster_two_class_{split}.json").write_text(json.dumps(rows))
    lines = (source / "clef2020_task5_debates" / "train.tsv").read_text(encoding="utf-8").splitlines()
    body = [line for k, line in enumerate(lines[1:]) if line.endswith("\t1") or k % 60 == 0]
    (small / "clef2020_task5_debates" / "train.tsv").write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    for name in ("training_v2.tsv", "dev_v2.tsv"):
        shutil.copy(source / "clef2020_task1_tweets" / name, small / "clef2020_task1_tweets" / name)
    return len(body)


def test_training_writes_a_loadable_model_with_its_card(tmp_path, data_dir, embedder):
    import spacy

    from factcheck.claims.checkworthy import CheckworthinessModel
    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.train.checkworthiness import train_checkworthiness

    rows = _small_copy(data_dir / "checkworthiness", tmp_path / "data")
    out = tmp_path / "model"
    result = train_checkworthiness(tmp_path / "data", out, progress=False, log=lambda _m: None, cache=None,
                                   blocks=(rows // 2, rows * 3 // 4))
    assert set(result.scores) == {"baseline", "model"}
    assert 0 < result.scores["model"]["heldout_ap"] <= 1 and 0 <= result.scores["model"]["f1"] <= 1
    model = CheckworthinessModel.load(out, embedder=embedder)
    worthy = ["The conflict has killed half a million people since 2011.", "Unemployment fell to 3.5 percent last year."]
    unworthy = ["Thank you all for coming tonight.", "I think we should talk about that later."]
    texts = worthy + unworthy
    scores = model.score(texts, list(spacy.load(SPACY_MODEL).pipe(texts)))
    assert len(scores) == 4 and all(0 <= s <= 1 for s in scores)
    assert min(scores[:2]) > max(scores[2:]), scores  # the factual claims rank above the pleasantry and the opinion
    card = (out / "MODEL_CARD.md").read_text()
    assert "held-out debates AP" in card and f"{result.scores['model']['heldout_ap']:.3f}" in card


def test_train_command_refuses_a_debates_file_that_is_not_the_clef_release(tmp_path, data_dir):
    _small_copy(data_dir / "checkworthiness", tmp_path)
    result = CliRunner().invoke(app, ["train", "checkworthiness", "--data-dir", str(tmp_path), "-o",
                                      str(tmp_path / "model")])
    assert result.exit_code == 3, result.output
    assert "clef2020-debates" in result.output and "row 33250" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_training_with_the_fine_tuned_member_exports_it_and_saves_a_loadable_model(tmp_path, data_dir, embedder):
    pytest.importorskip("onnx")
    import spacy

    from factcheck.claims.checkworthy import CheckworthinessModel
    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.train.checkworthiness import train_checkworthiness

    rows = _small_copy(data_dir / "checkworthiness", tmp_path / "data")
    out, logged = tmp_path / "model", []
    train_checkworthiness(tmp_path / "data", out, epochs=1, progress=False, log=logged.append, cache=tmp_path / "cache",
                          blocks=(rows // 2, rows * 3 // 4))
    assert any("fine-tuning epoch 1/1" in line for line in logged)
    assert list((tmp_path / "cache").glob("finetune-*/epoch-1/state.pt"))
    config = json.loads((out / "config.json").read_text())
    onnx = [m for m in config["members"] if m["kind"] == "finetuned-onnx"]
    assert config["version"] == (2 if onnx else 1)
    assert all((out / m["folder"] / "model-int8.onnx").is_file() for m in onnx)
    texts = ["Unemployment fell to 3.5 percent last year.", "Thank you all for coming tonight."]
    scores = CheckworthinessModel.load(out, embedder=embedder).score(texts, list(spacy.load(SPACY_MODEL).pipe(texts)))
    assert scores[0] > scores[1]
