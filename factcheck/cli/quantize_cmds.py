"""`factcheck train quantize`: the bundled embedder and verdict model as int8 ONNX."""

from __future__ import annotations

import typer

from factcheck.cli.common import echo_json, guarded, train_app


@train_app.command("quantize")
@guarded
def train_quantize(
    embedder: bool = typer.Option(True, "--embedder/--no-embedder", help="Quantise the bundled embedder (all-MiniLM-L6-v2)."),
    verifier: bool = typer.Option(True, "--verifier/--no-verifier", help="Export the bundled verdict model (fp32 ONNX, weights stored as fp16: what --precision auto runs)."),
    verifier_int8: bool = typer.Option(False, "--verifier-int8", help="Also quantise the verdict model to int8 (for --precision int8; not shipped: it moved verdicts, see docs/benchmarks.md)."),
    as_json: bool = typer.Option(False, "--json", help="Print the written files as JSON."),
) -> None:
    """Export the bundled models to ONNX and fuse them: the embedder quantised to int8, the verdict model in fp32.

    What `--precision auto` runs on a CPU; `factcheck train verifier --install` reruns it for the new model.
    About a minute; needs the onnx package (pip install onnx)."""
    import warnings

    from factcheck.errors import ModelError

    try:
        from factcheck.train.quantize import build_embedder, build_verifier
        import onnx  # noqa: F401 - the exporter and the quantiser need it
    except ImportError as exc:
        raise ModelError(f"quantising needs the onnx package ({exc}); run: pip install 'factcheck[quantize]'") from None
    written = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracer warnings concern code paths BERT does not take
        if embedder:
            written["embedder"] = str(build_embedder())
        if verifier:
            written["verifier"] = str(build_verifier())
        if verifier_int8:
            written["verifier-int8"] = str(build_verifier(quantize=True))
    if as_json:
        echo_json(written)
        return
    for kind, path in written.items():
        typer.echo(f"{kind}: {path}")
