"""Benchmark of scale-out: index build with Ray against one process, and the compressed FAISS index at 1M passages.

    nice -n 15 .venv/bin/python benchmarks/bench_scale.py                  # prints and updates docs/benchmarks.md
    .venv/bin/python benchmarks/bench_scale.py --no-write --n 200000 --docs 50

1. Build throughput: `build_index` (one process) against `build_index_ray` (a local Ray instance, one
   embedder actor per CPU) on the same SciFact abstracts, same run, alternating rounds, fresh index
   folders; model loads included on both sides, Ray's own start-up (a cluster that is already up) not.
2. Large corpus: `--n` vectors (default 1,000,000), 384-d, built with the project's own `build_faiss`
   from a memory-mapped vectors.npy, exact (`Flat`) against what `--faiss auto` picks there (IVF-SQ8).
   The vectors are drawn around the real MiniLM vectors of a SciFact index (`--seed-index`; each vector =
   a real passage vector + Gaussian noise, cosine ~0.85 to it) and the queries are real SciFact claims
   encoded by MiniLM; without that index, clustered synthetic vectors and held-out synthetic queries.
   Search is one query at a time on one thread (as `Retriever` runs a few queries); memory = anonymous
   RSS added by loading the index; recall@10 = overlap with the exact top 10.
3. Real recall: IVF-SQ8 over the seed index's own real vectors, with the real claims as queries.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

SECTION = "## Scale out"
DIM = 384


# ---------------------------------------------------------------- 1. build throughput


def build_throughput(docs: int, rounds: int, actors: int) -> dict:
    """Seconds per build, one process against Ray, alternating; best of `rounds` each."""
    from bench_index import real_passages_corpus

    from factcheck.index import build_index
    from factcheck.scale import build_index_ray, connect

    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    corpus = real_passages_corpus(work, docs)
    started = time.perf_counter()
    connect(None)  # a local Ray instance, started once (a real cluster is already running)
    ray_start = time.perf_counter() - started
    times: dict[str, list[float]] = {"single": [], "ray": []}
    passages = 0
    for round_ in range(rounds):
        for name in ("single", "ray"):
            folder = work / f"{name}-{round_}"
            t = time.perf_counter()
            if name == "single":
                stats = build_index([corpus], folder)
            else:
                stats = build_index_ray([corpus], folder, actors=actors)
            times[name].append(time.perf_counter() - t)
            passages = stats.passages
            print(f"  build {name} round {round_}: {times[name][-1]:.1f} s ({passages} passages)", file=sys.stderr)
    store_bytes = (next((work / "single-0").glob("gen-*")) / "store.sqlite").stat().st_size
    shutil.rmtree(work, ignore_errors=True)
    import ray

    ray.shutdown()
    return {"docs": docs, "passages": passages, "rounds": rounds, "actors": actors, "ray_start": ray_start,
            "single": min(times["single"]), "ray": min(times["ray"]), "store_bytes_per_passage": store_bytes / passages}


# ---------------------------------------------------------------- 2. vectors


def _unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def seed_data(seed_index: Path | None, queries: int) -> tuple[np.ndarray | None, np.ndarray | None, str]:
    """Real passage vectors of an index and real SciFact claims encoded by MiniLM (or None, None)."""
    from factcheck.index import open_index

    if seed_index is None or not (seed_index / "manifest.json").is_file():
        return None, None, "synthetic"
    from factcheck.embed import load_embedder
    from factcheck.settings import data_dir

    with open_index(seed_index) as index:
        seeds = np.array(index.vectors, dtype=np.float32)
    claims_path = data_dir() / "scifact" / "claims_train.jsonl"
    with open(claims_path, encoding="utf-8") as handle:
        claims = [json.loads(line)["claim"] for _, line in zip(range(queries), handle)]
    return seeds, _unit(load_embedder().encode(claims)), f"{len(seeds):,} real SciFact passage vectors"


def large_vectors(path: Path, n: int, seeds: np.ndarray | None, chunk: int = 100_000) -> np.ndarray:
    """Writes n unit vectors into a memory-mapped vectors.npy: real seed vectors + noise, or clustered synthetic."""
    from factcheck.index.vectors import create_vectors

    rng = np.random.default_rng(0)
    if seeds is None:  # 2,000 topics -> 50,000 sub-topics -> points
        topics = _unit(rng.standard_normal((2000, DIM)).astype(np.float32))
        seeds = _unit(topics[rng.integers(0, 2000, 50_000)] + rng.standard_normal((50_000, DIM)).astype(np.float32) * 0.8 / DIM**0.5)
    matrix = create_vectors(path, n, DIM)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        noise = rng.standard_normal((m, DIM)).astype(np.float32) * (0.62 / DIM**0.5)  # cos(point, seed) ~ 0.85
        matrix[start : start + m] = _unit(seeds[rng.integers(0, len(seeds), m)] + noise)
    matrix.flush()
    return matrix


def _load_memory_mb(path: Path) -> float:
    """Anonymous RSS that loading a FAISS index adds, measured in a fresh process (no reused heap)."""
    code = (
        "import re, sys; from pathlib import Path; import faiss\n"
        "def rss(): return int(re.search(r'^RssAnon:\\s+(\\d+) kB', Path('/proc/self/status').read_text(), re.M).group(1))\n"
        "before = rss(); index = faiss.read_index(sys.argv[1]); print((rss() - before) / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _search_one_by_one(index, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, list[float]]:
    """Top-k ids per query, searched one at a time; and the per-query milliseconds."""
    ids, ms = [], []
    for q in queries:
        t = time.perf_counter()
        _, found = index.search(q[None, :], k)
        ms.append((time.perf_counter() - t) * 1000)
        ids.append(found[0])
    return np.array(ids), ms


def _recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(found, exact)]))


def large_index(n: int, seeds: np.ndarray | None, queries: np.ndarray | None, nq: int) -> dict:
    """Build time, size, memory, p50 and recall@10 of exact and auto-chosen (compressed) FAISS at n vectors."""
    import faiss

    from factcheck.index.vectors import COMPRESS_MIN, build_faiss, choose_faiss, load_faiss

    work = Path(tempfile.mkdtemp(prefix="bench-scale-large-"))
    t = time.perf_counter()
    matrix = large_vectors(work / "vectors.npy", n, seeds)
    generated = time.perf_counter() - t
    if queries is None:
        rng = np.random.default_rng(1)
        queries = _unit(matrix[rng.integers(0, n, nq)] + rng.standard_normal((nq, DIM)).astype(np.float32) * 0.05)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    rows = []
    compressed = choose_faiss(n, None if n >= COMPRESS_MIN else "ivf-sq8")  # what auto picks at n >= COMPRESS_MIN
    for plan in (choose_faiss(n, "flat"), compressed):
        path = work / f"{plan.type}.index"
        t = time.perf_counter()
        build_faiss(matrix, plan, path)
        built = time.perf_counter() - t
        memory = _load_memory_mb(path)
        index = load_faiss(path, plan.params)
        faiss.omp_set_num_threads(1)
        if plan.type == "flat":
            _search_one_by_one(index, queries[:5])  # warm-up
            _, exact = index.search(queries, 10)
        sweep = [None] if plan.type == "flat" else [plan.params["nprobe"] // 2, plan.params["nprobe"], plan.params["nprobe"] * 2]
        for nprobe in sweep:
            if nprobe is not None:
                faiss.ParameterSpace().set_index_parameter(index, "nprobe", nprobe)
            found, ms = _search_one_by_one(index, queries)
            rows.append({"factory": plan.factory, "type": plan.type, "nprobe": nprobe, "default": nprobe in (None, plan.params.get("nprobe")),
                         "build_s": built, "file_mb": path.stat().st_size / 2**20, "memory_mb": memory,
                         "p50": statistics.median(ms), "p95": float(np.percentile(ms, 95)), "recall": _recall(found, exact)})
            print(f"  {plan.factory} nprobe={nprobe}: {rows[-1]}", file=sys.stderr)
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        del index
    vectors_mb = (work / "vectors.npy").stat().st_size / 2**20
    shutil.rmtree(work, ignore_errors=True)
    return {"n": n, "queries": len(queries), "generated_s": generated, "vectors_mb": vectors_mb, "rows": rows}


def real_recall(seeds: np.ndarray, queries: np.ndarray) -> dict:
    """Recall@10 of IVF-SQ8 (as auto would build it) over real passage vectors, real claims as queries."""
    from factcheck.index.vectors import build_faiss, choose_faiss, load_faiss

    work = Path(tempfile.mkdtemp(prefix="bench-scale-real-"))
    plan = choose_faiss(len(seeds), "ivf-sq8")
    build_faiss(seeds, plan, work / "sq8.index")
    index = load_faiss(work / "sq8.index", plan.params)
    exact = np.argsort(-(queries @ seeds.T), axis=1)[:, :10]
    _, found = index.search(queries, 10)
    shutil.rmtree(work, ignore_errors=True)
    result = {"passages": len(seeds), "factory": plan.factory, "nprobe": plan.params["nprobe"], "recall": _recall(found, exact)}
    print(f"  real vectors: {result}", file=sys.stderr)
    return result


# ---------------------------------------------------------------- report


def render(tp: dict | None, large: dict | None, real: dict | None, source: str) -> str:
    """The Markdown section for docs/benchmarks.md."""
    lines = [
        SECTION,
        "",
        f"Run on {date.today().isoformat()} with `nice -n 15 .venv/bin/python benchmarks/bench_scale.py{run_args()}` "
        f"({os.cpu_count()} CPU cores; other work may share the machine). How it scales and how to run it on a "
        "cluster: [docs/scale.md](scale.md).",
        "",
    ]
    if tp:
        speed = {k: tp["passages"] / tp[k] for k in ("single", "ray")}
        lines += [
            f"**Index build, one process vs Ray** ({tp['docs']} SciFact abstracts → {tp['passages']} passages, "
            f"bundled MiniLM; best of {tp['rounds']} alternating rounds, fresh folders; model loads included; "
            f"starting the local Ray instance took {tp['ray_start']:.1f} s more, once):",
            "",
            "| | seconds | passages/s |",
            "|---|---:|---:|",
            f"| `factcheck index` (one process, torch on all cores) | {tp['single']:.1f} | {speed['single']:.1f} |",
            f"| `factcheck index --ray --ray-actors {tp['actors']}` (local Ray, 1 CPU per actor) | {tp['ray']:.1f} | {speed['ray']:.1f} |",
            f"| **ratio** Ray / one process | | **{speed['ray'] / speed['single']:.2f}** |",
            "",
            "On one 2-core machine Ray cannot beat one process (both use every core; Ray adds actor start-up and "
            "a model load per actor): the point of `--ray` is that throughput grows with the actors a cluster "
            "gives it, while the index it writes is the same (tests/test_ray.py compares ids, texts, vectors and top-k).",
            "",
        ]
    if large:
        lines += [
            f"**Search at {large['n']:,} passages** (384-d vectors drawn around {source}; {large['queries']} "
            "queries (real SciFact claims encoded by MiniLM where available), one at a time, one FAISS thread; "
            "memory = RSS the loaded FAISS index adds; recall@10 against exact search):",
            "",
            "| FAISS | nprobe | build s | faiss.index MB | memory MB | p50 ms | p95 ms | recall@10 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in large["rows"]:
            nprobe = "–" if r["nprobe"] is None else f"{r['nprobe']}{' (default)' if r['default'] else ''}"
            lines.append(
                f"| {r['factory']} | {nprobe} | {r['build_s']:.0f} | {r['file_mb']:.0f} | {r['memory_mb']:.0f} | "
                f"{r['p50']:.2f} | {r['p95']:.2f} | {r['recall']:.3f} |"
            )
        flat = large["rows"][0]
        sq8 = next(r for r in large["rows"] if r["type"] != "flat" and r["default"])
        per_m = 1_000_000 / large["n"]
        lines += [
            "",
            f"Memory per million passages: exact {flat['memory_mb'] * per_m:,.0f} MB, IVF-SQ8 "
            f"{sq8['memory_mb'] * per_m:,.0f} MB (384 B of codes + 8 B of id per passage, plus the centroids). "
            f"On disk per million passages: `vectors.npy` {large['vectors_mb'] * per_m:,.0f} MB (float32, kept for "
            "incremental re-indexing and exact re-scoring; memory-mapped, search reads only the rows it returns), "
            f"`faiss.index` {sq8['file_mb'] * per_m:,.0f} MB"
            + (f", `store.sqlite` about {tp['store_bytes_per_passage'] * 1e6 / 2**20:,.0f} MB (passage texts plus the "
               "full documents, SciFact-sized; read by id, never loaded whole)" if tp else "")
            + ". `--nprobe` on `factcheck search` (or `Retriever(nprobe=)`) trades speed for recall per query.",
            "",
        ]
    if real:
        lines += [
            f"**Recall on real vectors**: IVF-SQ8 (`{real['factory']}`, nprobe {real['nprobe']}, as `--faiss ivf-sq8` "
            f"builds it) over the {real['passages']:,} real MiniLM passage vectors of the SciFact corpus, the "
            f"SciFact claims as queries: recall@10 = **{real['recall']:.3f}** against exact search.",
            "",
        ]
    lines += [
        "### On a multi-node Ray cluster",
        "",
        "- The index folder lives on storage every node mounts at the same path (NFS, a cloud file store): "
        "embedder actors read passage texts from the new generation's `store.sqlite` by id and write their "
        "shards into its `shards/` folder; checker actors open the finished index read-only.",
        "- `factcheck index PATHS --ray-address ray://head:10001 --ray-actors 64`: actors of one CPU each "
        "(default: one per cluster CPU), each loading the embedder once; Ray Data streams passage ids to them, "
        "one shard file per batch.",
        "- The merge runs on the driver: shards are copied into `vectors.npy` by passage id, FAISS is trained on a "
        "sample and filled, BM25 is built, and the manifest is switched atomically, as in a one-process build; "
        "incremental re-indexing still embeds only new or changed documents.",
        "- `factcheck check --claims FILE -o OUT --ray-address ...`: each actor holds one Checker; batches come "
        "back in input order into the same resumable `OUT.partial`.",
        "- Not distributed yet: ingest, FAISS training/adding and BM25 run on the driver (minutes per million "
        "passages, next to hours of embedding on CPUs); BM25 is rebuilt whole on each re-index.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="vectors in the large-corpus test (0: skip)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--docs", type=int, default=300, help="SciFact abstracts in the build test (0: skip)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--actors", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed-index", type=Path, default=ROOT / "runs" / "scifact-index",
                        help="an index of real passages whose vectors seed the large test")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    tp = build_throughput(args.docs, args.rounds, args.actors) if args.docs else None
    seeds, queries, source = seed_data(args.seed_index, args.queries)
    real = real_recall(seeds, queries) if seeds is not None else None
    large = large_index(args.n, seeds, queries, args.queries) if args.n else None
    text = render(tp, large, real, source)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
