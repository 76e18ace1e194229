"""Folding reviewer decisions into a report, keeping the machine verdict beside the human one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from factcheck.errors import InputError
from factcheck.review.decisions import Decision, latest_decisions, read_decisions
from factcheck.review.loading import load_report_records
from factcheck.textio import atomic_write

__all__ = ["merge_decisions", "review_block", "write_reviewed"]


def review_block(decision: Decision, machine_verdict: str, where: str) -> dict[str, Any]:
    """The `review` object a reviewed record gains: the human verdict, the decision and the machine verdict."""
    if decision.decision == "accept" and decision.verdict not in (None, machine_verdict):
        raise InputError(f"{where}: claim {decision.claim_id!r} was accepted as {decision.verdict} but the report "
                         f"says {machine_verdict}; review that claim again (the report changed since)")
    human = machine_verdict if decision.decision == "accept" else decision.verdict
    return {"verdict": human, "decision": decision.decision, "note": decision.note,
            "reviewer": decision.reviewer, "time": decision.time, "machine_verdict": machine_verdict}


def merge_decisions(report: str | Path, decisions: str | Path,
                    skip_unknown: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Returns the reviewed records and a summary; unknown claim ids are an error unless skipped."""
    rows = load_report_records(report)
    latest = latest_decisions(read_decisions(decisions))
    known = {result.claim.id for _, _, result in rows}
    unknown = [d for d in latest.values() if d.claim_id not in known]
    if unknown and not skip_unknown:
        first = unknown[0]
        raise InputError(f"{decisions}:{first.line}: claim id {first.claim_id!r} is not in {report} "
                         f"({len(unknown)} unknown id(s) in all); fix the id, or pass --skip-unknown to ignore them")
    counts = {"accepted": 0, "overridden": 0, "changed": 0, "unreviewed": 0}
    merged = []
    for _, record, result in rows:
        decision = latest.get(result.claim.id)
        review = None
        if decision is not None:
            review = review_block(decision, result.verdict, f"{decisions}:{decision.line}")
            counts["accepted" if decision.decision == "accept" else "overridden"] += 1
            counts["changed"] += review["verdict"] != result.verdict
        else:
            counts["unreviewed"] += 1
        merged.append({**record, "verdict": review["verdict"] if review else result.verdict, "review": review})
    summary = {"report": str(report), "decisions": str(decisions), "claims": len(rows), **counts,
               "unknown_skipped": len(unknown)}
    return merged, summary


def write_reviewed(records: Iterable[dict[str, Any]], path: str | Path) -> None:
    """Writes reviewed records as JSONL, atomically."""
    with atomic_write(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
