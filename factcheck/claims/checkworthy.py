"""The project's check-worthiness model: loading the saved artifact (no pickle) and scoring sentences.

The model averages the probabilities of its members: a dense member (frozen MiniLM sentence embedding +
hand features -> standardise -> logistic regression), hashed n-gram members (TF-IDF -> logistic
regression) and a fine-tuned MiniLM classifier, run as an int8 ONNX graph from the model folder (version 2;
version-1 models kept their fine-tuned top layers as torch weights). Scores are shifted so that 0.5 is the
decision threshold tuned on the development data: score = sigmoid(logit(p) - logit(threshold)).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from factcheck.errors import ModelError
from factcheck.settings import MODELS_DIR

__all__ = ["CheckworthinessModel", "DEFAULT_MODEL_DIR", "MODEL_VERSION", "ngram_matrix", "dense_forward"]

DEFAULT_MODEL_DIR = MODELS_DIR / "checkworthiness"
MODEL_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 1: a fine-tuned member's top layers stored as torch weights in weights.npz


def _sigmoid(x: Any) -> Any:
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def _logit(p: Any) -> Any:
    import numpy as np

    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def dense_forward(x: Any, weights: dict[str, Any], prefix: str, layers: int) -> Any:
    """Standardises features and runs the ReLU layers and the logistic output; returns probabilities."""
    import numpy as np

    h = (x - weights[f"{prefix}mean"]) / weights[f"{prefix}scale"]
    for k in range(layers):
        h = h @ weights[f"{prefix}W{k}"] + weights[f"{prefix}b{k}"]
        if k < layers - 1:
            h = np.maximum(h, 0.0)
    return _sigmoid(h.reshape(len(x), -1)[:, 0])


def ngram_matrix(texts: Sequence[str], spec: dict[str, Any], idf: Any = None) -> Any:
    """Hashed n-gram counts with sublinear TF, IDF weights and unit rows (as sklearn's TfidfTransformer)."""
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = HashingVectorizer(
        n_features=spec["n_features"], analyzer=spec["analyzer"], ngram_range=tuple(spec["ngram_range"]),
        alternate_sign=False, norm=None, lowercase=True,
    )
    counts = vectorizer.transform(list(texts)).tocsr().astype(np.float64)
    counts.data = 1.0 + np.log(counts.data)
    if idf is not None:
        counts = counts.multiply(idf.reshape(1, -1)).tocsr()
    return normalize(counts)


class CheckworthinessModel:
    """Scores sentences for check-worthiness in [0, 1]; 0.5 is the tuned decision threshold."""

    def __init__(self, config: dict[str, Any], weights: dict[str, Any], embedder: Any = None,
                 folder: Path | None = None):
        self.config = config
        self.folder = folder
        self.weights = weights
        self.threshold = float(config["threshold"])
        self._embedder = embedder
        self._tops: dict[int, Any] = {}
        self._onnx: dict[int, Any] = {}

    @classmethod
    def load(cls, path: str | Path | None = None, embedder: Any = None) -> "CheckworthinessModel":
        """Loads config.json and weights.npz from a model folder (the bundled one by default)."""
        import numpy as np

        folder = Path(path) if path else DEFAULT_MODEL_DIR
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            with np.load(folder / "weights.npz", allow_pickle=False) as data:
                weights = {k: data[k] for k in data.files}
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"check-worthiness model at {folder} could not be loaded ({exc}); "
                "retrain it with: factcheck train checkworthiness"
            ) from None
        if config.get("version") not in READABLE_VERSIONS:
            raise ModelError(f"{folder}: model version {config.get('version')} is not one of "
                             f"{', '.join(map(str, READABLE_VERSIONS))}; retrain it with: factcheck train checkworthiness")
        return cls(config, weights, embedder, folder)

    @property
    def embedder(self) -> Any:
        """The sentence embedder the model was trained with, loaded on first use."""
        from factcheck.embed import load_embedder, same_embedder

        if self._embedder is None or not same_embedder(self._embedder, self.config["embedder"]):
            self._embedder = load_embedder(self.config["embedder"])  # the caller's is another model: load our own
        return self._embedder

    def _top_layers(self, k: int, member: dict[str, Any]) -> Any:
        """The fine-tuned top layers of member k, built on first use from the embedder's own layers."""
        from factcheck.claims.finetuned import TopLayers, encoder_parts

        if k not in self._tops:
            top = TopLayers(encoder_parts(self.embedder)[0], member["start_layer"])
            top.load_arrays(self.weights, f"m{k}.")
            self._tops[k] = top
        return self._tops[k]

    def _onnx_member(self, k: int, member: dict[str, Any]) -> Any:
        """The int8 ONNX classifier of member k (its folder inside the model folder), loaded on first use."""
        from factcheck.quantized import OnnxEncoder

        if k not in self._onnx:
            self._onnx[k] = OnnxEncoder(Path(self.folder or DEFAULT_MODEL_DIR) / member["folder"])
        return self._onnx[k]

    def probabilities(self, texts: Sequence[str], docs: Sequence[Any], embeddings: Any = None) -> Any:
        """Raw averaged member probabilities (before the threshold shift); `embeddings` are the sentences'
        vectors from the model's embedder when the caller has them already."""
        import numpy as np

        from factcheck.claims.features import hand_features
        from factcheck.claims.finetuned import encoder_parts

        probs = []
        dense_x = None
        for k, member in enumerate(self.config["members"]):
            prefix = f"m{k}."
            if member["kind"] == "dense":
                if dense_x is None:
                    emb = self.embedder.encode(list(texts)) if embeddings is None else embeddings
                    hand = np.array([hand_features(d) for d in docs], dtype=np.float32)
                    dense_x = np.hstack([emb, hand])
                probs.append(dense_forward(dense_x, self.weights, prefix, member["layers"]))
            elif member["kind"] == "finetuned-onnx":
                from factcheck.claims.finetuned import onnx_probabilities

                probs.append(onnx_probabilities(self._onnx_member(k, member), texts))
            elif member["kind"] == "finetuned":
                probs.append(self._top_layers(k, member).probabilities(*encoder_parts(self.embedder), list(texts)))
            else:
                x = ngram_matrix(texts, member, self.weights[f"{prefix}idf"])
                logits = x @ self.weights[f"{prefix}coef"] + self.weights[f"{prefix}intercept"]
                probs.append(_sigmoid(np.asarray(logits).ravel()))
        return np.mean(probs, axis=0)

    def score(self, texts: Sequence[str], docs: Sequence[Any], embeddings: Any = None) -> Any:
        """Check-worthiness in [0, 1] for sentences and their spaCy parses; >= 0.5 means check-worthy."""
        if not texts:
            import numpy as np

            return np.zeros(0)
        return _sigmoid(_logit(self.probabilities(texts, docs, embeddings)) - _logit(self.threshold))
