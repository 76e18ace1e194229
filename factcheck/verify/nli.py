"""NLI cross-encoders: the bundled model (factcheck/models/verifier) or any Hugging Face
sequence-classification NLI model / sentence-transformers CrossEncoder, by local path or hub name."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from factcheck.errors import ModelError
from factcheck.records import STANCES
from factcheck.settings import MODELS_DIR

if TYPE_CHECKING:
    from factcheck.verify.calibration import VerdictCalibration

__all__ = ["BUNDLED_DIR", "NLIVerifier", "OnnxVerifier", "load_bundled", "stance_columns"]

BUNDLED_DIR = MODELS_DIR / "verifier"
_ALIASES = {
    "entailment": ("entailment", "entails", "entail", "supports", "support", "supported"),
    "contradiction": ("contradiction", "contradicts", "contradict", "refutes", "refute", "refuted"),
    "neutral": ("neutral", "not_enough_info", "not enough info", "nei", "notenoughinfo"),
}


def stance_columns(id2label: Mapping, model: str = "model") -> list[int]:
    """For each stance in STANCES order, the model output column that holds it, read from the
    config's id2label (e.g. {0: 'contradiction', 1: 'entailment', 2: 'neutral'} → [1, 0, 2])."""
    by_name = {str(label).strip().lower(): int(i) for i, label in id2label.items()}
    columns = []
    for stance in STANCES:
        found = [by_name[a] for a in _ALIASES[stance] if a in by_name]
        if not found:
            raise ModelError(
                f"verifier {model!r}: its config labels {sorted(by_name)} do not name {stance!r}; "
                "use a three-way NLI model whose config.json id2label names entailment, contradiction and neutral"
            )
        columns.append(found[0])
    return columns


def _read_calibration(path: Path) -> dict:
    from factcheck.verify.calibration import PAIR_CALIBRATION_FILE, read_pair_calibration

    file = path / PAIR_CALIBRATION_FILE
    return read_pair_calibration(file) if file.is_file() else {}


def _read_verdict_calibration(path: Path) -> "VerdictCalibration | None":
    """The model folder's verdict-level confidence calibration (fitted end to end), if it has one."""
    from factcheck.verify.calibration import VERDICT_CALIBRATION_FILE, VerdictCalibration

    file = path / VERDICT_CALIBRATION_FILE
    return VerdictCalibration.load(file) if file.is_file() else None


class NLIVerifier:
    """A sequence-classification NLI model, loaded once; `predict` returns calibrated
    probabilities in STANCES column order for (premise/evidence, hypothesis/claim) pairs."""

    precision = "fp32"

    def __init__(self, model: str | Path, device: str | None = None, temperature: float | None = None,
                 name: str | None = None, max_length: int | None = None):
        path = Path(model)
        local = path.is_dir()
        if not local and (str(model).startswith((".", "/", "~")) or path.exists()):
            raise ModelError(f"verifier {str(model)!r}: no such model folder; pass 'bundled', a folder with "
                             "config.json and weights, or a Hugging Face NLI model name")
        calibration = _read_calibration(path) if local else {}
        self.name = name or calibration.get("name") or str(model)
        self.temperature = float(temperature if temperature is not None else calibration.get("temperature", 1.0))
        self.tokenizer, self.model = self._load(str(model), local, device)
        self.columns = stance_columns(self.model.config.id2label, str(model))
        limit = getattr(self.tokenizer, "model_max_length", 512) or 512
        self.max_length = int(max_length or calibration.get("max_length") or min(limit, 512))
        self.verdict_calibration = _read_verdict_calibration(path) if local else None

    @staticmethod
    def _load(model: str, local: bool, device: str | None):
        offline = local or os.environ.get("HF_HUB_OFFLINE") == "1"
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()  # no load reports or progress bars on the CLI's output
            hf_logging.disable_progress_bar()
            tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=offline)
            net = AutoModelForSequenceClassification.from_pretrained(
                model, local_files_only=offline, dtype=torch.float32
            )
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear line
            hint = ("pass a local model folder (the machine is offline)" if offline and not local else
                    "pass a folder or hub name of a sequence-classification NLI model")
            raise ModelError(f"verifier {model!r} could not be loaded ({type(exc).__name__}: {exc}); {hint}") from None
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        return tokenizer, net.to(device).eval()

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32):
        """Raw logits, shape (n, 3), in STANCES column order (before temperature scaling)."""
        import numpy as np
        import torch

        pairs = list(pairs)
        out = np.zeros((len(pairs), len(STANCES)), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        device = next(self.model.parameters()).device
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start:start + batch_size]
                batch = self.tokenizer([pairs[i][0] for i in idx], [pairs[i][1] for i in idx], truncation=True,
                                       max_length=self.max_length, padding=True, return_tensors="pt").to(device)
                logits = self.model(**batch).logits.float().cpu().numpy()
                out[idx] = logits[:, self.columns]
        return out

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32):
        """Calibrated probabilities, shape (n, 3), columns in STANCES order."""
        from factcheck.verify.calibration import softmax

        return softmax(self.logits(pairs, batch_size), self.temperature).astype("float32")


