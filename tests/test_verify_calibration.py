"""Calibration math: temperature scaling and expected calibration error."""

import json

import numpy as np
import pytest

from factcheck.verify.calibration import ece, fit_temperature, nll, softmax


def test_softmax_rows_sum_to_one_and_temperature_flattens():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    p1, p3 = softmax(logits), softmax(logits, 3.0)
    assert np.allclose(p1.sum(axis=1), 1) and np.allclose(p3.sum(axis=1), 1)
    assert p3[0, 0] < p1[0, 0]  # a higher temperature is less confident
    assert np.allclose(p1[1], 1 / 3)


def test_temperature_scaling_lowers_nll_of_an_overconfident_model():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 2000)
    noisy = np.where(rng.random(2000) < 0.7, labels, rng.integers(0, 3, 2000))  # 70 %-ish right
    logits = 8.0 * np.eye(3)[noisy] + rng.normal(0, 0.5, (2000, 3))  # very confident
    t = fit_temperature(logits, labels)
    assert t > 2.0
    assert nll(logits, labels, t) < nll(logits, labels) - 0.5
    assert ece(softmax(logits, t), labels) < ece(softmax(logits), labels)


def test_temperature_of_a_calibrated_model_stays_near_one():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 2, (4000, 3))
    probs = softmax(logits)
    labels = np.array([rng.choice(3, p=p) for p in probs])  # labels drawn from the model itself
    assert fit_temperature(logits, labels) == pytest.approx(1.0, abs=0.15)


def test_ece_hand_computed():
    probs = np.array([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.1, 0.6, 0.3]])
    labels = np.array([0, 1, 0, 1])
    # bin 0.9: confidence 0.9, accuracy 0.5 → 0.4 × 2/4; bin 0.6: confidence 0.6, accuracy 1 → 0.4 × 2/4
    assert ece(probs, labels, n_bins=10) == pytest.approx(0.4)
    assert ece(np.eye(3), np.arange(3)) == pytest.approx(0.0)


def test_replace_section_touches_only_its_own_section():
    from factcheck.train.verifier_card import replace_section

    doc = "# B\n\n## Index\n\nindex text\n\n## Verdict model\n\nold\n\n## Other\n\nother text\n"
    new = replace_section(doc, "## Verdict model\n\nnew numbers\n")
    assert "old" not in new and "new numbers" in new and "index text" in new and "other text" in new
    assert new.index("## Index") < new.index("## Verdict model") < new.index("## Other")
    appended = replace_section("# B\n\n## Index\n\nx\n", "## Verdict model\n\ny\n")
    assert appended.endswith("## Verdict model\n\ny\n")
    assert replace_section(appended, "## Verdict model\n\nz\n").endswith("## Index\n\nx\n\n## Verdict model\n\nz\n")


def _overconfident_verdicts(n, seed):
    """Verdicts whose raw score is 0.95-1.0 but which are right only 60 % (SUPPORTED) or 80 % (NEI) of the time."""
    rng = np.random.default_rng(seed)
    verdicts = rng.choice(["SUPPORTED", "NOT_ENOUGH_INFO"], n)
    scores = rng.uniform(0.95, 1.0, n)
    correct = rng.random(n) < np.where(verdicts == "SUPPORTED", 0.6, 0.8)
    return verdicts, scores, correct


def test_verdict_calibration_fixes_overconfident_verdicts_on_fresh_claims():
    from factcheck.verify.calibration import expected_calibration_error, fit_verdict_calibration

    calibration = fit_verdict_calibration(*_overconfident_verdicts(2000, 0))
    verdicts, scores, correct = _overconfident_verdicts(2000, 1)
    after = [calibration(v, s) for v, s in zip(verdicts, scores)]
    assert expected_calibration_error(scores, correct) > 0.2
    assert expected_calibration_error(after, correct) < 0.05
    assert abs(calibration("SUPPORTED", 0.97) - 0.6) < 0.05 and abs(calibration("NOT_ENOUGH_INFO", 1.0) - 0.8) < 0.05


def test_rare_verdicts_get_their_smoothed_rate_and_the_file_round_trips(tmp_path):
    from factcheck.verify.calibration import VerdictCalibration, fit_verdict_calibration

    verdicts, scores, correct = _overconfident_verdicts(400, 2)
    verdicts[:6], correct[:6] = "CONFLICTING", False  # rare and never right
    calibration = fit_verdict_calibration(verdicts, scores, correct, min_count=30)
    assert calibration("CONFLICTING", 0.99) == pytest.approx(1 / 8)
    assert "REFUTED" not in calibration.coefficients and 0 < calibration("REFUTED", 0.9) < 1  # pooled
    calibration.info = {"held_out": {"all": {"ece_after": 0.01}}}
    calibration.save(tmp_path / "verdict_calibration.json")
    loaded = VerdictCalibration.load(tmp_path / "verdict_calibration.json")
    assert loaded("CONFLICTING", 0.7) == pytest.approx(calibration("CONFLICTING", 0.7))
    assert loaded("SUPPORTED", 0.9) == pytest.approx(calibration("SUPPORTED", 0.9))
    assert loaded.info["held_out"]["all"]["ece_after"] == 0.01


