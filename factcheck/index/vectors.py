"""Dense vectors of an index: `vectors.npy` (float32, one row per passage) and the FAISS index over them.

`choose_faiss` is the one place that picks the FAISS index type for a corpus size: exact search up
to FLAT_MAX passages, IVF beyond, and IVF over 8-bit scalar-quantised vectors (a quarter of the
memory) from COMPRESS_MIN passages (see docs/scale.md for the measured recall and memory).
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
    "set_search_params",
    "train_size",
    "open_vectors",
    "create_vectors",
    "FAISS_TYPES",
    "FLAT_MAX",
    "COMPRESS_MIN",
    "TRAIN_PER_LIST",
    "VECTORS_FILE",
    "FAISS_FILE",
]

VECTORS_FILE = "vectors.npy"
FAISS_FILE = "faiss.index"
FLAT_MAX = 50_000  # up to this many passages, exact search is fast enough (~5 ms on 2 cores)
COMPRESS_MIN = 500_000  # from here, IVF over SQ8 codes: 392 MB per million passages instead of 1.5 GB
TRAIN_PER_LIST = 64  # IVF training sample per list: FAISS wants >= 39 (it caps at 256); 64 keeps k-means to minutes
FAISS_TYPES = ("auto", "flat", "hnsw", "ivf", "ivf-sq8")


@dataclass
class FaissPlan:
    """Which FAISS index to build: a named type, its index_factory string and its search parameters."""

    type: str
    factory: str
    params: dict[str, Any] = field(default_factory=dict)


def _ivf_plan(n: int) -> FaissPlan:
    """An inverted-file index with ~4·√n lists (at least 39 training points per list), probing ~1/8 of
    them (1/16 gave recall@10 0.946 on real SciFact vectors; 1/8 gives 0.98)."""
    nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
    return FaissPlan("ivf", f"IVF{nlist},Flat", {"nprobe": min(nlist, max(8, nlist // 8))})


def _ivf_sq8_plan(n: int) -> FaissPlan:
    """The IVF lists over 8-bit scalar-quantised vectors, probing ~1/8 of them: on real MiniLM vectors
    recall@10 is 0.98 of exact (1/16 gave 0.94; SQ8 itself costs ~0.002), and a code is 4x cheaper to scan."""
    nlist = int(_ivf_plan(n).factory[3:].split(",")[0])
    return FaissPlan("ivf-sq8", f"IVF{nlist},SQ8", {"nprobe": min(nlist, max(16, nlist // 8))})


_PLANS: dict[str, Callable[[int], FaissPlan]] = {
    "flat": lambda n: FaissPlan("flat", "Flat"),
    "hnsw": lambda n: FaissPlan("hnsw", "HNSW32", {"efSearch": 64}),
    "ivf": _ivf_plan,
    "ivf-sq8": _ivf_sq8_plan,
}


def _auto_type(n: int) -> str:
    """The FAISS type "auto" picks for `n` passages."""
    return "flat" if n <= FLAT_MAX else "ivf" if n < COMPRESS_MIN else "ivf-sq8"


def choose_faiss(n: int, spec: str | None = None) -> FaissPlan:
    """Picks the FAISS index for `n` passages: exact (flat) up to FLAT_MAX, IVF beyond, IVF-SQ8 from
    COMPRESS_MIN; `spec` overrides with "flat", "hnsw", "ivf", "ivf-sq8" or any faiss index_factory
    string (e.g. "IVF256,SQ8")."""
    spec = (spec or "auto").strip()
    if spec.lower() == "auto":
        return _PLANS[_auto_type(n)](n)
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


def train_size(index: Any, n: int) -> int:
    """How many of `n` vectors train `index`: TRAIN_PER_LIST per IVF list (at least 100,000)."""
    import faiss

    try:
        nlist = faiss.extract_index_ivf(index).nlist
    except RuntimeError:  # not an IVF index (e.g. a bare SQ or PQ quantiser)
        nlist = 0
    return min(n, max(100_000, TRAIN_PER_LIST * nlist))


def _train(index: Any, vectors: np.ndarray, plan: FaissPlan) -> None:
    """Trains a FAISS index on a random sample of the vectors (TRAIN_PER_LIST per IVF list)."""
    n = len(vectors)
    sample = train_size(index, n)
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
    set_search_params(index, params)
    return index


def set_search_params(index: Any, params: dict[str, Any]) -> None:
    """Applies search parameters (nprobe, efSearch) to a loaded FAISS index; unknown ones raise InputError."""
    import faiss

    space = faiss.ParameterSpace()
    for name, value in params.items():
        try:
            space.set_index_parameter(index, name, value)
        except RuntimeError as exc:
            raise InputError(f"FAISS search parameter {name}={value}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    """The last non-blank line of a FAISS C++ error (the informative one)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
