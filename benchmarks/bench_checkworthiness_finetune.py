"""The fine-tuned MiniLM check-worthiness member: variants of the recipe, each trained with the training code
(`factcheck.train.checkworthiness_finetune`), exported as int8 ONNX and scored through onnxruntime as it would
ship, alone and averaged with the frozen-feature members of the shipped model (as at git fe04831).

    nice -n 19 .venv/bin/python benchmarks/bench_checkworthiness_finetune.py    # prints the section, updates docs/benchmarks.md
    nice -n 19 .venv/bin/python benchmarks/bench_checkworthiness_finetune.py --no-write

Every choice (the members averaged with a variant, the threshold) uses the development debates (AP) and
ClaimBuster's selection split (balanced F1) with the training run's rule (`_select`); the held-out debates and
ClaimBuster's test set are reported only. Epoch checkpoints go to runs/checkworthiness-cache (the training run
reuses the one of its recipe); set FACTCHECK_THREADS=1 on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from bench_checkworthiness import PREVIOUS_COMMIT  # noqa: E402
from bench_standalone import baseline_model  # noqa: E402
from docs_section import run_args, write_section  # noqa: E402

SECTION = "## Check-worthiness: fine-tuned MiniLM member"
VARIANTS = (  # changes to FINETUNE_SPEC
    ("top 3 layers, lr 1e-4", {"start_layer": 3, "lr": 1e-4}),
    ("all 6 layers, lr 5e-5", {"start_layer": 0, "lr": 5e-5}),
)
SPLITS = ("debates_dev", "claimbuster_dev", "heldout", "test")


def previous_members(data: dict, folder: Path) -> list[dict]:
    """Each member's probabilities on the evaluation splits, for the model in `folder` (dense and n-gram members)."""
    import numpy as np

    from factcheck.claims.checkworthy import CheckworthinessModel, _sigmoid, dense_forward, ngram_matrix

    model = CheckworthinessModel.load(folder)
    found = []
    for k, member in enumerate(model.config["members"]):
        probs = {}
        for name in SPLITS:
            if member["kind"] == "dense":
                probs[name] = dense_forward(data[f"{name}_x"], model.weights, f"m{k}.", member["layers"])
            else:
                x = ngram_matrix(data[name].texts, member, model.weights[f"m{k}.idf"])
                probs[name] = _sigmoid(np.asarray(x @ model.weights[f"m{k}.coef"] + model.weights[f"m{k}.intercept"]).ravel())
        found.append(probs)
    return found


def variant_member(data: dict, embedder, spec: dict, out: Path, cache: Path) -> tuple[dict, float, float]:
    """Trains (or resumes) one variant, exports it as int8 ONNX to `out` and scores the splits with it:
    (probabilities by split, training seconds, sentences/s scored)."""
    from factcheck.claims.finetuned import onnx_probabilities
    from factcheck.quantized import OnnxEncoder
    from factcheck.train.checkworthiness import FINETUNE_SHARES, SEED
    from factcheck.train.checkworthiness_finetune import export_member, finetune_member

    sources = ("claimbuster", "debates", "tweets")
    started = time.time()
    top = finetune_member({n: data[n].texts for n in sources}, {n: data[n].labels for n in sources}, FINETUNE_SHARES,
                          embedder, spec, SEED, cache, lambda items, _desc: items, print)
    seconds = time.time() - started
    encoder = OnnxEncoder(export_member(top, embedder, out, spec))
    started, probs = time.time(), {name: onnx_probabilities(encoder, data[name].texts) for name in SPLITS}
    return probs, seconds, sum(len(data[n].texts) for n in SPLITS) / (time.time() - started)


