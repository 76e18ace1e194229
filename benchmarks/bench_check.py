"""Checking speed against a 100k-passage index: per-claim latency (p50/p95) and batched claims/s,
with retrieval alone measured in the same run as the baseline, at each model precision (fp32: the torch
models; int8: the bundled ONNX models, the default on a CPU) on the same index in the same run.

The index holds about N passages (default 100,000) of real text: the SciFact abstracts, copied as
often as needed (each copy marked so it is not deduplicated). Its vectors come from a hashed embedder,
so building it takes minutes instead of hours; at check time the real MiniLM embedder encodes claims and
evidence sentences and the bundled verdict model judges them, so every model cost is real and
FAISS/BM25/SQLite work on a 100k-passage index (BM25 finds the relevant abstracts; the dense side
returns arbitrary passages, which costs the same). Claims are SciFact training claims.

    nice .venv/bin/python benchmarks/bench_check.py [--passages 100000] [--claims 64] [--precision fp32,int8]
        [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the CLI sets it
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_e2e import SyntheticEmbedder  # noqa: E402
from bench_quantized import cpu_model  # noqa: E402

PASSAGES_PER_ABSTRACT = 4.2  # SciFact: 21,592 passages from 5,183 abstracts


def padded_scifact(path: Path, passages: int) -> None:
    """Writes SciFact abstracts as JSONL documents, copied until about `passages` passages."""
    import json

    from factcheck.settings import data_dir

    rows = [json.loads(line) for line in (data_dir() / "scifact" / "corpus.jsonl").open(encoding="utf-8")]
    copies = max(1, round(passages / PASSAGES_PER_ABSTRACT / len(rows)))
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            for row in rows:
                text = " ".join(row["abstract"]) + (f" [copy {copy}]" if copy else "")
                handle.write(json.dumps({"id": f"{row['doc_id']}-{copy}", "title": row["title"], "text": text}) + "\n")


class NamedEmbedder:
    """The real embedder under the synthetic index's name, so the index accepts it (timing only)."""

    def __init__(self, real, name: str):
        self.real, self.name, self.dim = real, name, real.dim

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        return self.real.encode(texts, batch_size=batch_size, progress=progress)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(folder: Path, claims: list, precision: str, batch: int) -> dict:
    """Retrieval alone, one claim at a time, and batched, for the models at one precision."""
    from factcheck.embed import load_embedder
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever
    from factcheck.verify import load_verifier

    embedder = NamedEmbedder(load_embedder(precision=precision), SyntheticEmbedder.name)
    retriever = Retriever(folder, embedder=embedder)
    checker = Checker(retriever, load_verifier(precision=precision), embedder)
    checker.check(claims[:2])  # warm: lazy loads (FAISS, BM25, SQLite pages) are paid here
    retrieval, single = [], []
    for c in claims:
        t = time.perf_counter()
        retriever.search_many([c.text], k=checker.passages)
        retrieval.append(time.perf_counter() - t)
    verdicts = []
    for c in claims:
        t = time.perf_counter()
        verdicts += [r.verdict for r in checker.check([c])]
        single.append(time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(0, len(claims), batch):
        checker.check(claims[i : i + batch])
    batched = len(claims) / (time.perf_counter() - t)
    retriever.close()
    return {"retrieval": retrieval, "single": single, "batched": batched, "verdicts": verdicts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads (the CLI default: all cores)")
    parser.add_argument("--precision", default="fp32,auto", help="model precisions to measure, comma-separated")
    parser.add_argument("--out", type=Path, default=None, help="write the section into this benchmarks.md")
    args = parser.parse_args()
    os.environ["FACTCHECK_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)

    from factcheck.eval.readers import read_scifact
    from factcheck.index import build_index
    from factcheck.records import Claim
    from factcheck.settings import data_dir

    texts = [ex.claim for ex in read_scifact(data_dir() / "scifact" / "claims_train.jsonl").limit(args.claims).examples]
    claims = [Claim(id=str(i), text=t) for i, t in enumerate(texts)]
    precisions = [p.strip() for p in args.precision.split(",") if p.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        corpus, folder = Path(tmp) / "scifact-padded.jsonl", Path(tmp) / "index"
        padded_scifact(corpus, args.passages)
        started = time.perf_counter()
        stats = build_index([corpus], folder, embedder=SyntheticEmbedder())
        build_s = time.perf_counter() - started
        runs = {p: measure(folder, claims, p, args.batch) for p in precisions}

    ms = lambda s: f"{1000 * s:.0f} ms"  # noqa: E731
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[0]
    lines = [
        "## Checking speed (100k-passage index)",
        "",
        f"Run {datetime.date.today()} on {cpu_model()}, {args.threads} threads (load average {load} at the end): "
        f"`nice .venv/bin/python benchmarks/bench_check.py --passages {args.passages} --claims {args.claims} "
        f"--threads {args.threads} --precision {args.precision}`. Index: {stats.passages:,} passages of SciFact "
        f"abstracts ({stats.faiss}, built in {build_s:.0f} s); real MiniLM embedder and bundled verdict model at "
        f"each precision, measured one after the other on the same index; {len(claims)} SciFact claims, 8 passages "
        "and 5 evidence sentences per claim.",
        "",
        "| precision | retrieval alone p50 | whole check p50 | p95 | one at a time | batched | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for precision, run in runs.items():
        single, retrieval = run["single"], run["retrieval"]
        lines.append(
            f"| {precision} | {ms(statistics.median(retrieval))} | {ms(statistics.median(single))} | "
            f"{ms(percentile(single, .95))} | {1 / statistics.mean(single):.1f} claims/s | "
            f"**{run['batched']:.1f} claims/s** | {'p50 < 150 ms, ≥ 10 claims/s' if precision != 'fp32' else ''} |")
    if "fp32" in runs and len(runs) > 1:
        base = runs["fp32"]
        for precision, run in runs.items():
            if precision == "fp32":
                continue
            same = sum(a == b for a, b in zip(base["verdicts"], run["verdicts"]))
            lines += ["", f"{precision} against fp32 in this run: batched {run['batched'] / base['batched']:.2f}×, "
                      f"p50 {statistics.median(base['single']) / statistics.median(run['single']):.2f}× faster; "
                      f"the same verdict for {same} of {len(claims)} claims."]
    print("\n".join(lines))
    if args.out:
        from docs_section import write_section

        write_section(lines[0], "\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