def test_a_corrupted_verdict_calibration_is_one_clear_error(tmp_path):
    from factcheck.errors import ModelError
    from factcheck.verify.calibration import VerdictCalibration

    bad = tmp_path / "verdict_calibration.json"
    bad.write_text("{not json")
    with pytest.raises(ModelError, match="verdict_calibration.json.*refit"):
        VerdictCalibration.load(bad)


def test_verdict_calibration_needs_right_and_wrong_verdicts():
    from factcheck.verify.calibration import fit_verdict_calibration

    with pytest.raises(ValueError, match="both right and wrong"):
        fit_verdict_calibration(["SUPPORTED"] * 10, [0.9] * 10, [True] * 10)


def test_calibration_files_record_and_check_their_format_version(tmp_path):
    from factcheck.errors import ModelError
    from factcheck.verify.calibration import (
        VERDICT_CALIBRATION_VERSION, VerdictCalibration, read_pair_calibration, write_pair_calibration,
    )

    verdicts = tmp_path / "verdict_calibration.json"
    VerdictCalibration({"*": (1.0, 0.0)}).save(verdicts)
    assert json.loads(verdicts.read_text())["version"] == VERDICT_CALIBRATION_VERSION
    verdicts.write_text(verdicts.read_text().replace(f'"version": {VERDICT_CALIBRATION_VERSION}', '"version": 2'))
    with pytest.raises(ModelError, match=r"verdict_calibration\.json: calibration format version 2 is newer .*upgrade factcheck"):
        VerdictCalibration.load(verdicts)

    pairs = tmp_path / "calibration.json"
    write_pair_calibration(pairs, {"name": "m-v1", "version": "1", "temperature": 1.5})
    assert read_pair_calibration(pairs)["temperature"] == 1.5
    pairs.write_text(json.dumps({"temperature": 1.5, "calibration_version": 3}))
    with pytest.raises(ModelError, match=r"calibration\.json: calibration format version 3 is newer"):
        read_pair_calibration(pairs)
    pairs.write_text(json.dumps({"temperature": -1}))
    with pytest.raises(ModelError, match="not positive"):
        read_pair_calibration(pairs)


def test_a_withheld_verdict_is_calibrated_apart_from_a_plain_not_enough_info(tmp_path):
    """NOT_ENOUGH_INFO whose evidence leans one way is right less often than one with no evidence either way:
    each gets its own fit, and a file fitted without leanings falls back to the verdict's."""
    from factcheck.verify.calibration import VerdictCalibration, fit_verdict_calibration

    rng = np.random.default_rng(3)
    n = 3000
    leanings = rng.choice([None, "SUPPORTED"], n)
    scores = rng.uniform(0.5, 1.0, n)
    correct = rng.random(n) < np.where(leanings == None, 0.9, 0.4)  # noqa: E711 (element-wise)
    calibration = fit_verdict_calibration(["NOT_ENOUGH_INFO"] * n, scores, correct, list(leanings))
    assert set(calibration.coefficients) == {"*", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO:SUPPORTED"}
    assert abs(calibration("NOT_ENOUGH_INFO", 0.75) - 0.9) < 0.05
    assert abs(calibration("NOT_ENOUGH_INFO", 0.75, "SUPPORTED") - 0.4) < 0.05
    calibration.save(tmp_path / "verdict_calibration.json")
    assert VerdictCalibration.load(tmp_path / "verdict_calibration.json")("NOT_ENOUGH_INFO", 0.75, "SUPPORTED") == (
        pytest.approx(calibration("NOT_ENOUGH_INFO", 0.75, "SUPPORTED")))
    older = fit_verdict_calibration(["NOT_ENOUGH_INFO"] * n, scores, correct)
    assert older("NOT_ENOUGH_INFO", 0.75, "REFUTED") == older("NOT_ENOUGH_INFO", 0.75)


def test_with_the_score_the_fit_follows_it():
    from factcheck.verify.calibration import fit_verdict_calibration

    rng = np.random.default_rng(5)
    scores = rng.uniform(0.5, 1.0, 4000)
    correct = rng.random(4000) < scores  # right as often as the score says
    flat = fit_verdict_calibration(["SUPPORTED"] * 4000, scores, correct)
    sloped = fit_verdict_calibration(["SUPPORTED"] * 4000, scores, correct, use_score=True)
    assert flat("SUPPORTED", 0.55) == flat("SUPPORTED", 0.95)
    assert sloped("SUPPORTED", 0.55) < 0.65 < 0.85 < sloped("SUPPORTED", 0.95)
