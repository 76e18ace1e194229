"""Reviewer decisions: a sidecar JSONL next to the report, appended to and never rewritten."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from factcheck.errors import InputError
from factcheck.records import VERDICTS
from factcheck.review.loading import iter_jsonl

__all__ = [
    "DECISION_KINDS",
    "Decision",
    "decisions_path",
    "make_decision",
    "save_decision",
    "read_decisions",
    "latest_decisions",
]

DECISION_KINDS = ("accept", "override")


@dataclass
class Decision:
    """A reviewer's decision on one claim: accept the machine verdict, or override it."""

    claim_id: str
    decision: str  # accept | override
    verdict: str | None = None  # the human verdict; for accept, None or the machine verdict
    note: str = ""
    reviewer: str = ""
    time: str = ""  # ISO 8601, UTC
    line: int = field(default=0, compare=False, repr=False)  # line in the sidecar, 0 before saving

    def to_json(self) -> dict[str, Any]:
        """The sidecar record (without the line number)."""
        return {"claim_id": self.claim_id, "decision": self.decision, "verdict": self.verdict,
                "note": self.note, "reviewer": self.reviewer, "time": self.time}


def decisions_path(report: str | Path) -> Path:
    """The default sidecar for a report: `<report>.decisions.jsonl` beside it."""
    report = Path(report)
    return report.with_name(report.name + ".decisions.jsonl")


def _verdict_name(value: Any, where: str) -> str | None:
    """Normalises a verdict name ("refuted" -> "REFUTED"), rejecting unknown names."""
    if value is None or value == "":
        return None
    name = str(value).strip().upper().replace(" ", "_")
    if name not in VERDICTS:
        raise InputError(f"{where}verdict {value!r} is not one of {', '.join(VERDICTS)}")
    return name


def make_decision(claim_id: Any, decision: Any, verdict: Any = None, note: Any = "", reviewer: Any = "",
                  time: str | None = None, where: str = "") -> Decision:
    """Builds a validated Decision; `where` ("file:line: ") prefixes any error."""
    if not isinstance(claim_id, str) or not claim_id.strip():
        raise InputError(f"{where}claim_id must be a non-empty string")
    if decision not in DECISION_KINDS:
        raise InputError(f"{where}decision {decision!r} must be one of {', '.join(DECISION_KINDS)}")
    name = _verdict_name(verdict, where)
    if decision == "override" and name is None:
        raise InputError(f"{where}an override needs a verdict ({', '.join(VERDICTS)})")
    time = time if time is not None else datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Decision(claim_id, decision, name, str(note or ""), str(reviewer or ""), str(time))


def _append_line(path: Path, text: str) -> None:
    """Appends one whole line with a single write, then flushes it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # an earlier write was cut short: never glue onto its partial line
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)


def save_decision(path: str | Path, claim_id: str, decision: str, verdict: str | None = None,
                  note: str = "", reviewer: str = "", time: str | None = None) -> Decision:
    """Validates a decision and appends it to the sidecar JSONL at `path`."""
    record = make_decision(claim_id, decision, verdict, note, reviewer, time)
    _append_line(Path(path), json.dumps(record.to_json(), ensure_ascii=False) + "\n")
    return record


def read_decisions(path: str | Path, missing_ok: bool = False) -> list[Decision]:
    """Reads a sidecar in file order; malformed lines raise file:line errors."""
    path = Path(path)
    if missing_ok and not path.exists():
        return []
    decisions = []
    for number, data in iter_jsonl(path):
        keys = ("claim_id", "decision", "verdict", "note", "reviewer")
        record = make_decision(*(data.get(k) for k in keys), time=str(data.get("time") or ""),
                               where=f"{path}:{number}: ")
        record.line = number
        decisions.append(record)
    return decisions


def latest_decisions(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The last decision per claim id (later lines win)."""
    return {d.claim_id: d for d in decisions}
