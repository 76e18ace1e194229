"""Two verdict models compared end to end, claim by claim, on the held-out labelled claims of
`factcheck train verdict-confidence` (SciFact dev split over the SciFact abstracts; FEVER dev split over
every FEVER evidence text, about a third made NOT_ENOUGH_INFO by removing their evidence).

Each claim is checked once per model with the gate off; verdicts at each gate are recomputed from the
recorded probabilities (as in bench_gate_open.py). Reports verdict accuracy, the claims only one model
gets right, and a two-sided sign test on those.

    .venv/bin/python benchmarks/bench_verdict_models.py --candidate runs/verifier-v3/model [--baseline bundled]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from bench_gate_open import check_with_gate_off, verdict_at  # noqa: E402

GATES = (0.0, 0.5)


def verdicts(model: str, datasets, work_dir: Path) -> dict[str, list[dict[float, str]]]:
    """Each data set's verdicts per gate, claim by claim, for one verdict model."""
    from factcheck.verify import load_verifier

    verifier = load_verifier(model)
    return {data.name: [{g: verdict_at(r, g) for g in GATES} for r in check_with_gate_off(data, verifier, work_dir)]
            for data in datasets}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="bundled", help="verdict model: 'bundled' or a model folder")
    parser.add_argument("--candidate", required=True, help="verdict model folder to compare")
    parser.add_argument("--work-dir", type=Path, default=Path("runs/verdict-confidence"))
    parser.add_argument("--fever-claims", type=int, default=1000)
    args = parser.parse_args()

    from scipy.stats import binomtest

    from factcheck.settings import data_dir
    from factcheck.train.verdicts import fever_dev, scifact_dev

    datasets = [scifact_dev(data_dir()), fever_dev(data_dir(), claims=args.fever_claims)]
    base, cand = (verdicts(m, datasets, args.work_dir) for m in (args.baseline, args.candidate))
    rows = ["| held-out claims | gate | baseline accuracy | candidate accuracy | only baseline right | only candidate right | sign test p |",
            "|---|---|---|---|---|---|---|"]
    for data in datasets:
        gold = [ex.label for ex in data.examples]
        for gate in GATES:
            b = [v[gate] == g for v, g in zip(base[data.name], gold)]
            c = [v[gate] == g for v, g in zip(cand[data.name], gold)]
            only_b, only_c = sum(x and not y for x, y in zip(b, c)), sum(y and not x for x, y in zip(b, c))
            p = binomtest(only_b, only_b + only_c).pvalue if only_b + only_c else 1.0
            rows.append(f"| {data.name} ({len(gold)}) | {gate} | {sum(b) / len(b):.3f} | {sum(c) / len(c):.3f} | "
                        f"{only_b} | {only_c} | {p:.3f} |")
    print(f"baseline `{args.baseline}`, candidate `{args.candidate}`\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
