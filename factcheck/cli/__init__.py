"""The `factcheck` command line. Each stage's commands live in their own module here and
register on `app`; heavy libraries are imported inside the commands, never at import time."""

from __future__ import annotations

import os

# Idle OpenMP threads sleep instead of spinning: with busy cores, spinning threads slowed a MiniLM
# query from 12 ms to 25 ms (docs/benchmarks.md). Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from factcheck.cli.common import app, train_app  # noqa: E402

# Command modules register themselves on `app` / `train_app` when imported.
from factcheck.cli import index_cmds, claims_cmds, verify_cmds, check_cmds, review_cmds, eval_cmds, factcheck_cmds  # noqa: E402,F401
from factcheck.cli import quantize_cmds, serve_cmds  # noqa: E402,F401

__all__ = ["app", "train_app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
