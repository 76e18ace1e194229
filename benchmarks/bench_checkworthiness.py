"""Benchmark of check-worthiness ranking and speed: the current model against the previous one (and the
issue's baseline, logistic regression on frozen MiniLM embeddings), in the same run.

    .venv/bin/python benchmarks/bench_checkworthiness.py             # prints the section and updates docs/benchmarks.md
    .venv/bin/python benchmarks/bench_checkworthiness.py --no-write

1. Ranking on the held-out CLEF 2020 CheckThat! debates (the last debates of
   clef2020_task5_debates/train.tsv, from row 33,250: 9,526 sentences, 90 checked by journalists; never
   used for training or for choosing the model): average precision (the task's measure) and P@10.
2. ClaimBuster two-class test F1 at the decision threshold (0.5 on the shipped score).
3. Speed: sentences scored per second (spaCy parses given, as in `factcheck extract`), best of 3 on the
   same held-out sentences, both models loaded, and the current model's head alone when the sentence
   embeddings are given (the pipeline computes them anyway for retrieval).

Both models get the sentence embeddings precomputed (from the training run's feature cache in
runs/checkworthiness-cache when there); the previous model's scores are cached in runs/ (its fine-tuned
member runs MiniLM again); delete runs/bench-checkworthiness-cache to recompute them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from bench_standalone import BASELINE_COMMIT, baseline_model  # noqa: E402
from docs_section import run_args, write_section  # noqa: E402

SECTION = "## Check-worthiness ranking and speed"
CACHE = ROOT / "runs" / "bench-checkworthiness-cache"
SPEED_SENTENCES = 256


def cached_scores(model, texts: list[str], docs, embeddings, name: str, cache: Path = CACHE):
    """The model's scores of `texts` (sentence embeddings given), cached by model weights and texts: the
    previous model's fine-tuned member runs MiniLM again, at about 27 sentences a second."""
    import numpy as np

    key = hashlib.sha1((Path(model.folder) / "weights.npz").read_bytes())
    key.update("\n".join(texts).encode("utf-8"))
    path = cache / f"{name}-{key.hexdigest()[:16]}.npy"
    if path.is_file():
        return np.load(path, allow_pickle=False)
    scores = model.score(texts, docs, embeddings=embeddings)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, scores)
    return scores


def precision_at(labels, scores, k: int = 10) -> float:
    """Share of check-worthy sentences among the k best scored."""
    import numpy as np

    return float(labels[np.argsort(-scores, kind="stable")[:k]].mean())


def ranking(labels, scores) -> dict[str, float]:
    """Average precision and P@10."""
    from sklearn.metrics import average_precision_score

    return {"ap": round(float(average_precision_score(labels, scores)), 4), "p10": round(precision_at(labels, scores), 3)}


def speed(model, texts: list[str], docs, embeddings=None, rounds: int = 3) -> float:
    """Sentences per second, best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        model.score(texts, docs, embeddings=embeddings) if embeddings is not None else model.score(texts, docs)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def section(rows: list[tuple[str, dict, dict, float, float]], held, test, speeds: dict[str, float], cpu: str) -> str:
    """The Markdown section."""
    lines = [
        SECTION, "",
        f"Run on {date.today().isoformat()} with `.venv/bin/python benchmarks/bench_checkworthiness.py{run_args()}` "
        f"({cpu}, 2 cores shared with other jobs).", "",
        f"Held-out CLEF 2020 CheckThat! debates: the last debates of `clef2020_task5_debates/train.tsv` (from row "
        f"33,250; {len(held)} sentences, {int(held.labels.sum())} checked by journalists), never used in training or "
        f"model selection. ClaimBuster two-class test: {len(test)} sentences. The previous model is the one at git "
        f"{BASELINE_COMMIT}.", "",
        "| model | held-out debates AP | P@10 | share scored ≥ 0.5 | ClaimBuster test F1 |", "|---|---:|---:|---:|---:|",
    ]
    for name, rank, _test, share, f1 in rows:
        lines.append(f"| {name} | {rank['ap']:.3f} | {rank['p10']:.2f} | {share:.1%} | {f1:.3f} |")
    lines += ["", f"**Speed** on {SPEED_SENTENCES} held-out sentences, spaCy parses given, best of 3, same process:", "",
              "| scorer | sentences/s | vs previous |", "|---|---:|---:|"]
    base = speeds["previous model"]
    for name, value in speeds.items():
        lines.append(f"| {name} | {value:.1f} | {value / base:.1f}x |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--baseline-model", type=Path, default=ROOT / "runs" / "checkworthiness-v1",
                        help=f"the previous model's folder (taken from git {BASELINE_COMMIT} when missing)")
    args = parser.parse_args()

    import subprocess

    import spacy
    from sklearn.metrics import f1_score

    from factcheck.claims.checkworthy import CheckworthinessModel
    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.embed import load_embedder
    from factcheck.settings import data_dir
    from factcheck.train.checkworthiness_data import (
        HELD_OUT_START, cached_features, debate_blocks, read_claimbuster, read_debates,
    )

    cpu = next((line.split(":", 1)[1].strip() for line in subprocess.run(["lscpu"], capture_output=True, text=True)
                .stdout.splitlines() if line.startswith("Model name")), "unknown CPU")
    embedder, nlp = load_embedder(), spacy.load(SPACY_MODEL)
    debates, test = read_debates(data_dir()), read_claimbuster(data_dir(), "test")
    held = debate_blocks(debates)[2]
    features = ROOT / "runs" / "checkworthiness-cache"  # the training run's feature cache, when there
    held_emb = cached_features(debates.texts, embedder, nlp, features)[0][HELD_OUT_START:]
    test_emb = cached_features(test.texts, embedder, nlp, features)[0]
    held_docs, test_docs = list(nlp.pipe(held.texts, batch_size=256)), list(nlp.pipe(test.texts, batch_size=256))
    models = {"previous model": CheckworthinessModel.load(baseline_model(args.baseline_model), embedder=embedder),
              "this model": CheckworthinessModel.load(embedder=embedder)}
    rows = []
    for name, model in models.items():
        held_scores = cached_scores(model, held.texts, held_docs, held_emb, f"held-{name.split()[0]}")
        test_scores = cached_scores(model, test.texts, test_docs, test_emb, f"test-{name.split()[0]}")
        rows.append((name, ranking(held.labels, held_scores), {}, float((held_scores >= 0.5).mean()),
                     float(f1_score(test.labels, test_scores >= 0.5))))
    texts, docs = held.texts[:SPEED_SENTENCES], held_docs[:SPEED_SENTENCES]
    speeds = {name: speed(model, texts, docs) for name, model in models.items()}
    embeddings = embedder.encode(texts)
    speeds["this model, embeddings given"] = speed(models["this model"], texts, docs, embeddings)
    text = section(rows, held, test, speeds, cpu)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
