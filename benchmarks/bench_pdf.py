"""Benchmark: is reading a PDF the bottleneck of indexing it? (target: >= 80 % of the time in the embedder)

    nice .venv/bin/python benchmarks/bench_pdf.py                      # 300 pages; updates docs/benchmarks.md
    nice .venv/bin/python benchmarks/bench_pdf.py --pages 30 --no-write

Writes a 300-page PDF with fpdf2 (the public-domain Senate resolution in corpus/, its clauses set as
numbered report pages of about 3,000 characters), then, with the bundled all-MiniLM-L6-v2 loaded and
warmed up beforehand:
1. indexes it with `build_index` (read, split, store, embed, FAISS, BM25, switch), timing the
   embedder's `encode` calls inside that same build: share = encode time / whole build time;
2. extracts the same file's text with pypdfium2 (what `factcheck.readers.pdf` uses) and with pypdf,
   and gives the share the build would have had with pypdf as the reader.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from docs_section import run_args, write_section  # noqa: E402

SECTION = "## PDF reading"
LINES_PER_PAGE = 36
LINE_CHARS = 88


class TimedEmbedder:
    """Wraps an embedder and adds up the seconds spent in `encode`."""

    def __init__(self, model):
        self.model, self.name, self.dim = model, model.name, model.dim
        self.seconds, self.texts = 0.0, 0

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        started = time.perf_counter()
        out = self.model.encode(texts, batch_size=batch_size)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return out


def report_pages(pages: int) -> list[str]:
    """Page texts of about 3,000 characters: the resolution's clauses in turn, each page numbered."""
    text = (ROOT / "corpus" / "us-senate-s-res-99-117th-congress.txt").read_text(encoding="utf-8")
    clauses = [" ".join(c.split()) for c in re.findall(r"^Whereas .+?;$", text, flags=re.S | re.M)]
    out, k = [], 0
    for number in range(1, pages + 1):
        body = f"Section {number}. Findings of the Senate, part {number}."
        while len(body) < LINES_PER_PAGE * LINE_CHARS - 400:
            body += " " + clauses[k % len(clauses)]
            k += 1
        out.append(body.replace("``", '"').replace("''", '"'))
    return out


def write_report_pdf(path: Path, pages: int) -> Path:
    """Writes the report PDF, lines pre-wrapped (fpdf2's multi_cell takes minutes for 300 pages)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in report_pages(pages):
        pdf.add_page()
        for row, line in enumerate(textwrap.wrap(page, LINE_CHARS)[:LINES_PER_PAGE]):
            pdf.text(15, 20 + row * 7, line.encode("latin-1", "replace").decode("latin-1"))
    pdf.output(str(path))
    return path


def extraction_seconds(path: Path) -> dict[str, float]:
    """Best of three text extractions of the whole file with each library."""
    from pypdf import PdfReader

    from factcheck.readers.pdf import pdf_pages

    data = path.read_bytes()
    runs = {"pypdfium2": lambda: pdf_pages(data, str(path)), "pypdf": lambda: [p.extract_text() for p in PdfReader(path).pages]}
    best = {}
    for name, run in runs.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        best[name] = min(times)
    return best


def cpu_model() -> str:
    """The CPU model as lscpu names it."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return "unknown CPU"
    match = re.search(r"Model name:\s*(.+)", out)
    return match.group(1).strip() if match else "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/benchmarks.md alone.")
    args = parser.parse_args()

    import torch

    from factcheck.embed import load_embedder
    from factcheck.index import build_index

    model = load_embedder()
    model.encode(["warm-up sentence"] * 8)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = write_report_pdf(folder / "report.pdf", args.pages)
        embedder = TimedEmbedder(model)
        started = time.perf_counter()
        stats = build_index([pdf], folder / "index", embedder=embedder)
        total = time.perf_counter() - started
        extract = extraction_seconds(pdf)
        size_mb = pdf.stat().st_size / 1e6
    share = embedder.seconds / total
    with_pypdf = embedder.seconds / (total - extract["pypdfium2"] + extract["pypdf"])
    text = f"""{SECTION}

Run on {date.today()} with `nice .venv/bin/python benchmarks/bench_pdf.py{run_args()}` on {cpu_model()}
({os.cpu_count()} CPU cores, torch threads {torch.get_num_threads()}; other work may share the machine).

A generated {args.pages}-page PDF ({size_mb:.1f} MB; the Senate resolution in corpus/ set as numbered pages of
about 3,000 characters) indexed with `build_index` and the bundled all-MiniLM-L6-v2, loaded and warmed up
beforehand: {stats.passages} passages, none crossing a page.

| | seconds | share of the build |
|---|---:|---:|
| whole `build_index` (read, split, store, embed, FAISS, BM25, switch) | {total:.1f} | 100 % |
| embedder `encode` calls inside it | {embedder.seconds:.1f} | **{share:.1%}** (target ≥ 80 %) |
| PDF text extraction alone, pypdfium2 (the reader; best of 3) | {extract['pypdfium2']:.2f} | {extract['pypdfium2'] / total:.1%} |
| PDF text extraction alone, pypdf (best of 3) | {extract['pypdf']:.2f} | — |

With pypdf as the reader the embedder's share would have been {with_pypdf:.1%}: pypdfium2 reads the file
{extract['pypdf'] / extract['pypdfium2']:.0f}x faster, which is why `factcheck.readers.pdf` uses it.
"""
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
