"""The report JSONL format: one `CheckResult` per line, with a schema version.

The JSON Schema of one record is `factcheck/schemas/report.schema.json`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from factcheck.errors import InputError
from factcheck.records import VERDICTS, CheckResult, from_dict, to_dict
from factcheck.textio import atomic_write

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "READABLE_VERSIONS",
    "check_version",
    "record_of",
    "result_of",
    "report_text",
    "write_report",
    "read_report",
    "read_report_records",
    "parse_result",
    "iter_report_lines",
    "PartialReport",
]

# 2: `fact_checked_before`, the earlier fact-checks matching each claim; 3: the date check's mismatch is
# "disagree", as the quantity check's (it was "differ"); later, optional in 3: `leaning`, the verdict a
# NOT_ENOUGH_INFO's evidence leans to
REPORT_SCHEMA_VERSION = "3"
READABLE_VERSIONS = ("1", "2", "3")  # a version-1 record reads as one without earlier fact-checks


def check_version(record: dict[str, Any], where: str) -> None:
    """Raises InputError naming `where` when a record's schema version is not one this factcheck reads."""
    version = str(record.get("schema_version", REPORT_SCHEMA_VERSION))
    if version.split(".")[0] in READABLE_VERSIONS:
        return
    newer = version.split(".")[0].isdigit() and int(version.split(".")[0]) > int(REPORT_SCHEMA_VERSION)
    why = "newer than this factcheck reads; upgrade factcheck" if newer else "not a version factcheck wrote; regenerate the report"
    raise InputError(f"{where}: report schema_version {version!r} is {why} (reads {', '.join(READABLE_VERSIONS)})")


def record_of(result: CheckResult) -> dict[str, Any]:
    """The JSON record of one result, schema version first."""
    return {"schema_version": REPORT_SCHEMA_VERSION, **to_dict(result)}


def result_of(record: dict[str, Any], where: str = "report record") -> CheckResult:
    """Builds a result back from its JSON record (of any readable version); `where` names it in errors."""
    old = str(record.get("schema_version", REPORT_SCHEMA_VERSION)).split(".")[0] in ("1", "2")
    if old and isinstance(record.get("evidence"), list):
        record = {**record, "evidence": [_dates_v3(e) for e in record["evidence"]]}
    try:
        return from_dict(CheckResult, record)
    except ValueError as exc:  # a verdict or stance outside the vocabulary
        raise InputError(f"{where}: {exc}; regenerate the report") from None


def _dates_v3(evidence: Any) -> Any:
    """A version 1-2 evidence record with the date check's "differ" renamed "disagree" (version 3)."""
    numeric = evidence.get("numeric") if isinstance(evidence, dict) else None
    if not isinstance(numeric, dict) or numeric.get("dates") != "differ":
        return evidence
    return {**evidence, "numeric": {**numeric, "dates": "disagree"}}


def report_text(results: Iterable[CheckResult]) -> str:
    """The report JSONL as one string, exactly as `write_report` writes it."""
    return "".join(json.dumps(record_of(result), ensure_ascii=False) + "\n" for result in results)


def write_report(path: str | Path, results: Iterable[CheckResult]) -> None:
    """Writes a report JSONL file atomically."""
    with atomic_write(path) as handle:
        handle.write(report_text(results))


def iter_report_lines(path: str | Path, skip_invalid: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yields (line number, record) from a report whose schema version this factcheck reads; a line that is not
    UTF-8 or not a report record raises InputError naming file:line (or, with `skip_invalid`, is skipped)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such report file; check the path")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                record = _report_record(raw, number)
            except InputError as exc:
                if skip_invalid:
                    continue
                raise InputError(f"{path}:{number}: {exc}") from None
            check_version(record, f"{path}:{number}")
            yield number, record


def _report_record(raw: bytes, number: int) -> dict[str, Any]:
    """One line of a report as a record; InputError says what is wrong with it."""
    try:
        record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8; re-save the report as UTF-8") from None
    except ValueError as exc:
        raise InputError(f"malformed report line ({exc}); fix or remove that line") from None
    if not isinstance(record, dict) or "claim" not in record or "verdict" not in record:
        raise InputError("malformed report line (not a report record: needs 'claim' and 'verdict'); fix or remove that line")
    return record


def parse_result(record: dict[str, Any], where: str) -> CheckResult:
    """Checks one report record (schema version, field types) and builds its CheckResult; `where` ("file:line")
    prefixes any error."""
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


def read_report_records(path: str | Path) -> list[tuple[int, dict[str, Any], CheckResult]]:
    """Reads a report as (line number, raw record, result) triples, every record checked by `parse_result`."""
    path = Path(path)
    return [(number, record, parse_result(record, f"{path}:{number}")) for number, record in iter_report_lines(path)]


def read_report(path: str | Path) -> list[CheckResult]:
    """Reads a report JSONL file into results: the one reader of reports (the CLI, the review notebook, benchmarks)."""
    return [result for _, _, result in read_report_records(path)]


class PartialReport:
    """A report being written claim by claim: finished results go to `<path>.partial` at once, so an
    interrupted run can resume without redoing them; `finish` writes the final report atomically."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.done: dict[str, dict[str, Any]] = {}
        if self.partial.is_file():
            with self.partial.open(encoding="utf-8") as handle:
                for line in handle:
                    try:
                        record = json.loads(line)
                        self.done[record["claim"]["id"]] = record
                    except (ValueError, KeyError, TypeError):
                        break  # a line cut short by the interruption: redo from there
                    check_version(record, f"{self.partial} (an unfinished run's results; delete it to start over)")
            self._rewrite()
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.partial.open("a", encoding="utf-8")

    def _rewrite(self) -> None:
        """Drops a torn last line by rewriting the partial file from what was read."""
        with atomic_write(self.partial) as handle:
            for record in self.done.values():
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def add(self, result: CheckResult) -> None:
        """Appends one finished result durably."""
        record = record_of(result)
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.done[result.claim.id] = record

    def close(self) -> None:
        """Closes the partial file, leaving it for a later run to resume from (a run that stopped)."""
        self._handle.close()

    def finish(self, order: list[str]) -> list[CheckResult]:
        """Writes the report in claim order, removes the partial file, returns the results."""
        self.close()
        results = [result_of(self.done[i]) for i in order if i in self.done]
        write_report(self.path, results)
        self.partial.unlink(missing_ok=True)
        return results
