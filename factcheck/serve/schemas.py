"""Request bodies of the API. Unknown fields are refused, and no field names a file on the server."""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ClaimIn", "CheckRequest", "ArticleRequest", "SearchRequest", "MatchClaimIn", "MatchRequest", "Format", "FORMATS",
]

Format = Literal["jsonl", "html", "markdown", "claimreview", "fever"]
FORMATS = ("jsonl", "html", "markdown", "claimreview", "fever")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimIn(_Body):
    """A claim with an id of your choosing (echoed in its result)."""

    id: Optional[str] = Field(None, max_length=200)
    text: str


class CheckRequest(_Body):
    """One claim (`claim`) or a list (`claims`: texts or {id, text}); `formats` adds report exports."""

    claim: Optional[str] = Field(None, description="One claim to check.")
    claims: Optional[list[Union[str, ClaimIn]]] = Field(None, description="Several claims, checked together.")
    formats: list[Format] = Field(default_factory=list, description="Report exports to include in `exports`.")
    title: str = Field("Fact-check report", max_length=500)


class ArticleRequest(_Body):
    """An article as text (plain, Markdown or HTML), or a URL where this server can fetch one."""

    text: Optional[str] = Field(None, description="The article's text, Markdown or HTML.")
    html: Optional[bool] = Field(None, description="Treat `text` as HTML (default: detected from <html>).")
    url: Optional[str] = Field(None, max_length=2000, description="An article URL (when /v1/info features.url).")
    min_score: Optional[float] = Field(None, ge=0.0, le=1.0, description="Check-worthiness threshold.")
    formats: list[Format] = Field(default_factory=list, description="Report exports to include in `exports`.")
    title: Optional[str] = Field(None, max_length=500)


class SearchRequest(_Body):
    """A search over the indexed corpus."""

    query: str
    k: int = Field(5, ge=1, description="Passages to return (at most the server's max_k).")


class MatchClaimIn(ClaimIn):
    """A claim to match, with what is known around it (as a `factcheck match --claims` line)."""

    speaker: str = Field("", max_length=200, description="Who made the claim: their fact-checks rank higher.")
    date: Optional[str] = Field(None, max_length=100, description="When the claim was made, e.g. 2019-10-22.")
    context: str = Field("", max_length=2000, description="The text before the claim.")


class MatchRequest(_Body):
    """One claim (`claim`) or a list (`claims`: texts or {id, text, speaker, date, context}) to look up in the
    server's fact-check store."""

    claim: Optional[str] = Field(None, description="One claim to match.")
    claims: Optional[list[Union[str, MatchClaimIn]]] = Field(None, description="Several claims, matched together.")
    k: int = Field(10, ge=1, description="Most matches listed per claim (at most the server's max_k).")
    min_score: Optional[float] = Field(
        None, ge=0.0, le=1.0, description="Lowest score listed (default: the measured match threshold; 0 lists the top k)."
    )
