"""Verdict model candidate v5c (not shipped; docs/benchmarks.md, "Verdict model v5 candidates"): a second
contrast stage on top of v4 with 4,000 entity swaps, 4,000 reversed claims and the paraphrases, their
originals, every hard negative and 6,000 replayed training pairs, label-balanced; 1 epoch at lr 2e-5.

    nice .venv/bin/python scripts/experiments/verifier_v5c.py [--out runs/verifier-v5c]
"""

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/verifier-v5c"))
    args = parser.parse_args()

    import torch

    from factcheck.settings import data_dir
    from factcheck.train.verifier import contrast_stage, train
    from factcheck.train.verifier_config import TrainConfig
    from factcheck.train.verifier_data import build_splits
    from factcheck.train.verifier_eval import finalize
    from factcheck.verify.nli import BUNDLED_DIR

    torch.set_num_threads(2)
    cfg = TrainConfig()
    splits = build_splits(data_dir(), seed=cfg.seed)
    pairs = contrast_stage(splits["train"], cfg, replay=6000, contrasts=("entities", "negations", "paraphrases"),
                           contrast_limit=4000)
    checkpoint = train(pairs, args.out / "contrast", cfg.stage(1), base=str(BUNDLED_DIR))
    report = finalize(checkpoint, args.out / "model", data_dir(), version="5",
                      train_info={"init": "v4", "stage": "contrasts (entities, negations 4,000 each; paraphrases) + replay 6,000"})
    print(json.dumps({k: (v["accuracy"], v["macro_f1"], v.get("binary_accuracy")) for k, v in report["scores"].items()}))


if __name__ == "__main__":
    main()
