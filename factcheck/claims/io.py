"""Claims JSONL: one claim per line, `schema_version` first, then the Claim fields (docs/claims-format.md)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Iterable

from factcheck.errors import InputError
from factcheck.records import Claim, from_dict, to_dict
from factcheck.textio import atomic_write, json_object, read_text

__all__ = ["CLAIMS_SCHEMA_VERSION", "claim_to_record", "write_claims", "read_claims"]

CLAIMS_SCHEMA_VERSION = "1"


def claim_to_record(claim: Claim) -> dict:
    """The JSON record of one claim: schema_version, then the Claim fields."""
    return {"schema_version": CLAIMS_SCHEMA_VERSION, **to_dict(claim)}


def write_claims(path: str | Path, claims: Iterable[Claim]) -> int:
    """Writes claims as JSONL atomically; returns how many were written."""
    count = 0
    with atomic_write(path) as handle:
        for claim in claims:
            handle.write(json.dumps(claim_to_record(claim), ensure_ascii=False) + "\n")
            count += 1
    return count


def _parse_line(line: str, where: str) -> Claim:
    """Parses one JSONL line into a Claim, with an error that names the file and line."""
    record = json_object(line, where)
    version = str(record.get("schema_version", CLAIMS_SCHEMA_VERSION))
    if version != CLAIMS_SCHEMA_VERSION:
        raise InputError(f"{where}: claims schema_version {version!r} is not supported (expected {CLAIMS_SCHEMA_VERSION!r})")
    if not isinstance(record.get("id"), (str, int)) or not isinstance(record.get("text"), str) or not record["text"].strip():
        raise InputError(f"{where}: a claim needs a string `id` and a non-empty `text`")
    record["id"] = str(record["id"])
    try:
        return from_dict(Claim, record)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: malformed claim ({exc})") from None


def read_claims(path: str | Path, skip_invalid: bool = False) -> list[Claim]:
    """Reads a claims JSONL file; blank lines are skipped, malformed ones (or a repeated id) raise
    InputError with file:line, or with `skip_invalid` are left out with a warning."""
    text = read_text(path)
    claims: list[Claim] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            claim = _parse_line(line, where)
            if claim.id in seen:
                raise InputError(f"{where}: claim id {claim.id!r} appears twice; give each claim its own id")
        except InputError as exc:
            if not skip_invalid:
                raise
            warnings.warn(f"skipped {exc}", stacklevel=2)
            continue
        seen.add(claim.id)
        claims.append(claim)
    if not claims:
        raise InputError(f"{path}: no claims in the file; run: factcheck extract ARTICLE -o {Path(path).name}")
    return claims
