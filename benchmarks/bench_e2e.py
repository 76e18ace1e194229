"""End-to-end speed and footprint: claims per second, CLI cold start, index size and peak memory.

- cold start: `factcheck --help` wall time against a bare `python -c pass` (same run), and the
  first `factcheck check "..."` against the SciFact index, models loaded included;
- claims/s: batched `Checker.check` on SciFact training claims, against retrieval alone (same run);
- footprint: a synthetic index of N passages (default 100,000; ~600-character passages, a cheap
  hashed 384-dim embedder so the model's speed does not dominate) built and searched in child
  processes: bytes on disk and peak resident memory, per 100k passages; plus the SciFact index.

    nice -n 10 .venv/bin/python benchmarks/bench_e2e.py --index runs/scifact-index

Prints the Markdown section for docs/benchmarks.md. Exits with status 1 and says so when the
bundled verdict model is missing (the verdict-dependent rows must then be rerun).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
FACTCHECK = str(Path(sys.executable).with_name("factcheck"))
CLAIM = "Folic acid and vitamin B12 do not affect chronic kidney disease progression."


class SyntheticEmbedder:
    """Deterministic pseudo-random unit vectors per text: costs almost nothing, so it measures the index."""

    name = "synthetic-hash-384"
    dim = 384

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = np.random.default_rng(zlib.crc32(text.encode())).standard_normal(self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _synthetic_corpus(path: Path, n: int, seed: int = 0) -> None:
    """n single-passage documents of ~600 characters from a Zipf-distributed 30k-word vocabulary."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, size=rng.integers(3, 10))) for _ in range(30_000)]
    ranks = np.minimum(rng.zipf(1.2, size=(n, 90)), len(vocab)) - 1
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            words = [vocab[r] for r in ranks[i]]
            text = " ".join(words)[:580].rsplit(" ", 1)[0] + "."
            handle.write(json.dumps({"id": f"d{i}", "title": "", "text": text.capitalize()}) + "\n")


