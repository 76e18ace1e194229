"""Trains the check-worthiness model on what fact-checkers chose and saves it without pickle (config.json +
weights.npz, MODEL_CARD.md rendered from the run's data).

Training data: ClaimBuster two-class train (85 %), the CLEF 2020 CheckThat! debates before the development
block, and the CLEF 2020 tweets (checkworthiness_data.py). Each source's two classes weigh the same, and each
source gets a share of the total weight (SOURCE_WEIGHTS). Candidate members: logistic regressions on the
frozen sentence embedding + hand features, and on hashed n-grams. The members to average are chosen on the
development debates (average precision, the CheckThat! measure) among those that keep ClaimBuster's
balanced F1 on its held-out 15 %; the decision threshold is tuned on that 15 %. The held-out debates and
the ClaimBuster test set are only scored at the end, for the model card. Fixed seed: reruns give the same
model (up to floating-point differences across machines).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

__all__ = ["TrainResult", "load_claimbuster", "train_checkworthiness", "balanced_threshold", "SEED", "DEFAULT_CACHE"]

SEED = 13
DENSE_C = (0.01, 0.03, 0.1)
NGRAM_SPECS = (
    {"kind": "ngram", "analyzer": "word", "ngram_range": [1, 2], "n_features": 2**18, "C": 3.0},
    {"kind": "ngram", "analyzer": "char_wb", "ngram_range": [2, 5], "n_features": 2**18, "C": 3.0},
)
SOURCE_WEIGHTS = ({"claimbuster": 1.0, "debates": 1.0, "tweets": 0.2},
                  {"claimbuster": 1.0, "debates": 2.0, "tweets": 0.2})
BASELINE_C = 1.0
DEV_SHARE = 0.15
F1_TOLERANCE = 0.01  # members may lose this much ClaimBuster dev F1 against the best subset for a better AP
# Epochs of the fine-tuned MiniLM member (checkworthiness_finetune.FINETUNE_SPEC); 0 leaves it out. Not shipped:
# with 3 epochs the held-out debates AP rose (0.060 -> 0.068) but ClaimBuster test F1 fell (docs/benchmarks.md,
# "Check-worthiness: fine-tuned MiniLM member"), so the default reproduces the model without it.
EPOCHS = 0
FINETUNE_SHARES = SOURCE_WEIGHTS[0]
MAX_MEMBERS = 3  # frozen-feature members averaged; the fine-tuned member, when trained, may join them
DEFAULT_CACHE = Path("runs") / "checkworthiness-cache"  # relative to the working folder, as the CLI default


@dataclass
class TrainResult:
    """What training produced: test scores of the baseline and the model, and the choices made."""

    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    chosen: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def load_claimbuster(data_dir: Path, split: str) -> tuple[list[str], Any]:
    """Reads checkworthiness/claimbuster_two_class_{split}.json into texts and 0/1 labels."""
    from factcheck.train.checkworthiness_data import read_claimbuster

    sentences = read_claimbuster(data_dir, split)
    return sentences.texts, sentences.labels


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


def _fit_dense(x: Any, y: Any, c: float, weight: Any = None) -> Callable[[Any], Any]:
    """Standardise + logistic regression (class-balanced, or weighted by `weight`); returns predict-proba
    with its arrays."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    balance = "balanced" if weight is None else None
    model = LogisticRegression(C=c, max_iter=5000, class_weight=balance).fit(scaler.transform(x), y, sample_weight=weight)

    def predict(z: Any) -> Any:
        return model.predict_proba(scaler.transform(z))[:, 1]

    predict.arrays = {"mean": scaler.mean_, "scale": scaler.scale_, "W0": model.coef_.T, "b0": model.intercept_}
    return predict


