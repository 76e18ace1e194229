"""Quantised encoders against the fp32 models, side by side in one run: speed, agreement, accuracy.

For the embedder (all-MiniLM-L6-v2) and the verdict model, each way of running it is timed on the same inputs in
interleaved rounds (so a busy machine slows every variant alike) and compared with torch fp32 in the same round:
torch fp32 (the baseline), torch dynamic int8 (`torch.ao.quantization.quantize_dynamic`), ONNX Runtime fp32
(exported and fused) and ONNX Runtime int8 (fused, int8 weights per channel, each input run alone). Shipped:
the embedder at int8, the verdict model at fp32 (`factcheck train quantize`). Then: embedding cosine to fp32; verdict-model agreement and accuracy on held-out pair splits; SciFact
retrieval nDCG@10 with fp32 and int8 queries (on an fp32 index, and on an int8 index when given); cold start of
`factcheck check` at each precision (wall and CPU seconds, in subprocesses).

    nice .venv/bin/python benchmarks/bench_quantized.py [--rounds 3] [--pairs-limit 1000]
        [--scifact-index runs/scifact-index] [--scifact-index-int8 runs/scifact-index-int8] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_section import run_args, write_section  # noqa: E402

HEADING = "## Quantised encoders"
SPLITS = ("fever_dev", "scifact_dev", "nei_dev", "numbers", "snli_test", "cad_test", "taxinli_genres", "fm2_dev")
CLAIM = "The conflict in Syria has killed more than half a million people."


def cpu_model() -> str:
    """The CPU's model name (lscpu), for the record beside every speed figure."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        return platform.processor() or "unknown CPU"


def onnx_copy(kind: str, folder: Path, quantize: bool):
    """The model exported to fused ONNX in `folder` (fp32, or int8), loaded like the shipped copies."""
    from factcheck.train.quantize import build_embedder, build_verifier

    (build_embedder if kind == "embedder" else build_verifier)(folder, quantize=quantize)
    return folder


def embedders(tmp: Path) -> dict:
    """The embedder run four ways."""
    import torch

    from factcheck.embed import OnnxEmbedder, SentenceTransformerEmbedder

    dynamic = SentenceTransformerEmbedder()
    transformer = dynamic.model[0]  # its `auto_model` is a read-only view of `.model`
    transformer.model = torch.ao.quantization.quantize_dynamic(transformer.model, {torch.nn.Linear}, dtype=torch.qint8)
    return {
        "torch fp32": SentenceTransformerEmbedder(),
        "torch dynamic int8": dynamic,
        "ONNX Runtime fp32": OnnxEmbedder(onnx_copy("embedder", tmp / "embedder-fp32", quantize=False)),
        "ONNX Runtime int8 (shipped)": OnnxEmbedder(),
    }


def verifiers(tmp: Path) -> dict:
    """The verdict model run four ways."""
    import torch

    from factcheck.verify.nli import BUNDLED_DIR, NLIVerifier, OnnxVerifier

    dynamic = NLIVerifier(BUNDLED_DIR)
    dynamic.model = torch.ao.quantization.quantize_dynamic(dynamic.model, {torch.nn.Linear}, dtype=torch.qint8)
    return {
        "torch fp32": NLIVerifier(BUNDLED_DIR),
        "torch dynamic int8": dynamic,
        "ONNX Runtime fp32 (shipped)": OnnxVerifier(),
        "ONNX Runtime int8": OnnxVerifier(onnx_copy("verifier", tmp / "verifier-int8", quantize=True)),
    }


def timed_rounds(models: dict, run, rounds: int) -> dict[str, dict[str, float]]:
    """Each model's items/s per round, interleaved; speed-up = median over rounds of (its rate / torch fp32's)."""
    for model in models.values():
        run(model, warm=True)
    rates = {name: [] for name in models}
    for _ in range(rounds):
        for name, model in models.items():
            start = time.perf_counter()
            count = run(model)
            rates[name].append(count / (time.perf_counter() - start))
    base = rates["torch fp32"]
    return {name: {"rate": statistics.median(r), "speedup": statistics.median(x / b for x, b in zip(r, base))}
            for name, r in rates.items()}


def passages(count: int) -> list[str]:
    """SciFact abstracts cut to the index's ~600-character passages."""
    from factcheck.settings import data_dir

    rows = (json.loads(line) for line in (data_dir() / "scifact" / "corpus.jsonl").open(encoding="utf-8"))
    return [(row["title"] + ". " + " ".join(row["abstract"]))[:600] for _, row in zip(range(count), rows)]


