"""A weight average ("soup") of the shipped verdict model v4 and a candidate's checkpoint, converted, calibrated and
scored like a trained model (docs/benchmarks.md, "Verdict model v5 candidates").

    nice .venv/bin/python scripts/experiments/verifier_soup.py runs/verifier-v5b/transfer/epoch-1 runs/verifier-v5b-soup
"""

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path, help="the candidate's checkpoint folder (fine-tuned from v4)")
    parser.add_argument("out", type=Path)
    parser.add_argument("--weight", type=float, default=0.5, help="the candidate's share of the average")
    args = parser.parse_args()

    import torch

    from factcheck.settings import data_dir
    from factcheck.train.verifier import average_weights
    from factcheck.train.verifier_eval import finalize
    from factcheck.verify.nli import BUNDLED_DIR

    torch.set_num_threads(2)
    soup = average_weights([BUNDLED_DIR, args.checkpoint], args.out / "soup", weights=[1 - args.weight, args.weight])
    report = finalize(soup, args.out / "model", data_dir(), version="5",
                      train_info={"soup_of": ["v4", str(args.checkpoint)], "weight": args.weight})
    print(json.dumps({k: (v["accuracy"], v["macro_f1"], v.get("binary_accuracy")) for k, v in report["scores"].items()}))


if __name__ == "__main__":
    main()
