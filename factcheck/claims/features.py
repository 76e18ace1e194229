"""Hand-made sentence features for check-worthiness: numbers, dates, entities, comparisons, opinion markers."""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["FEATURE_NAMES", "hand_features"]

ENTITY_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)
_PERCENT = re.compile(r"%|\bper ?cent\b|\bpercentage\b", re.I)
_MONEY = re.compile(r"[$€£]|\b(?:dollars?|euros?|pounds?|billion|million|trillion)\b", re.I)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")
_DIGIT = re.compile(r"\d")
_OPINION = {"think", "believe", "feel", "hope", "want", "wish", "guess", "agree", "disagree", "love", "like"}
_FUTURE = {"will", "shall", "gonna"}
_DEONTIC = {"should", "must", "ought", "need"}
_FIRST_SG = {"i", "me", "my", "mine", "myself"}
_FIRST_PL = {"we", "us", "our", "ours", "ourselves"}
_SECOND = {"you", "your", "yours", "yourself"}
_GREETING = {"thank", "thanks", "welcome", "hello", "congratulations", "applause", "laughter"}

FEATURE_NAMES = (
    ["log_tokens", "has_digit", "n_numbers", "percent", "money", "year"]
    + [f"ent_{label.lower()}" for label in ENTITY_LABELS]
    + ["comparative", "superlative", "past_tense", "present_tense", "modal", "negation"]
    + ["opinion_verb", "future", "deontic", "first_sg", "first_pl", "second_person", "greeting"]
    + ["question", "exclamation", "quote_mark"]
)


def _share(count: int, n: int) -> float:
    """Squashes a count into [0, 1) relative to sentence length, so long sentences do not dominate."""
    return count / (count + 1.0) if n else 0.0


def hand_features(doc: Any) -> list[float]:
    """Computes FEATURE_NAMES for one parsed sentence (a spaCy Doc or Span)."""
    text = doc.text
    tokens = [t for t in doc if not t.is_space]
    lower = [t.lower_ for t in tokens]
    lemmas = [t.lemma_.lower() for t in tokens]
    tags = [t.tag_ for t in tokens]
    n = len(tokens)
    ents = [e.label_ for e in doc.ents]
    feats = [math.log1p(n), float(bool(_DIGIT.search(text))), _share(tags.count("CD"), n)]
    feats += [float(bool(_PERCENT.search(text))), float(bool(_MONEY.search(text))), float(bool(_YEAR.search(text)))]
    feats += [_share(ents.count(label), n) for label in ENTITY_LABELS]
    feats += [
        _share(sum(t in ("JJR", "RBR") for t in tags), n),
        _share(sum(t in ("JJS", "RBS") for t in tags), n),
        _share(sum(t in ("VBD", "VBN") for t in tags), n),
        _share(sum(t in ("VBZ", "VBP") for t in tags), n),
        _share(tags.count("MD"), n),
        _share(sum(t.dep_ == "neg" for t in tokens), n),
    ]
    feats += [
        _share(sum(lemma in _OPINION for lemma in lemmas), n),
        _share(sum(w in _FUTURE for w in lower), n),
        _share(sum(w in _DEONTIC for w in lower), n),
        _share(sum(w in _FIRST_SG for w in lower), n),
        _share(sum(w in _FIRST_PL for w in lower), n),
        _share(sum(w in _SECOND for w in lower), n),
        float(any(lemma in _GREETING for lemma in lemmas)),
    ]
    feats += [float("?" in text), float("!" in text), float(any(c in text for c in "\"“”"))]
    return feats
