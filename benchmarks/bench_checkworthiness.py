"""Benchmark of check-worthiness ranking and speed: the shipped model (git 3102ff9) against the issue's model
(a fine-tuned MiniLM member, git e43aa39), in the same run.

    .venv/bin/python benchmarks/bench_checkworthiness.py             # prints the section and updates docs/benchmarks.md
    .venv/bin/python benchmarks/bench_checkworthiness.py --no-write
    .venv/bin/python benchmarks/bench_checkworthiness.py --candidate runs/cw-ft   # also a model folder not shipped

1. Ranking on the held-out CLEF 2020 CheckThat! debates (the last debates of
   clef2020_task5_debates/train.tsv, from row 33,250: 9,526 sentences, 90 checked by journalists; never
   used for training or for choosing the model): average precision (the task's measure) and P@10.
2. ClaimBuster two-class test F1 at the decision threshold (0.5 on the shipped score).
3. Speed: sentences scored per second (spaCy parses given, as in `factcheck extract`), best of 3 on the
   same held-out sentences, every model loaded in this process: each model scoring alone (it embeds the
   sentences itself, as `factcheck extract` does), the shipped model inside the pipeline (`factcheck
   article` and `serve` hand it the run's embedder, which keeps each sentence's vector for the claim's
   retrieval and evidence selection: scoring reuses the vectors, MiniLM runs once per sentence), and
   MiniLM's embedding alone.

The ranking scores are cached in runs/bench-checkworthiness-cache by model weights and texts (the
issue's model runs MiniLM a second time for its fine-tuned member); delete the folder to recompute them.
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
PREVIOUS_COMMIT = "fe04831"  # the last commit with the model before the fine-tuned MiniLM member (frozen features)
CACHE = ROOT / "runs" / "bench-checkworthiness-cache"
SPEED_SENTENCES = 256


def cached_scores(model, texts: list[str], docs, embeddings, name: str, cache: Path = CACHE):
    """The model's scores of `texts` (sentence embeddings given), cached by model weights and texts: the
    previous model's fine-tuned member runs MiniLM again, at about 27 sentences a second."""
    import numpy as np

    key = hashlib.sha1((Path(model.folder) / "weights.npz").read_bytes())
    for onnx in sorted(Path(model.folder).glob("*/*.onnx")):  # a fine-tuned member's graph
        key.update(onnx.read_bytes())
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


def speed(run, n: int, rounds: int = 3) -> float:
    """Items per second of `run()` over n items, best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return n / best


def section(rows: list[tuple[str, dict, float, float]], held, test, speeds: dict[str, float], cpu: str,
            runs: dict[str, tuple[int, int, float]]) -> str:
    """The Markdown section."""
    lines = [
        SECTION, "",
        f"Run on {date.today().isoformat()} with `.venv/bin/python benchmarks/bench_checkworthiness.py{run_args()}` "
        f"({cpu}, 2 cores shared with other jobs).", "",
        f"Held-out CLEF 2020 CheckThat! debates: the last debates of `clef2020_task5_debates/train.tsv` (from row "
        f"33,250; {len(held)} sentences, {int(held.labels.sum())} checked by journalists), never used in training or "
        f"model selection. ClaimBuster two-class test: {len(test)} sentences. The issue's model is the one at git "
        f"{BASELINE_COMMIT}.", "",
        "| model | held-out debates AP | P@10 | share scored ≥ 0.5 | ClaimBuster test F1 |", "|---|---:|---:|---:|---:|",
    ]
    for name, rank, share, f1 in rows:
        lines.append(f"| {name} | {rank['ap']:.3f} | {rank['p10']:.2f} | {share:.1%} | {f1:.3f} |")
    lines += ["", f"**Speed** on {SPEED_SENTENCES} held-out sentences, spaCy parses given, best of 3, same process:", "",
              "| scorer | sentences/s | vs the issue's model |", "|---|---:|---:|"]
    base = next(iter(speeds.values()))
    for name, value in speeds.items():
        lines.append(f"| {name} | {value:.1f} | {value / base:.1f}x |")
    lines += ["", "**`factcheck article`** on the real article (`../shared/articles`) against an index of "
              "`../shared/reference`, the shipped models, best of 2:", "",
              "| run | texts MiniLM encoded | claims | seconds |", "|---|---:|---:|---:|"]
    for name, (texts, claims, seconds) in runs.items():
        lines.append(f"| {name} | {texts} | {claims} | {seconds:.1f} |")
    return "\n".join(lines) + "\n"


class CountingEmbedder:
    """Passes texts to an embedder and counts them (the texts MiniLM actually encodes)."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.texts = inner, inner.name, inner.dim, 0

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        self.texts += len(texts)
        return self.inner.encode(texts, batch_size=batch_size, progress=progress)


