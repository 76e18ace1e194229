"""Selective verdicts: precision and coverage of SUPPORTED and REFUTED at each threshold, end to end, on
the held-out labelled claims of `factcheck train verdict-confidence` (SciFact dev split over the SciFact
abstracts; FEVER dev split over every FEVER evidence text, about a third made NOT_ENOUGH_INFO).

Each claim is checked once with the relevance gate off (cached as a report in --work-dir, reused while
the verdict model is the same); the verdict under each support / refute threshold, and under the rule that a
refutation must share the claim's subject words, is then recomputed from the recorded model probabilities,
numeric checks and similarities. Precision of a verdict = share of the claims given it whose gold label
it is; coverage = share of the claims with that gold label that get it.

    .venv/bin/python benchmarks/bench_selective.py [--fever-claims 1000] [--write]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from bench_gate_open import adjusted_at, cached_results, words_of  # noqa: E402
from docs_section import run_args, write_section  # noqa: E402

from factcheck.verify.aggregate import (  # noqa: E402
    LEAN_REFUTE,
    LEAN_SUPPORT,
    MIN_SIMILARITY,
    REFUTE_MIN_WORDS,
    REFUTE_THRESHOLD,
    SUPPORT_MIN_WORDS,
    SUPPORT_THRESHOLD,
    decide,
)

HEADING = "## Selective verdicts"
OVERLAPS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)  # share of the claim's content words a deciding sentence must state
SUPPORTS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
REFUTES = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)
TARGET = 0.85


def verdicts(adjusted: list, words: list, support: float, refute: float, support_words: float = SUPPORT_MIN_WORDS,
             refute_words: float = REFUTE_MIN_WORDS) -> list[str]:
    """The verdict of every claim under these thresholds (lean thresholds capped at them)."""
    return [decide(a, w, support=support, refute=refute, lean_support=min(LEAN_SUPPORT, support),
                   lean_refute=min(LEAN_REFUTE, refute), support_words=support_words, refute_words=refute_words).verdict
            for a, w in zip(adjusted, words)]


def precision_coverage(gold: list[str], pred: list[str], verdict: str) -> tuple[float, float, int]:
    """Precision of `verdict`, its coverage of the gold claims with that label, and how often it was given."""
    given = [g for g, p in zip(gold, pred) if p == verdict]
    wanted = sum(g == verdict for g in gold)
    right = sum(g == verdict for g in given)
    return (right / len(given) if given else float("nan")), (right / wanted if wanted else float("nan")), len(given)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=Path("runs/verdict-confidence"))
    parser.add_argument("--fever-claims", type=int, default=1000)
    parser.add_argument("--verifier", default="bundled")
    parser.add_argument("--sets", default="scifact,fever", help="which held-out claim sets, comma-separated")
    parser.add_argument("--write", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args()

    from factcheck.settings import data_dir
    from factcheck.train.verdicts import fever_dev, scifact_dev
    from factcheck.verify import load_verifier

    verifier = load_verifier(args.verifier)
    makers = {"scifact": lambda: scifact_dev(data_dir()), "fever": lambda: fever_dev(data_dir(), claims=args.fever_claims)}
    rows, overlap_rows = [], []
    for name in args.sets.split(","):
        data = makers[name]()
        results = cached_results(data, verifier, args.work_dir)
        gold = [ex.label for ex in data.examples]
        adjusted = [adjusted_at(r, MIN_SIMILARITY) for r in results]
        words = [words_of(r) for r in results]
        label = f"{data.name} ({len(gold)})"
        for t in SUPPORTS:
            p, c, n = precision_coverage(gold, verdicts(adjusted, words, t, 2.0, support_words=0.0), "SUPPORTED")
            rows.append(("SUPPORTED", label, t, p, c, n, False))
        for t in REFUTES:
            p, c, n = precision_coverage(gold, verdicts(adjusted, words, 2.0, t, refute_words=0.0), "REFUTED")
            rows.append(("REFUTED", label, t, p, c, n, False))
        for least in OVERLAPS:
            for verdict, thresholds in (("SUPPORTED", (0.5, 0.85, 0.9)), ("REFUTED", (0.6, 0.8, 0.9))):
                for t in thresholds:
                    pred = (verdicts(adjusted, words, t, 2.0, support_words=least) if verdict == "SUPPORTED"
                            else verdicts(adjusted, words, 2.0, t, refute_words=least))
                    p, c, n = precision_coverage(gold, pred, verdict)
                    default = t == (SUPPORT_THRESHOLD if verdict == "SUPPORTED" else REFUTE_THRESHOLD) and least == (
                        SUPPORT_MIN_WORDS if verdict == "SUPPORTED" else REFUTE_MIN_WORDS)
                    overlap_rows.append(f"| {verdict} | {label} | {least} | {t}{' (default)' if default else ''} | "
                                        f"{p:.3f} | {c:.3f} | {n} |")
        pred = verdicts(adjusted, words, SUPPORT_THRESHOLD, REFUTE_THRESHOLD)
        for verdict in ("SUPPORTED", "REFUTED"):
            p, c, n = precision_coverage(gold, pred, verdict)
            rows.append((verdict, label, "all rules (default)", p, c, n, False))
        acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
        rows.append(("all", label, f"{SUPPORT_THRESHOLD}/{REFUTE_THRESHOLD}", acc, float("nan"), len(gold), True))
        baseline = verdicts(adjusted, words, 0.5, 0.6, support_words=0.0, refute_words=0.0)
        rows.append(("all", label, "0.5/0.6, no word rule (before)",
                     sum(g == p for g, p in zip(gold, baseline)) / len(gold), float("nan"), len(gold), False))
    table = ["| verdict | held-out claims | threshold | precision | coverage | verdicts given |", "|---|---|---|---|---|---|"]
    for verdict, label, t, p, c, n, default in rows:
        if verdict == "all":
            table.append(f"| all verdicts (accuracy) | {label} | {t} | {p:.3f} | | {n} |")
            continue
        mark = " (default)" if default else ""
        ok = "**" if p == p and p >= TARGET else ""
        table.append(f"| {verdict} | {label} | {t}{mark} | {ok}{p:.3f}{ok} | {c:.3f} | {n} |")
    text = f"""{HEADING}

Verdict model `{verifier.name}`. Each held-out claim is checked once with the relevance gate off; the verdict at each
threshold is recomputed from the recorded probabilities (the other side's threshold set out of reach, so each row
measures one verdict alone). Precision: share of the verdicts given that match the gold label (target ≥ {TARGET});
coverage: share of the claims with that gold label that get it. Below a threshold, down to {LEAN_SUPPORT} (support)
or {LEAN_REFUTE} (refutation), the verdict is NOT_ENOUGH_INFO and the report says which way the evidence leans.

{chr(10).join(table)}

A verdict only from a sentence that states at least a share of the claim's content words (`shared_words`: stop words
removed, five-letter stems), at three thresholds each (`SUPPORT_MIN_WORDS`, `REFUTE_MIN_WORDS`):

| verdict | held-out claims | least share of claim words | threshold | precision | coverage | verdicts given |
|---|---|---|---|---|---|---|
{chr(10).join(overlap_rows)}

    .venv/bin/python benchmarks/bench_selective.py{run_args()}
"""
    print(text)
    if args.write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