def _peak_mb() -> float:
    """This process's peak resident memory in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(args: list[str]) -> dict:
    """Runs this script in a child process (fresh memory) and returns the JSON it prints."""
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_build(folder: str, n: int) -> None:
    """Child: builds a synthetic index of n passages; prints seconds, disk bytes and peak memory."""
    from factcheck.index import build_index

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "synthetic.jsonl"
        _synthetic_corpus(corpus, n)
        before = _peak_mb()
        stats = build_index([corpus], folder, embedder=SyntheticEmbedder())
    size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    print(json.dumps({"passages": stats.passages, "seconds": stats.seconds, "bytes": size, "faiss": stats.faiss,
                      "peak_mb": _peak_mb(), "peak_before_mb": before}))


def child_search(folder: str, queries: int) -> None:
    """Child: opens the index and runs hybrid searches; prints latency and peak memory."""
    from factcheck.retrieve import Retriever

    base = _peak_mb()
    with Retriever(folder, mode="hybrid", embedder=SyntheticEmbedder()) as retriever:
        texts = [f"query {i} " + " ".join(retriever.index.store.passage_texts([i * 7])[0].split()[:8]) for i in range(queries)]
        started = time.perf_counter()
        retriever.search_many(texts, k=10)
        seconds = time.perf_counter() - started
    print(json.dumps({"ms_per_query": 1000 * seconds / queries, "peak_mb": _peak_mb(), "python_mb": base}))


def _wall(cmd: list[str], repeat: int) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_start(index: Path, with_check: bool) -> list[str]:
    """`factcheck --help` and (with a verdict model) the first `factcheck check`, against a bare interpreter."""
    bare = _wall([sys.executable, "-c", "pass"], 5)
    helps = _wall([FACTCHECK, "--help"], 5)
    rows = [f"| `python -c pass` (baseline) | {bare:.2f} s | 1.0× |",
            f"| `factcheck --help` | {helps:.2f} s | {helps / bare:.1f}× |"]
    header = ["| command | wall time (median of 5; check: 1 run) | vs bare python |", "|---|---|---|"]
    if not with_check:
        return header + rows
    started = time.perf_counter()
    result = subprocess.run([FACTCHECK, "check", CLAIM, "--index", str(index), "--json"], capture_output=True, text=True)
    first = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"first `factcheck check` failed: {result.stderr.strip().splitlines()[-1:]}")
    rows.append(f"| first `factcheck check \"…\"` (loads embedder, index, verdict model) | {first:.2f} s | {first / bare:.1f}× |")
    return header + rows


def throughput(index: Path, claims: int, batch: int) -> list[str]:
    """Claims per second through the whole pipeline, against retrieval alone on the same claims."""
    from factcheck.eval.readers import read_scifact
    from factcheck.pipeline import Checker
    from factcheck.records import Claim
    from factcheck.settings import data_dir

    data = read_scifact(data_dir() / "scifact" / "claims_train.jsonl").limit(claims)
    texts = [ex.claim for ex in data.examples]
    checker = Checker.from_index(index)
    checker.check([Claim(id="warm", text=texts[0])])  # warm-up: first batch pays lazy loads
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        checker.retriever.search_many(texts[i : i + batch], k=checker.passages)
    search = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        checker.check([Claim(id=str(j), text=t) for j, t in enumerate(texts[i : i + batch], i)])
    full = len(texts) / (time.perf_counter() - started)
    return [
        f"| stage | claims/s ({len(texts)} SciFact claims, batches of {batch}) | vs retrieval |",
        "|---|---|---|",
        f"| retrieval only (hybrid, {checker.passages} passages) | {search:.2f} | 1.00× |",
        f"| full check (retrieve, select evidence, verdict model, numbers) | {full:.2f} | {full / search:.2f}× |",
    ]


def footprint(index: Path, n: int) -> list[str]:
    """Disk and peak memory of a synthetic n-passage index, scaled per 100k passages, and the SciFact index."""
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        build = _child(["--child-build", tmp, str(n)])
        search = _child(["--child-search", tmp, "200"])
    scale = 100_000 / build["passages"]
    manifest = json.loads((index / "manifest.json").read_text())
    sci_bytes = sum(manifest["files"].values())
    sci_passages = manifest["counts"]["passages"]
    return [
        "| index | passages | FAISS | disk per 100k passages | peak memory, build | peak memory, open + search | build time |",
        "|---|---|---|---|---|---|---|",
        f"| synthetic (~600 chars, 384-dim hashed vectors) | {build['passages']:,} | {build['faiss']} | "
        f"{build['bytes'] * scale / 1e6:.0f} MB | {build['peak_mb']:.0f} MB (interpreter + data: "
        f"{build['peak_before_mb']:.0f} MB) | {search['peak_mb']:.0f} MB ({search['ms_per_query']:.1f} ms/query) | "
        f"{build['seconds']:.0f} s |",
        f"| SciFact (all-MiniLM-L6-v2) | {sci_passages:,} | {manifest['faiss']['factory']} | "
        f"{sci_bytes * 100_000 / sci_passages / 1e6:.0f} MB | – | – | – |",
    ]


def _verifier_missing() -> str:
    """Why the bundled verdict model cannot load, or '' when it can."""
    try:
        from factcheck.verify import load_verifier

        load_verifier("bundled")
    except Exception as exc:  # noqa: BLE001 - any failure means the verdict rows cannot run
        return f"{type(exc).__name__}: {exc}"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("runs/scifact-index"), help="A built SciFact index.")
    parser.add_argument("--passages", type=int, default=100_000, help="Synthetic index size.")
    parser.add_argument("--claims", type=int, default=128)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not (args.index / "manifest.json").exists():
        raise SystemExit(f"{args.index}: no index; build it first with benchmarks/bench_retrievers.py --index {args.index}")
    import torch

    torch.set_num_threads(args.threads)
    lines = ["## End to end and cold start", "",
             f"Run {datetime.date.today().isoformat()} on the development machine (2 shared CPU cores, no GPU).", "",
             "### Index size and peak memory", "", *footprint(args.index, args.passages), ""]
    missing = _verifier_missing()
    lines += ["### Cold start", "", *cold_start(args.index, with_check=not missing), ""]
    if not missing:
        lines += ["### Claims per second", "", *throughput(args.index, args.claims, args.batch), ""]
    lines += ["```", f"nice -n 10 .venv/bin/python benchmarks/bench_e2e.py --index {args.index}", "```"]
    sys.stdout.write("\n".join(lines) + "\n")
    if missing:
        raise SystemExit(f"bench_e2e: the bundled verdict model is not available ({missing}); the first-check and "
                         "claims/s rows were skipped: rerun this script once factcheck/models holds the verifier")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child-build":
        child_build(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "--child-search":
        child_search(sys.argv[2], int(sys.argv[3]))
    else:
        main()
