"""The small typed records that pipeline stages pass to each other.

Imports nothing heavy: every stage, the CLI and the tests can import it cheaply.
Each record converts to and from plain JSON-ready dicts (`to_dict` / `from_dict`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, TypeVar

__all__ = [
    "Document",
    "Passage",
    "SearchHit",
    "Quantity",
    "TimeExpression",
    "Entity",
    "Attribution",
    "Claim",
    "Evidence",
    "CheckResult",
    "Stance",
    "Verdict",
    "PlainStrEnum",
    "ArticleSource",
    "PriorFactCheck",
    "VERDICTS",
    "STANCES",
    "to_dict",
    "from_dict",
]


class PlainStrEnum(StrEnum):
    """A str enum that compares, formats, serialises and prints (`repr`) as its plain string, so messages,
    printed summaries and JSON read as they did when these were strings."""

    def __repr__(self) -> str:
        return repr(self.value)


class Stance(PlainStrEnum):
    """How an evidence sentence reads against a claim; the verdict model's columns, in this order."""

    ENTAILMENT = "entailment"
    CONTRADICTION = "contradiction"
    NEUTRAL = "neutral"


class Verdict(PlainStrEnum):
    """The verdict on one claim."""

    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"
    CONFLICTING = "CONFLICTING"


STANCES = tuple(Stance)  # column order of every verdict model's probabilities
VERDICTS = tuple(Verdict)

T = TypeVar("T")


@dataclass
class Document:
    """A reference document: its text and metadata, as read from the corpus."""

    id: str
    text: str
    title: str = ""
    source: str = ""  # path of the file it came from (and line, for JSONL)
    url: str | None = None
    date: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Passage:
    """A window of a document's text, with character offsets into the document."""

    doc_id: str
    text: str
    start: int
    end: int
    ordinal: int  # position of the passage within its document
    id: int = -1  # row id in the index store; -1 before indexing
    page: int | None = None  # 1-based page of a paged document (PDF); passages never cross pages
    section: str | None = None  # heading path of a sectioned document (DOCX), e.g. "Findings > Casualties"


@dataclass(frozen=True)
class SearchHit:
    """One retrieved passage with its document metadata and retrieval scores."""

    passage: Passage
    score: float
    rank: int
    title: str = ""
    source: str = ""
    url: str | None = None
    scores: dict[str, float] = field(default_factory=dict)  # e.g. {"dense": .., "bm25": .., "rrf": ..}


@dataclass
class Quantity:
    """A number mentioned in text: "half a million" -> value 500000, approximate."""

    text: str
    value: float
    unit: str = ""  # e.g. "people", "%", "USD"; empty when none
    bound: Literal["exact", "approx", "lower", "upper"] = "exact"
    start: int = -1  # offsets within the claim text
    end: int = -1


@dataclass
class TimeExpression:
    """A date or time expression, normalised as far as the text allows."""

    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    kind: str = "date"  # date, year, month, relative, duration, weekday
    start: int = -1
    end: int = -1


@dataclass
class Entity:
    """A named entity in text (spaCy label set: PERSON, ORG, GPE, ...)."""

    text: str
    label: str
    start: int = -1
    end: int = -1


@dataclass
class Attribution:
    """Who made a statement and how: "Ned Price told reporters" -> speaker, verb "told"."""

    speaker: str
    verb: str = ""
    quote: bool = False  # the claim is (part of) a direct quotation


@dataclass
class Claim:
    """A check-worthy factual claim extracted from an article (or typed by a user)."""

    id: str
    text: str  # the standalone claim
    sentence: str = ""  # the original sentence
    start: int = -1  # character span of the sentence in the article
    end: int = -1
    score: float = 1.0  # check-worthiness in [0, 1]
    attribution: Attribution | None = None
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[TimeExpression] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    source: str = ""  # the article it came from
    label: str | None = None  # a gold verdict, when the claim comes from an evaluation set
    needs_context: bool = False  # points back to earlier text the claim could not be rewritten to name


