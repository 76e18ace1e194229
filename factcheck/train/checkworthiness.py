"""Trains the check-worthiness model on ClaimBuster and saves it without pickle (config.json + weights.npz).

Model selection and the decision threshold use 5-fold out-of-fold predictions on the training set; the
ClaimBuster test set is only scored at the end, for the model card. Fixed seed: reruns give the same model.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from factcheck.errors import InputError

__all__ = ["TrainResult", "load_claimbuster", "train_checkworthiness", "balanced_threshold", "SEED"]

SEED = 13
DENSE_C = (0.1, 0.3, 1.0)
NGRAM_SPECS = (
    {"kind": "ngram", "analyzer": "word", "ngram_range": [1, 2], "n_features": 2**18, "C": 3.0},
    {"kind": "ngram", "analyzer": "char_wb", "ngram_range": [2, 5], "n_features": 2**18, "C": 3.0},
)
BASELINE_C = 1.0


@dataclass
class TrainResult:
    """What training produced: test scores of the baseline and the model, and the choices made."""

    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    chosen: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def load_claimbuster(data_dir: Path, split: str) -> tuple[list[str], Any]:
    """Reads checkworthiness/claimbuster_two_class_{split}.json into texts and 0/1 labels."""
    import numpy as np

    path = data_dir / "checkworthiness" / f"claimbuster_two_class_{split}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read the ClaimBuster {split} set ({exc}); set --data-dir to ../shared/data") from None


def balanced_threshold(probs: Any, labels: Any) -> tuple[float, float]:
    """(F1, threshold): the threshold maximising positive-class F1 with both classes weighted equally."""
    import numpy as np
    from sklearn.metrics import f1_score

    weights = np.where(labels == 1, 0.5 / labels.mean(), 0.5 / (1 - labels.mean()))
    grid = np.round(np.linspace(0.05, 0.95, 91), 3)
    return max((float(f1_score(labels, probs >= t, sample_weight=weights)), float(t)) for t in grid)


def _metrics(labels: Any, predicted: Any) -> dict[str, float]:
    """F1, precision and recall of the positive class, and accuracy."""
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    return {
        "f1": round(float(f1_score(labels, predicted)), 4),
        "precision": round(float(precision_score(labels, predicted)), 4),
        "recall": round(float(recall_score(labels, predicted)), 4),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
    }


def _features(texts: list[str], embedder: Any, nlp: Any, progress: bool) -> tuple[Any, Any]:
    """Frozen sentence embeddings and hand features for a list of sentences."""
    import numpy as np

    from factcheck.claims.features import hand_features

    emb = embedder.encode(texts, batch_size=64, progress=progress)
    hand = np.array([hand_features(d) for d in nlp.pipe(texts, batch_size=256)], dtype=np.float32)
    return emb, hand


def _fit_dense(x: Any, y: Any, c: float) -> Callable[[Any], Any]:
    """Standardise + class-balanced logistic regression; returns predict-proba and its arrays."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(scaler.transform(x), y)

    def predict(z: Any) -> Any:
        return model.predict_proba(scaler.transform(z))[:, 1]

    predict.arrays = {"mean": scaler.mean_, "scale": scaler.scale_, "W0": model.coef_.T, "b0": model.intercept_}
    return predict


def _fit_ngram(texts: list[str], y: Any, spec: dict[str, Any]) -> Callable[[list[str]], Any]:
    """Hashed n-gram TF-IDF + class-balanced logistic regression; unseen n-grams get weight 0."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from factcheck.claims.checkworthy import ngram_matrix

    raw = ngram_matrix(texts, spec)
    df = np.bincount(raw.indices, minlength=spec["n_features"])
    idf = np.where(df > 0, np.log((1 + len(texts)) / (1 + df)) + 1.0, 0.0)
    x = ngram_matrix(texts, spec, idf)
    model = LogisticRegression(C=spec["C"], max_iter=5000, class_weight="balanced").fit(x, y)

    def predict(batch: list[str]) -> Any:
        return model.predict_proba(ngram_matrix(batch, spec, idf))[:, 1]

    predict.arrays = {"idf": idf, "coef": model.coef_.ravel(), "intercept": model.intercept_}
    return predict


def _out_of_fold(y: Any, fit: Callable[[Any], Callable], predict_on: Callable[[Any], Any]) -> Any:
    """5-fold out-of-fold probabilities for model selection and threshold tuning."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros(len(y))
    for train_idx, dev_idx in StratifiedKFold(5, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y):
        oof[dev_idx] = fit(train_idx)(predict_on(dev_idx))
    return oof


