"""Reading a report for review: validated results with file:line errors, and plain JSONL lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from factcheck.errors import InputError
from factcheck.records import VERDICTS, CheckResult
from factcheck.report.jsonl import check_version, iter_report_lines, result_of
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


def parse_result(record: dict[str, Any], where: str) -> CheckResult:
    """Checks one report record and builds its CheckResult; `where` ("file:line") prefixes any error."""
    check_version(record, where)
    claim = record.get("claim")
    if not isinstance(claim, dict) or not isinstance(claim.get("id"), str) or not isinstance(claim.get("text"), str):
        raise InputError(f"{where}: 'claim' must be an object with string 'id' and 'text'")
    if record.get("verdict") not in VERDICTS:
        raise InputError(f"{where}: verdict {record.get('verdict')!r} is not one of {', '.join(VERDICTS)}")
    if not isinstance(record.get("confidence", 0.0), (int, float)):
        raise InputError(f"{where}: confidence must be a number")
    evidence = record.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, dict) for e in evidence):
        raise InputError(f"{where}: 'evidence' must be a list of objects")
    try:
        return result_of(record, where)
    except TypeError as exc:
        raise InputError(f"{where}: not a report record ({exc}); regenerate the report") from None


def load_report_records(path: str | Path) -> list[tuple[int, dict[str, Any], CheckResult]]:
    """Reads a report as (line, raw record, result) triples; claim ids must be unique."""
    path = Path(path)
    seen: dict[str, int] = {}
    rows = []
    try:
        for number, record in iter_report_lines(path):
            result = parse_result(record, f"{path}:{number}")
            if result.claim.id in seen:
                raise InputError(f"{path}:{number}: claim id {result.claim.id!r} repeats line {seen[result.claim.id]}; "
                                 "claim ids must be unique within a report")
            seen[result.claim.id] = number
            rows.append((number, record, result))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8; re-save the report as UTF-8") from None
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
