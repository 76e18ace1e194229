"""How much gold evidence the pipeline's relevance gate keeps: the share of FEVER claim/evidence pairs
whose embedding cosine reaches each threshold (factcheck.verify.aggregate.MIN_SIMILARITY is the default).

    .venv/bin/python benchmarks/bench_relevance_gate.py [--pairs 800]
"""

from __future__ import annotations

import argparse
import json
import random

import numpy as np

THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=800)
    args = parser.parse_args()

    from factcheck.embed import load_embedder
    from factcheck.settings import data_dir
    from factcheck.verify.aggregate import MIN_SIMILARITY

    path = data_dir() / "nli" / "fever_nli_dev_binary.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = random.Random(0).sample(rows, min(args.pairs, len(rows)))
    embedder = load_embedder()
    sims = (embedder.encode([r["premise"] for r in rows]) * embedder.encode([r["hypothesis"] for r in rows])).sum(1)
    print(f"FEVER dev pairs: {len(rows)} (seed 0); default gate {MIN_SIMILARITY}\n")
    print("| gold label | pairs | " + " | ".join(f"kept at {t}" for t in THRESHOLDS) + " |")
    print("|---|---|" + "---|" * len(THRESHOLDS))
    for label, name in (("entailment", "supports"), ("not_entailment", "refutes")):
        x = sims[[r["label"] == label for r in rows]]
        print(f"| {name} | {len(x)} | " + " | ".join(f"{(x >= t).mean():.2f}" for t in THRESHOLDS) + " |")


if __name__ == "__main__":
    main()
