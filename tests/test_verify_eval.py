"""Finalising a trained verdict model (fp16 conversion, calibration, scores, card) and the CLI."""

import json

import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.train.verifier_eval import HELD_OUT, evaluate_dir, finalize, install

from _verify_fixtures import make_tiny_data, make_tiny_model

runner = CliRunner()


@pytest.fixture(scope="module")
def tiny_data(data_dir, tmp_path_factory):
    return make_tiny_data(data_dir, tmp_path_factory.mktemp("tiny-data"))


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return make_tiny_model(tmp_path_factory.mktemp("tiny-nli"))


@pytest.mark.dataset
def test_finalize_converts_calibrates_scores_and_installs(tiny_model, tiny_data, tmp_path):
    report = finalize(tiny_model, tmp_path / "run" / "model", tiny_data, train_info={"config": {"max_length": 64}})
    model = tmp_path / "run" / "model"
    from factcheck.train.verifier_data import EXTRA_HELD_OUT

    assert not (tiny_data / "nli-extra").exists()  # so the nli-extra splits are left out
    assert set(report["scores"]) == set(HELD_OUT) - set(EXTRA_HELD_OUT)
    assert all(0 <= s["accuracy"] <= 1 and s["pairs"] > 0 for s in report["scores"].values())
    assert "binary_accuracy" in report["scores"]["fever_dev"] and "binary_accuracy" in report["scores"]["numbers"]
    cal = report["calibration"]
    assert cal["dev"]["nll_after"] <= cal["dev"]["nll_before"] + 1e-6
    meta = json.loads((model / "calibration.json").read_text())
    assert meta["temperature"] == cal["temperature"] and meta["max_length"] == 64
    from safetensors import safe_open

    with safe_open(str(model / "model.safetensors"), "pt") as f:
        assert str(f.get_tensor(next(iter(f.keys()))).dtype) == "torch.float16"
    card = (model / "MODEL_CARD.md").read_text()
    assert "Apache-2.0" in card and "fever_dev" in card and "ECE" in card
    assert json.loads((tmp_path / "run" / "scores.json").read_text())["scores"] == report["scores"]
    again = evaluate_dir(model, tiny_data, names=["fever_dev"])
    assert again["fever_dev"]["accuracy"] == report["scores"]["fever_dev"]["accuracy"]
    cli = runner.invoke(app, ["train", "verifier", "--evaluate", str(model), "--splits", "fever_dev,numbers",
                              "--data-dir", str(tiny_data), "--json"])
    assert cli.exit_code == 0, cli.output
    scored = json.loads(cli.stdout)
    assert set(scored) == {"fever_dev", "numbers"}
    assert scored["fever_dev"]["accuracy"] == report["scores"]["fever_dev"]["accuracy"]
    dest = install(model, tmp_path / "pkg" / "verifier")
    assert (dest / "config.json").is_file() and not (tmp_path / "pkg" / "verifier.new").exists()


def test_cli_verify_json_with_a_model_folder(tiny_model):
    result = runner.invoke(app, ["verify", "A man plays a guitar.", "A person plays music.", "--json", "--verifier", str(tiny_model)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stance"] in data["probabilities"] and abs(sum(data["probabilities"].values()) - 1) < 1e-3
    plain = runner.invoke(app, ["verify", "A man plays a guitar.", "A person plays music.", "--verifier", str(tiny_model)])
    assert plain.exit_code == 0 and data["stance"] in plain.output


def test_cli_verify_errors(tmp_path):
    empty = runner.invoke(app, ["verify", "Some evidence.", "  ", "--verifier", str(tmp_path)])
    assert empty.exit_code == 3 and "non-empty" in empty.output
    missing = runner.invoke(app, ["verify", "Some evidence.", "A claim.", "--verifier", str(tmp_path / "nope")])
    assert missing.exit_code == 5 and "no such model folder" in missing.output


def test_cli_train_verifier_checks_the_data_dir(tmp_path):
    result = runner.invoke(app, ["train", "verifier", "--data-dir", str(tmp_path)])
    assert result.exit_code == 3 and "data sets" in result.output
    helptext = runner.invoke(app, ["train", "verifier", "--help"])
    assert helptext.exit_code == 0 and "--install" in helptext.output


def test_cli_train_verifier_evaluate_refuses_what_it_cannot_score(tmp_path):
    (tmp_path / "nli").mkdir()
    (tmp_path / "nli" / "snli_dev.jsonl").write_text("")
    not_a_model = runner.invoke(app, ["train", "verifier", "--data-dir", str(tmp_path), "--evaluate", str(tmp_path)])
    assert not_a_model.exit_code == 3 and "not a model folder" in not_a_model.output
    unknown = runner.invoke(app, ["train", "verifier", "--data-dir", str(tmp_path), "--evaluate", str(tmp_path),
                                  "--splits", "fever_dev,nope"])
    assert unknown.exit_code == 3 and "--splits: unknown split nope" in unknown.output


@pytest.mark.training
@pytest.mark.dataset
def test_cli_train_verifier_end_to_end(tiny_data, tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "verifier", "--data-dir", str(tiny_data), "-o", str(out),
                                 "--epochs", "1", "--max-pairs", "48", "--replay", "16", "--contrasts", "entities,negations",
                                 "--contrast-limit", "8", "--soup", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    from factcheck.train.verifier_data import EXTRA_HELD_OUT

    assert set(report["scores"]) == set(HELD_OUT) - set(EXTRA_HELD_OUT) and (out / "epoch-1" / "config.json").is_file()
    assert (out / "model" / "MODEL_CARD.md").is_file() and report["train"]["config"]["seed"] == 13
    assert (out / "soup" / "config.json").is_file() and {"repair", "snli", "scifact"} <= set(report["train"])
    assert report["train"]["repair"]["contrasts"] == ["entities", "negations"]
    card = (out / "model" / "MODEL_CARD.md").read_text()
    assert "model soup" in card and "negations" in card
