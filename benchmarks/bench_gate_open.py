"""Verdict accuracy end to end at each relevance gate, refute threshold and conflict threshold, on the held-out labelled claims of
`factcheck train verdict-confidence` (SciFact dev split over the SciFact abstracts; FEVER dev split
over every FEVER evidence text, about a third made NOT_ENOUGH_INFO by removing their evidence).

Each claim is checked once with the gate off; the verdict under each gate (and, at the default gate, each
probability a refutation needs and each level at which two-sided evidence stays CONFLICTING) is then
recomputed from the recorded model probabilities, numeric checks and similarities (none of them changes
anything else).
The indexes are the ones `factcheck train verdict-confidence` builds (reused from --work-dir).

    .venv/bin/python benchmarks/bench_gate_open.py [--fever-claims 1000] [--write]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

from factcheck.evidence import shared_words  # noqa: E402
from factcheck.verify.aggregate import (  # noqa: E402
    CONFLICT_THRESHOLD,
    REFUTE_THRESHOLD,
    SUPPORT_THRESHOLD,
    adjust_probs,
    claim_words,
    decide,
    is_relevant,
)
from factcheck.verify.direction import direction_conflicts  # noqa: E402
from factcheck.verify.numeric import NumericCheck, Outcome  # noqa: E402

GATES = (0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6)
REFUTES = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
CONFLICTS = (0.0, 0.8, 0.9, 0.95)  # 0.0: CONFLICTING whenever both sides pass (before 2026-11-28)
HEADING = "## Relevance gate, end to end"


def verdict_at(result, gate: float, refute: float = REFUTE_THRESHOLD, conflict: float = CONFLICT_THRESHOLD) -> str:
    """The verdict of a checked claim had the gate, refute and conflict thresholds been these (the other rules,
    the support threshold and the claim-word shares, as in force)."""
    return decide(adjusted_at(result, gate), words_of(result), refute=refute, conflict=conflict).verdict


def words_of(result) -> list[float]:
    """The share of the claim's content words each evidence sentence states (as the pipeline records it)."""
    return [claim_words(shared_words(result.claim.text, e.sentence), NumericCheck(**e.numeric)) for e in result.evidence]


def cached_results(data, verifier, work_dir: Path) -> list:
    """Gate-off checks of a data set, read from the cache when it was made by the same verdict model."""
    from factcheck.report.jsonl import read_report, write_report

    cache = work_dir / f"gate-off-{verifier.name}-{data.name}-{len(data.examples)}.jsonl"
    if cache.is_file():
        return read_report(cache)
    results = check_with_gate_off(data, verifier, work_dir)
    write_report(cache, results)
    return results




def adjusted_at(result, gate: float) -> list[tuple[float, float, float]]:
    """A checked claim's per-evidence probabilities after the relevance gate `gate` and the numeric checks,
    recomputed from the recorded model probabilities, checks and similarities (the direction check, when a
    report from before it has none, from the texts)."""
    adjusted = []
    for e in result.evidence:
        model = (e.probs["model_entailment"], e.probs["model_contradiction"], e.probs["model_neutral"])
        check = NumericCheck(**e.numeric)
        if "direction" not in e.numeric and direction_conflicts(result.claim.text, e.sentence):
            check = replace(check, direction=Outcome.DISAGREE)
        adjusted.append(adjust_probs(model, check, is_relevant(e.scores.get("similarity", 1.0), check, gate))[0])
    return adjusted