@dataclass(frozen=True)
class Evidence:
    """One evidence sentence for a claim, with where it came from and why it counted; immutable (change a copy
    with `dataclasses.replace`)."""

    doc_id: str
    sentence: str
    stance: Stance = Stance.NEUTRAL  # after numeric checks
    probs: dict[str, float] = field(default_factory=dict)  # verdict model probabilities
    title: str = ""
    source: str = ""
    url: str | None = None
    passage_id: int = -1
    passage: str = ""
    passage_start: int = -1  # offsets of the passage in its document
    passage_end: int = -1
    sentence_start: int = -1  # offsets of the sentence in its document
    sentence_end: int = -1
    scores: dict[str, float] = field(default_factory=dict)  # retrieval scores
    numeric: dict[str, Any] = field(default_factory=dict)  # quantity/date check outcome
    why: str = ""
    page: int | None = None  # page of the sentence in a paged document (PDF)
    section: str | None = None  # heading path of the sentence in a sectioned document (DOCX)
    set_aside: str = ""  # why the verdict rules set it aside (empty: it counted for the verdict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stance", Stance(self.stance))  # a stance read from JSON; ValueError if unknown

    def reading(self) -> str:
        """How the evidence counted, for reports: "contradiction 0.81", or "set aside (…); the model read
        contradiction 0.81" when the rules did not let it count."""
        if not self.set_aside:
            return f"{self.stance} {self.probs.get(self.stance, 0):.2f}"
        model = {s: self.probs.get("model_" + s, 0.0) for s in STANCES}
        top = max(model, key=model.get)
        return f"set aside ({self.set_aside}); the model read {top} {model[top]:.2f}"


@dataclass
class ArticleSource:
    """Where a checked article came from when it was fetched from the web, and when."""

    url: str  # the address asked for
    final_url: str = ""  # after redirects
    fetched: str = ""  # UTC time of the fetch, ISO 8601
    title: str = ""
    author: str = ""
    date: str = ""
    site: str = ""


@dataclass
class PriorFactCheck:
    """A fact-check published earlier that matches the claim (from the fact-check store): shown beside
    the verdict, never in place of it."""

    id: str  # the fact-check's id in the store (a JSONL record's id, a ClaimReview's URL)
    score: float  # match probability
    rating: str  # false / mostly false / mixed / mostly true / true / unrated
    url: str | None = None
    claim: str = ""  # the claim the fact-check reviewed
    rating_text: str = ""  # the publisher's own wording
    publisher: str = ""
    claimant: str = ""
    date: str | None = None


@dataclass
class CheckResult:
    """The verdict on one claim, with its evidence and the models that made it."""

    claim: Claim
    verdict: Verdict
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    rationale: str = ""
    models: dict[str, str] = field(default_factory=dict)  # embedder, verifier, index
    article: ArticleSource | None = None  # set when the claim comes from an article fetched from a URL
    fact_checked_before: list[PriorFactCheck] = field(default_factory=list)  # earlier fact-checks of the claim
    leaning: Verdict | None = None  # NOT_ENOUGH_INFO only: the verdict its evidence leans to but does not reach

    def __post_init__(self) -> None:
        self.verdict = Verdict(self.verdict)  # a verdict read from JSON; ValueError if unknown
        if self.leaning is not None:
            self.leaning = Verdict(self.leaning)


def to_dict(record: Any) -> dict[str, Any]:
    """Converts a record (nested records included) to a JSON-ready dict."""
    return dataclasses.asdict(record)


_NESTED = {
    "Claim": {"attribution": Attribution, "quantities": Quantity, "dates": TimeExpression, "entities": Entity},
    "SearchHit": {"passage": Passage},
    "CheckResult": {"claim": Claim, "evidence": Evidence, "article": ArticleSource, "fact_checked_before": PriorFactCheck},
}


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Builds a record from a dict made by `to_dict`, ignoring unknown keys (forward compatible)."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs = {k: v for k, v in data.items() if k in names}
    for key, sub in _NESTED.get(cls.__name__, {}).items():
        value = kwargs.get(key)
        if isinstance(value, list):
            kwargs[key] = [from_dict(sub, v) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, dict):
            kwargs[key] = from_dict(sub, value)
    return cls(**kwargs)
