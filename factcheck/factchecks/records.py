"""The fact-check record: one published fact-check (a ClaimReview), as the store keeps it."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any

from factcheck.factchecks.ratings import Rating

__all__ = ["FactCheck", "embed_texts"]


@dataclass(frozen=True)
class FactCheck:
    """A published fact-check: the claim it reviewed, its rating (original wording and normalised), who
    published it, who made the claim, when, and where to read it."""

    id: str  # the JSONL record's `id`, else the ClaimReview's URL
    claim: str
    rating: Rating = "unrated"
    rating_text: str = ""
    publisher: str = ""
    claimant: str = ""
    claim_date: str | None = None  # ISO date the claim was made, when known
    date: str | None = None  # ISO date the fact-check was published, when known
    url: str | None = None
    title: str = ""
    source: str = ""  # file (and line) it was imported from

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (every field is a plain value: no deep copy needed, unlike dataclasses.asdict)."""
        return {name: getattr(self, name) for name in _FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FactCheck":
        """Builds a record from `to_dict` output, ignoring unknown keys."""
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})

    def digest(self) -> str:
        """A hash of the texts that are embedded: unchanged texts keep their stored vectors."""
        return hashlib.sha1("\x1f".join(embed_texts(self)).encode("utf-8")).hexdigest()


_FIELDS = tuple(f.name for f in dataclasses.fields(FactCheck))


def embed_texts(record: FactCheck) -> tuple[str, str]:
    """The two texts embedded per fact-check: its claim, and its title (the claim again when it has none)."""
    return record.claim, record.title or record.claim
