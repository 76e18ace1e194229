"""`factcheck check` (one claim or a claims file) and `factcheck article` (extract, then check)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from factcheck.cli.common import ALLOW_PRIVATE_HELP, OFFLINE_HELP, PRECISION_OPT, app, echo_json, guarded
from factcheck.cli.index_cmds import RAY_ADDRESS_HELP, RAY_HELP
from factcheck.settings import default_index_dir, limit_threads
from factcheck.quantized import Precision

INDEX_OPT = typer.Option(None, "--index", help="Index folder (default: $FACTCHECK_INDEX or .factcheck/index).")
VERIFIER_OPT = typer.Option("bundled", "--verifier", help="Verdict model: 'bundled' or a Hugging Face NLI model name/path.")
FACTCHECKS_OPT = typer.Option(
    None, "--factchecks", help=(
        "Fact-check store to look each claim up in (default: $FACTCHECK_FACTCHECKS, else 'factchecks' beside the "
        "index folder, when it exists); matches are reported as 'fact-checked before'."
    ),
)


def _exports(results, html: Optional[Path], markdown: Optional[Path], claimreview: Optional[Path],
             fever: Optional[Path], article: str = "", title: str = "Fact-check report") -> None:
    """Writes the optional report formats, each atomically."""
    import json

    from factcheck.report.exports import claim_reviews_json, fever_prediction
    from factcheck.report.html import html_report
    from factcheck.report.markdown import markdown_report
    from factcheck.textio import atomic_write_text

    if html:
        atomic_write_text(html, html_report(results, article, title))
    if markdown:
        atomic_write_text(markdown, markdown_report(results, title))
    if claimreview:
        atomic_write_text(claimreview, claim_reviews_json(results))
    if fever:
        atomic_write_text(fever, "".join(json.dumps(fever_prediction(r)) + "\n" for r in results))


def _print_result(result) -> None:
    """Prints one verdict readably."""
    from factcheck.report.citation import citation

    colour = {"SUPPORTED": "green", "REFUTED": "red", "CONFLICTING": "yellow"}.get(result.verdict, "white")
    typer.secho(f"{result.verdict} ({result.confidence:.2f})  {result.claim.text}", fg=colour, bold=True)
    typer.echo(f"  {result.rationale}")
    for e in result.evidence[:3]:
        typer.echo(f"  - [{e.reading()}] {e.sentence}  ({e.title or e.doc_id}, {citation(e)})")
    for m in result.fact_checked_before:
        typer.echo(f"  fact-checked before: {m.rating} ({m.rating_text or m.publisher}, match {m.score:.2f}) {m.claim}  {m.url or m.id}")


def _summary(results, out: Optional[Path]) -> dict:
    from collections import Counter

    return {"claims": len(results), "verdicts": dict(Counter(r.verdict for r in results)), "output": str(out) if out else None}


@app.command()
@guarded
def check(
    claim: Optional[str] = typer.Argument(None, help="A claim to check, in quotes."),
    claims: Optional[Path] = typer.Option(None, "--claims", help="A claims JSONL file (from `factcheck extract`)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the report JSONL here."),
    index: Optional[Path] = INDEX_OPT,
    verifier: str = VERIFIER_OPT,
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip malformed lines of --claims instead of failing."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write an HTML report."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Also write a Markdown summary."),
    claimreview: Optional[Path] = typer.Option(None, "--claimreview", help="Also write schema.org ClaimReview JSON-LD."),
    fever: Optional[Path] = typer.Option(None, "--fever", help="Also write FEVER-style predictions JSONL."),
    factchecks: Optional[Path] = FACTCHECKS_OPT,
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Claims per model batch."),
    ray: bool = typer.Option(False, "--ray", help=RAY_HELP),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help=RAY_ADDRESS_HELP),
    ray_actors: Optional[int] = typer.Option(None, "--ray-actors", min=1, help="Ray checker actors (default: one per CPU)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of readable text."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Check one claim, or every claim in a claims JSONL file (resumable: rerun to continue)."""
    from factcheck.batch import check_batch, open_checker, prior_factchecks_of, with_priors
    from factcheck.claims.io import check_claim_text
    from factcheck.errors import InputError
    from factcheck.records import Claim
    from factcheck.textio import check_outputs

    if (claim is None) == (claims is None):
        raise InputError("give either a claim in quotes or --claims FILE, not both or neither")
    if claim is not None and not claim.strip():
        raise InputError("the claim is empty; pass the sentence to check in quotes")
    outputs = {"-o": output, "--html": html, "--markdown": markdown, "--claimreview": claimreview, "--fever": fever}
    check_outputs(outputs, inputs=(claims,) if claims else ())
    if claim is not None:
        check_claim_text(claim)
    claim_list = [Claim(id="claim-1", text=claim.strip())] if claim is not None else _read_claims(claims, skip_invalid)
    limit_threads()
    checker = open_checker(index or default_index_dir(), verifier, ray, ray_address, ray_actors)
    priors = prior_factchecks_of(factchecks, index, claim_list, getattr(checker, "embedder", None))
    if claim is not None:
        results = [with_priors(r, priors) for r in checker.check(claim_list)]
    else:
        results = check_batch(checker, claim_list, output, batch_size, priors)
    if output and claim is not None:
        from factcheck.report import write_report

        write_report(output, results)
    _exports(results, html, markdown, claimreview, fever)
    if json_out:
        from factcheck.report import record_of

        echo_json(record_of(results[0]) if claim is not None else _summary(results, output))
    elif claim is not None or not output:
        for r in results:
            _print_result(r)
    else:
        typer.echo(f"checked {len(results)} claims -> {output}  {_summary(results, output)['verdicts']}")


