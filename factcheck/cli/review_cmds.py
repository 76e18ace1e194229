"""`factcheck review`: record reviewer decisions and merge them into a report."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Optional

import typer

from factcheck.cli.choices import Verdict
from factcheck.cli.common import app, echo_json, guarded

__all__ = ["review_app"]

review_app = typer.Typer(help="Review machine verdicts: record decisions, merge them into a report.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@review_app.command("merge")
@guarded
def merge(
    report: Path = typer.Argument(..., help="The report JSONL (never modified)."),
    decisions: Optional[Path] = typer.Argument(None, help="Decisions JSONL (default: REPORT.decisions.jsonl)."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the reviewed report JSONL."),
    skip_unknown: bool = typer.Option(False, "--skip-unknown", help="Ignore decisions for claims not in the report."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Fold reviewer decisions into a report: the human verdict wins, the machine verdict is kept in `review`."""
    from factcheck.errors import InputError
    from factcheck.review import decisions_path, merge_decisions, write_reviewed
    from factcheck.textio import check_outputs

    decisions = decisions or decisions_path(report)
    if output.resolve() in (report.resolve(), decisions.resolve()):
        raise InputError(f"{output}: would overwrite an input; choose another -o path")
    check_outputs({"-o": output}, inputs=(report, decisions))
    records, summary = merge_decisions(report, decisions, skip_unknown=skip_unknown)
    write_reviewed(records, output)
    summary["output"] = str(output)
    if summary["unknown_skipped"]:
        typer.echo(f"warning: skipped decisions for {summary['unknown_skipped']} claim id(s) not in {report}", err=True)
    if as_json:
        echo_json(summary)
    else:
        typer.echo(f"{output}: {summary['claims']} claims, {summary['accepted']} accepted, "
                   f"{summary['overridden']} overridden ({summary['changed']} changed), "
                   f"{summary['unreviewed']} unreviewed")


@review_app.command("decide")
@guarded
def decide(
    report: Path = typer.Argument(..., help="The report JSONL the claim comes from."),
    claim_id: str = typer.Argument(..., help="The claim's id (see the report or the notebook's table)."),
    accept: bool = typer.Option(False, "--accept", help="Accept the machine verdict."),
    verdict: Optional[Verdict] = typer.Option(None, "--verdict", case_sensitive=False, help="Override with this verdict."),
    note: str = typer.Option("", "--note", help="Why."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Who decided (default: your user name)."),
    decisions: Optional[Path] = typer.Option(None, "--decisions", help="Sidecar (default: REPORT.decisions.jsonl)."),
    as_json: bool = typer.Option(False, "--json", help="Print the saved decision as JSON."),
) -> None:
    """Append one decision on a claim to the report's decisions sidecar."""
    from factcheck.errors import InputError
    from factcheck.review import decisions_path, load_report, save_decision

    if accept == (verdict is not None):
        raise typer.BadParameter("give exactly one of --accept or --verdict VERDICT")
    result = next((r for r in load_report(report) if r.claim.id == claim_id), None)
    if result is None:
        raise InputError(f"{report}: no claim with id {claim_id!r}; check the id in the report or the notebook's table")
    path = decisions or decisions_path(report)
    saved = save_decision(path, claim_id, "accept" if accept else "override",
                          result.verdict if accept else verdict.value, note, reviewer or _user())
    if as_json:
        echo_json({**saved.to_json(), "machine_verdict": result.verdict, "decisions": str(path)})
    else:
        typer.echo(f"{path}: {saved.decision} {claim_id} → {saved.verdict} (machine: {result.verdict})")
