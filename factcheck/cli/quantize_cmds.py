"""`factcheck train quantize`: the bundled embedder and verdict model as ONNX for onnxruntime."""

from __future__ import annotations

import enum
from typing import List, Optional

import typer

from factcheck.cli.common import echo_json, guarded, train_app


class Part(str, enum.Enum):
    """What `factcheck train quantize` builds."""

    embedder = "embedder"  # all-MiniLM-L6-v2, int8 (factcheck/models/embedder-int8)
    verifier = "verifier"  # the verdict model, fp32 with fp16-stored weights (factcheck/models/verifier-onnx)
    verifier_int8 = "verifier-int8"  # the verdict model, int8 (not shipped; for --precision int8)


@train_app.command("quantize")
@guarded
def train_quantize(
    parts: Optional[List[Part]] = typer.Option(None, "--part", help="What to build (repeat the option; default: embedder and verifier)."),
    as_json: bool = typer.Option(False, "--json", help="Print the written files as JSON."),
) -> None:
    """Export the bundled models to ONNX and fuse them: the embedder quantised to int8, the verdict model in fp32.

    What `--precision auto` runs on a CPU; `factcheck train verifier --install` reruns it for a new verdict model.
    About a minute; needs the onnx package (pip install onnx)."""
    import warnings

    from factcheck.errors import ModelError

    try:
        import onnx  # noqa: F401 - the exporter and the quantiser need it

        from factcheck.train.quantize import build_embedder, build_verifier
    except ImportError as exc:
        raise ModelError(f"quantising needs the onnx package ({exc}); run: pip install onnx") from None
    builders = {Part.embedder: build_embedder, Part.verifier: build_verifier,
                Part.verifier_int8: lambda: build_verifier(quantize=True)}
    written = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracer warnings concern code paths BERT does not take
        for part in parts or [Part.embedder, Part.verifier]:
            written[part.value] = str(builders[part]())
    if as_json:
        echo_json(written)
        return
    for part, path in written.items():
        typer.echo(f"{part}: {path}")
