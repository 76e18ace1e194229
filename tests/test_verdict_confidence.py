"""End-to-end verdict calibration: the held-out labelled claims it is fitted and scored on, and its CLI."""

import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.eval.modes import Prediction
from factcheck.train.verdicts import fever_dev, fit_and_score, scifact_dev
from factcheck.train.verifier_card import VERDICT_HEADING, verdict_confidence_section
from factcheck.eval.readers import read_fever_pairs
from factcheck.train.verifier_data import bucket, long_sentences, normalise_text


@pytest.mark.dataset
def test_scifact_claims_are_the_verdict_models_held_out_ones(data_dir):
    data = scifact_dev(data_dir)
    assert 120 < len(data.examples) < 220 and len(data.corpus) == 5183
    assert all(bucket(ex.claim, 13) < 0.20 for ex in data.examples)
    assert {ex.label for ex in data.examples} >= {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}


@pytest.mark.dataset
def test_fever_claims_without_evidence_lose_it_from_the_corpus(data_dir):
    data = fever_dev(data_dir, claims=300)
    assert len(data.examples) == 300 and len({ex.claim for ex in data.examples}) == 300
    assert all(bucket(ex.claim, 13) < 0.15 for ex in data.examples)
    labels = [ex.label for ex in data.examples]
    assert 0.25 < labels.count("NOT_ENOUGH_INFO") / 300 < 0.5
    corpus = {doc.id for doc in data.corpus}
    for ex in data.examples:
        if ex.label == "NOT_ENOUGH_INFO":
            assert not ex.evidence
        else:
            assert ex.evidence and all(e.doc_id in corpus for e in ex.evidence)
    nei = {ex.claim for ex in data.examples if ex.label == "NOT_ENOUGH_INFO"}
    full = read_fever_pairs(data_dir / "nli" / "fever_nli_dev_binary.jsonl")
    gold = set().union(*(long_sentences(normalise_text(e.text)) for ex in full.examples if ex.claim in nei for e in ex.evidence))
    assert gold and not any(gold & long_sentences(normalise_text(d.text)) for d in data.corpus)


def test_fit_and_score_reports_held_out_calibration():
    preds = {"a": [Prediction(str(i), "SUPPORTED", "SUPPORTED" if i % 3 else "REFUTED", 0.99) for i in range(300)]}
    calibration = fit_and_score(preds)
    held = calibration.info["held_out"]
    assert set(held) == {"a", "all"} and held["all"]["claims"] == calibration.info["fitted_on"]["claims"] == 300
    assert held["all"]["ece_before"] > 0.25 and held["all"]["ece_after"] < 0.1
    section = verdict_confidence_section(calibration.info)
    assert section.startswith(VERDICT_HEADING) and f"| all | {held['all']['claims']} |" in section


def test_cli_help_and_missing_data(tmp_path):
    runner = CliRunner()
    assert "confidence per verdict group" in runner.invoke(app, ["train", "verdict-confidence", "--help"]).output
    result = runner.invoke(app, ["train", "verdict-confidence", "--data-dir", str(tmp_path)])
    assert result.exit_code == 3 and "data sets (nli/, scifact/) are missing" in result.output