def _fit_ngram(texts: list[str], y: Any, spec: dict[str, Any], weight: Any = None) -> Callable[[list[str]], Any]:
    """Hashed n-gram TF-IDF + logistic regression (class-balanced, or weighted by `weight`); unseen n-grams
    get weight 0."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from factcheck.claims.checkworthy import ngram_matrix

    raw = ngram_matrix(texts, spec)
    df = np.bincount(raw.indices, minlength=spec["n_features"])
    idf = np.where(df > 0, np.log((1 + len(texts)) / (1 + df)) + 1.0, 0.0)
    x = ngram_matrix(texts, spec, idf)
    balance = "balanced" if weight is None else None
    model = LogisticRegression(C=spec["C"], max_iter=5000, class_weight=balance).fit(x, y, sample_weight=weight)

    def predict(batch: list[str]) -> Any:
        return model.predict_proba(ngram_matrix(batch, spec, idf))[:, 1]

    predict.arrays = {"idf": idf, "coef": model.coef_.ravel(), "intercept": model.intercept_}
    return predict


def _progress(items: Any, show: bool, desc: str) -> Any:
    """Wraps an iterable in a tqdm bar when asked."""
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, leave=False)


def _save(out: Path, members: list[dict], arrays: dict[str, Any], config: dict[str, Any],
          folders: dict[str, Path] | None = None) -> None:
    """Writes weights.npz (no pickle), config.json, MODEL_CARD.md and the members' ONNX folders (`folders`: name
    in the model folder -> where it was built) into a fresh folder, swapped in atomically."""
    import numpy as np

    from factcheck.textio import atomic_dir

    half = {f"m{k}." for k, m in enumerate(members) if m["kind"] == "finetuned"}  # transformer layers: float16
    typed = {k: np.asarray(v, dtype=np.float16 if any(k.startswith(h) for h in half) else np.float32)
             for k, v in arrays.items()}
    with atomic_dir(out) as tmp:
        np.savez_compressed(tmp / "weights.npz", **typed)
        (tmp / "config.json").write_text(json.dumps({**config, "members": members}, indent=2) + "\n", encoding="utf-8")
        (tmp / "MODEL_CARD.md").write_text(model_card({**config, "members": members}), encoding="utf-8")
        for name, built in (folders or {}).items():
            shutil.copytree(built, tmp / name)


def _describe(member: dict[str, Any], config: dict[str, Any]) -> str:
    """One line of the model card for a member."""
    sources = ", ".join(f"{k} {v:g}" for k, v in member.get("source_weights", {}).items())
    weighting = f"each source's classes balanced, source weights {sources}" if sources else "class-balanced"
    if member["kind"] == "dense":
        return (f"logistic regression (C={member['C']}, {weighting}) on standardised [frozen `{config['embedder']}` "
                f"sentence embedding ({config['embedding_dim']} dims) + {len(config['features'])} hand features: numbers, "
                "percentages, money, years, named-entity counts by type, comparatives/superlatives, tense, modals, "
                "negation, opinion/first-person/second-person/greeting markers, question/exclamation/quote marks, length]")
    if member["kind"] == "ngram":
        low, high = member["ngram_range"]
        return f"logistic regression (C={member['C']}, {weighting}) on hashed TF-IDF {member['analyzer']} {low}-{high}-grams"
    if member["kind"] == "finetuned-onnx":
        negatives = ", ".join(f"{n:,} {k} negatives" for k, n in member["negatives"].items())
        return (f"`{config['embedder']}` fine-tuned as a sentence classifier: layers {member['start_layer']}+ "
                f"trained ({member['epochs']} epochs, lr {member['lr']}, batch {member['batch_size']}, one-cycle schedule, "
                f"{weighting}; each epoch samples {negatives} anew), mean pooling and a logistic head; exported with the "
                f"frozen bottom layers as one int8 ONNX graph (`{member['folder']}/`, inputs truncated at "
                f"{member['max_length']} tokens), run with onnxruntime")
    return (f"`{config['embedder']}` with layers {member['start_layer']}+ fine-tuned ({member['epochs']} epochs, "
            f"lr {member['lr']}, class-weighted), mean pooling and a logistic head; the frozen bottom layers are "
            "the bundled embedder's own, only the top layers (float16) and the head are stored")


def _row(name: str, s: dict[str, Any]) -> str:
    """One Markdown row: held-out debates AP and P@10, ClaimBuster test F1, precision, recall."""
    return (f"| {name} | {s['heldout_ap']:.3f} | {s['heldout_p10']:.2f} | {s['heldout_flagged']:.1%} | {s['f1']:.3f} | "
            f"{s['precision']:.3f} | {s['recall']:.3f} |")


def model_card(config: dict[str, Any]) -> str:
    """The MODEL_CARD.md text for a trained model (templates/checkworthiness_card.md), filled from its config."""
    from factcheck.train.cards import fill_template
    from factcheck.train.checkworthiness_data import DEV_START, HELD_OUT_START

    scores, chosen, data = config["test_scores"], config["selection"], config["data"]
    members = "\n".join(f"  {i + 1}. {_describe(m, config)}." for i, m in enumerate(config["members"]))
    sizes = "\n".join(f"  - {name}: {n['sentences']:,} sentences, {n['positive']:,} check-worthy" for name, n in data.items())
    held_out = next((n["sentences"] for name, n in data.items() if name.endswith("heldout")), None)
    onnx = [m for m in config["members"] if m["kind"] == "finetuned-onnx"]
    scoring = "; the fine-tuned member runs its own int8 MiniLM pass, the rest is a few matrix products" if onnx else (
        "; the rest is a few matrix products")
    files = "".join(f", and `{m['folder']}/` (the fine-tuned member: `model-int8.onnx`, about 22 MB, its tokenizer "
                    "and `quantization.json`)" for m in onnx)
    return fill_template(
        "checkworthiness_card.md", members=members, scoring=scoring, files=files, sizes=sizes, dev_ap=chosen["dev_ap"],
        dev_p10=chosen["dev_p10"],
        f1_tolerance=chosen["f1_tolerance"], threshold=config["threshold"], dev_balanced_f1=chosen["dev_balanced_f1"],
        version=config["version"], spacy_model=config["spacy_model"], seed=config["seed"],
        fit_pct=f"{1 - DEV_SHARE:.0%}".rstrip("%"), threshold_pct=f"{DEV_SHARE:.0%}".rstrip("%"),
        dev_start_prev=f"{DEV_START - 1:,}", dev_start=f"{DEV_START:,}", held_out_start_prev=f"{HELD_OUT_START - 1:,}",
        held_out_start=f"{HELD_OUT_START:,}", held_out_end=f"{HELD_OUT_START + held_out - 1:,}" if held_out else "the end",
        baseline_row=_row("baseline: logistic regression on frozen MiniLM embeddings (ClaimBuster train, class-balanced)",
                          scores["baseline"]),
        model_row=_row("this model", scores["model"]), train_seconds=f"{config['train_seconds']:.0f}", cache=config["cache"],
    )


@dataclass
class _Candidate:
    """A fitted candidate member: its spec (with arrays) and its predictions on the dev and test sets."""

    spec: dict[str, Any]
    predict: Callable[[Any, list[str]], Any]


def _source_weight(parts: list[tuple[str, Any]], shares: dict[str, float]) -> Any:
    """Sample weights: within each source the two classes weigh the same; each source weighs its share."""
    import numpy as np

    weights = []
    for name, y in parts:
        pos = max(float(y.mean()), 1e-9)
        weights.append(np.where(y == 1, 0.5 / pos, 0.5 / max(1 - pos, 1e-9)) * shares[name] / len(y))
    weight = np.concatenate(weights)
    return weight * len(weight) / weight.sum()


def _fit_members(data: dict[str, Any], embedder: Any, epochs: int, cache: Path | None, progress: bool,
                 log: Callable[[str], None]) -> list[_Candidate]:
    """Fits every candidate member on the training sources."""
    import numpy as np

    parts = [(name, data[name].labels) for name in ("claimbuster", "debates", "tweets")]
    texts = [t for name, _ in parts for t in data[name].texts]
    x = np.vstack([data[f"{name}_x"] for name, _ in parts])
    y = np.concatenate([labels for _, labels in parts])
    found = []
    for shares in SOURCE_WEIGHTS:
        weight = _source_weight(parts, shares)
        for c in DENSE_C:
            dense = _fit_dense(x, y, c, weight)
            spec = {"kind": "dense", "inputs": ["embedding", "hand"], "layers": 1, "C": c, "source_weights": shares}
            found.append(_Candidate({**spec, "arrays": dense.arrays}, lambda feats, _texts, f=dense: f(feats)))
            log(f"dense C={c} {shares} fitted")
        for spec in NGRAM_SPECS:
            ngram = _fit_ngram(texts, y, spec, weight)
            found.append(_Candidate({**spec, "source_weights": shares, "arrays": ngram.arrays},
                                    lambda _feats, batch, f=ngram: f(batch)))
            log(f"{spec['analyzer']} n-grams {shares} fitted")
    if epochs > 0:
        found.append(_finetuned_candidate(data, embedder, epochs, cache, progress, log))
    return found


def _finetuned_candidate(data: dict[str, Any], embedder: Any, epochs: int, cache: Path | None, progress: bool,
                         log: Callable[[str], None]) -> _Candidate:
    """Fine-tunes the MiniLM member (epoch checkpoints in the cache), exports it as int8 ONNX to a temporary
    folder and scores with that graph, as the saved model will."""
    import tempfile

    from factcheck.claims.finetuned import onnx_probabilities
    from factcheck.quantized import OnnxEncoder
    from factcheck.train.checkworthiness_finetune import FINETUNE_SPEC, export_member, finetune_member

    spec = {**FINETUNE_SPEC, "epochs": epochs}
    sources = ("claimbuster", "debates", "tweets")
    top = finetune_member({n: data[n].texts for n in sources}, {n: data[n].labels for n in sources}, FINETUNE_SHARES,
                          embedder, spec, SEED, cache, lambda items, desc: _progress(items, progress, desc), log)
    staging = Path(tempfile.mkdtemp(prefix="checkworthiness-member-")) / spec["folder"]
    encoder = OnnxEncoder(export_member(top, embedder, staging, spec))
    log(f"fine-tuned member exported as int8 ONNX to {staging}")
    return _Candidate({**spec, "source_weights": FINETUNE_SHARES, "arrays": {}, "staging": staging},
                      lambda _feats, batch: onnx_probabilities(encoder, batch))


def _ranking(labels: Any, probs: Any) -> tuple[float, float]:
    """(average precision, precision among the 10 best scored)."""
    import numpy as np
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(labels, probs)), float(labels[np.argsort(-probs, kind="stable")[:10]].mean())


def _select(dev_probs: list[Any], debate_y: Any, cb_probs: list[Any], cb_y: Any, log: Callable[[str], None],
            max_members: int = MAX_MEMBERS) -> dict[str, Any]:
    """The subset of members (up to `max_members`) with the best development-debates AP among those within
    F1_TOLERANCE of the best ClaimBuster balanced F1; with its threshold."""
    import itertools

    import numpy as np

    rows = []
    for k in range(1, max_members + 1):
        for subset in itertools.combinations(range(len(dev_probs)), k):
            f1, threshold = balanced_threshold(np.mean([cb_probs[i] for i in subset], axis=0), cb_y)
            ap, p10 = _ranking(debate_y, np.mean([dev_probs[i] for i in subset], axis=0))
            rows.append((subset, f1, threshold, ap, p10))
    best_f1 = max(r[1] for r in rows)
    subset, f1, threshold, ap, p10 = max((r for r in rows if r[1] >= best_f1 - F1_TOLERANCE), key=lambda r: (r[3], r[1]))
    log(f"chosen members {subset}: dev AP {ap:.4f}, P@10 {p10:.2f}, ClaimBuster dev balanced F1 {f1:.4f} "
        f"(best {best_f1:.4f}), threshold {threshold}")
    return {"subset": subset, "dev_balanced_f1": round(f1, 4), "threshold": threshold, "dev_ap": round(ap, 4),
            "dev_p10": round(p10, 2), "f1_tolerance": F1_TOLERANCE}


def _scores(probs: Any, threshold: float, held: Any, test: Any) -> dict[str, Any]:
    """Held-out debates ranking and ClaimBuster test classification scores of one model's probabilities."""
    ap, p10 = _ranking(held.labels, probs[:len(held)])
    return {"heldout_ap": round(ap, 4), "heldout_p10": round(p10, 2),
            "heldout_flagged": round(float((probs[:len(held)] >= threshold).mean()), 4),
            **_metrics(test.labels, probs[len(held):] >= threshold)}


