"""Claims files for matching (`factcheck match --claims`) and the matches JSONL it writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from factcheck.errors import InputError
from factcheck.factchecks.importers import iso_date
from factcheck.factchecks.matcher import Match, Query
from factcheck.textio import atomic_write, json_object, read_text

__all__ = ["read_queries", "write_matches", "query_of"]


def query_of(record: dict, where: str) -> Query:
    """A Query from a claims line: `id` and `text` (as `check --claims` reads them), with optional `speaker`
    (or a claim's `attribution.speaker`), `date` and `context`."""
    if not isinstance(record.get("id"), (str, int)) or not isinstance(record.get("text"), str) or not record["text"].strip():
        raise InputError(f"{where}: a claim needs a string `id` and a non-empty `text`")
    attribution = record.get("attribution") if isinstance(record.get("attribution"), dict) else {}
    speaker = record.get("speaker") or attribution.get("speaker") or ""
    context = record.get("context") or ""
    if not isinstance(speaker, str) or not isinstance(context, str):
        raise InputError(f"{where}: `speaker` and `context` must be strings")
    return Query(id=str(record["id"]), text=record["text"].strip(), speaker=speaker, date=iso_date(record.get("date")), context=context)


def read_queries(path: str | Path) -> list[Query]:
    """Reads a claims JSONL file; a malformed line or a repeated id raises InputError naming file:line."""
    queries, seen = [], set()
    for number, line in enumerate(read_text(path).split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        query = query_of(json_object(line, where), where)
        if query.id in seen:
            raise InputError(f"{where}: claim id {query.id!r} appears twice; give each claim its own id")
        seen.add(query.id)
        queries.append(query)
    if not queries:
        raise InputError(f"{path}: no claims in the file; write one {{\"id\": ..., \"text\": ...}} object per line")
    return queries


def write_matches(path: str | Path, queries: Sequence[Query], matches: Sequence[Sequence[Match]]) -> None:
    """Writes one line per claim, `{"id", "matches": [{"id", "score", "rating", "url", ...}]}`, atomically."""
    with atomic_write(path) as handle:
        for query, found in zip(queries, matches):
            line = {"id": query.id, "matches": [m.to_dict() for m in found]}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
