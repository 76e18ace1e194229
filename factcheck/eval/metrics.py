"""Evaluation metrics: verdict classification (scikit-learn), retrieval (ir-measures), the FEVER
score, and calibration (expected calibration error and a reliability diagram).

Pure functions over labels, scores and judgements; the libraries are imported inside them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from factcheck.errors import InputError
from factcheck.records import VERDICTS
from factcheck.verify.calibration import calibration_bins, expected_calibration_error

__all__ = [
    "classification_metrics",
    "retrieval_metrics",
    "fever_score",
    "calibration_bins",
    "expected_calibration_error",
    "reliability_diagram",
    "RETRIEVAL_MEASURES",
]

RETRIEVAL_MEASURES = ("nDCG@10", "R@10", "R@100", "RR")


def classification_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support/coverage and the confusion matrix.

    Classes are the verdicts that occur in gold or predictions, in VERDICTS order; macro-F1
    averages over those (a verdict neither gold nor predicted does not count as F1 = 0). A verdict's
    coverage is the share of all claims that get it; its recall, the share of its gold claims that get it.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    if len(gold) != len(pred) or not gold:
        raise ValueError(f"need equally many gold and predicted labels, got {len(gold)} and {len(pred)}")
    labels = [v for v in VERDICTS if v in set(gold) | set(pred)]
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    return {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, pred)),
        "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i]),
                  "coverage": sum(v == lab for v in pred) / len(pred)}
            for i, lab in enumerate(labels)
        },
        "confusion": {"labels": labels, "matrix": confusion_matrix(gold, pred, labels=labels).tolist()},
    }


def retrieval_metrics(
    qrels: dict[str, dict[str, int]],
    run: dict[str, dict[str, float]],
    measures: Sequence[str] = RETRIEVAL_MEASURES,
) -> dict[str, float]:
    """Mean retrieval measures (ir-measures names, e.g. nDCG@10, R@10, RR) over the judged queries.

    A judged query missing from the run scores 0 (it is added with no documents).
    """
    try:
        import ir_measures
    except ImportError:
        raise InputError("retrieval metrics need ir-measures; run: pip install 'factcheck[eval]'") from None
    parsed = [ir_measures.parse_measure(m) for m in measures]
    full_run = {q: dict(run.get(q, {})) for q in qrels}
    # ir-measures skips queries without any retrieved document; a dummy, unjudged one scores them 0.
    for docs in full_run.values():
        if not docs:
            docs["__none__"] = 0.0
    result = ir_measures.calc_aggregate(parsed, qrels, full_run)
    return {str(m): float(result[m]) for m in parsed}


def fever_score(
    gold: Sequence[str],
    pred: Sequence[str],
    evidence_sets: Sequence[Sequence[Sequence[str]]],
    predicted_ids: Sequence[set[str]],
) -> float:
    """FEVER score: the share of claims with the right verdict and, unless the gold verdict is
    NOT_ENOUGH_INFO, at least one complete gold evidence set among the predicted evidence ids."""
    if not gold:
        raise ValueError("no claims to score")
    hits = 0
    for g, p, sets, ids in zip(gold, pred, evidence_sets, predicted_ids, strict=True):
        if g != p:
            continue
        if g == "NOT_ENOUGH_INFO" or not sets or any(set(s) <= ids for s in sets):
            hits += 1
    return hits / len(gold)


def reliability_diagram(
    confidence: Sequence[float], correct: Sequence[bool], path: str | Path, bins: int = 10, title: str = ""
) -> Path:
    """Draws accuracy against confidence per bin (with the diagonal and the ECE) into a PNG, atomically."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from factcheck.textio import atomic_write

    table = calibration_bins(confidence, correct, bins)
    ece = expected_calibration_error(confidence, correct, bins)
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=120)
    ax.bar([b["lo"] for b in table], [b["accuracy"] for b in table], width=1 / bins, align="edge",
           edgecolor="black", color="#4c72b0", label="accuracy")
    ax.plot([0, 1], [0, 1], "--", color="gray", label="perfect calibration")
    ax.plot([b["confidence"] for b in table], [b["accuracy"] for b in table], "o", color="#dd8452", label="bin mean")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="accuracy",
           title=f"{title + ': ' if title else ''}ECE {ece:.3f} (n={len(confidence)})")
    ax.legend(loc="upper left", fontsize="small")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    with atomic_write(path, "wb") as handle:
        handle.write(buffer.getvalue())
    return Path(path)
