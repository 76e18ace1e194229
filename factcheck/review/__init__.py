"""Reviewing a report: load it, browse claims and evidence, chart it, record human decisions, merge them.

The review notebook (`notebooks/review.ipynb`) is a thin shell over this package. pandas, matplotlib,
scikit-learn's stop-word list and ipywidgets are imported inside the functions that need them, so
`factcheck review merge` works with the core install.
"""

from factcheck.review.charts import (
    confidence_figure,
    has_gold,
    reliability_figure,
    verdict_counts_figure,
    worthiness_figure,
)
from factcheck.review.decisions import (
    DECISION_KINDS,
    Decision,
    decisions_path,
    latest_decisions,
    make_decision,
    read_decisions,
    save_decision,
)
from factcheck.review.highlight import content_tokens, evidence_html, highlight
from factcheck.review.loading import find_result, load_report, report_path
from factcheck.review.merge import merge_decisions, write_reviewed
from factcheck.review.table import TABLE_OPTIONS, claims_table
from factcheck.review.widgets import ClaimBrowser, claim_browser

__all__ = [
    "load_report",
    "report_path",
    "find_result",
    "claims_table",
    "TABLE_OPTIONS",
    "content_tokens",
    "highlight",
    "evidence_html",
    "verdict_counts_figure",
    "confidence_figure",
    "worthiness_figure",
    "reliability_figure",
    "has_gold",
    "DECISION_KINDS",
    "Decision",
    "decisions_path",
    "make_decision",
    "save_decision",
    "read_decisions",
    "latest_decisions",
    "merge_decisions",
    "write_reviewed",
    "ClaimBrowser",
    "claim_browser",
]
