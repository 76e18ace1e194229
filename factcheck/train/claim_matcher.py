"""`factcheck train claim-matcher`: fits the claim-matching re-ranker (a logistic regression over
factcheck.factchecks.features.FEATURES) on the CheckThat! train splits, debates -> PolitiFact and
tweets -> Snopes, and writes it to factcheck/models/claim-matcher/reranker.json.

Each training query contributes its candidates (dense and BM25 top ones): the fact-checks that check
it are positives, the others negatives. Takes seconds once the store is built (minutes: 33k fact-checks
embedded twice)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from factcheck.factchecks.datasets import COLLECTIONS, SPLITS, load_split
from factcheck.factchecks.features import FEATURES, Reranker
from factcheck.factchecks.matcher import RERANKER_PATH, Matcher
from factcheck.factchecks.store import FactCheckStore, add_factchecks
from factcheck.textio import atomic_write_text

__all__ = ["build_store", "training_data", "fit_reranker", "train_claim_matcher", "model_card", "DEFAULT_STORE", "C"]

DEFAULT_STORE = Path("runs/claim-matching-store")
C = 1.0  # inverse L2 strength of the logistic regression (hidden = 0)
HIDDEN = 8  # hidden ReLU units: dev MAP@5 debates 0.507-0.534 over 3 seeds vs 0.496 for the logistic regression
ALPHA = 1e-3  # the MLP's L2 strength
SEED = 0


def build_store(data_dir: Path, folder: Path = DEFAULT_STORE, progress: bool = True) -> FactCheckStore:
    """The store of both fact-check collections, imported on first use and reused afterwards."""
    from factcheck.factchecks.importers import read_factchecks

    if not (folder / "manifest.json").is_file():
        records = []
        for name, publisher in COLLECTIONS.values():
            records += read_factchecks([Path(data_dir) / "claim-matching" / name], publisher=publisher).records
        add_factchecks(records, folder, progress=progress)
    return FactCheckStore(folder)


def training_data(matcher: Matcher, queries: list, qrels: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of every (query, candidate) pair and their labels (1: the candidate checks the query)."""
    xs, ys = [], []
    records = matcher.store.records
    for query, found in zip(queries, matcher.candidates_of(queries)):
        relevant = set(qrels[query.id])
        xs.append(found.x)
        ys.append(np.array([records[r].id in relevant for r in found.rows], np.float32))
    return np.concatenate(xs), np.concatenate(ys)


def fit_reranker(x: np.ndarray, y: np.ndarray, info: dict[str, Any] | None = None, c: float = C, hidden: int = HIDDEN) -> Reranker:
    """A logistic regression on standardised features, or (hidden > 0) a one-hidden-layer ReLU MLP."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    if hidden:
        from sklearn.neural_network import MLPClassifier

        mlp = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=ALPHA, max_iter=300, random_state=SEED).fit(z, y)
        layers = (mlp.coefs_[0].astype(np.float32), mlp.intercepts_[0].astype(np.float32))
        coef, intercept = mlp.coefs_[1][:, 0].astype(np.float32), float(mlp.intercepts_[1][0])
    else:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=2000).fit(z, y)
        layers, coef, intercept = None, model.coef_[0].astype(np.float32), float(model.intercept_[0])
    return Reranker(FEATURES, mean.astype(np.float32), scale.astype(np.float32), coef, intercept, dict(info or {}), layers)


def train_claim_matcher(data_dir: Path, store: Path = DEFAULT_STORE, out: Path = RERANKER_PATH, c: float = C) -> Reranker:
    """Fits the re-ranker on the train splits of both query sets and saves it to `out`."""
    opened = build_store(data_dir, store)
    matcher = Matcher(opened, mode="dense")
    xs, ys, counts = [], [], {}
    for split in SPLITS:
        queries, qrels = load_split(data_dir, split, "train")
        x, y = training_data(matcher, queries, qrels)
        xs.append(x)
        ys.append(y)
        counts[split] = {"queries": len(queries), "pairs": int(len(y)), "positives": int(y.sum())}
    info = {"trained_on": "CheckThat! 2022 task 2A/2B train splits (tweets -> Snopes, debates -> PolitiFact)",
            "splits": counts, "C": c, "hidden_units": HIDDEN, "alpha": ALPHA, "seed": SEED,
            "embedder": opened.embedder_name, "candidates_per_retriever": matcher.candidates}
    reranker = fit_reranker(np.concatenate(xs), np.concatenate(ys), info, c)
    out.parent.mkdir(parents=True, exist_ok=True)
    reranker.save(out)
    atomic_write_text(out.parent / "MODEL_CARD.md", model_card(reranker))
    return reranker


def model_card(reranker: Reranker) -> str:
    """The re-ranker's model card (templates/claim_matcher_card.md), filled from its recorded training data and weights."""
    from factcheck.train.cards import fill_template

    info = reranker.info
    splits = "\n".join(
        f"| {name} | {v['queries']} | {v['pairs']} | {v['positives']} |" for name, v in info.get("splits", {}).items()
    )
    if reranker.hidden is None:
        weights = "\n".join(f"| `{f}` | {w:+.3f} |" for f, w in zip(reranker.features, reranker.coef))
    else:  # the net effect of each feature near the mean: hidden weights times output weights of active units
        active = reranker.hidden[1] > 0
        net = reranker.hidden[0][:, active] @ reranker.coef[active]
        weights = "\n".join(f"| `{f}` | {w:+.3f} |" for f, w in zip(reranker.features, net))
    return fill_template("claim_matcher_card.md", splits=splits, weights=weights,
                         **{key: info.get(key) for key in ("trained_on", "embedder", "hidden_units", "alpha", "seed", "C")},
                         candidates=info.get("candidates_per_retriever"))
