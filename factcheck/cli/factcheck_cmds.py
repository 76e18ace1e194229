"""CLI of the fact-check store: `factcheck factchecks add|info` and `factcheck match`."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Optional

import typer

from factcheck.cli.choices import MatchMode
from factcheck.cli.common import DEPRECATED_OUT_OPT, PRECISION_OPT, app, echo_json, guarded, renamed_option, train_app
from factcheck.quantized import Precision

__all__ = ["factchecks_app", "add", "info", "match", "train_claim_matcher_cmd"]

factchecks_app = typer.Typer(help="The store of published fact-checks (ClaimReview) that claims are matched against.", no_args_is_help=True)
app.add_typer(factchecks_app, name="factchecks")

STORE_HELP = "Fact-check store folder (default: $FACTCHECK_FACTCHECKS, else 'factchecks' beside the index folder)."


@factchecks_app.command("add")
@guarded
def add(
    paths: List[Path] = typer.Argument(..., help="ClaimReview JSON-LD (.json/.jsonld), HTML pages, JSONL records, or folders of them."),
    store: Optional[Path] = typer.Option(None, "--store", help=STORE_HELP),
    publisher: str = typer.Option("", "--publisher", help="Publisher of JSONL records that do not name one (e.g. Snopes)."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Import fact-checks into the store: new ones are added, ones already stored (same id or URL) updated."""
    from factcheck.errors import InputError
    from factcheck.factchecks import add_factchecks, default_store_dir, read_factchecks
    from factcheck.settings import limit_threads

    found = read_factchecks(paths, publisher=publisher)
    for message in found.skipped:
        typer.echo(f"warning: skipped {message}", err=True)
    if not found.records:
        raise InputError(
            f"no fact-check could be imported from {len(paths)} path(s) ({len(found.skipped)} skipped); "
            "pass ClaimReview JSON-LD, HTML pages with ClaimReview markup, or JSONL records with id and claim"
        )
    limit_threads()
    stats = add_factchecks(found.records, store or default_store_dir(), progress=not as_json)
    stats.files, stats.skipped = found.files, found.skipped
    if as_json:
        echo_json(stats.to_dict())
        return
    typer.echo(
        f"{stats.store}: {stats.added} added, {stats.updated} updated, {stats.unchanged} unchanged "
        f"({stats.embedded} embedded), {len(stats.skipped)} skipped; {stats.total} fact-checks stored [{stats.seconds:.1f} s]"
    )