def _save(out: Path, members: list[dict], arrays: dict[str, Any], config: dict[str, Any]) -> None:
    """Writes weights.npz (no pickle) and config.json into a fresh folder, swapped in atomically."""
    import os
    import shutil
    import tempfile

    import numpy as np

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)
    arrays32 = {k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()}
    np.savez_compressed(tmp / "weights.npz", **arrays32)
    (tmp / "config.json").write_text(json.dumps({**config, "members": members}, indent=2) + "\n", encoding="utf-8")
    (tmp / "MODEL_CARD.md").write_text(model_card({**config, "members": members}), encoding="utf-8")
    old = out.with_name(out.name + ".old")
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _score_row(name: str, scores: dict[str, float]) -> str:
    """One Markdown table row of test scores."""
    return f"| {name} | {scores['f1']:.3f} | {scores['precision']:.3f} | {scores['recall']:.3f} | {scores['accuracy']:.3f} |"


def model_card(config: dict[str, Any]) -> str:
    """The MODEL_CARD.md text for a trained model, filled from its config."""
    scores, chosen = config["test_scores"], config["selection"]
    ngrams = [m for m in config["members"] if m["kind"] == "ngram"]
    ngram_text = "; ".join(f"{m['analyzer']} {m['ngram_range'][0]}-{m['ngram_range'][1]}-grams (C={m['C']})" for m in ngrams)
    return f"""# Check-worthiness model (factcheck)

Scores a sentence for whether it states a checkable fact worth checking (ClaimBuster's "check-worthy
factual sentence"). Used by `factcheck extract` to pick the sentences that become claims.

## Model
- Members, probabilities averaged: (1) logistic regression (C={chosen['dense_C']}, class-balanced) on
  standardised [frozen `{config['embedder']}` sentence embedding ({config['embedding_dim']} dims) + {len(config['features'])}
  hand features: numbers, percentages, money, years, named-entity counts by type ({config['spacy_model']}),
  comparatives/superlatives, tense, modals, negation, opinion/first-person/second-person/greeting markers,
  question/exclamation/quote marks, length]{'; ' + ngram_text + ' hashed TF-IDF logistic regressions' if ngrams else ''}.
- Decision threshold {config['threshold']} on the averaged probability, chosen to maximise positive-class F1 with
  the two classes weighted equally (prior-neutral: debate transcripts have 25 % check-worthy sentences, news
  articles many more) on 5-fold out-of-fold predictions of the training set. The score the tool reports is
  shifted so that 0.5 is this threshold: `score = sigmoid(logit(p) - logit(threshold))`.
- Files: `config.json` (members, feature names, threshold, embedder, version {config['version']}) and
  `weights.npz` (float32 arrays, loaded with `allow_pickle=False`). No pickles. Scoring runs offline.

## Data
- Training: ClaimBuster two-class train set, 7,976 sentences from US presidential debates (label 1 =
  check-worthy factual claim, 25 %), from utaresearch/claimbuster-spotter @ 332bba08 : data/two_class.
  Licence: repository GPL-3.0; the original ClaimBuster release is CC BY 4.0.
- Model selection and threshold: 5-fold cross-validation inside the training set (seed {config['seed']}).
- Held-out test: ClaimBuster two-class test set, 702 sentences (50 % positive), used only for the scores below.
- The CLEF 2020 CheckThat! sets in the data folder were not used.

## Scores on the held-out ClaimBuster two-class test set

| model | F1 (positive) | precision | recall | accuracy |
|---|---|---|---|---|
{_score_row("baseline: logistic regression on frozen MiniLM embeddings, threshold 0.5", scores['baseline'])}
{_score_row("this model", scores['model'])}

Out-of-fold balanced F1 on the training set: {chosen['oof_balanced_f1']}. Training time: {config['train_seconds']:.0f} s
on 2 shared CPU cores (embeddings included).

## Reproduce

```
factcheck train checkworthiness --data-dir ../shared/data --out factcheck/models/checkworthiness
```

Fixed seed; the same data and library versions give the same model.

## Limits
- Trained on debate speech; news sentences differ (reported speech, attributions). Scores are a ranking
  aid, not a verdict: review the extracted claims.
- English only.
"""


