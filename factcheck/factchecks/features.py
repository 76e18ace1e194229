"""Pure arithmetic of claim matching: the features of a (claim, earlier fact-check) pair and the
logistic re-ranker that turns them into a match probability."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FEATURES", "Reranker", "name_tokens", "speaker_overlap", "day_number", "days_apart", "date_near", "reciprocal_ranks"]

FEATURES = (
    "cos_claim",  # embedding cosine of the claim with the fact-check's claim
    "cos_title",  # ... with the fact-check's title
    "cos_context",  # the claim read with its context (previous sentences), with the fact-check's claim
    "cos_margin",  # cos_claim minus the best cos_claim among this claim's candidates (0 for the best)
    "bm25",  # BM25 over claim + title, divided by the best score for this claim
    "rr_dense",  # 1 / rank among the candidates by cos_claim
    "rr_bm25",  # 1 / rank by BM25
    "speaker_known",  # both the claim's speaker and the fact-check's claimant are known
    "speaker_match",  # ... and they share a name
    "date_known",  # both dates are known
    "date_near",  # 1 / (1 + log1p(days apart)): 1 on the same day, ~0.15 at 300 days
)


def name_tokens(name: str) -> set[str]:
    """The lower-cased names of 3+ letters in a person's name ("DONALD TRUMP" -> {"donald", "trump"})."""
    return {w for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 3}


def speaker_overlap(speaker: str, claimant: str) -> float:
    """1.0 when two person names share a name of 3+ letters ("DONALD TRUMP" / "Donald Trump"), else 0.0."""
    return float(bool(name_tokens(speaker) & name_tokens(claimant)))


def day_number(text: str | None) -> int | None:
    """The day number of an ISO date (a year or month alone counts as its first day), or None."""
    if not text:
        return None
    try:
        parts = [int(p) for p in text.split("-")[:3]] + [1, 1]
        return date(parts[0], parts[1] or 1, parts[2] or 1).toordinal()
    except ValueError:
        return None


def days_apart(first: str | None, second: str | None) -> float | None:
    """Days between two ISO dates, or None if one is missing."""
    a, b = day_number(first), day_number(second)
    return abs(a - b) if a is not None and b is not None else None


def reciprocal_ranks(scores: np.ndarray) -> np.ndarray:
    """1 / rank of each score among `scores` (highest = 1)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), np.float32)
    ranks[order] = np.arange(1, len(scores) + 1)
    return 1.0 / ranks


def date_near(days: float | None) -> float:
    """The date feature: 1 on the same day, falling slowly with distance; 0 when unknown."""
    return 0.0 if days is None else 1.0 / (1.0 + math.log1p(days))


@dataclass(frozen=True)
class Reranker:
    """A logistic regression over standardised FEATURES, optionally after one hidden ReLU layer (a small
    MLP): `hidden` is (weights of shape (features, units), biases), or None."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    info: dict[str, Any]
    hidden: tuple[np.ndarray, np.ndarray] | None = None

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Match probability of each row of a (n, len(features)) feature matrix."""
        h = (x - self.mean) / self.scale
        if self.hidden is not None:
            h = np.maximum(h @ self.hidden[0] + self.hidden[1], 0.0)
        return 1.0 / (1.0 + np.exp(-(h @ self.coef + self.intercept)))

    @classmethod
    def load(cls, path: str | Path) -> "Reranker":
        """Reads a re-ranker saved by `save` (plain JSON); its feature names must be FEATURES."""
        from factcheck.errors import ModelError

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            features = tuple(data["features"])
            arrays = [np.asarray(data[key], np.float32) for key in ("mean", "scale", "coef")]
            intercept = float(data["intercept"])
            hidden = data.get("hidden")
            hidden = (np.asarray(hidden["weights"], np.float32), np.asarray(hidden["biases"], np.float32)) if hidden else None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: unreadable claim-matching re-ranker ({exc}); retrain: factcheck train claim-matcher") from None
        if features != FEATURES:
            raise ModelError(f"{path}: re-ranker features {features} differ from this factcheck's; retrain: factcheck train claim-matcher")
        return cls(features, *arrays, intercept, data.get("info", {}), hidden)

    def save(self, path: str | Path) -> None:
        """Writes the re-ranker as JSON, atomically."""
        from factcheck.textio import atomic_write_text

        data = {
            "features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "coef": self.coef.tolist(), "intercept": self.intercept, "info": self.info,
        }
        if self.hidden is not None:
            data["hidden"] = {"weights": self.hidden[0].tolist(), "biases": self.hidden[1].tolist()}
        atomic_write_text(path, json.dumps(data, indent=2) + "\n")