@factchecks_app.command("info")
@guarded
def info(
    store: Optional[Path] = typer.Option(None, "--store", help=STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest and rating counts as JSON."),
) -> None:
    """Show what the fact-check store holds: counts by rating and publisher, embedder, times."""
    from collections import Counter

    from factcheck.factchecks import FactCheckStore, default_store_dir

    opened = FactCheckStore(store or default_store_dir())
    data = opened.info()
    data["ratings"] = dict(Counter(r.rating for r in opened.records).most_common())
    data["publishers"] = dict(Counter(r.publisher or "(unknown)" for r in opened.records).most_common(10))
    if as_json:
        echo_json(data)
        return
    for name in ("path", "count", "embedder", "created", "updated"):
        typer.echo(f"{name + ':':<12}{data[name]}")
    typer.echo(f"{'ratings:':<12}" + ", ".join(f"{k} {v}" for k, v in data["ratings"].items()))
    typer.echo(f"{'publishers:':<12}" + ", ".join(f"{k} {v}" for k, v in data["publishers"].items()))


@app.command()
@guarded
def match(
    claim: Optional[str] = typer.Argument(None, help="A claim, in quotes."),
    claims: Optional[Path] = typer.Option(None, "--claims", help="Claims JSONL (`id`, `text`; optional `speaker`, `date`, `context`)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write one line per claim: its id and its matches."),
    store: Optional[Path] = typer.Option(None, "--store", help=STORE_HELP),
    k: int = typer.Option(10, "-k", "--top", min=1, max=1000, help="Most matches listed per claim."),
    min_score: Optional[float] = typer.Option(
        None, "--min-score", min=0.0, help="Lowest score listed (default: the measured match threshold; 0 lists the top k)."
    ),
    mode: MatchMode = typer.Option(MatchMode.rerank, "--mode", help="rerank (default), or a baseline: hybrid (RRF), dense, bm25."),
    speaker: str = typer.Option("", "--speaker", help="Who made the claim (one claim): their fact-checks rank higher."),
    date: Optional[str] = typer.Option(None, "--date", help="When the claim was made (one claim), e.g. 2019-10-22."),
    as_json: bool = typer.Option(False, "--json", help="Print the matches as JSON."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Find earlier fact-checks of a claim (or of each claim in a file): rating, link and match score."""
    from factcheck.errors import InputError
    from factcheck.factchecks import Matcher, default_store_dir
    from factcheck.factchecks.queries import read_queries, write_matches
    from factcheck.settings import limit_threads

    if (claim is None) == (claims is None):
        raise InputError("give either a claim in quotes or --claims FILE, not both or neither")
    if claim is not None and not claim.strip():
        raise InputError("the claim is empty; pass the sentence to match in quotes")
    from factcheck.factchecks import Query
    from factcheck.factchecks.importers import iso_date

    if date is not None and iso_date(date) is None:
        raise InputError(f"--date {date!r}: not a date; write it as 2019-10-22 or October 22, 2019")
    one = Query(id="claim-1", text=claim.strip(), speaker=speaker, date=iso_date(date)) if claim is not None else None
    queries = [one] if one is not None else read_queries(claims)
    matcher = Matcher(store or default_store_dir(), mode=mode.value)
    limit_threads()
    found = _match_all(matcher, queries, k, min_score)
    if output:
        write_matches(output, queries, found)
    if as_json:
        echo_json([{"id": q.id, "matches": [m.to_dict() for m in ms]} for q, ms in zip(queries, found)])
    elif output:
        matched = sum(bool(ms) for ms in found)
        typer.echo(f"matched {len(queries)} claims -> {output}: {matched} with an earlier fact-check")
    else:
        for query, matches in zip(queries, found):
            _print_matches(query.text, matches)


def _match_all(matcher, queries, k: int, min_score: Optional[float]):
    """Matches claims in batches with a progress bar."""
    from tqdm import tqdm

    found = []
    with tqdm(total=len(queries), desc="matching", unit="claim", disable=len(queries) < 64 or None) as bar:
        for start in range(0, len(queries), 64):
            found.extend(matcher.match_many(queries[start : start + 64], k, min_score))
            bar.update(len(queries[start : start + 64]))
    return found


def _print_matches(text: str, matches) -> None:
    """Prints one claim's matches readably."""
    typer.secho(text, bold=True)
    if not matches:
        typer.echo("  no earlier fact-check found")
    for m in matches:
        who = f"{m.publisher}, " if m.publisher else ""
        typer.echo(f"  {m.score:.2f}  [{m.rating}{' - ' + m.rating_text if m.rating_text else ''}] {m.claim}")
        typer.echo(textwrap.indent(f"({who}{m.date or 'undated'}) {m.url or m.id}", "        "))


@train_app.command("claim-matcher")
@guarded
def train_claim_matcher_cmd(
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Data sets folder (default: $FACTCHECK_DATA_DIR, else ../shared/data)."),
    store: Path = typer.Option(Path("runs/claim-matching-store"), "--store", help="Store of both collections (built on first use, minutes)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Where to write reranker.json (default: the bundled model's folder)."),
    out: Optional[Path] = DEPRECATED_OUT_OPT,
) -> None:
    """Fit the claim-matching re-ranker on the CheckThat! train splits (debates -> PolitiFact, tweets -> Snopes)."""
    from factcheck.factchecks.matcher import RERANKER_PATH
    from factcheck.settings import data_dir as default_data_dir
    from factcheck.settings import limit_threads
    from factcheck.train.claim_matcher import train_claim_matcher

    out = renamed_option(out, "--out", output, "-o/--output")
    limit_threads()
    reranker = train_claim_matcher(data_dir or default_data_dir(), store, out or RERANKER_PATH)
    typer.echo(f"re-ranker trained on {reranker.info['splits']} -> {out or RERANKER_PATH}")
