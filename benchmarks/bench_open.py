"""Benchmark of what opening an index costs since it verifies the store's checksum (issue 15).

    nice .venv/bin/python benchmarks/bench_open.py                  # prints the table and updates docs/benchmarks.md
    nice .venv/bin/python benchmarks/bench_open.py --no-write --sizes 10000

For synthetic stores of N passages (500 characters of random words each, as `Store` writes them), in the
same process and alternating rounds, warm page cache, median of the rounds:
1. the open as it was: connect read-only and count the passages;
2. the CRC-32 of the whole file that `open_index` now adds (files up to VERIFY_MAX_BYTES);
3. SQLite's `PRAGMA quick_check`, the alternative considered (it misses changed bytes inside a text).
The ratio (1 + 2) / 1 is what the check adds to an open; a `factcheck check` run loads two models on top.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from docs_section import run_args, write_section  # noqa: E402

from factcheck.index.manifest import VERIFY_MAX_BYTES, file_checksum  # noqa: E402
from factcheck.index.store import Store  # noqa: E402
from factcheck.records import Document, Passage  # noqa: E402

SECTION = "## Index open: store checksum"


def make_store(path: Path, passages: int, seed: int = 15) -> None:
    """A store of `passages` passages of ~500 characters, 10 per document."""
    rng = random.Random(seed)
    words = [f"w{rng.randrange(50_000)}" for _ in range(20_000)]
    store = Store.create(path)
    for doc in range(0, passages, 10):
        texts = [" ".join(rng.choices(words, k=80))[:500] for _ in range(10)]
        text = "\n".join(texts)
        row = store.add_document(Document(f"d{doc}", text, f"Doc {doc}", "bench"), f"h{doc}")
        offsets = [sum(len(t) + 1 for t in texts[:i]) for i in range(10)]
        store.add_passages(row, [Passage(f"d{doc}", t, o, o + len(t), i) for i, (t, o) in enumerate(zip(texts, offsets))], doc)
    store.commit()
    store.close()


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _bare_open(path: Path) -> None:
    store = Store(path)
    store.count("passages")
    store.close()


def _quick_check(path: Path) -> None:
    store = Store(path)
    store.db.execute("PRAGMA quick_check").fetchall()
    store.close()


def measure(passages: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.sqlite"
        make_store(path, passages)
        file_checksum(path)  # warm the page cache
        times = {"open": [], "crc32": [], "quick_check": []}
        for _ in range(rounds):
            times["open"].append(_time(lambda: _bare_open(path)))
            times["crc32"].append(_time(lambda: file_checksum(path)))
            times["quick_check"].append(_time(lambda: _quick_check(path)))
        size = path.stat().st_size
    med = {k: median(v) for k, v in times.items()}
    return {"passages": passages, "mb": size / 1e6, **med, "ratio": (med["open"] + med["crc32"]) / med["open"],
            "crc_mb_s": size / 1e6 / med["crc32"]}


def cpu_model() -> str:
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    return next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "unknown")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = [measure(n, args.rounds) for n in args.sizes]
    lines = [
        SECTION,
        "",
        f"`nice .venv/bin/python benchmarks/bench_open.py{run_args()}` ({time.strftime('%Y-%m-%d')}, {cpu_model()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; median of {args.rounds} alternating rounds, warm cache).",
        "`open_index` verifies the CRC-32 that the manifest records for `store.sqlite` (files up to "
        f"{VERIFY_MAX_BYTES // 2**20} MB), so bytes changed anywhere in the store give exit 4 instead of a traceback "
        "or wrong text; larger stores rely on the size check and on SQLite errors at query time (also exit 4).",
        "",
        "| passages | store MB | open before (ms) | + CRC-32 (ms) | open after / before | CRC-32 MB/s | PRAGMA quick_check (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['passages']:,} | {r['mb']:.1f} | {r['open'] * 1e3:.2f} | {r['crc32'] * 1e3:.1f} | {r['ratio']:.1f}x | "
            f"{r['crc_mb_s']:.0f} | {r['quick_check'] * 1e3:.1f} |"
        )
    last = rows[-1]
    lines += ["", f"The bare open reads two pages, so any whole-file check is many times it. In absolute terms the CRC-32 "
              f"adds {last['crc32'] * 1e3:.0f} ms at {last['passages']:,} passages ({last['mb']:.0f} MB), against "
              f"{last['quick_check'] * 1e3:.0f} ms for `PRAGMA quick_check`, which would not see changed text; "
              "loading the embedder that every `factcheck check` and dense `search` does next takes seconds."]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
