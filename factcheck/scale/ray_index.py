"""Index building on Ray: passages are embedded by Ray Data actors (each loads the embedder once),
each batch is written as a shard file into the new generation folder, and the shards are merged
into the one `vectors.npy` + FAISS index that `search` and `check` read, unchanged.

Everything else (ingest, SQLite store, incremental reuse, BM25, atomic switch) is `build_index`'s:
a Ray build gives the same passages, ids and (to float rounding) vectors as a single-process one.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from factcheck import errors
from factcheck.errors import FactcheckError, IndexError_
from factcheck.index.build import BuildStats, build_index
from factcheck.index.manifest import MANIFEST_FILE, read_manifest
from factcheck.index.store import Store
from factcheck.scale.cluster import cluster_cpus, connect

__all__ = ["RayEmbedder", "build_index_ray", "SHARD_DIR", "RAY_BATCH"]

SHARD_DIR = "shards"  # inside the generation folder; removed once merged
RAY_BATCH = 256  # passages per Ray Data batch (one shard file each)


class _ShardEncoder:
    """A Ray Data actor: loads the embedder once, encodes batches of passage ids read from the store,
    and writes each batch as one shard file (ids + vectors, .npz without pickles)."""

    def __init__(self, make_embedder: Callable[[], Any], store_path: str, shard_dir: str, batch_size: int, cwd: str):
        if os.path.isdir(cwd):
            os.chdir(cwd)  # relative model paths resolve as in the driver
        self.make_embedder = make_embedder
        self.model: Any = None
        self.store = Store(store_path)
        self.shard_dir = Path(shard_dir)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        ids = np.asarray(batch["data"], dtype=np.int64)
        try:
            if self.model is None:  # loaded on first use, so a load error comes back like any other
                self.model = self.make_embedder()
            encoded = self.model.encode(self.store.passage_texts(ids), batch_size=self.batch_size)
        except FactcheckError as exc:  # an expected error travels back as data: Ray would flatten it to text
            return {"shard": np.array([""]), "rows": np.array([0]), "error": np.array([f"{type(exc).__name__}:{exc}"])}
        path = self.shard_dir / f"shard-{int(ids[0]):012d}-{uuid.uuid4().hex[:8]}.npz"
        partial = path.with_name(path.name + ".tmp")
        with open(partial, "wb") as handle:
            np.savez(handle, ids=ids, vectors=np.ascontiguousarray(encoded, np.float32))
        os.replace(partial, path)
        return {"shard": np.array([str(path)]), "rows": np.array([len(ids)]), "error": np.array([""])}


class RayEmbedder:
    """An embedder (name, dim, encode) whose bulk encoding for `build_index` runs on Ray actors."""

    def __init__(
        self,
        name: str,
        dim: int | None = None,
        actors: int | None = None,
        ray_batch: int = RAY_BATCH,
        make_embedder: Callable[[], Any] | None = None,
    ):
        from factcheck.embed import load_embedder

        self.name = name
        self._dim = dim
        self.actors = actors
        self.ray_batch = ray_batch
        self.make_embedder = make_embedder or functools.partial(load_embedder, name)
        self._local: Any = None

    @property
    def dim(self) -> int:
        """The vector dimension (known from the previous index, else from a local load of the model)."""
        if self._dim is None:
            self._dim = int(self._model().dim)
        return self._dim

    def _model(self) -> Any:
        """The embedder loaded in this process (only for `dim` and `encode` of a few texts)."""
        if self._local is None:
            self._local = self.make_embedder()
        return self._local

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> Any:
        """Encodes a few texts in this process."""
        return self._model().encode(texts, batch_size=batch_size, progress=progress)

    def encode_rows(self, store: Store, rows: np.ndarray, batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Encodes the store's passages `rows` on Ray actors; yields (ids, vectors) shard by shard as they finish."""
        ray = connect()
        shard_dir = store.path.parent / SHARD_DIR
        shard_dir.mkdir(exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # max_restarts: newer Ray wants a named parameter
            dataset = self._dataset(ray, rows, store, shard_dir, batch_size)
        try:
            for done in dataset.iter_rows():
                if str(done["error"]):
                    raise _error_of(str(done["error"]))
                yield _read_shard(Path(str(done["shard"])))
        finally:
            shutil.rmtree(shard_dir, ignore_errors=True)

    def _dataset(self, ray: Any, rows: np.ndarray, store: Store, shard_dir: Path, batch_size: int) -> Any:
        """The Ray Data pipeline: passage ids -> actor pool of _ShardEncoder -> one shard path per batch."""
        batches = -(-len(rows) // self.ray_batch)
        actors = max(1, min(self.actors or cluster_cpus(), batches))
        blocks = np.array_split(np.asarray(rows, dtype=np.int64), batches)  # one block per batch: all actors get work
        return ray.data.from_numpy(blocks).map_batches(
            _ShardEncoder,
            fn_constructor_kwargs={
                "make_embedder": self.make_embedder,
                "store_path": str(store.path.resolve()),
                "shard_dir": str(shard_dir.resolve()),
                "batch_size": batch_size,
                "cwd": os.getcwd(),
            },
            batch_size=self.ray_batch,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
            max_restarts=0,  # a failed actor fails the build (the old index stays); no silent retries
        )


def _error_of(text: str) -> FactcheckError:
    """Rebuilds a worker's factcheck error ("ModelError:message") with its class, hence its exit code."""
    name, _, message = text.partition(":")
    kind = getattr(errors, name, FactcheckError)
    return kind(message) if isinstance(kind, type) and issubclass(kind, FactcheckError) else FactcheckError(text)


def _read_shard(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Reads one shard's (ids, vectors) and deletes the file (its rows are merged into vectors.npy)."""
    with np.load(path, allow_pickle=False) as shard:
        ids, vectors = shard["ids"], shard["vectors"]
    path.unlink()
    return ids, vectors


def _embedder_of(folder: Path, embedder: str | None) -> tuple[str, int | None]:
    """The embedder name a build uses (given, else the existing index's, else the default) and its
    dimension when the existing index already records it."""
    from factcheck.embed import DEFAULT_EMBEDDER
    from factcheck.index.reader import canonical_name

    manifest = None
    if (folder / MANIFEST_FILE).is_file():
        try:
            manifest = read_manifest(folder)
        except IndexError_:
            manifest = None  # build_index warns and rebuilds
    name = canonical_name(embedder or (manifest["embedder"] if manifest else DEFAULT_EMBEDDER))
    dim = int(manifest["dim"]) if manifest and manifest["embedder"] == name else None
    return name, dim


def build_index_ray(
    paths: Iterable[str | Path],
    index_dir: str | Path | None = None,
    embedder: str | None = None,
    faiss: str | None = None,
    address: str | None = None,
    actors: int | None = None,
    progress: bool = False,
    batch_size: int = 64,
    make_embedder: Callable[[], Any] | None = None,
    ray_batch: int = RAY_BATCH,
) -> BuildStats:
    """`build_index` with the embedding done on Ray (the cluster at `address`, or a local instance).

    `actors` embedder actors (default: one per cluster CPU) each load the model once, through
    `make_embedder` when given (a picklable factory; default: load_embedder(name)); each Ray batch
    of `ray_batch` passages becomes one shard file.
    """
    from factcheck.settings import default_index_dir

    folder = Path(index_dir) if index_dir is not None else default_index_dir()
    connect(address)
    name, dim = _embedder_of(folder, embedder)
    model = RayEmbedder(name, dim, actors=actors, ray_batch=ray_batch, make_embedder=make_embedder)
    return build_index(paths, folder, embedder=model, faiss=faiss, progress=progress, batch_size=batch_size)