def train_checkworthiness(data_dir: Path, out: Path, embedder_name: str = "all-MiniLM-L6-v2",
                          progress: bool = True, log: Callable[[str], None] = print) -> TrainResult:
    """Trains, selects, tunes the threshold, scores the held-out test set and saves the model to `out`."""
    import numpy as np
    import spacy

    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.claims.features import FEATURE_NAMES
    from factcheck.embed import load_embedder

    started = time.time()
    texts, y = load_claimbuster(data_dir, "train")
    test_texts, test_y = load_claimbuster(data_dir, "test")
    embedder, nlp = load_embedder(embedder_name), spacy.load(SPACY_MODEL)
    log(f"features for {len(texts)} train and {len(test_texts)} test sentences")
    emb, hand = _features(texts, embedder, nlp, progress)
    test_emb, test_hand = _features(test_texts, embedder, nlp, progress)
    x, test_x = np.hstack([emb, hand]), np.hstack([test_emb, test_hand])
    result = TrainResult()

    baseline = _fit_dense(emb, y, BASELINE_C)
    result.scores["baseline"] = _metrics(test_y, baseline(test_emb) >= 0.5)
    log(f"baseline (LR on embeddings, threshold 0.5): test {result.scores['baseline']}")

    best = None
    for c in DENSE_C:
        oof = _out_of_fold(y, lambda idx, c=c: _fit_dense(x[idx], y[idx], c), lambda idx: x[idx])
        f1, _ = balanced_threshold(oof, y)
        log(f"dense C={c}: out-of-fold balanced F1 {f1:.4f}")
        if best is None or f1 > best[0]:
            best = (f1, c, oof)
    member_oof = [best[2]]
    for spec in NGRAM_SPECS:
        member_oof.append(_out_of_fold(y, lambda idx, spec=spec: _fit_ngram([texts[i] for i in idx], y[idx], spec),
                                       lambda idx: [texts[i] for i in idx]))
    options = [(balanced_threshold(np.mean(member_oof[: k + 1], axis=0), y), k) for k in range(len(member_oof))]
    for (f1, threshold), k in options:
        log(f"dense + {k} n-gram members: out-of-fold balanced F1 {f1:.4f} (threshold {threshold})")
    (oof_f1, threshold), n_ngram = max(options)

    dense = _fit_dense(x, y, best[1])
    members = [{"kind": "dense", "inputs": ["embedding", "hand"], "layers": 1, "C": best[1]}]
    arrays = {f"m0.{k}": v for k, v in dense.arrays.items()}
    member_probs = [dense(test_x)]
    for k, spec in enumerate(NGRAM_SPECS[:n_ngram], 1):
        ngram = _fit_ngram(texts, y, spec)
        members.append(dict(spec))
        arrays.update({f"m{k}.{name}": v for name, v in ngram.arrays.items()})
        member_probs.append(ngram(test_texts))
    result.scores["model"] = _metrics(test_y, np.mean(member_probs, axis=0) >= threshold)
    result.seconds = round(time.time() - started, 1)
    result.chosen = {"dense_C": best[1], "ngram_members": n_ngram, "threshold": threshold, "oof_balanced_f1": round(oof_f1, 4)}
    log(f"model: test {result.scores['model']} (threshold {threshold})")
    config = {
        "version": 1, "name": "factcheck-checkworthiness", "embedder": embedder.name, "spacy_model": SPACY_MODEL,
        "features": list(FEATURE_NAMES), "embedding_dim": int(emb.shape[1]),
        "threshold": threshold, "seed": SEED, "trained_on": "ClaimBuster two-class train (7,976 sentences)",
        "test_scores": result.scores, "selection": result.chosen, "train_seconds": result.seconds,
    }
    _save(out, members, arrays, config)
    return result