def embedder_section(tmp: Path, rounds: int, count: int) -> tuple[list[str], dict]:
    """Embedding speed and cosine to fp32."""
    import numpy as np

    texts = passages(count)
    models = embedders(tmp)
    speed = timed_rounds(models, lambda m, warm=False: len(m.encode(texts[:32] if warm else texts, 64)), rounds)
    base = models["torch fp32"].encode(texts, 64)
    rows = ["| embedder | passages/s | speed-up vs torch fp32 | cosine to fp32 (mean / min) |", "|---|---|---|---|"]
    for name, model in models.items():
        cos = (np.asarray(model.encode(texts, 64)) * base).sum(1)
        rows.append(f"| {name} | {speed[name]['rate']:.1f} | {speed[name]['speedup']:.2f}× | "
                    f"{cos.mean():.4f} / {cos.min():.4f} |")
    return rows, speed


def verifier_section(tmp: Path, rounds: int, limit: int) -> tuple[list[str], list[str], dict]:
    """Verdict-model speed, agreement with fp32, and accuracy on held-out pair splits."""
    import numpy as np

    from factcheck.settings import data_dir
    from factcheck.train.verifier_eval import held_out_splits, split_metrics

    splits = held_out_splits(data_dir(), SPLITS)
    splits = {name: pairs[:limit] for name, pairs in splits.items() if name in SPLITS}
    timing = [(p.premise, p.hypothesis) for p in splits["scifact_dev"] + splits["fever_dev"]][:256]
    models = verifiers(tmp)
    speed = timed_rounds(models, lambda m, warm=False: len(m.predict(timing[:16] if warm else timing)), rounds)
    probs = {name: {s: m.predict([(p.premise, p.hypothesis) for p in pairs]) for s, pairs in splits.items()}
             for name, m in models.items()}
    base = np.concatenate([probs["torch fp32"][s] for s in splits])
    rows = ["| verdict model | pairs/s | speed-up vs torch fp32 | same label as fp32 | max abs Δ probability |",
            "|---|---|---|---|---|"]
    for name in models:
        mine = np.concatenate([probs[name][s] for s in splits])
        rows.append(f"| {name} | {speed[name]['rate']:.1f} | {speed[name]['speedup']:.2f}× | "
                    f"{(mine.argmax(1) == base.argmax(1)).mean():.4f} | {np.abs(mine - base).max():.3f} |")
    names = list(models)
    acc = [f"| split (pairs) | {' | '.join(names)} |", "|---" * (len(names) + 1) + "|"]
    for split, pairs in splits.items():
        cells = []
        for name in names:
            m = split_metrics(split, probs[name][split], pairs)
            cells.append(f"{m.get('binary_accuracy', m['accuracy']):.3f}")
        acc.append(f"| {split} ({len(pairs)}) | {' | '.join(cells)} |")
    return rows, acc, speed


def retrieval_rows(index: Path | None, index_int8: Path | None) -> list[str]:
    """SciFact nDCG@10 (training claims with evidence) for each index and query precision."""
    from factcheck.embed import OnnxEmbedder, SentenceTransformerEmbedder
    from factcheck.eval.metrics import retrieval_metrics
    from factcheck.eval.modes import retrieval_run
    from factcheck.eval.readers import read_scifact
    from factcheck.retrieve import Retriever
    from factcheck.settings import data_dir

    data = read_scifact(data_dir() / "scifact" / "claims_train.jsonl")
    qrels = data.qrels()
    rows = ["| index vectors | queries | dense nDCG@10 | hybrid nDCG@10 | hybrid recall@10 |", "|---|---|---|---|---|"]
    for label, folder in (("fp32", index), ("int8", index_int8)):
        if folder is None or not (folder / "manifest.json").is_file():
            continue
        for precision, embedder in (("fp32", SentenceTransformerEmbedder()), ("int8", OnnxEmbedder())):
            scores = {}
            for mode in ("dense", "hybrid"):
                with Retriever(folder, mode=mode, embedder=embedder) as retriever:
                    scores[mode] = retrieval_metrics(qrels, retrieval_run(data, retriever, depth=100))
            rows.append(f"| {label} | {precision} | {scores['dense']['nDCG@10']:.4f} | "
                        f"{scores['hybrid']['nDCG@10']:.4f} | {scores['hybrid']['R@10']:.4f} |")
    return rows