def article_runs(embedder, shared: Path) -> dict[str, tuple[int, int, float]]:
    """`factcheck article` on the real article against an index of ../shared/reference, as before (the
    extractor with an embedder of its own, each text embedded wherever it is needed) and now (one embedder
    that keeps the run's vectors): (texts MiniLM encoded, claims, seconds), best of 2."""
    import tempfile

    from factcheck.claims import ClaimExtractor
    from factcheck.claims.clean import read_article
    from factcheck.embed import ReusingEmbedder
    from factcheck.index import build_index
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever
    from factcheck.verify import load_verifier

    verifier = load_verifier("bundled")
    article = read_article(next((shared / "articles").glob("*.txt")))
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        build_index([shared / "reference"], Path(tmp) / "index", embedder=embedder, progress=False)
        for name, reuse in (("before: the extractor embeds, then retrieval embeds the claims again", False),
                            ("after: one embedder keeps each sentence's vector", True)):
            best = None
            for _ in range(2):
                counting = CountingEmbedder(embedder)
                shared_embedder = ReusingEmbedder(counting) if reuse else counting
                checker = Checker(Retriever(Path(tmp) / "index", embedder=shared_embedder), verifier, shared_embedder)
                extractor = ClaimExtractor(embedder=shared_embedder if reuse else CountingEmbedder(embedder))
                start = time.perf_counter()
                claims = extractor.extract(article)
                checker.check(claims)
                seconds = time.perf_counter() - start
                texts = counting.texts + (0 if reuse else extractor.scorer.embedder.texts)
                best = min(best or (texts, len(claims), seconds), (texts, len(claims), seconds), key=lambda r: r[2])
            found[name] = best
    return found


def model_commit(name: str) -> str:
    """The git commit a compared model was taken from ("" for the shipped one)."""
    return {"issue's model": BASELINE_COMMIT, "previous model": PREVIOUS_COMMIT}.get(name, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--baseline-model", type=Path, default=ROOT / "runs" / "checkworthiness-v1",
                        help=f"the issue's model's folder (taken from git {BASELINE_COMMIT} when missing)")
    parser.add_argument("--previous-model", type=Path, default=None,
                        help=f"also score the model shipped before the fine-tuned member (this folder; taken from git "
                             f"{PREVIOUS_COMMIT} when missing)")
    parser.add_argument("--candidate", type=Path, action="append", default=[],
                        help="also score this model folder (a candidate not shipped); repeatable")
    args = parser.parse_args()

    import subprocess

    import spacy
    from sklearn.metrics import f1_score

    from factcheck.claims.checkworthy import CheckworthinessModel
    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.embed import ReusingEmbedder, load_embedder
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
    models = {"issue's model": CheckworthinessModel.load(baseline_model(args.baseline_model), embedder=embedder)}
    if args.previous_model is not None:
        models["previous model"] = CheckworthinessModel.load(baseline_model(args.previous_model, PREVIOUS_COMMIT),
                                                             embedder=embedder)
    models["this model"] = CheckworthinessModel.load(embedder=embedder)
    for folder in args.candidate:
        models[f"candidate {folder.name}"] = CheckworthinessModel.load(folder, embedder=embedder)
    rows = []
    for name, model in models.items():
        tag = name.split()[0] if name.split()[0] != "candidate" else name.replace(" ", "-")
        held_scores = cached_scores(model, held.texts, held_docs, held_emb, f"held-{tag}")
        test_scores = cached_scores(model, test.texts, test_docs, test_emb, f"test-{tag}")
        rows.append((f"{name} (git {model_commit(name)})" if model_commit(name) else name,
                     ranking(held.labels, held_scores), float((held_scores >= 0.5).mean()),
                     float(f1_score(test.labels, test_scores >= 0.5))))
    texts, docs = held.texts[:SPEED_SENTENCES], held_docs[:SPEED_SENTENCES]
    speeds = {f"{name}, scoring alone (embeds the sentences itself)": speed(lambda m=model: m.score(texts, docs),
                                                                           len(texts))
              for name, model in models.items()}
    shared = ReusingEmbedder(embedder)
    shared.encode(texts)  # the pipeline's one MiniLM pass over the sentences
    in_pipeline = CheckworthinessModel.load(embedder=shared)
    speeds["this model in the pipeline (the run's embedder holds the sentence vectors)"] = speed(
        lambda: in_pipeline.score(texts, docs), len(texts))
    speeds["MiniLM sentence embedding alone"] = speed(lambda: embedder.encode(texts), len(texts))
    speeds["spaCy parse alone (for reference)"] = speed(lambda: list(nlp.pipe(texts, batch_size=256)), len(texts))
    runs = article_runs(embedder, data_dir().parent)
    text = section(rows, held, test, speeds, cpu, runs)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
