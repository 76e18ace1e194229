"""Trains the check-worthiness model on ClaimBuster and saves it without pickle (config.json + weights.npz).

Candidate members are fitted on 85 % of the training set; the members to average and the decision threshold
are chosen on the other 15 %. The ClaimBuster test set is only scored at the end, for the model card.
Fixed seed: reruns give the same model (up to floating-point differences across machines).
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
DEV_SHARE = 0.15
EPOCHS = 2
FINETUNE_SPEC = {"kind": "finetuned", "start_layer": 4, "lr": 1e-4, "batch_size": 32}


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


def _finetune(texts: list[str], y: Any, embedder: Any, spec: dict[str, Any], progress: bool,
              log: Callable[[str], None]) -> Callable[[list[str]], Any]:
    """Fine-tunes copies of the embedder's top layers and a logistic head (the bottom stays frozen and
    its token states are computed once); returns predict-proba with the weights to save."""
    import torch

    from factcheck.claims.finetuned import TopLayers, encoder_parts, pad

    torch.manual_seed(SEED)
    auto, tokenizer = encoder_parts(embedder)
    states = _frozen_states(auto, tokenizer, texts, spec["start_layer"], progress)
    top = TopLayers(auto, spec["start_layer"])
    optimizer = torch.optim.AdamW(top.parameters(), lr=spec["lr"], weight_decay=0.01)
    batches = [_length_batches(states, epoch) for epoch in range(spec["epochs"])]
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=spec["lr"], total_steps=sum(map(len, batches)),
                                                   pct_start=0.1)
    weight = torch.tensor(float((1 - y.mean()) / y.mean()))
    for epoch, epoch_batches in enumerate(batches):
        top.train(True)
        for batch in _progress(epoch_batches, progress, f"fine-tuning, epoch {epoch + 1}"):
            logits = top.logits(*pad([states[i] for i in batch]))
            target = torch.tensor(y[batch], dtype=torch.float32)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target, pos_weight=weight)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        log(f"fine-tuning epoch {epoch + 1}/{spec['epochs']} done")
    top.train(False)

    def predict(batch: list[str]) -> Any:
        return top.probabilities(auto, tokenizer, batch)

    predict.arrays = top.state_arrays("")
    return predict


def _frozen_states(auto: Any, tokenizer: Any, texts: list[str], start: int, progress: bool) -> list[Any]:
    """Per-sentence token states after the frozen bottom layers (shortest first, batched)."""
    import numpy as np

    from factcheck.claims.finetuned import bottom_states

    order = np.argsort([len(t) for t in texts])
    states: list[Any] = [None] * len(texts)
    for i in _progress(range(0, len(texts), 64), progress, "frozen layers"):
        idx = order[i: i + 64]
        batch, mask = bottom_states(auto, tokenizer, [texts[j] for j in idx], start)
        for row, j in enumerate(idx):
            states[j] = batch[row, : int(mask[row].sum())].clone()
    return states


def _length_batches(states: list[Any], epoch: int, size: int = 32) -> list[Any]:
    """Shuffled batches of similar-length sentences (little padding), reproducible per epoch."""
    import numpy as np

    rng = np.random.RandomState(SEED + epoch)
    lengths = np.array([s.shape[0] for s in states])
    order = rng.permutation(len(states))
    batches = []
    for start in range(0, len(order), size * 20):
        chunk = order[start: start + size * 20]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i: i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def _progress(items: Any, show: bool, desc: str) -> Any:
    """Wraps an iterable in a tqdm bar when asked."""
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, leave=False)


def _save(out: Path, members: list[dict], arrays: dict[str, Any], config: dict[str, Any]) -> None:
    """Writes weights.npz (no pickle) and config.json into a fresh folder, swapped in atomically."""
    import os
    import shutil
    import tempfile

    import numpy as np

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)
    half = {f"m{k}." for k, m in enumerate(members) if m["kind"] == "finetuned"}  # transformer layers: float16
    typed = {k: np.asarray(v, dtype=np.float16 if any(k.startswith(h) for h in half) else np.float32)
             for k, v in arrays.items()}
    np.savez_compressed(tmp / "weights.npz", **typed)
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


def _describe(member: dict[str, Any], config: dict[str, Any]) -> str:
    """One line of the model card for a member."""
    if member["kind"] == "dense":
        return (f"logistic regression (C={member['C']}, class-balanced) on standardised [frozen `{config['embedder']}` "
                f"sentence embedding ({config['embedding_dim']} dims) + {len(config['features'])} hand features: numbers, "
                "percentages, money, years, named-entity counts by type, comparatives/superlatives, tense, modals, "
                "negation, opinion/first-person/second-person/greeting markers, question/exclamation/quote marks, length]")
    if member["kind"] == "ngram":
        low, high = member["ngram_range"]
        return f"logistic regression (C={member['C']}) on hashed TF-IDF {member['analyzer']} {low}-{high}-grams"
    return (f"`{config['embedder']}` with layers {member['start_layer']}+ fine-tuned ({member['epochs']} epochs, "
            f"lr {member['lr']}, class-weighted), mean pooling and a logistic head; the frozen bottom layers are "
            "the bundled embedder's own, only the top layers (float16) and the head are stored")


def model_card(config: dict[str, Any]) -> str:
    """The MODEL_CARD.md text for a trained model, filled from its config."""
    scores, chosen = config["test_scores"], config["selection"]
    members = "\n".join(f"  {i + 1}. {_describe(m, config)}." for i, m in enumerate(config["members"]))
    return f"""# Check-worthiness model (factcheck)