def _read_claims(path: Path, skip_invalid: bool):
    """Reads a claims file, most worth checking first, printing each skipped line as one warning."""
    import warnings

    from factcheck.claims.extract import rank_claims
    from factcheck.claims.io import read_claims

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        claims = read_claims(path, skip_invalid=skip_invalid)
    for w in caught:
        typer.echo(f"warning: {w.message}", err=True)
    return rank_claims(claims)


@app.command()
@guarded
def article(
    path: str = typer.Argument(..., help="The article: a .txt, .md or .html file, an http(s) address, or - for stdin."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the report JSONL here (resumable)."),
    index: Optional[Path] = INDEX_OPT,
    verifier: str = VERIFIER_OPT,
    min_score: Optional[float] = typer.Option(None, "--min-score", min=0.0, max=1.0, help="Check-worthiness threshold."),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="Check only the N claims most worth checking."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write an HTML report of the article with its claims highlighted."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Also write a Markdown summary."),
    claimreview: Optional[Path] = typer.Option(None, "--claimreview", help="Also write schema.org ClaimReview JSON-LD."),
    fever: Optional[Path] = typer.Option(None, "--fever", help="Also write FEVER-style predictions JSONL."),
    factchecks: Optional[Path] = FACTCHECKS_OPT,
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Claims per model batch."),
    ray: bool = typer.Option(False, "--ray", help=RAY_HELP),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help=RAY_ADDRESS_HELP),
    ray_actors: Optional[int] = typer.Option(None, "--ray-actors", min=1, help="Ray checker actors (default: one per CPU)."),
    offline: bool = typer.Option(False, "--offline", help=OFFLINE_HELP),
    allow_private_urls: bool = typer.Option(False, "--allow-private-urls", help=ALLOW_PRIVATE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary instead of readable text."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Extract an article's check-worthy claims (from a file or a web page), then check each against the index
    (resumable with -o: rerun to continue)."""
    from factcheck.batch import check_batch, open_checker, prior_factchecks_of
    from factcheck.claims import ClaimExtractor
    from factcheck.claims.clean import english_warning, read_article
    from factcheck.readers.addresses import allow_private_addresses
    from factcheck.readers.web import source_of
    from factcheck.textio import check_outputs

    outputs = {"-o": output, "--html": html, "--markdown": markdown, "--claimreview": claimreview, "--fever": fever}
    check_outputs(outputs, inputs=(path,) if path != "-" else ())
    with allow_private_addresses(allow_private_urls):
        doc = read_article(path, offline=offline)
    fetched = source_of(doc)
    limit_threads()
    warning = english_warning(doc.text, doc.source)
    if warning:
        typer.echo(f"warning: {warning}", err=True)
    checker = open_checker(index or default_index_dir(), verifier, ray, ray_address, ray_actors)  # fail fast on a missing index
    embedder = getattr(checker, "embedder", None)  # a local checker's: sentence vectors kept for retrieval
    extractor = ClaimExtractor(embedder=embedder, **({} if min_score is None else {"min_score": min_score}))
    claims = extractor.extract(doc, top=top)
    if not claims:
        typer.echo(f"warning: {doc.source}: no check-worthy claims found", err=True)
    priors = prior_factchecks_of(factchecks, index, claims, getattr(checker, "embedder", None))
    results = check_batch(checker, claims, output, batch_size, priors, article=fetched)
    title = f"Fact-check: {doc.title or doc.source}" if fetched else f"Fact-check: {Path(doc.source).name}"
    _exports(results, html, markdown, claimreview, fever, article=doc.text, title=title)
    if json_out:
        from factcheck.records import to_dict

        echo_json({**_summary(results, output), "article": to_dict(fetched) if fetched else None})
    elif output:
        typer.echo(f"checked {len(results)} claims -> {output}  {_summary(results, output)['verdicts']}")
    else:
        for r in results:
            _print_result(r)
