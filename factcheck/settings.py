"""Where factcheck looks for things by default: data sets, the index, bundled models."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "default_index_dir", "limit_threads", "MODELS_DIR"]

MODELS_DIR = Path(__file__).resolve().parent / "models"


def data_dir() -> Path:
    """The public data sets folder: $FACTCHECK_DATA_DIR, else ../shared/data beside the repo."""
    env = os.environ.get("FACTCHECK_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def default_index_dir() -> Path:
    """The index folder used when --index is not given: $FACTCHECK_INDEX, else ./.factcheck/index."""
    return Path(os.environ.get("FACTCHECK_INDEX", ".factcheck/index"))


def limit_threads() -> int:
    """Sets torch's intra-op threads for query-time work to $FACTCHECK_THREADS (default 1) and returns it.

    Checking runs small batches, where extra threads buy little and cost a lot on a busy machine:
    with both cores loaded, one MiniLM query took 409 ms on 2 threads against 17 ms on 1
    (docs/benchmarks.md). Use more processes (`--ray`) to use more cores.
    """
    import torch

    threads = max(1, int(os.environ.get("FACTCHECK_THREADS", "1")))
    torch.set_num_threads(threads)
    return threads
