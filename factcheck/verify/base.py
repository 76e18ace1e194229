"""The verifier protocol and a plain-dict registry of verifiers by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol, Sequence

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Verifier", "VERIFIERS", "register_verifier", "load_verifier"]


class Verifier(Protocol):
    """Reads (evidence, claim) pairs; returns calibrated probabilities, shape (n, len(STANCES)), with columns
    in `factcheck.records.STANCES` order (entailment, contradiction, neutral). `pipeline.Checker` takes
    any verifier of this shape."""

    name: str

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> "np.ndarray": ...


def _bundled(device: str | None = None, precision: str | None = None) -> Verifier:
    from factcheck.verify.nli import load_bundled

    return load_bundled(device=device, precision=precision)


VERIFIERS: dict[str, Callable[..., Verifier]] = {"bundled": _bundled, "default": _bundled}


def register_verifier(name: str, factory: Callable[..., Verifier]) -> None:
    """Makes `load_verifier(name)` build a verifier with `factory(device=...)`."""
    VERIFIERS[name] = factory


def load_verifier(name: str = "bundled", device: str | None = None, precision: str | None = None) -> Verifier:
    """A registered verifier by name, else any Hugging Face sequence-classification NLI model
    (or sentence-transformers CrossEncoder) by local path or hub name. `precision`: "auto" (default, or
    $FACTCHECK_PRECISION; int8 for the bundled model on a CPU), "int8" or "fp32"."""
    from factcheck.quantized import resolve_precision

    if name in ("bundled", "default"):
        return VERIFIERS[name](device=device, precision=precision)
    resolve_precision(precision, None, name)  # int8 asked of a model that has none: one clear error
    if name in VERIFIERS:
        return VERIFIERS[name](device=device)
    from factcheck.verify.nli import NLIVerifier

    return NLIVerifier(name, device=device)
