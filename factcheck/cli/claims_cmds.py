"""`factcheck extract` (article -> claims) and `factcheck train checkworthiness`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from factcheck.cli.common import (ALLOW_PRIVATE_HELP, DEPRECATED_OUT_OPT, OFFLINE_HELP, PRECISION_OPT, app, echo_json,
                                  guarded, renamed_option, train_app)
from factcheck.quantized import Precision
from factcheck.train.checkworthiness import EPOCHS

__all__ = ["extract", "train_checkworthiness_cmd"]


def _print_claims(claims: list) -> None:
    """Prints a readable list: score, claim, speaker."""
    if not claims:
        typer.echo("no check-worthy claims found (try a lower --min-score)")
    for claim in claims:
        speaker = f"  [{claim.attribution.speaker}, {claim.attribution.verb}]" if claim.attribution else ""
        flag = "  (needs context)" if claim.needs_context else ""
        typer.echo(f"{claim.score:.2f}  {claim.text}{speaker}{flag}")


@app.command()
@guarded
def extract(
    article: str = typer.Argument(..., help="Article file (.txt, .md, .html), an http(s) address, or - for stdin."),
    min_score: float = typer.Option(0.5, "--min-score", min=0.0, max=1.0,
                                    help="Keep sentences with check-worthiness at least this (0.5 = model's threshold)."),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="Keep only the N claims most worth checking."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write claims JSONL here (atomically)."),
    offline: bool = typer.Option(False, "--offline", help=OFFLINE_HELP),
    allow_private_urls: bool = typer.Option(False, "--allow-private-urls", help=ALLOW_PRIVATE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the claims as JSON."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Extract the check-worthy, standalone claims of a news article (a file, a web page, or stdin), most worth
    checking first (claims that need context they do not carry come last, marked needs_context)."""
    from factcheck.claims import ClaimExtractor, write_claims
    from factcheck.claims.clean import english_warning, read_article
    from factcheck.claims.io import claim_to_record
    from factcheck.readers.addresses import allow_private_addresses
    from factcheck.textio import check_outputs

    if output is not None:
        check_outputs({"-o": output}, inputs=(article,) if article != "-" else ())
    with allow_private_addresses(allow_private_urls):
        document = read_article(article, offline=offline)
    warning = english_warning(document.text, document.source)
    if warning:
        typer.echo(f"warning: {warning}", err=True)
    claims = ClaimExtractor(min_score=min_score).extract(document, top=top)
    if output is not None:
        count = write_claims(output, claims)
        typer.echo(f"wrote {count} claims to {output}", err=True)
    if as_json:
        echo_json([claim_to_record(c) for c in claims])
    elif output is None:
        _print_claims(claims)


@train_app.command("checkworthiness")
@guarded
def train_checkworthiness_cmd(
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Data sets folder (default: FACTCHECK_DATA_DIR or ../shared/data)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Model folder to write (default: the bundled model)."),
    out: Optional[Path] = DEPRECATED_OUT_OPT,
    epochs: int = typer.Option(EPOCHS, "--epochs", min=0, help="Also fine-tune MiniLM as a member for this many epochs, exported as int8 ONNX (3: the measured recipe; needs pip install onnx)."),
    cache: Path = typer.Option(Path("runs/checkworthiness-cache"), "--cache", help="Folder caching sentence embeddings and features (reruns skip them)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Train the check-worthiness model on ClaimBuster and the CLEF 2020 CheckThat! debates and tweets, and
    save it (fixed seed, reproducible); the last debates are held out for the scores. Set FACTCHECK_THREADS=1
    on a machine whose cores are busy with other work."""
    from factcheck.claims.checkworthy import DEFAULT_MODEL_DIR
    from factcheck.settings import data_dir as default_data_dir, limit_threads
    from factcheck.train.checkworthiness import train_checkworthiness

    limit_threads()

    out = renamed_option(out, "--out", output, "-o/--output")
    log = (lambda _msg: None) if as_json else (lambda msg: typer.echo(msg, err=True))
    result = train_checkworthiness(data_dir or default_data_dir(), out or DEFAULT_MODEL_DIR, epochs=epochs,
                                   progress=not as_json, log=log, cache=cache)
    if as_json:
        echo_json({"scores": result.scores, "chosen": result.chosen, "seconds": result.seconds})
    else:
        for name, scores in result.scores.items():
            typer.echo(f"{name}: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
        typer.echo(f"saved to {out or DEFAULT_MODEL_DIR} in {result.seconds:.0f} s")
