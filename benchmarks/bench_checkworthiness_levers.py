"""Levers tried for ranking what fact-checkers check (held-out debates AP), each measured on its own in the
same run: the shipped dense member (logistic regression on the MiniLM embedding + hand features) against a
variant that changes one thing.

    .venv/bin/python benchmarks/bench_checkworthiness_levers.py             # prints the section and updates docs/benchmarks.md
    .venv/bin/python benchmarks/bench_checkworthiness_levers.py --no-write

Choices are made on the development debates (AP) and ClaimBuster's selection split (balanced F1, with its
threshold); the held-out debates and ClaimBuster's test set are reported only. Features come from the
training run's cache (runs/checkworthiness-cache; computed when missing, about an hour on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

SECTION = "## Check-worthiness levers (held-out debates AP)"
SHARES = {"claimbuster": 1.0, "debates": 1.0, "tweets": 0.2}  # the shipped dense member's source weights


def with_previous(data: dict, name: str):
    """Features plus the previous sentence's embedding, a has-previous flag and the cosine to it (debates in
    file order; ClaimBuster and tweets have no previous sentence)."""
    import numpy as np

    emb = data[f"{name}_emb"]
    if name.startswith("debates") or name == "heldout":
        prev, has = np.vstack([np.zeros((1, emb.shape[1]), np.float32), emb[:-1]]), np.ones((len(emb), 1), np.float32)
        has[0] = 0
    else:
        prev, has = np.zeros_like(emb), np.zeros((len(emb), 1), np.float32)
    return np.hstack([data[f"{name}_x"], prev, has, (prev * emb).sum(1, keepdims=True)])


def fit_mlp(x, y, spec: dict, weight):
    """Standardise + one ReLU layer and a logistic output (sklearn's MLPClassifier, weighted); predict-proba."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    model = MLPClassifier(hidden_layer_sizes=(spec["hidden"],), alpha=spec["alpha"], max_iter=spec["epochs"],
                          batch_size=256, random_state=13, early_stopping=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs
        model.fit(scaler.transform(x), y, sample_weight=weight)
    return lambda z: model.predict_proba(scaler.transform(z))[:, 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    import numpy as np
    import spacy
    from sklearn.metrics import f1_score

    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.embed import load_embedder
    from factcheck.settings import data_dir
    from factcheck.train import checkworthiness as train

    files, splits = train._read_files(data_dir(), None)
    data = train._with_features(files, splits, load_embedder(), spacy.load(SPACY_MODEL),
                                ROOT / "runs" / "checkworthiness-cache", False, lambda _m: None)
    parts = [(name, data[name].labels) for name in ("claimbuster", "debates", "tweets")]
    y = np.concatenate([labels for _, labels in parts])
    x = np.vstack([data[f"{name}_x"] for name, _ in parts])
    x_prev = np.vstack([with_previous(data, name) for name, _ in parts])

    def dense(shares, c=0.01):
        return lambda: (lambda f: lambda n: f(data[f"{n}_x"]))(train._fit_dense(x, y, c, train._source_weight(parts, shares)))

    def mlp(spec):
        return lambda: (lambda f: lambda n: f(data[f"{n}_x"]))(fit_mlp(x, y, spec, train._source_weight(parts, SHARES)))

    def previous():
        f = train._fit_dense(x_prev, y, 0.01, train._source_weight(parts, SHARES))
        return lambda n: f(with_previous(data, n))

    def knn(k=30):
        known, labels = data["claimbuster_emb"], data["claimbuster"].labels
        return lambda: lambda n: labels[np.argpartition(-(data[f"{n}_emb"] @ known.T), k, axis=1)[:, :k]].mean(1)

    levers = {
        "shipped dense member (logistic regression, source weights ClaimBuster 1, debates 1, tweets 0.2)": dense(SHARES),
        "class weights: debates twice as heavy": dense({**SHARES, "debates": 2.0}),
        "class weights: ClaimBuster twice as heavy": dense({**SHARES, "claimbuster": 2.0}),
        "class weights: ClaimBuster only": dense({"claimbuster": 1.0, "debates": 1e-6, "tweets": 1e-6}),
        "weaker regularisation (C 0.03)": dense(SHARES, 0.03),
        "small MLP: 64 ReLU units, L2 0.1, 10 epochs": mlp({"hidden": 64, "alpha": 0.1, "epochs": 10}),
        "small MLP: 64 ReLU units, L2 1.0, 10 epochs": mlp({"hidden": 64, "alpha": 1.0, "epochs": 10}),
        "more context: the previous sentence's embedding and its cosine": previous,
        "nearest ClaimBuster sentences (30, cosine)": knn(),
    }
    rows = []
    for name, fit in levers.items():
        start = time.perf_counter()
        predict = fit()
        seconds = time.perf_counter() - start
        dev_ap, _ = train._ranking(data["debates_dev"].labels, predict("debates_dev"))
        held_ap, held_p10 = train._ranking(data["heldout"].labels, predict("heldout"))
        f1, threshold = train.balanced_threshold(predict("claimbuster_dev"), data["claimbuster_dev"].labels)
        test_f1 = float(f1_score(data["test"].labels, predict("test") >= threshold))
        rows.append((name, dev_ap, held_ap, held_p10, f1, test_f1, seconds))
        print(rows[-1], flush=True)
    cpu = next((line.split(":", 1)[1].strip() for line in subprocess.run(["lscpu"], capture_output=True, text=True)
                .stdout.splitlines() if line.startswith("Model name")), "unknown CPU")
    lines = [SECTION, "",
             f"Run on {date.today().isoformat()} with `.venv/bin/python benchmarks/bench_checkworthiness_levers.py"
             f"{run_args()}` ({cpu}, 2 cores shared with other jobs). One member each, trained on the same data as "
             "the shipped model; development debates (6,106 sentences, 81 checked) for choosing, held-out debates "
             "(9,526, 90 checked) and ClaimBuster test (702) reported only. Target on the held-out test set "
             "outside the repository: AP ≥ 0.09.", "",
             "| lever | dev AP | held-out AP | held-out P@10 | ClaimBuster dev balanced F1 | ClaimBuster test F1 | fit s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {n} | {d:.4f} | {h:.4f} | {p:.2f} | {f:.3f} | {t:.3f} | {s:.0f} |" for n, d, h, p, f, t, s in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
