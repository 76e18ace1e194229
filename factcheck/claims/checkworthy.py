"""The project's check-worthiness model: loading the saved artifact (no pickle) and scoring sentences.

Members are dense (frozen MiniLM sentence embedding + hand features -> standardise -> logistic regression,
or one ReLU layer and a logistic output), hashed n-gram (TF-IDF -> logistic regression) or fine-tuned (MiniLM's
bottom layers frozen, the project's own top layers + head). Each member has a role. Ranking members (trained
on what fact-checkers chose) order the sentences; deciding members (trained on ClaimBuster's check-worthy
factual claims) say yes or no at a threshold chosen on ClaimBuster's training folds. The score is
`tiered_score`: 0.5 and above for a yes, below for a no, ordered by the ranking members within each side.
Version 1 models have ranking members only: score = sigmoid(logit(p) - logit(threshold)).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from factcheck.errors import ModelError
from factcheck.settings import MODELS_DIR

__all__ = ["CheckworthinessModel", "DEFAULT_MODEL_DIR", "MODEL_VERSION", "ngram_matrix", "dense_forward", "tiered_score"]

DEFAULT_MODEL_DIR = MODELS_DIR / "checkworthiness"
MODEL_VERSION = 2  # 2: members have a role (rank or decide); version 1 models (all ranking) still load
READABLE_VERSIONS = (1, 2)


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
            raise ModelError(f"{folder}: model version {config.get('version')} is not one of {READABLE_VERSIONS}; "
                             "retrain it with: factcheck train checkworthiness")
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

    def member_probabilities(self, texts: Sequence[str], docs: Sequence[Any], embeddings: Any = None) -> list[Any]:
        """Each member's probabilities; `embeddings` are the sentences' vectors from the model's embedder when
        the caller has them already (else the embedder computes them, once for every dense member)."""
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
            elif member["kind"] == "finetuned":
                probs.append(self._top_layers(k, member).probabilities(*encoder_parts(self.embedder), list(texts)))
            else:
                x = ngram_matrix(texts, member, self.weights[f"{prefix}idf"])
                logits = x @ self.weights[f"{prefix}coef"] + self.weights[f"{prefix}intercept"]
                probs.append(_sigmoid(np.asarray(logits).ravel()))
        return probs

    def _average(self, probs: list[Any], role: str) -> Any:
        """The weighted average of the probabilities of the members with this role."""
        import numpy as np

        chosen = [(p, m.get("weight", 1.0)) for p, m in zip(probs, self.config["members"]) if m.get("role", "rank") == role]
        return np.average([p for p, _ in chosen], axis=0, weights=[w for _, w in chosen])

    def probabilities(self, texts: Sequence[str], docs: Sequence[Any], embeddings: Any = None) -> Any:
        """The ranking members' averaged probabilities (before the threshold shift or the decision)."""
        return self._average(self.member_probabilities(texts, docs, embeddings), "rank")

    def score(self, texts: Sequence[str], docs: Sequence[Any], embeddings: Any = None) -> Any:
        """Check-worthiness in [0, 1] for sentences and their spaCy parses; >= 0.5 means check-worthy."""
        import numpy as np

        if not texts:
            return np.zeros(0)
        probs = self.member_probabilities(texts, docs, embeddings)
        rank = self._average(probs, "rank")
        if "decision" in self.config:
            return tiered_score(rank, self._average(probs, "decide"), self.config["decision"]["threshold"])
        return _sigmoid(_logit(rank) - _logit(self.threshold))


def tiered_score(rank: Any, decide: Any, threshold: float) -> Any:
    """Scores whose 0.5 is the decision (decide >= threshold) and whose order within each side is the ranking:
    (decision + rank) / 2, the ranking probability capped below 1 so that a 'no' stays under 0.5."""
    import numpy as np

    return ((decide >= threshold) + np.clip(rank, 0.0, 0.9999)) / 2.0
