"""Writes one benchmark's section of docs/benchmarks.md, leaving the other sections alone."""

from __future__ import annotations

import re
import sys
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(heading: str, text: str, path: Path = BENCHMARKS_MD) -> None:
    """Replaces the section that starts with `heading` (or appends it), atomically."""
    from factcheck.textio import atomic_write_text

    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text.rstrip() + "\n\n", current)
    else:
        updated = current.rstrip() + "\n\n" + text.rstrip() + "\n"
    atomic_write_text(path, updated.rstrip() + "\n")


def run_args() -> str:
    """The command-line options of this run, for the report (" --a 1 --b")."""
    return "".join(f" {a}" for a in sys.argv[1:])