def row(name: str, members: list[dict], data: dict, seconds: str, speed: str) -> str:
    """One table row: the members chosen on the development data (or the one member), scored."""
    import numpy as np
    from sklearn.metrics import f1_score

    from factcheck.train.checkworthiness import _ranking, _select

    dev = [m["debates_dev"] for m in members]
    chosen = _select(dev, data["debates_dev"].labels, [m["claimbuster_dev"] for m in members],
                     data["claimbuster_dev"].labels, lambda _m: None, max_members=len(members))
    mean = lambda split: np.mean([members[i][split] for i in chosen["subset"]], axis=0)  # noqa: E731
    held_ap, held_p10 = _ranking(data["heldout"].labels, mean("heldout"))
    f1 = f1_score(data["test"].labels, mean("test") >= chosen["threshold"])
    used = "+".join(str(i + 1) for i in chosen["subset"])
    return (f"| {name} | {used} | {chosen['dev_ap']:.4f} | {held_ap:.4f} | {held_p10:.2f} | {chosen['dev_balanced_f1']:.3f} "
            f"| {f1:.3f} | {seconds} | {speed} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--epochs", type=int, default=None, help="epochs of every variant (default: the recipe's)")
    args = parser.parse_args()

    from factcheck.settings import limit_threads

    limit_threads()  # before torch loads: FACTCHECK_THREADS, else every core
    import spacy

    from factcheck.claims.extract import SPACY_MODEL
    from factcheck.embed import load_embedder
    from factcheck.settings import data_dir
    from factcheck.train.checkworthiness import DEFAULT_CACHE, _read_files, _with_features
    from factcheck.train.checkworthiness_finetune import FINETUNE_SPEC

    cpu = next((line.split(":", 1)[1].strip() for line in subprocess.run(["lscpu"], capture_output=True, text=True)
                .stdout.splitlines() if line.startswith("Model name")), "unknown CPU")
    cache = ROOT / DEFAULT_CACHE
    embedder = load_embedder()
    files, splits = _read_files(data_dir(), None)
    data = _with_features(files, splits, embedder, spacy.load(SPACY_MODEL), cache, False, print)
    before = previous_members(data, baseline_model(ROOT / "runs" / "checkworthiness-v2", PREVIOUS_COMMIT))
    lines = [row(f"shipped model (as at git {PREVIOUS_COMMIT}): frozen-feature members 1-3", before, data, "–", "–")]
    for name, change in VARIANTS:
        spec = {**FINETUNE_SPEC, **change, **({"epochs": args.epochs} if args.epochs else {})}
        probs, seconds, speed = variant_member(data, embedder, spec, ROOT / "runs" / "checkworthiness-finetune" /
                                               f"s{spec['start_layer']}-lr{spec['lr']}-e{spec['epochs']}", cache)
        lines.append(row(f"fine-tuned member alone: {name}, {spec['epochs']} epochs", [probs], data, f"{seconds:.0f}",
                         f"{speed:.0f}"))
        lines.append(row(f"members 1-3 and the fine-tuned member ({name}), chosen on dev", [*before, probs], data,
                         f"{seconds:.0f}", f"{speed:.0f}"))
    negatives = ", ".join(f"{n:,} {k}" for k, n in FINETUNE_SPEC["negatives"].items())
    text = "\n".join([
        SECTION, "",
        f"Run on {date.today().isoformat()} with `nice -n 19 .venv/bin/python benchmarks/bench_checkworthiness_finetune.py"
        f"{run_args()}` ({cpu}, 1 torch thread, cores shared with other jobs). MiniLM fine-tuned as a sentence "
        f"classifier on the shipped model's training data (ClaimBuster fit split, training debates, tweets; each "
        f"source's classes balanced, source weights ClaimBuster 1, debates 1, tweets 0.2; {negatives} negatives "
        f"sampled anew each epoch), batch {FINETUNE_SPEC['batch_size']}, one-cycle schedule, inputs truncated at "
        f"{FINETUNE_SPEC['max_length']} tokens, then exported as int8 ONNX and scored through onnxruntime. Members "
        "1-3: the dense, char and word n-gram members of the shipped model. \"Members used\" are chosen on the "
        "development debates (AP) among subsets within 0.01 of the best ClaimBuster selection-split balanced F1 "
        "(the training run's rule), the threshold there; held-out debates (9,526 sentences, 90 checked) and "
        "ClaimBuster test (702) are reported only. Speed: the member's own int8 pass over the evaluation sentences, one "
        "onnxruntime thread, beside whatever else shares the cores (\"Check-worthiness ranking and speed\" compares "
        "scorers in one process). Fine-tuning seconds include the frozen layers' pass over the training sentences.", "",
        "| variant | members used | dev AP | held-out AP | held-out P@10 | ClaimBuster dev balanced F1 | ClaimBuster test F1 "
        "| fine-tuning s | member sentences/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        *lines,
    ]) + "\n"
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
