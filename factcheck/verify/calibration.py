"""Temperature scaling and expected calibration error: pure functions over numpy arrays."""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "nll", "fit_temperature", "ece"]


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


def ece(probs: np.ndarray, labels: np.ndarray, n_bins: int = 15) -> float:
    """Expected calibration error: the confidence-weighted gap between confidence and accuracy
    over equal-width confidence bins."""
    probs = np.asarray(probs, dtype=np.float64)
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == np.asarray(labels)).astype(np.float64)
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            total += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(total)
