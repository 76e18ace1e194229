"""Claims JSONL: one claim per line, `schema_version` first, then the Claim fields (docs/claims-format.md)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Iterable

from factcheck.errors import InputError
from factcheck.records import Claim, from_dict, to_dict
from factcheck.textio import atomic_write, json_object, read_text

__all__ = ["CLAIMS_SCHEMA_VERSION", "MAX_CLAIM_CHARS", "claim_to_record", "write_claims", "read_claims", "check_claim_text"]

CLAIMS_SCHEMA_VERSION = "1"
# A claim is a sentence or two: the verdict model reads 128 word pieces of claim and evidence together
# (~500 characters); a 100,000-character claim took 4 min and 876 MB. The example claims are under 160.
MAX_CLAIM_CHARS = 2000


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


def check_claim_text(text: str, where: str = "") -> None:
    """Raises InputError when a claim is longer than MAX_CLAIM_CHARS characters; `where` is file:line."""
    if len(text) > MAX_CLAIM_CHARS:
        raise InputError(
            f"{where + ': ' if where else ''}the claim has {len(text):,} characters, over the {MAX_CLAIM_CHARS:,} limit; "
            "a claim is one or two sentences, split longer text with: factcheck extract"
        )


def _parse_line(line: str, where: str) -> Claim:
    """Parses one JSONL line into a Claim, with an error that names the file and line."""
    record = json_object(line, where)
    version = str(record.get("schema_version", CLAIMS_SCHEMA_VERSION))
    if version != CLAIMS_SCHEMA_VERSION:
        raise InputError(f"{where}: claims schema_version {version!r} is not supported (expected {CLAIMS_SCHEMA_VERSION!r})")
    if not isinstance(record.get("id"), (str, int)) or not isinstance(record.get("text"), str) or not record["text"].strip():
        raise InputError(f"{where}: a claim needs a string `id` and a non-empty `text`")
    check_claim_text(record["text"], where)
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
