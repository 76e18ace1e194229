"""Verdict accuracy end to end at each relevance-gate setting, on the held-out labelled claims of
`factcheck train verdict-confidence` (SciFact dev split over the SciFact abstracts; FEVER dev split
over every FEVER evidence text, about a third made NOT_ENOUGH_INFO by removing their evidence).

Each claim is checked once with the gate off; the verdict under each gate is then recomputed from the
recorded model probabilities, numeric checks and similarities (the gate changes nothing else).
The indexes are the ones `factcheck train verdict-confidence` builds (reused from --work-dir).

    .venv/bin/python benchmarks/bench_gate_open.py [--fever-claims 1000] [--write]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

from factcheck.verify.aggregate import adjust_probs, decide  # noqa: E402
from factcheck.verify.numeric import NumericCheck  # noqa: E402

GATES = (0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6)
HEADING = "## Relevance gate, end to end"


def verdict_at(result, gate: float) -> str:
    """The verdict of a checked claim had the gate been `gate`."""
    adjusted = []
    for e in result.evidence:
        model = (e.probs["model_entailment"], e.probs["model_contradiction"], e.probs["model_neutral"])
        adjusted.append(adjust_probs(model, NumericCheck(**e.numeric), e.scores.get("similarity", 1.0) >= gate)[0])
    return decide(adjusted).verdict


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=Path("runs/verdict-confidence"))
    parser.add_argument("--fever-claims", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args()

    from sklearn.metrics import f1_score

    from factcheck.settings import data_dir
    from factcheck.train.verdicts import fever_dev, scifact_dev
    from factcheck.verify import load_verifier
    from factcheck.verify.aggregate import MIN_SIMILARITY

    verifier = load_verifier("bundled")
    rows = []
    for data in (scifact_dev(data_dir()), fever_dev(data_dir(), claims=args.fever_claims)):
        results = check_with_gate_off(data, verifier, args.work_dir)
        gold = [ex.label for ex in data.examples]
        for gate in GATES:
            pred = [verdict_at(r, gate) for r in results]
            accuracy = sum(g == p for g, p in zip(gold, pred)) / len(gold)
            macro = f1_score(gold, pred, average="macro", labels=sorted(set(gold)), zero_division=0)
            found = [p for g, p in zip(gold, pred) if g != "NOT_ENOUGH_INFO"]
            missed = sum(p == "NOT_ENOUGH_INFO" for p in found) / max(1, len(found))
            nei = [p for g, p in zip(gold, pred) if g == "NOT_ENOUGH_INFO"]
            nei_right = sum(p == "NOT_ENOUGH_INFO" for p in nei) / max(1, len(nei))
            rows.append(f"| {data.name} ({len(gold)} claims) | {gate}{' (default)' if gate == MIN_SIMILARITY else ''} | "
                        f"{accuracy:.3f} | {macro:.3f} | {missed:.2f} | {nei_right:.2f} |")
    table = "\n".join(["| held-out claims | gate (cosine) | verdict accuracy | macro-F1 | supported/refuted claims called NEI | NEI claims called NEI |",
                       "|---|---|---|---|---|---|", *rows])
    text = f"""{HEADING}

Verdict model `{verifier.name}`; every claim checked once with the gate off, the verdict recomputed
for each gate from the recorded probabilities, numeric checks and similarities.

{table}

    .venv/bin/python benchmarks/bench_gate_open.py{run_args()}
"""
    print(text)
    if args.write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