Scores a sentence for whether it states a checkable fact worth checking (ClaimBuster's "check-worthy
factual sentence"). Used by `factcheck extract` to pick the sentences that become claims.

## Model
- The probabilities of these members are averaged:
{members}
- Decision threshold {config['threshold']} on the averaged probability, chosen (with the members) to maximise
  positive-class F1 with the two classes weighted equally (prior-neutral: debate transcripts have 25 %
  check-worthy sentences, news articles many more) on the held-out 15 % of the training set. The score
  the tool reports is shifted so that 0.5 is this threshold: `score = sigmoid(logit(p) - logit(threshold))`.
- Files: `config.json` (members, feature names, threshold, embedder, spaCy model, version {config['version']})
  and `weights.npz` (float32/float16 arrays, loaded with `allow_pickle=False`). No pickles; scoring runs
  offline with the bundled embedder and `{config['spacy_model']}`.

## Data
- Training: ClaimBuster two-class train set, 7,976 sentences from US presidential debates (label 1 =
  check-worthy factual claim, 25 %), from utaresearch/claimbuster-spotter @ 332bba08 : data/two_class.
  Licence: repository GPL-3.0; the original ClaimBuster release is CC BY 4.0.
  {config['trained_on']} (stratified, seed {config['seed']}).
- Held-out test: ClaimBuster two-class test set, 702 sentences (50 % positive), used only for the scores below.
- The CLEF 2020 CheckThat! sets in the data folder were not used.

## Scores on the held-out ClaimBuster two-class test set

| model | F1 (positive) | precision | recall | accuracy |
|---|---|---|---|---|
{_score_row("baseline: logistic regression on frozen MiniLM embeddings (full train set), threshold 0.5", scores['baseline'])}
{_score_row("this model", scores['model'])}

Balanced F1 on the selection split: {chosen['dev_balanced_f1']}. Training time: {config['train_seconds']:.0f} s on
2 shared CPU cores (embeddings and fine-tuning included).

## Reproduce

```
factcheck train checkworthiness --data-dir ../shared/data --out factcheck/models/checkworthiness
```

Fixed seed; the same data and library versions give the same model (float rounding may differ across CPUs).

## Limits
- Trained on debate speech; news sentences differ (reported speech, attributions). Scores are a ranking
  aid, not a verdict: review the extracted claims.
- English only.
"""


def _select(member_dev: list[Any], dev_y: Any, log: Callable[[str], None]) -> tuple[float, float, tuple[int, ...]]:
    """The subset of members whose averaged dev probabilities give the best balanced F1: (F1, threshold, subset)."""
    import itertools

    import numpy as np

    best = (-1.0, 0.5, (0,))
    for k in range(1, len(member_dev) + 1):
        for subset in itertools.combinations(range(len(member_dev)), k):
            f1, threshold = balanced_threshold(np.mean([member_dev[i] for i in subset], axis=0), dev_y)
            log(f"members {subset}: dev balanced F1 {f1:.4f} (threshold {threshold})")
            best = max(best, (f1, threshold, subset))
    return best


def _fit_members(texts: list[str], x: Any, y: Any, fit_idx: Any, embedder: Any, epochs: int, progress: bool,
                 log: Callable[[str], None]) -> list[tuple[dict[str, Any], Callable[[Any, list[str]], Any]]]:
    """Fits every candidate member on the training part: (spec, predict(features, texts))."""
    part = [texts[i] for i in fit_idx]
    members = []
    for c in DENSE_C:
        dense = _fit_dense(x[fit_idx], y[fit_idx], c)
        members.append(({"kind": "dense", "inputs": ["embedding", "hand"], "layers": 1, "C": c, "arrays": dense.arrays},
                         lambda feats, _texts, dense=dense: dense(feats)))
    for spec in NGRAM_SPECS:
        ngram = _fit_ngram(part, y[fit_idx], spec)
        members.append(({**spec, "arrays": ngram.arrays}, lambda _feats, batch, ngram=ngram: ngram(batch)))
    if epochs > 0:
        spec = {**FINETUNE_SPEC, "epochs": epochs}
        tuned = _finetune(part, y[fit_idx], embedder, spec, progress, log)
        members.append(({**spec, "arrays": tuned.arrays}, lambda _feats, batch, tuned=tuned: tuned(batch)))
    return members


def train_checkworthiness(data_dir: Path, out: Path, embedder_name: str = "all-MiniLM-L6-v2", epochs: int = EPOCHS,
                          progress: bool = True, log: Callable[[str], None] = print) -> TrainResult:
    """Trains the candidate members on 85 % of the training set, picks members and threshold on the other
    15 %, scores the held-out test set and saves the model to `out`."""
    import numpy as np
    import spacy
    from sklearn.model_selection import train_test_split

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

    fit_idx, dev_idx = train_test_split(np.arange(len(y)), test_size=DEV_SHARE, random_state=SEED, stratify=y)
    members = _fit_members(texts, x, y, fit_idx, embedder, epochs, progress, log)
    dev_texts = [texts[i] for i in dev_idx]
    member_dev = [predict(x[dev_idx], dev_texts) for _, predict in members]
    dev_f1, threshold, subset = _select(member_dev, y[dev_idx], log)
    test_probs = np.mean([members[i][1](test_x, test_texts) for i in subset], axis=0)
    result.scores["model"] = _metrics(test_y, test_probs >= threshold)
    result.seconds = round(time.time() - started, 1)
    chosen = [members[i][0] for i in subset]
    result.chosen = {"members": [{k: v for k, v in m.items() if k != "arrays"} for m in chosen],
                     "threshold": threshold, "dev_balanced_f1": round(dev_f1, 4)}
    log(f"model: test {result.scores['model']} (threshold {threshold})")
    arrays = {f"m{k}.{name}": v for k, m in enumerate(chosen) for name, v in m["arrays"].items()}
    config = {
        "version": 1, "name": "factcheck-checkworthiness", "embedder": embedder.name, "spacy_model": SPACY_MODEL,
        "features": list(FEATURE_NAMES), "embedding_dim": int(emb.shape[1]), "threshold": threshold, "seed": SEED,
        "trained_on": f"ClaimBuster two-class train: {len(fit_idx)} sentences; {len(dev_idx)} held out for selection",
        "test_scores": result.scores, "selection": result.chosen, "train_seconds": result.seconds,
    }
    _save(out, result.chosen["members"], arrays, config)
    return result
