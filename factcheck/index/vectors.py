"""Dense vectors of an index: `vectors.npy` (float32, one row per passage) and the FAISS index over them.

`choose_faiss` is the one place that picks the FAISS index type for a corpus size; a later
stage can add compressed types (IVF-PQ, SQ) for millions of passages there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from factcheck.errors import InputError

__all__ = [
    "FaissPlan",
    "choose_faiss",
    "build_faiss",
    "load_faiss",
    "open_vectors",
    "create_vectors",
    "FAISS_TYPES",
    "FLAT_MAX",
    "VECTORS_FILE",
    "FAISS_FILE",
]

VECTORS_FILE = "vectors.npy"
FAISS_FILE = "faiss.index"
FLAT_MAX = 50_000  # up to this many passages, exact search is fast enough (~5 ms on 2 cores)
FAISS_TYPES = ("auto", "flat", "hnsw", "ivf")


@dataclass
class FaissPlan:
    """Which FAISS index to build: a named type, its index_factory string and its search parameters."""

    type: str
    factory: str
    params: dict[str, Any] = field(default_factory=dict)


def _ivf_plan(n: int) -> FaissPlan:
    """An inverted-file index with ~4·√n lists (at least 39 training points per list), probing ~1/16 of them."""
    nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
    return FaissPlan("ivf", f"IVF{nlist},Flat", {"nprobe": min(nlist, max(8, nlist // 16))})


_PLANS: dict[str, Callable[[int], FaissPlan]] = {
    "flat": lambda n: FaissPlan("flat", "Flat"),
    "hnsw": lambda n: FaissPlan("hnsw", "HNSW32", {"efSearch": 64}),
    "ivf": _ivf_plan,
}


def choose_faiss(n: int, spec: str | None = None) -> FaissPlan:
    """Picks the FAISS index for `n` passages: exact (flat) up to FLAT_MAX, IVF beyond; `spec` overrides
    with "flat", "hnsw", "ivf" or any faiss index_factory string (e.g. "IVF256,SQ8")."""
    spec = (spec or "auto").strip()
    if spec.lower() == "auto":
        return _PLANS["flat" if n <= FLAT_MAX else "ivf"](n)
    if spec.lower() in _PLANS:
        return _PLANS[spec.lower()](n)
    params = {"nprobe": 16} if spec.upper().startswith("IVF") or ",IVF" in spec.upper() else {}
    return FaissPlan("factory", spec, params)


def create_vectors(path: Path, n: int, dim: int) -> np.memmap:
    """Creates `vectors.npy` on disk as a writable memory map of shape (n, dim)."""
    return np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, dim))


def open_vectors(path: Path) -> np.ndarray:
    """Opens `vectors.npy` read-only as a memory map (never pickled)."""
    return np.load(path, mmap_mode="r", allow_pickle=False)


def build_faiss(vectors: np.ndarray, plan: FaissPlan, path: Path, chunk: int = 65_536) -> None:
    """Builds the planned FAISS index (inner product over unit vectors = cosine) and writes it to `path`."""
    import faiss

    n, dim = vectors.shape
    try:
        index = faiss.index_factory(dim, plan.factory, faiss.METRIC_INNER_PRODUCT)
    except RuntimeError as exc:
        raise InputError(f"--faiss {plan.factory!r}: not a FAISS index type ({_first_line(exc)})") from None
    if not index.is_trained:
        _train(index, vectors, plan)
    for start in range(0, n, chunk):
        index.add(np.ascontiguousarray(vectors[start : start + chunk], dtype=np.float32))
    faiss.write_index(index, str(path))


def _train(index: Any, vectors: np.ndarray, plan: FaissPlan) -> None:
    """Trains a FAISS index on up to 256 points per list (a random sample), as FAISS recommends."""
    n = len(vectors)
    sample = min(n, 100_000)
    rows = np.sort(np.random.default_rng(0).choice(n, size=sample, replace=False)) if sample < n else slice(None)
    try:
        index.train(np.ascontiguousarray(vectors[rows], dtype=np.float32))
    except RuntimeError as exc:
        raise InputError(
            f"--faiss {plan.factory!r} cannot be trained on {n} passages ({_first_line(exc)}); use --faiss flat"
        ) from None


def load_faiss(path: Path, params: dict[str, Any]) -> Any:
    """Reads a FAISS index and applies its search parameters (nprobe, efSearch)."""
    import faiss

    index = faiss.read_index(str(path))
    space = faiss.ParameterSpace()
    for name, value in params.items():
        space.set_index_parameter(index, name, value)
    return index


def _first_line(exc: BaseException) -> str:
    """The last non-blank line of a FAISS C++ error (the informative one)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
