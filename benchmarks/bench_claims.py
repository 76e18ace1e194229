"""Benchmark of claim extraction: check-worthiness quality against the MiniLM baseline, extraction speed.

    .venv/bin/python benchmarks/bench_claims.py             # prints the section and updates docs/benchmarks.md
    .venv/bin/python benchmarks/bench_claims.py --no-write

1. Check-worthiness on the held-out ClaimBuster two-class test set (702 sentences): the model against the
   baseline the issue names (class-balanced logistic regression on frozen all-MiniLM-L6-v2 embeddings,
   threshold 0.5), both measured in the training run (config.json), and the shipped artifact re-scored here.
2. Extraction speed on the articles in ../shared/articles (and claims/example-article.md): the whole
   `ClaimExtractor.extract` against a bare spaCy parse of the same text, models already loaded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import write_section  # noqa: E402

SECTION = "## Check-worthiness"


def _row(name: str, m: dict) -> str:
    return f"| {name} | {m['f1']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['accuracy']:.3f} |"


def quality(extractor, data_dir: Path) -> tuple[dict, dict, dict]:
    """Test-set scores: baseline and model as measured by the training run, and the shipped model now."""
    from factcheck.train.checkworthiness import _metrics, load_claimbuster

    config = extractor.scorer.config
    test_texts, test_y = load_claimbuster(data_dir, "test")
    scores = extractor.scorer.score(test_texts, list(extractor.nlp.pipe(test_texts)))
    return config["test_scores"]["baseline"], config["test_scores"]["model"], _metrics(test_y, scores >= 0.5)


def speed(extractor, paths: list[Path], rounds: int = 3) -> list[tuple[str, int, float, float]]:
    """(name, sentences, extract seconds, bare parse seconds), best of `rounds`, models warm."""
    from factcheck.claims.clean import read_article

    rows = []
    for path in paths:
        article = read_article(path)
        extractor.extract(article)  # warm-up
        full = min(_timed(lambda: extractor.extract(article, min_score=0.0)) for _ in range(rounds))
        bare = min(_timed(lambda: extractor.nlp(article.text)) for _ in range(rounds))
        count = len(extractor.sentences(article))
        rows.append((path.name, count, full, bare))
    return rows


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def section(base: dict, model: dict, live: dict, rows: list) -> str:
    lines = [
        SECTION, "",
        f"Run on {date.today().isoformat()} with `.venv/bin/python benchmarks/bench_claims.py` (2 shared CPU cores).", "",
        "**Quality** on the held-out ClaimBuster two-class test set (702 sentences, 50 % check-worthy). The",
        "baseline and the model were both measured by the training run (`factcheck train checkworthiness`,",
        "same process, same embeddings); the last row re-scores the shipped artifact here:", "",
        "| model | F1 (positive) | precision | recall | accuracy |", "|---|---:|---:|---:|---:|",
        _row("baseline: logistic regression on frozen MiniLM embeddings", base),
        _row("this model, at training", model),
        _row("shipped artifact `factcheck/models/checkworthiness`, re-scored now", live),
        f"| **F1 gain over the baseline** | **{live['f1'] - base['f1']:+.3f}** | | | |", "",
        "**Extraction speed**, models loaded (best of 3; `extract` = segmentation, scoring of every sentence,",
        "attribution, splitting, quantities, dates, entities):", "",
        "| article | sentences | extract s | bare spaCy parse s | ratio |", "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {n} | {c} | {f:.2f} | {b:.2f} | {f / b:.1f}× |" for n, c, f, b in rows]
    lines += ["", "Training time and the model's choices are in `factcheck/models/checkworthiness/MODEL_CARD.md`."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    from factcheck.claims import ClaimExtractor
    from factcheck.settings import data_dir

    extractor = ClaimExtractor()
    base, model, live = quality(extractor, data_dir())
    paths = sorted((data_dir().parent / "articles").glob("*.txt")) + [ROOT / "claims" / "example-article.md"]
    text = section(base, model, live, speed(extractor, paths))
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
