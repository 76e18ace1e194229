"""int8 ONNX encoders: the bundled embedder and verdict model run with onnxruntime and the tokenizers library.

Neither torch nor transformers is imported on this path, which is what makes the first `factcheck check` start
fast. `factcheck train quantize` builds the files (factcheck/train/quantize.py); `benchmarks/bench_quantized.py`
measures their speed and their agreement with the fp32 models.
"""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Sequence

from factcheck.errors import InputError, ModelError
from factcheck.settings import MODELS_DIR

__all__ = [
    "Precision", "PRECISIONS", "EMBEDDER_INT8_DIR", "VERIFIER_ONNX_DIR", "VERIFIER_INT8_DIR", "INT8_FILE", "META_FILE",
    "OnnxEncoder", "requested_precision", "resolve_precision", "onnx_available", "onnx_source",
]


class Precision(str, enum.Enum):
    """How the bundled models run: auto (the fastest way measured to keep their results: the embedder as int8
    ONNX, the verdict model as fp32 ONNX), int8 (both int8, where an int8 copy is installed) or fp32 (torch)."""

    auto = "auto"
    int8 = "int8"
    fp32 = "fp32"


PRECISIONS = tuple(p.value for p in Precision)
EMBEDDER_INT8_DIR = MODELS_DIR / "embedder-int8"
VERIFIER_ONNX_DIR = MODELS_DIR / "verifier-onnx"  # fp32 graph, weights stored as the model's own fp16
VERIFIER_INT8_DIR = MODELS_DIR / "verifier-int8"  # not shipped: `factcheck train quantize --part verifier-int8`
INT8_FILE = "model-int8.onnx"
FP32_BATCH = 8
META_FILE = "quantization.json"


def onnx_source(folder: Path) -> str | None:
    """The name of the model an ONNX copy in `folder` was made from; None when there is none."""
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (folder / meta.get("file", INT8_FILE)).is_file() and (folder / "tokenizer.json").is_file()
    return str(meta.get("source")) if ok else None


def onnx_available(folder: Path, source: str | None = None) -> bool:
    """Whether an ONNX copy is installed in `folder` (made from the model named `source`, when given: a copy of
    an older verdict model is not used for a newer one)."""
    found = onnx_source(folder)
    return found is not None and (source is None or found == source)


def requested_precision(precision: str | None) -> str:
    """`precision`, else $FACTCHECK_PRECISION, else "auto"; checked against PRECISIONS."""
    precision = (precision or os.environ.get("FACTCHECK_PRECISION") or "auto").lower()
    if precision not in PRECISIONS:
        raise InputError(f"precision {precision!r}: use one of {', '.join(PRECISIONS)}")
    return precision


def resolve_precision(precision: str | None, folder: Path | None, model: str, source: str | None = None) -> str:
    """"int8" or "fp32" for a model with an optional int8 copy in `folder` (made from `source`): "auto" is int8
    where that copy is installed and up to date, else fp32; "int8" without one is an error."""
    precision = requested_precision(precision)
    has_int8 = folder is not None and onnx_available(folder, source)
    if precision == "int8" and not has_int8:
        if folder is None:
            raise ModelError(f"{model!r} has no int8 version (only the bundled models do); use --precision fp32")
        found = onnx_source(folder)
        why = f"it was made from {found!r}, not {source!r}" if found else f"it is not installed at {folder}"
        raise ModelError(f"the int8 copy of {model!r} cannot be used ({why}); build it with: factcheck train "
                         "quantize --part verifier-int8, or use --precision auto")
    if precision == "auto":
        return "int8" if has_int8 else "fp32"
    return precision


class OnnxEncoder:
    """One ONNX model and its tokenizer: `run(texts)` or `run(texts, pairs)` returns the model's output rows.

    Inputs are sorted by length and padded per batch to their longest member, so short texts do not pay for long
    ones (batches only for fp32 graphs; see `run`)."""

    def __init__(self, folder: Path, threads: int | None = None):
        self.folder = Path(folder)
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            meta = json.loads((self.folder / META_FILE).read_text(encoding="utf-8"))
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # as many threads as torch would use: $FACTCHECK_THREADS, else every core
            options.intra_op_num_threads = threads or int(os.environ.get("FACTCHECK_THREADS") or os.cpu_count() or 1)
            options.inter_op_num_threads = 1
            # idle worker threads sleep instead of spinning, as OMP_WAIT_POLICY=PASSIVE does for torch: spinning
            # threads steal the cores that other work (spaCy, FAISS, other processes) needs
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self.session = ort.InferenceSession(str(self.folder / meta.get("file", INT8_FILE)), options,
                                                providers=["CPUExecutionProvider"])
            self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear line
            raise ModelError(f"int8 model {self.folder} could not be loaded ({type(exc).__name__}: {exc}); "
                             "reinstall factcheck, or use --precision fp32") from None
        self.meta = meta
        self.max_length = int(meta["max_length"])
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length, strategy="longest_first")
        self.inputs = {node.name for node in self.session.get_inputs()}

    def run(self, texts: Sequence[str], pairs: Sequence[str] | None = None, batch_size: int = 32, progress=None):
        """The output rows for `texts` (or for (texts[i], pairs[i]) pairs), in input order, as float32.

        An int8 model runs each input alone: its activations are quantised per call, over the whole batch, so in
        a batch one text's output would depend on the texts beside it. Alone, each output is the same in every
        run, and no padding is computed (on 2 cores this used less CPU time than batches of 32 or 64)."""
        import numpy as np

        if self.meta.get("precision") == "int8":
            batch_size = 1
        else:  # fp32: small length-sorted batches pad least (verdict model, 300 pairs: CPU time 4.5 s at 8, 6.3 s at 32)
            batch_size = min(batch_size, FP32_BATCH)
        items = list(zip(texts, pairs)) if pairs is not None else list(texts)
        encoded = self.tokenizer.encode_batch(items)
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
        out = None
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            rows = self._run_batch([encoded[i] for i in idx])
            if out is None:
                out = np.zeros((len(encoded), rows.shape[1]), dtype=np.float32)
            out[idx] = rows
            if progress is not None:
                progress(len(idx))
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)

    def _run_batch(self, batch):
        """One padded batch through the session."""
        import numpy as np

        width = max(len(e.ids) for e in batch)
        arrays = {name: np.zeros((len(batch), width), dtype=np.int64)
                  for name in ("input_ids", "attention_mask", "token_type_ids")}
        for row, e in enumerate(batch):
            n = len(e.ids)
            arrays["input_ids"][row, :n] = e.ids
            arrays["attention_mask"][row, :n] = 1
            arrays["token_type_ids"][row, :n] = e.type_ids
        feed = {name: value for name, value in arrays.items() if name in self.inputs}
        return self.session.run(None, feed)[0].astype(np.float32, copy=False)