def _read_files(data_dir: Path, blocks: tuple[int, int] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The data files, and the splits made of them: name -> (file, rows, name in the model card)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    from factcheck.train.checkworthiness_data import (
        DEV_START, HELD_OUT_START, debate_blocks, read_claimbuster, read_debates, read_tweets,
    )

    files = {"claimbuster": read_claimbuster(data_dir, "train"), "debates": read_debates(data_dir),
             "tweets": read_tweets(data_dir), "test": read_claimbuster(data_dir, "test")}
    fit_idx, dev_idx = train_test_split(np.arange(len(files["claimbuster"])), test_size=DEV_SHARE, random_state=SEED,
                                        stratify=files["claimbuster"].labels)
    dev_start, held_start = blocks or (DEV_START, HELD_OUT_START)
    debate_blocks(files["debates"], dev_start, held_start)  # checks the cut
    evaluation = {_normal(t) for t in files["debates"].texts[dev_start:]}  # ClaimBuster repeats some debates
    fit_idx = np.array([i for i in fit_idx if _normal(files["claimbuster"].texts[i]) not in evaluation])
    debates = np.arange(len(files["debates"]))
    splits = {
        "claimbuster": ("claimbuster", fit_idx, "claimbuster-train-fit"),
        "claimbuster_dev": ("claimbuster", dev_idx, "claimbuster-train-threshold"),
        "debates": ("debates", debates[:dev_start], "clef2020-debates-train"),
        "debates_dev": ("debates", debates[dev_start:held_start], "clef2020-debates-dev"),
        "heldout": ("debates", debates[held_start:], "clef2020-debates-heldout"),
        "tweets": ("tweets", np.arange(len(files["tweets"])), "clef2020-tweets"),
        "test": ("test", np.arange(len(files["test"])), "claimbuster-test"),
    }
    return files, splits


def _normal(text: str) -> str:
    """A sentence compared case- and space-insensitively."""
    return " ".join(text.lower().split())


def _with_features(files: dict[str, Any], splits: dict[str, Any], embedder: Any, nlp: Any, cache: Path | None,
                   progress: bool, log: Callable[[str], None]) -> dict[str, Any]:
    """Each split with its features (`<name>_x`: embedding + hand features, `<name>_emb`: embedding).
    Features are computed per file, so the cache serves every split."""
    import numpy as np

    from factcheck.train.checkworthiness_data import Sentences, cached_features

    features = {}
    for name, sentences in files.items():
        log(f"features: {sentences.name} ({len(sentences)} sentences)")
        features[name] = cached_features(sentences.texts, embedder, nlp, cache, progress)
    data: dict[str, Any] = {}
    for name, (source, rows, title) in splits.items():
        emb, hand = features[source]
        texts = files[source].texts
        data[name] = Sentences(title, [texts[i] for i in rows], files[source].labels[rows])
        data[f"{name}_x"], data[f"{name}_emb"] = np.hstack([emb[rows], hand[rows]]), emb[rows]
    return data


def _need_onnx() -> None:
    """Fails early, with the fix, when the onnx package (to export the fine-tuned member) is missing."""
    try:
        import onnx  # noqa: F401
    except ImportError:
        from factcheck.errors import ModelError

        raise ModelError("the fine-tuned check-worthiness member is exported with the onnx package, which is not "
                         "installed; run: pip install onnx (or train without it: --epochs 0)") from None


def train_checkworthiness(data_dir: Path, out: Path, embedder_name: str = "all-MiniLM-L6-v2", epochs: int = EPOCHS,
                          progress: bool = True, log: Callable[[str], None] = print,
                          cache: Path | None = DEFAULT_CACHE, blocks: tuple[int, int] | None = None) -> TrainResult:
    """Trains candidate members on ClaimBuster, the training debates and the tweets, chooses members on the
    development debates and the threshold on ClaimBuster's selection split, scores the held-out debates and
    the ClaimBuster test set, and saves the model to `out`. `blocks` moves the (development, held-out) cut
    of the debates file (tests on a small copy)."""
    import numpy as np
    import spacy

    from factcheck.claims.checkworthy import MODEL_VERSION
    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.claims.features import FEATURE_NAMES
    from factcheck.embed import load_embedder

    started = time.time()
    if epochs > 0:
        _need_onnx()
    files, splits = _read_files(data_dir, blocks)  # bad data fails before the models load
    embedder, nlp = load_embedder(embedder_name), spacy.load(SPACY_MODEL)
    data = _with_features(files, splits, embedder, nlp, cache, progress, log)
    held, test = data["heldout"], data["test"]
    result = TrainResult()
    baseline = _fit_dense(np.vstack([data["claimbuster_emb"], data["claimbuster_dev_emb"]]),
                          np.concatenate([data["claimbuster"].labels, data["claimbuster_dev"].labels]), BASELINE_C)
    result.scores["baseline"] = _scores(baseline(np.vstack([data["heldout_emb"], data["test_emb"]])), 0.5, held, test)
    log(f"baseline (LR on embeddings): {result.scores['baseline']}")

    candidates = _fit_members(data, embedder, epochs, cache, progress, log)
    predict = lambda c, name: c.predict(data[f"{name}_x"], data[name].texts)  # noqa: E731
    chosen = _select([predict(c, "debates_dev") for c in candidates], data["debates_dev"].labels,
                     [predict(c, "claimbuster_dev") for c in candidates], data["claimbuster_dev"].labels, log,
                     MAX_MEMBERS + (epochs > 0))
    members = [candidates[i] for i in chosen["subset"]]
    probs = np.mean([np.concatenate([predict(c, "heldout"), predict(c, "test")]) for c in members], axis=0)
    result.scores["model"] = _scores(probs, chosen["threshold"], held, test)
    result.seconds = round(time.time() - started, 1)
    log(f"model: {result.scores['model']}")
    specs = [{k: v for k, v in c.spec.items() if k not in ("arrays", "staging")} for c in members]
    result.chosen = {"members": specs, **{k: v for k, v in chosen.items() if k != "subset"}}
    arrays = {f"m{k}.{name}": v for k, c in enumerate(members) for name, v in c.spec["arrays"].items()}
    sizes = {data[k].name: {"sentences": len(data[k]), "positive": int(data[k].labels.sum())}
             for k in ("claimbuster", "claimbuster_dev", "debates", "debates_dev", "heldout", "tweets", "test")}
    config = {
        "version": MODEL_VERSION if any(m["kind"] == "finetuned-onnx" for m in specs) else 1,  # v1 readers read the rest
        "name": "factcheck-checkworthiness", "embedder": embedder.name, "spacy_model": SPACY_MODEL,
        "features": list(FEATURE_NAMES), "embedding_dim": int(data["test_emb"].shape[1]),
        "threshold": chosen["threshold"], "seed": SEED, "data": sizes, "test_scores": result.scores,
        "selection": result.chosen, "train_seconds": result.seconds, "cache": str(cache),
    }
    _save(out, specs, arrays, config, {c.spec["folder"]: c.spec["staging"] for c in members if "staging" in c.spec})
    for c in candidates:
        if "staging" in c.spec:
            shutil.rmtree(c.spec["staging"].parent, ignore_errors=True)
    return result