def check_with_gate_off(data, verifier, work_dir: Path) -> list:
    """Every claim of a labelled data set checked once, gate off, over its index in work_dir."""
    from factcheck.eval.modes import ensure_index
    from factcheck.pipeline import Checker
    from factcheck.records import Claim
    from factcheck.retrieve import Retriever

    retriever = Retriever(ensure_index(data, work_dir / f"{data.name}-index"), mode="hybrid")
    checker = Checker(retriever, verifier, retriever.embedder, min_similarity=0.0)
    results = []
    for start in range(0, len(data.examples), 16):
        chunk = data.examples[start:start + 16]
        results += checker.check([Claim(id=ex.id, text=ex.claim) for ex in chunk])
    return results


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    """Verdict accuracy, macro-F1, REFUTED precision and recall, SUPPORTED recall, and how often
    claims with evidence are called NOT_ENOUGH_INFO (missed) and claims without it rightly are."""
    from sklearn.metrics import f1_score, precision_score, recall_score

    found = [p for g, p in zip(gold, pred) if g != "NOT_ENOUGH_INFO"]
    nei = [p for g, p in zip(gold, pred) if g == "NOT_ENOUGH_INFO"]
    return {
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "macro_f1": f1_score(gold, pred, average="macro", labels=sorted(set(gold)), zero_division=0),
        "refuted_precision": precision_score(gold, pred, labels=["REFUTED"], average="macro", zero_division=0),
        "refuted_recall": recall_score(gold, pred, labels=["REFUTED"], average="macro", zero_division=0),
        "supported_recall": recall_score(gold, pred, labels=["SUPPORTED"], average="macro", zero_division=0),
        "missed": sum(p == "NOT_ENOUGH_INFO" for p in found) / max(1, len(found)),
        "nei_right": sum(p == "NOT_ENOUGH_INFO" for p in nei) / max(1, len(nei)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=Path("runs/verdict-confidence"))
    parser.add_argument("--fever-claims", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args()

    from factcheck.settings import data_dir
    from factcheck.train.verdicts import fever_dev, scifact_dev
    from factcheck.verify import load_verifier
    from factcheck.verify.aggregate import MIN_SIMILARITY

    verifier = load_verifier("bundled")
    gate_rows, refute_rows, conflict_rows = [], [], []
    for data in (scifact_dev(data_dir()), fever_dev(data_dir(), claims=args.fever_claims)):
        results = cached_results(data, verifier, args.work_dir)
        gold = [ex.label for ex in data.examples]
        name = f"{data.name} ({len(gold)} claims)"
        for gate in GATES:
            m = scores(gold, [verdict_at(r, gate) for r in results])
            gate_rows.append(f"| {name} | {gate}{' (default)' if gate == MIN_SIMILARITY else ''} | {m['accuracy']:.3f} | "
                             f"{m['macro_f1']:.3f} | {m['missed']:.2f} | {m['nei_right']:.2f} |")
        for refute in REFUTES:
            m = scores(gold, [verdict_at(r, MIN_SIMILARITY, refute) for r in results])
            refute_rows.append(f"| {name} | {refute}{' (default)' if refute == REFUTE_THRESHOLD else ''} | "
                               f"{m['accuracy']:.3f} | {m['macro_f1']:.3f} | {m['refuted_precision']:.3f} | "
                               f"{m['refuted_recall']:.3f} | {m['supported_recall']:.3f} |")
        for conflict in CONFLICTS:
            pred = [verdict_at(r, MIN_SIMILARITY, conflict=conflict) for r in results]
            m = scores(gold, pred)
            conflict_rows.append(f"| {name} | {conflict}{' (default)' if conflict == CONFLICT_THRESHOLD else ''} | "
                                 f"{pred.count('CONFLICTING')} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} |")
    gates = "\n".join(["| held-out claims | gate (cosine) | verdict accuracy | macro-F1 | supported/refuted claims called NEI | NEI claims called NEI |",
                       "|---|---|---|---|---|---|", *gate_rows])
    refutes = "\n".join(["| held-out claims | refute threshold | verdict accuracy | macro-F1 | REFUTED precision | REFUTED recall | SUPPORTED recall |",
                         "|---|---|---|---|---|---|---|", *refute_rows])
    conflicts = "\n".join(["| held-out claims | conflict threshold | CONFLICTING verdicts | verdict accuracy | macro-F1 |",
                           "|---|---|---|---|---|", *conflict_rows])
    text = f"""{HEADING}

Verdict model `{verifier.name}`; every claim checked once with the gate off, the verdict recomputed
for each gate from the recorded probabilities, numeric checks and similarities, under the rules in force (support
{SUPPORT_THRESHOLD}, refutation {REFUTE_THRESHOLD}, the claim-word shares, the direction check; "Selective verdicts").

{gates}

The probability a refutation needs (`REFUTE_THRESHOLD`; support needs {SUPPORT_THRESHOLD}, and each a share of the claim's words), at
the default gate:

{refutes}

When support and refutation both pass, a stronger support wins unless the refutation reaches the conflict
threshold (`CONFLICT_THRESHOLD`) too; otherwise the verdict is CONFLICTING. At the default gate and refute threshold:

{conflicts}

    .venv/bin/python benchmarks/bench_gate_open.py{run_args()}
"""
    print(text)
    if args.write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
