"""`factcheck eval`: score the verdict model, the retrievers or the whole pipeline on a public data set."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from factcheck.cli.choices import EvalFormat, EvalMode, SearchMode, comma_choices
from factcheck.cli.common import PRECISION_OPT, app, echo_json, guarded
from factcheck.quantized import Precision


@app.command("eval")
@guarded
def eval_(
    dataset: Path = typer.Argument(..., help="The data set's claims file (SciFact claims_*.jsonl, pairs JSONL, ...)."),
    fmt: EvalFormat = typer.Option(..., "--format", help="Data-set format: fever is premise/hypothesis/label pairs; claims is a claims JSONL with gold labels, checked against --corpus."),
    mode: EvalMode = typer.Option(EvalMode.oracle, "--mode", help="oracle (verdict model on gold evidence), open (index + full pipeline) or retrieval (retrievers vs gold documents)."),
    index: Optional[Path] = typer.Option(None, "--index", help="Index folder for open/retrieval modes; built from the data set's corpus unless it already holds it."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Corpus to index (scifact: default corpus.jsonl beside the claims; jsonl: default the evidence texts; claims: required)."),
    retrievers: Any = typer.Option(SearchMode.hybrid.value, "--retriever", **comma_choices(SearchMode), help="Retriever mode(s); comma-separated to compare side by side."),
    verifier: str = typer.Option("bundled", "--verifier", help="Verdict model: 'bundled' or a Hugging Face NLI model name/path."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Evaluate the first N claims only."),
    depth: int = typer.Option(100, "--depth", min=10, help="Passages retrieved per claim in retrieval mode."),
    rrf_k: Optional[int] = typer.Option(None, "--rrf-k", min=1, help="Hybrid: the RRF constant (default: the retriever's)."),
    candidates: Optional[int] = typer.Option(None, "--candidates", min=1, help="Hybrid: per-retriever depth fused (default: the retriever's)."),
    json_out: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Also write the report as Markdown here."),
    reliability: Optional[Path] = typer.Option(None, "--reliability", help="Also draw a reliability diagram (PNG) here."),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="Also write per-claim predictions (JSONL) here."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Evaluate on a public data set: verdict accuracy/F1/ECE, retrieval nDCG@10/recall/MRR, FEVER score."""
    import json
    from dataclasses import asdict

    from factcheck.errors import InputError
    from factcheck.eval.metrics import reliability_diagram
    from factcheck.eval.modes import evaluate
    from factcheck.eval.readers import read_dataset
    from factcheck.eval.tables import report_markdown
    from factcheck.textio import atomic_write_text, check_outputs

    outputs = {"--markdown": markdown, "--reliability": reliability, "--predictions": predictions}
    check_outputs(outputs, inputs=tuple(p for p in (dataset, corpus) if p))
    fmt, mode = fmt.value, mode.value
    if reliability and mode == "retrieval":
        raise InputError("--reliability needs verdicts: use --mode oracle or open")
    data = read_dataset(dataset, fmt, corpus).limit(limit)
    options = {k: v for k, v in {"rrf_k": rrf_k, "candidates": candidates}.items() if v is not None}
    report, preds = evaluate(data, mode, index, verifier, retrievers, depth, progress=not json_out, retriever_options=options)
    report["path"] = str(dataset)
    text = report_markdown(report)
    if markdown:
        atomic_write_text(markdown, text)
    if reliability:
        conf, correct = [p.confidence for p in preds], [p.verdict == p.gold for p in preds]
        reliability_diagram(conf, correct, reliability, title=f"{data.name} {mode}")
    if predictions:
        rows = [asdict(p) | {"evidence_ids": sorted(p.evidence_ids)} for p in preds]
        atomic_write_text(predictions, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    if json_out:
        echo_json(report)
    else:
        typer.echo(text)
