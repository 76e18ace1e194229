"""Temperature scaling and expected calibration error: pure functions over numpy arrays."""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["softmax", "nll", "fit_temperature", "calibration_bins", "expected_calibration_error", "ece"]


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of logits divided by the temperature."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of the labels under the temperature-scaled softmax."""
    probs = softmax(logits, temperature)
    picked = probs[np.arange(len(labels)), np.asarray(labels)]
    return float(-np.log(np.clip(picked, 1e-12, None)).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, low: float = 0.05, high: float = 20.0) -> float:
    """The temperature that minimises the NLL on held-out logits (bounded 1-D search on log T)."""
    from scipy.optimize import minimize_scalar

    result = minimize_scalar(lambda t: nll(logits, labels, float(np.exp(t))),
                             bounds=(np.log(low), np.log(high)), method="bounded")
    return float(np.exp(result.x))


def calibration_bins(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> list[dict[str, float]]:
    """Equal-width confidence bins over [0, 1]: range, count, mean confidence and accuracy of each non-empty bin."""
    conf = np.asarray(confidence, dtype=float)
    hit = np.asarray(correct, dtype=float)
    which = np.minimum((conf * bins).astype(int), bins - 1)  # 1.0 falls in the last bin
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append({"lo": b / bins, "hi": (b + 1) / bins, "count": int(mask.sum()),
                        "confidence": float(conf[mask].mean()), "accuracy": float(hit[mask].mean())})
    return out


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """ECE: the count-weighted mean gap between confidence and accuracy over equal-width bins."""
    table = calibration_bins(confidence, correct, bins)
    total = sum(b["count"] for b in table)
    if not total:
        raise ValueError("no predictions to calibrate")
    return sum(b["count"] * abs(b["confidence"] - b["accuracy"]) for b in table) / total


def ece(probs: np.ndarray, labels: np.ndarray, n_bins: int = 15) -> float:
    """Expected calibration error of a classifier's top-label confidence."""
    probs = np.asarray(probs, dtype=np.float64)
    correct = probs.argmax(axis=1) == np.asarray(labels)
    return expected_calibration_error(probs.max(axis=1), correct, n_bins)