class OnnxVerifier:
    """The bundled verdict model run with onnxruntime: the fp32 graph (`--precision auto`; logits within 1e-5 of
    the torch model's, so the same verdicts) or an int8 copy (`--precision int8`, when built). It shares the
    torch model's name, temperature and verdict calibration (docs/benchmarks.md, "Quantised encoders")."""

    def __init__(self, folder: Path | None = None, model_dir: Path = BUNDLED_DIR):
        from factcheck.quantized import VERIFIER_ONNX_DIR, OnnxEncoder

        calibration = _read_calibration(model_dir)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.encoder = OnnxEncoder(folder or VERIFIER_ONNX_DIR)
        self.precision = str(self.encoder.meta.get("precision", "fp32"))
        base = calibration.get("name") or model_dir.name
        self.name = f"{base}-int8" if self.precision == "int8" else base
        self.temperature = float(calibration.get("temperature", 1.0))
        self.columns = stance_columns(config["id2label"], str(model_dir))
        self.max_length = self.encoder.max_length
        self.verdict_calibration = _read_verdict_calibration(model_dir)

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32):
        """Raw logits, shape (n, 3), in STANCES column order (before temperature scaling)."""
        import numpy as np

        pairs = list(pairs)
        if not pairs:
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        rows = self.encoder.run([p[0] for p in pairs], [p[1] for p in pairs], batch_size=batch_size)
        return rows[:, self.columns]

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32):
        """Calibrated probabilities, shape (n, 3), columns in STANCES order."""
        from factcheck.verify.calibration import softmax

        return softmax(self.logits(pairs, batch_size), self.temperature).astype("float32")


def load_bundled(device: str | None = None, precision: str | None = None) -> "NLIVerifier | OnnxVerifier":
    """The verdict model that ships inside the package (offline). On a CPU, `precision` "auto" (the default, or
    $FACTCHECK_PRECISION) runs its fp32 ONNX copy (same verdicts, about twice as fast), "int8" an int8 copy
    when one was built, "fp32" the torch model (also used on a GPU)."""
    from factcheck.embed import gpu_present
    from factcheck.quantized import VERIFIER_INT8_DIR, VERIFIER_ONNX_DIR, onnx_available, requested_precision

    if not (BUNDLED_DIR / "config.json").is_file():
        raise ModelError(
            f"the bundled verifier is missing at {BUNDLED_DIR}; reinstall factcheck, or build it with "
            "`factcheck train verifier --install`"
        )
    wanted = requested_precision(precision)
    source = _read_calibration(BUNDLED_DIR).get("name")
    if wanted == "int8":
        from factcheck.quantized import resolve_precision

        resolve_precision("int8", VERIFIER_INT8_DIR, "bundled", source)  # a clear error when it is not built
        return OnnxVerifier(VERIFIER_INT8_DIR)
    if wanted == "auto" and device in (None, "cpu") and not gpu_present() and onnx_available(VERIFIER_ONNX_DIR, source):
        return OnnxVerifier(VERIFIER_ONNX_DIR)
    return NLIVerifier(BUNDLED_DIR, device=device)
