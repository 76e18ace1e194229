"""Shared fixtures: expensive objects are built once per session and never mutated."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def data_dir():
    """The public data sets folder; tests that need it skip with a reason when it is absent."""
    from factcheck.settings import data_dir as _data_dir

    path = _data_dir()
    if not path.is_dir():
        pytest.skip(f"data sets not found at {path}; set FACTCHECK_DATA_DIR to ../shared/data")
    return path


@pytest.fixture(scope="session")
def shared_dir(data_dir):
    """The ../shared folder (reference documents and the example article)."""
    return data_dir.parent


@pytest.fixture(scope="session")
def embedder():
    """The bundled all-MiniLM-L6-v2 embedder, loaded once for the whole session."""
    from factcheck.embed import load_embedder

    return load_embedder()
