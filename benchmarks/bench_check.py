"""Checking speed against a 100k-passage index: per-claim latency (p50/p95) and batched claims/s,
with retrieval alone measured in the same run as the baseline.

The index holds about N passages (default 100,000) of real text: the SciFact abstracts, copied as
often as needed (each copy marked so it is not deduplicated). Its vectors come from a hashed embedder,
so building it takes minutes instead of hours; at check time the real MiniLM embedder encodes claims and
evidence sentences and the bundled verdict model judges them, so every model cost is real and
FAISS/BM25/SQLite work on a 100k-passage index (BM25 finds the relevant abstracts; the dense side
returns arbitrary passages, which costs the same). Claims are SciFact training claims.

    nice .venv/bin/python benchmarks/bench_check.py [--passages 100000] [--claims 64] [--out docs/benchmarks.md]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads (the CLI default: all cores)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)

    from factcheck.embed import load_embedder
    from factcheck.eval.readers import read_scifact
    from factcheck.index import build_index
    from factcheck.pipeline import Checker
    from factcheck.records import Claim
    from factcheck.retrieve import Retriever
    from factcheck.settings import data_dir
    from factcheck.verify import load_verifier

    texts = [ex.claim for ex in read_scifact(data_dir() / "scifact" / "claims_train.jsonl").limit(args.claims).examples]
    claims = [Claim(id=str(i), text=t) for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp:
        corpus, folder = Path(tmp) / "scifact-padded.jsonl", Path(tmp) / "index"
        padded_scifact(corpus, args.passages)
        started = time.perf_counter()
        stats = build_index([corpus], folder, embedder=SyntheticEmbedder())
        build_s = time.perf_counter() - started
        embedder = NamedEmbedder(load_embedder(), SyntheticEmbedder.name)
        retriever = Retriever(folder, embedder=embedder)
        checker = Checker(retriever, load_verifier(), embedder)
        checker.check(claims[:2])  # warm: lazy loads (FAISS, BM25, SQLite pages) are paid here

        retrieval = []
        for c in claims:
            t = time.perf_counter()
            retriever.search_many([c.text], k=checker.passages)
            retrieval.append(time.perf_counter() - t)
        single = []
        for c in claims:
            t = time.perf_counter()
            checker.check([c])
            single.append(time.perf_counter() - t)
        t = time.perf_counter()
        for i in range(0, len(claims), args.batch):
            checker.check(claims[i : i + args.batch])
        batched = len(claims) / (time.perf_counter() - t)
        retriever.close()

    ms = lambda s: f"{1000 * s:.0f} ms"  # noqa: E731
    lines = [
        "## Checking speed (100k-passage index)",
        "",
        f"Run {datetime.date.today()} on 2 CPU cores: `nice .venv/bin/python benchmarks/bench_check.py "
        f"--passages {args.passages} --claims {args.claims} --threads {args.threads}`. Index: {stats.passages:,} passages of SciFact abstracts "
        f"({stats.faiss}, built in {build_s:.0f} s); real MiniLM embedder and bundled verdict model; "
        f"{len(claims)} SciFact claims, 8 passages and 5 evidence sentences per claim.",
        "",
        "| measure | p50 | p95 | target |",
        "|---|---|---|---|",
        f"| retrieval alone, one claim (baseline) | {ms(statistics.median(retrieval))} | {ms(percentile(retrieval, .95))} | |",
        f"| whole check, one claim at a time | {ms(statistics.median(single))} | {ms(percentile(single, .95))} | p50 < 500 ms |",
        "",
        f"Batched checking ({args.batch} claims per batch): **{batched:.1f} claims/s** (target ≥ 5); "
        f"one at a time: {1 / statistics.mean(single):.1f} claims/s; "
        f"the whole check costs {statistics.median(single) / statistics.median(retrieval):.1f}× retrieval alone (p50).",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
