"""Reading a report for review: validated results with file:line errors, and plain JSONL lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from factcheck.errors import InputError
from factcheck.records import CheckResult
from factcheck.report.jsonl import parse_result, read_report_records
from factcheck.textio import json_object

__all__ = ["report_path", "load_report", "load_report_records", "parse_result", "find_result", "iter_jsonl"]


def report_path(value: str | Path | None) -> Path:
    """The report path the notebook was given, or an error saying how to give one."""
    if value is None or not str(value).strip():
        raise InputError("no report given; set REPORT in the notebook's first cell or export FACTCHECK_REPORT=path")
    return Path(value).expanduser()


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yields (line number, object) from a JSONL file; blank lines are skipped, bad lines raise file:line errors."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError(f"{path}:{number}: not valid UTF-8; re-save the file as UTF-8") from None
            yield number, json_object(text, f"{path}:{number}")


def load_report_records(path: str | Path) -> list[tuple[int, dict[str, Any], CheckResult]]:
    """Reads a report as (line, raw record, result) triples (`report.jsonl.read_report_records`); claim ids must be unique."""
    path = Path(path)
    seen: dict[str, int] = {}
    rows = read_report_records(path)
    for number, _, result in rows:
        if result.claim.id in seen:
            raise InputError(f"{path}:{number}: claim id {result.claim.id!r} repeats line {seen[result.claim.id]}; "
                             "claim ids must be unique within a report")
        seen[result.claim.id] = number
    return rows


def load_report(path: str | Path) -> list[CheckResult]:
    """Reads a report JSONL file into results, tolerating unknown keys, with file:line errors."""
    return [result for _, _, result in load_report_records(path)]


def find_result(results: list[CheckResult], claim_id: str | None = None) -> CheckResult:
    """The result for a claim id (the first result when the id is empty)."""
    if not results:
        raise InputError("the report has no claims")
    if not claim_id:
        return results[0]
    for result in results:
        if result.claim.id == claim_id:
            return result
    raise InputError(f"claim id {claim_id!r} is not in the report; pick one from the table")