def cold_starts(index: Path, runs: int) -> list[str]:
    """Wall and CPU seconds of a first `factcheck check` in a fresh process: fp32 (torch) and auto (ONNX)."""
    import resource

    exe = Path(sys.executable).with_name("factcheck")
    times: dict[str, list[tuple[float, float]]] = {"fp32": [], "auto": []}
    for _ in range(runs):
        for precision in times:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([str(exe), "check", CLAIM, "--index", str(index), "--precision", precision, "--json"],
                           check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            times[precision].append((time.perf_counter() - start, cpu))
    rows = ["| precision | wall s (median) | CPU s (median) |", "|---|---|---|"]
    for precision, values in times.items():
        rows.append(f"| {precision} | {statistics.median(v[0] for v in values):.2f} | "
                    f"{statistics.median(v[1] for v in values):.2f} |")
    return rows


def demo_index(folder: Path) -> Path:
    """The demo corpus indexed (fp32 vectors: both precisions read it)."""
    from factcheck.embed import SentenceTransformerEmbedder
    from factcheck.index import build_index

    build_index([Path(__file__).resolve().parents[1] / "corpus"], folder, embedder=SentenceTransformerEmbedder())
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passages", type=int, default=200, help="SciFact passages for the embedder timing")
    parser.add_argument("--pairs-limit", type=int, default=1000, help="pairs per held-out split")
    parser.add_argument("--scifact-index", type=Path, default=None, help="an fp32 SciFact index (bench_retrievers.py)")
    parser.add_argument("--scifact-index-int8", type=Path, default=None, help="the same corpus indexed at int8")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=None, help="write the section into this benchmarks.md")
    args = parser.parse_args()
    os.environ["FACTCHECK_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        emb_rows, emb_speed = embedder_section(tmp, args.rounds, args.passages)
        ver_rows, acc_rows, ver_speed = verifier_section(tmp, args.rounds, args.pairs_limit)
        retrieval = retrieval_rows(args.scifact_index, args.scifact_index_int8)
        cold = cold_starts(demo_index(tmp / "demo-index"), args.cold_runs)
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[0]
    lines = [
        HEADING, "",
        f"Run {datetime.date.today()} on {cpu_model()}, {args.threads} threads (load average {load} at the end): "
        f"`nice .venv/bin/python benchmarks/bench_quantized.py{run_args()}`. Speeds are medians over "
        f"{args.rounds} interleaved rounds; the speed-up is the median of the per-round ratios to torch fp32, so "
        "a busy machine slows every variant alike. `factcheck train quantize` builds the ONNX copies (export, "
        "onnxruntime's BERT fusion; int8: weights per channel, activations quantised at run time per input).", "",
        f"Embedder, {args.passages} SciFact passages of ≤ 600 characters, batch 64:", "", *emb_rows, "",
        "Verdict model, 256 (evidence, claim) pairs from the SciFact and FEVER held-out splits, batch 32:", "",
        *ver_rows, "",
        f"Verdict-model accuracy on held-out splits (binary accuracy where the model card uses it; up to "
        f"{args.pairs_limit} pairs each):", "", *acc_rows, "",
    ]
    if len(retrieval) > 2:
        lines += ["SciFact retrieval (505 training claims with evidence, 5,183 abstracts):", "", *retrieval, ""]
    lines += ["Cold start of `factcheck check` (a fresh process: imports, model loads, one claim on the demo "
              f"index), {args.cold_runs} runs each:", "", *cold, ""]
    lines += [f"Shipped (`--precision auto`): the embedder as ONNX Runtime int8 "
              f"({emb_speed['ONNX Runtime int8 (shipped)']['speedup']:.2f}× torch fp32 in this run), the verdict model as "
              f"ONNX Runtime fp32 ({ver_speed['ONNX Runtime fp32 (shipped)']['speedup']:.2f}×; its int8 copy "
              f"{ver_speed['ONNX Runtime int8']['speedup']:.2f}×, built by `factcheck train quantize --part verifier-int8` "
              "for `--precision int8`, is not shipped: it moved end-to-end verdicts, see \"Quantised encoders: verdicts end to end\")."]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        write_section(HEADING, text, args.out)
        from factcheck.quantized import EMBEDDER_INT8_DIR, VERIFIER_ONNX_DIR

        stamp = f"Measured {datetime.date.today()} on {cpu_model()} by `benchmarks/bench_quantized.py` (docs/benchmarks.md)."
        cards = {EMBEDDER_INT8_DIR: [stamp, "", *emb_rows, "", *retrieval],
                 VERIFIER_ONNX_DIR: [stamp, "", *ver_rows, "", "Accuracy on held-out splits:", "", *acc_rows]}
        for folder, rows in cards.items():
            write_section("## Scores", "## Scores\n\n" + "\n".join(rows) + "\n", folder / "MODEL_CARD.md")


if __name__ == "__main__":
    main()
