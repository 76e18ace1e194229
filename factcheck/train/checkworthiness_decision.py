"""The deciding members of the check-worthiness model: classifiers of ClaimBuster's check-worthy factual
claims that say yes or no, while the ranking members order the sentences (see claims/checkworthy.py).

Candidates are class-balanced logistic regressions on ClaimBuster alone: on the sentence embedding + hand
features and on hashed n-grams. The subset (averaged) and its threshold are chosen by positive-class F1,
both classes weighted equally, on out-of-fold predictions over ClaimBuster's training set (5 stratified
folds), never on its test set; the chosen members are then refitted on the whole training set.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Decision", "fit_decision", "DECISION_C"]

DECISION_C = (0.01, 0.03)  # dense members' inverse regularisation
MAX_MEMBERS = 3


@dataclass(frozen=True)
class Decision:
    """The chosen deciding members (specs with their arrays), the threshold and the out-of-fold F1."""

    members: list[dict[str, Any]]
    predict: Callable[[Any, list[str]], Any]
    threshold: float
    folds_f1: float


def _candidates() -> list[tuple[dict[str, Any], Callable[..., Any]]]:
    """(spec, fit) pairs; fit(x, texts, y) returns predict(x, texts) with its arrays."""
    from factcheck.train.checkworthiness import NGRAM_SPECS, _fit_dense, _fit_ngram

    def dense(c: float) -> Callable[..., Any]:
        def fit(x: Any, _texts: list[str], y: Any) -> Any:
            model = _fit_dense(x, y, c)
            predict = lambda feats, _batch: model(feats)  # noqa: E731
            predict.arrays = model.arrays
            return predict
        return fit

    def ngram(spec: dict[str, Any]) -> Callable[..., Any]:
        def fit(_x: Any, texts: list[str], y: Any) -> Any:
            model = _fit_ngram(texts, y, spec)
            predict = lambda _feats, batch: model(batch)  # noqa: E731
            predict.arrays = model.arrays
            return predict
        return fit

    found = [({"kind": "dense", "inputs": ["embedding", "hand"], "layers": 1, "C": c}, dense(c)) for c in DECISION_C]
    found += [(dict(spec), ngram(spec)) for spec in NGRAM_SPECS]
    return [({**spec, "role": "decide", "source_weights": {"claimbuster": 1.0}}, fit) for spec, fit in found]


def fit_decision(x: Any, texts: list[str], y: Any, seed: int, log: Callable[[str], None] = print,
                 folds: int = 5) -> Decision:
    """Chooses deciding members and their threshold on `folds` stratified folds of ClaimBuster's training set
    (out-of-fold predictions) and refits them on it all."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from factcheck.train.checkworthiness import balanced_threshold

    candidates = _candidates()
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y)
    oof = np.zeros((len(candidates), len(y)))
    for number, (train, held) in enumerate(splits):
        part = [texts[i] for i in train]
        for k, (_spec, fit) in enumerate(candidates):
            oof[k, held] = fit(x[train], part, y[train])(x[held], [texts[i] for i in held])
        log(f"decision: fold {number + 1}/{folds} done")
    rows = []
    for size in range(1, MAX_MEMBERS + 1):
        for subset in itertools.combinations(range(len(candidates)), size):
            f1, threshold = balanced_threshold(oof[list(subset)].mean(axis=0), y)
            rows.append((f1, -size, subset, threshold))
    f1, _size, subset, threshold = max(rows)
    log(f"decision members {[candidates[i][0]['kind'] for i in subset]}: out-of-fold balanced F1 {f1:.4f}, "
        f"threshold {threshold}")
    fitted = [(candidates[i][0], candidates[i][1](x, texts, y)) for i in subset]
    members = [{**spec, "arrays": model.arrays} for spec, model in fitted]

    def predict(feats: Any, batch: list[str]) -> Any:
        return np.mean([model(feats, batch) for _spec, model in fitted], axis=0)

    return Decision(members, predict, threshold, round(f1, 4))
