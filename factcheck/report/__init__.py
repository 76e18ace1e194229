"""Reports: versioned JSONL (one record per claim), HTML, Markdown, ClaimReview JSON-LD, FEVER predictions."""

from factcheck.report.jsonl import REPORT_SCHEMA_VERSION, read_report, record_of, write_report

__all__ = ["REPORT_SCHEMA_VERSION", "read_report", "record_of", "write_report"]
