"""Where factcheck looks for things by default: data sets, the index, bundled models."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "default_index_dir", "MODELS_DIR"]

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
