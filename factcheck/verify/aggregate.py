"""From per-evidence model probabilities and numeric checks to one verdict per claim.

Pure arithmetic over numbers: no models, no I/O. Probabilities are in the column order of
`factcheck.records.STANCES` (entailment, contradiction, neutral).
"""

from __future__ import annotations

from dataclasses import dataclass

from factcheck.records import STANCES
from factcheck.verify.numeric import NumericCheck

__all__ = ["adjust_probs", "stance_of", "decide", "Decision", "ON_TOPIC", "THRESHOLD"]

ON_TOPIC = 0.5  # entailment + contradiction mass above which the evidence is about the claim
THRESHOLD = 0.5  # a stance counts for the verdict from this probability on


def adjust_probs(probs: tuple[float, float, float], check: NumericCheck) -> tuple[tuple[float, float, float], str]:
    """Applies the numeric checks on top of the model: returns adjusted probabilities and why."""
    e, c, n = probs
    details = "; ".join(check.details)
    if "disagree" == check.quantities or check.dates == "differ":
        if e + c >= ON_TOPIC:
            return (0.0, e + c, n), "the numbers or dates disagree: " + details
    if check.dates == "other":
        return (0.0, 0.0, 1.0), "the evidence dates another event, so it neither establishes nor refutes the claim's date: " + details
    if check.dates == "missing" and e > 0:
        return (0.0, c, n + e), "the evidence does not establish the claim's date: " + details
    if check.quantities == "agree" and e >= c:
        return (e, c, n), "the numbers agree: " + details
    return (e, c, n), ""


def stance_of(probs: tuple[float, float, float]) -> str:
    """The most probable stance."""
    return STANCES[max(range(3), key=lambda i: probs[i])]


@dataclass
class Decision:
    """A verdict with its confidence and the index of the evidence that decided it (-1: none)."""

    verdict: str
    confidence: float
    support: float
    refute: float
    best_support: int = -1
    best_refute: int = -1


def decide(adjusted: list[tuple[float, float, float]], threshold: float = THRESHOLD) -> Decision:
    """Aggregates evidence: strongest support vs strongest refutation, each against a threshold."""
    if not adjusted:
        return Decision("NOT_ENOUGH_INFO", 1.0, 0.0, 0.0)
    best_s = max(range(len(adjusted)), key=lambda i: adjusted[i][0])
    best_r = max(range(len(adjusted)), key=lambda i: adjusted[i][1])
    s, r = adjusted[best_s][0], adjusted[best_r][1]
    if s >= threshold and r >= threshold:
        return Decision("CONFLICTING", min(s, r), s, r, best_s, best_r)
    if s >= threshold:
        return Decision("SUPPORTED", s, s, r, best_s, best_r)
    if r >= threshold:
        return Decision("REFUTED", r, s, r, best_s, best_r)
    return Decision("NOT_ENOUGH_INFO", 1.0 - max(s, r), s, r, best_s, best_r)
