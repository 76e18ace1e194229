"""The fine-tuned top of MiniLM used as a check-worthiness member: frozen bottom layers of the bundled
embedder, then the project's own copies of the top layers, mean pooling and a logistic head. Training uses
the torch layers here; a saved member (model version 2) runs as one int8 ONNX graph (`onnx_probabilities`),
a version-1 member through `TopLayers`."""

from __future__ import annotations

import copy
import functools
from typing import Any, Sequence

__all__ = ["encoder_parts", "bottom_layers", "bottom_states", "TopLayers", "pad", "onnx_probabilities"]

MAX_TOKENS = 128


def encoder_parts(embedder: Any) -> tuple[Any, Any]:
    """The Hugging Face model and tokenizer inside a sentence-transformers embedder; for an ONNX embedder (the
    default on a CPU), those of the same model loaded with torch, once."""
    model = getattr(getattr(embedder, "inner", embedder), "model", None)  # ReusingEmbedder wraps another
    if model is None:
        model = _torch_model(embedder.name)
    return model[0].auto_model, model.tokenizer


@functools.lru_cache(maxsize=2)
def _torch_model(name: str) -> Any:
    """The sentence-transformers model of an embedder name, at fp32: the fine-tuned member needs its layers."""
    from factcheck.embed import load_embedder

    return load_embedder(name, precision="fp32").model


def _additive_mask(mask: Any) -> Any:
    """Turns a 0/1 attention mask into the additive form the BERT layers take."""
    import torch

    return (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min


def bottom_layers(auto: Any, upto: int) -> list[Any]:
    """The encoder's first `upto` layers (the frozen bottom)."""
    return list(auto.encoder.layer[:upto])


def bottom_states(auto: Any, tokenizer: Any, texts: Sequence[str], upto: int,
                  max_length: int = MAX_TOKENS) -> tuple[Any, Any]:
    """Token states after the first `upto` (frozen) layers, and the attention mask, for one batch."""
    import torch

    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    mask = enc["attention_mask"].float()
    with torch.no_grad():
        states = auto.embeddings(input_ids=enc["input_ids"], token_type_ids=enc.get("token_type_ids"))
        for layer in bottom_layers(auto, upto):
            states = layer(states, attention_mask=_additive_mask(mask))
            states = states[0] if isinstance(states, tuple) else states
    return states, mask


def pad(items: Sequence[Any]) -> tuple[Any, Any]:
    """Pads per-sentence state tensors (tokens x dim) into a batch and its mask."""
    import torch

    length = max(x.shape[0] for x in items)
    states = torch.zeros(len(items), length, items[0].shape[1])
    mask = torch.zeros(len(items), length)
    for i, x in enumerate(items):
        states[i, : x.shape[0]] = x
        mask[i, : x.shape[0]] = 1
    return states, mask


class TopLayers:
    """Trainable copies of the encoder's top layers plus mean pooling and a logistic head."""

    def __init__(self, auto: Any, start: int):
        import torch

        self.start = start
        self.layers = torch.nn.ModuleList(copy.deepcopy(auto.encoder.layer[start:]))
        self.head = torch.nn.Linear(auto.config.hidden_size, 1)

    def parameters(self) -> list[Any]:
        """The trainable parameters."""
        return list(self.layers.parameters()) + list(self.head.parameters())

    def train(self, mode: bool = True) -> None:
        """Switches dropout on (training) or off."""
        self.layers.train(mode)

    def logits(self, states: Any, mask: Any) -> Any:
        """Runs the top layers, mean-pools, normalises (as the embedder does) and applies the head."""
        import torch

        for layer in self.layers:
            states = layer(states, attention_mask=_additive_mask(mask))
            states = states[0] if isinstance(states, tuple) else states
        pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(torch.nn.functional.normalize(pooled, dim=-1) * 10.0).reshape(-1)

    def state_arrays(self, prefix: str) -> dict[str, Any]:
        """The weights as numpy arrays, keyed for weights.npz."""
        state = {f"layers.{k}": v for k, v in self.layers.state_dict().items()}
        state.update({f"head.{k}": v for k, v in self.head.state_dict().items()})
        return {f"{prefix}{k}": v.detach().cpu().numpy() for k, v in state.items()}

    def load_arrays(self, weights: dict[str, Any], prefix: str) -> None:
        """Loads weights saved by `state_arrays`."""
        import torch

        def take(part: str) -> dict[str, Any]:
            key = f"{prefix}{part}."
            return {k[len(key):]: torch.from_numpy(v.astype("float32")) for k, v in weights.items() if k.startswith(key)}

        self.layers.load_state_dict(take("layers"))
        self.head.load_state_dict(take("head"))
        self.train(False)

    def probabilities(self, auto: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 64) -> Any:
        """Check-worthiness probabilities for raw sentences."""
        import numpy as np
        import torch

        out = []
        with torch.no_grad():
            for i in range(0, len(texts), batch_size):
                states, mask = bottom_states(auto, tokenizer, texts[i: i + batch_size], self.start)
                out.append(torch.sigmoid(self.logits(states, mask)).numpy())
        return np.concatenate(out) if out else np.zeros(0)


def onnx_probabilities(encoder: Any, texts: Sequence[str]) -> Any:
    """The member's probabilities for sentences, from its `OnnxEncoder`."""
    import numpy as np

    if not len(texts):
        return np.zeros(0)
    logits = encoder.run(list(texts))[:, 0].astype(np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))
