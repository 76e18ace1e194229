"""The claims table the notebook shows (and filters and sorts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from factcheck.records import CheckResult
from factcheck.review.decisions import Decision

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "TABLE_OPTIONS", "claims_table"]

COLUMNS = ("claim_id", "verdict", "confidence", "check_worthiness", "speaker", "claim", "evidence", "gold", "review")

# itables.show options: a filter box per column, and the search box even on short tables (itables hides
# the controls of a one-page table only when the layout is its default one).
TABLE_OPTIONS = {
    "column_filters": "header",
    "pageLength": 25,
    "layout": {"topStart": "info", "topEnd": "search", "bottomStart": "pageLength", "bottomEnd": "paging"},
}


def _row(result: CheckResult, decision: Decision | None) -> dict[str, object]:
    claim = result.claim
    return {
        "claim_id": claim.id,
        "verdict": result.verdict,
        "confidence": round(float(result.confidence), 3),
        "check_worthiness": round(float(claim.score), 3),
        "speaker": claim.attribution.speaker if claim.attribution else "",
        "claim": claim.text,
        "evidence": len(result.evidence),
        "gold": claim.label or "",
        "review": "" if decision is None else f"{decision.decision}: {decision.verdict or result.verdict}",
    }


def claims_table(results: list[CheckResult], decisions: Mapping[str, Decision] | None = None) -> "pd.DataFrame":
    """One row per claim: verdict, confidence, check-worthiness, speaker, text, evidence count, gold and review."""
    import pandas as pd

    decisions = decisions or {}
    frame = pd.DataFrame([_row(r, decisions.get(r.claim.id)) for r in results], columns=list(COLUMNS))
    if not any(r.claim.label for r in results):
        frame = frame.drop(columns="gold")
    if not decisions:
        frame = frame.drop(columns="review")
    return frame.set_index("claim_id")
