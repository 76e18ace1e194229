"""Evaluation metrics on tiny cases computed by hand."""

from __future__ import annotations

import math

import pytest

from factcheck.eval.metrics import (
    calibration_bins,
    classification_metrics,
    expected_calibration_error,
    fever_score,
    reliability_diagram,
    retrieval_metrics,
)


def test_classification_on_four_items():
    gold = ["SUPPORTED", "SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"]
    pred = ["SUPPORTED", "REFUTED", "REFUTED", "SUPPORTED"]
    m = classification_metrics(gold, pred)
    assert m["accuracy"] == 0.5
    # SUPPORTED: P 1/2, R 1/2, F1 1/2; REFUTED: P 1/2, R 1, F1 2/3; NEI: 0 -> macro (1/2 + 2/3 + 0) / 3
    assert m["per_class"]["SUPPORTED"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2, "coverage": 0.5}
    assert m["per_class"]["NOT_ENOUGH_INFO"]["coverage"] == 0.0  # never predicted
    assert m["per_class"]["REFUTED"]["f1"] == pytest.approx(2 / 3)
    assert m["per_class"]["NOT_ENOUGH_INFO"]["f1"] == 0.0
    assert m["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    assert "CONFLICTING" not in m["per_class"]  # neither gold nor predicted: not averaged in
    assert m["confusion"] == {
        "labels": ["SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"],
        "matrix": [[1, 1, 0], [0, 1, 0], [1, 0, 0]],
    }


def test_classification_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        classification_metrics(["SUPPORTED"], [])


def test_retrieval_on_two_queries():
    qrels = {"q1": {"a": 1, "c": 1}, "q2": {"x": 1}}
    run = {
        "q1": {"a": 3.0, "b": 2.0, "c": 1.0},  # relevant at ranks 1 and 3
        "q2": {"y": 2.0, "x": 1.0},  # relevant at rank 2
    }
    m = retrieval_metrics(qrels, run, ["nDCG@10", "R@1", "R@10", "RR"])
    ndcg_q1 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    ndcg_q2 = (1 / math.log2(3)) / 1
    assert m["nDCG@10"] == pytest.approx((ndcg_q1 + ndcg_q2) / 2)
    assert m["R@1"] == pytest.approx((1 / 2 + 0) / 2)
    assert m["R@10"] == pytest.approx(1.0)
    assert m["RR"] == pytest.approx((1 + 1 / 2) / 2)


def test_retrieval_counts_a_query_with_no_results_as_zero():
    m = retrieval_metrics({"q1": {"a": 1}, "q2": {"b": 1}}, {"q1": {"a": 1.0}}, ["R@10", "RR"])
    assert m == {"R@10": 0.5, "RR": 0.5}


def test_fever_score_needs_label_and_a_complete_evidence_set():
    gold = ["SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO", "SUPPORTED"]
    pred = ["SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO", "REFUTED"]
    sets = [[["d1:0", "d1:1"], ["d2:3"]], [["d3:0", "d3:1"]], [], [["d4:0"]]]
    found = [{"d1", "d2", "d2:3"}, {"d3", "d3:0"}, set(), {"d4", "d4:0"}]
    # claim 1: set ["d2:3"] complete -> counts; claim 2: only half a set -> no;
    # claim 3: NEI needs no evidence -> counts; claim 4: wrong label -> no
    assert fever_score(gold, pred, sets, found) == 0.5


def test_expected_calibration_error_by_hand():
    conf = [0.95, 0.95, 0.65, 0.65, 0.65, 0.15]
    correct = [True, True, True, False, False, False]
    # bins: [0.9,1.0): conf .95, acc 1 (gap .05, n 2); [0.6,0.7): conf .65, acc 1/3 (gap .3167, n 3);
    # [0.1,0.2): conf .15, acc 0 (gap .15, n 1)
    expected = (2 * 0.05 + 3 * (0.65 - 1 / 3) + 1 * 0.15) / 6
    assert expected_calibration_error(conf, correct) == pytest.approx(expected)
    assert [b["count"] for b in calibration_bins(conf, correct)] == [1, 3, 2]


def test_perfectly_calibrated_predictions_have_zero_ece():
    assert expected_calibration_error([1.0, 1.0, 0.5, 0.5], [True, True, True, False]) == pytest.approx(0.0)


def test_reliability_diagram_writes_a_png(tmp_path):
    out = reliability_diagram([0.9, 0.8, 0.3, 0.6], [True, False, False, True], tmp_path / "rel.png", title="t")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left
