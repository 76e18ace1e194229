"""Whether a claim stands alone. Questions, direct or reported, are not claims. A claim that points back to
earlier text is rewritten with the antecedent named in a previous sentence, or else marked as needing
context. Pointing back means a demonstrative ("these atrocities", "this is"), a third-person pronoun
with no antecedent in the claim, "there", or a bare definite noun repeated from the previous sentences
("the official").

Each test is a small function over the spaCy parse; the word classes are closed grammatical classes
(demonstratives, personal pronouns, question words), not topic words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["Standing", "is_question", "question_clauses", "pointing_back", "stand_alone"]

_DEMONSTRATIVES = {"this", "these", "that", "those", "such"}
_WH = {"what", "why", "how", "when", "where", "who", "whom", "whose", "which", "whether", "if"}
_ASKING = {"ask", "wonder", "inquire", "question"}
_PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person",
             "it": "thing", "its": "thing", "they": "group", "them": "group", "their": "group"}
_MAX_ANTECEDENT_TOKENS = 14
_LOOK_BACK = 2  # previous sentences searched for an antecedent


@dataclass(frozen=True)
class Standing:
    """A claim's text after rewriting, and whether it still needs context to be understood."""

    text: str
    needs_context: bool
    why: str = ""


def _asks(token: Any) -> bool:
    """A verb of asking with a question complement ("asked why ...", "wondered whether ...")."""
    if token.lemma_.lower() not in _ASKING or token.pos_ not in ("VERB", "AUX"):
        return False
    return any(c.dep_ in ("ccomp", "xcomp", "advcl", "dobj") and any(t.lower_ in _WH for t in c.subtree)
               for c in token.children)


def is_question(doc: Any) -> bool:
    """Tells whether a sentence is a question: it ends with a question mark, or its main verb asks
    ("The reporter asked why ...")."""
    text = doc.text.strip().rstrip("”\"’')]").rstrip()
    if text.endswith("?"):
        return True
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    return root is not None and _asks(root)


def question_clauses(doc: Any) -> set[int]:
    """Token indices of reported-question clauses inside a statement ("When asked why X, she said Y":
    the "When asked why X" part), which are not part of the claim."""
    drop: set[int] = set()
    for token in doc:
        if token.dep_ in ("advcl", "prep", "pcomp") and token.lemma_.lower() in _ASKING and token.tag_ == "VBN":
            span = {t.i for t in token.subtree}
            drop |= span
            after = max(span) + 1
            if after < len(doc) and doc[after].text == ",":
                drop.add(after)
    return drop


def _is_time(token: Any) -> bool:
    """A noun of time ("this week", "that day"): deixis the article's date resolves, not earlier text."""
    return token.ent_type_ in ("DATE", "TIME")


def _expletive_it(token: Any) -> bool:
    """"It" that stands for a clause later in the sentence ("It is important that ...", "It is hard to ...")."""
    if token.dep_ == "expl":
        return True
    return any(t.i > token.i and t.lower_ in ("that", "to") and t.dep_ in ("mark", "aux") for t in token.head.subtree)


def _has_antecedent(token: Any, kind: str) -> bool:
    """Whether the claim names something before a pronoun that it can refer to (a plural or a name for
    "they"; any noun for "he", "she", "it")."""
    before = [t for t in token.doc[: token.i] if t.pos_ in ("NOUN", "PROPN")]
    if kind == "person" and token.tag_ == "PRP$" and any(e.label_ == "PERSON" for e in token.doc.ents):
        return True  # "During his trip, Secretary Blinken said ...": the name follows
    if kind == "group":
        return any(t.tag_ in ("NNS", "NNPS") or t.pos_ == "PROPN" for t in before)
    return bool(before)


def _noun_lemmas(doc: Any) -> set[str]:
    """The lemmas of the common nouns of a sentence."""
    return {t.lemma_.lower() for t in doc if t.pos_ == "NOUN"}


def _bare_definite(token: Any) -> bool:
    """"the" + a common noun with nothing that restricts it (no adjective, compound, possessive, of-phrase,
    relative clause)."""
    noun = token.head
    if token.lower_ != "the" or token.dep_ != "det" or noun.pos_ != "NOUN" or _is_time(noun):
        return False
    restrict = ("amod", "compound", "poss", "nummod", "prep", "relcl", "acl", "appos", "nmod")
    return not any(c.dep_ in restrict for c in noun.children)


def pointing_back(doc: Any, previous: Sequence[Any] = ()) -> list[Any]:
    """The tokens of a claim that point back to earlier text: demonstrative determiners (their noun is
    returned), demonstrative or personal pronouns with no antecedent in the claim, "there", and bare
    definite nouns whose lemma the previous sentences used."""
    earlier = set().union(*(_noun_lemmas(d) for d in previous)) if previous else set()
    found = []
    for token in doc:
        lower = token.lower_
        if lower in _DEMONSTRATIVES and token.dep_ in ("det", "amod", "predet") and token.head.pos_ in ("NOUN", "PROPN"):
            if not _is_time(token.head) and not (lower == "such" and token.head.i > token.i + 2):
                found.append(token.head)
        elif lower in _DEMONSTRATIVES - {"such"} and token.tag_ == "DT" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
            if not any(c.dep_ in ("acl", "relcl", "prep") for c in token.children):  # "those aged 70" defines itself
                found.append(token)
        elif lower == "same" and token.dep_ == "amod" and not any(t.lower_ == "as" for t in token.head.subtree):
            found.append(token.head)  # "the same pattern"
        elif lower in _PERSONAL and token.tag_ in ("PRP", "PRP$") and not (lower == "it" and _expletive_it(token)):
            if not _has_antecedent(token, _PERSONAL[lower]):
                found.append(token)
        elif lower == "there" and token.dep_ == "advmod" and not any(
                t.ent_type_ in ("GPE", "LOC", "FAC") for t in doc[: token.i]):
            found.append(token)
        elif _bare_definite(token) and token.head.lemma_.lower() in earlier:
            found.append(token.head)
    return found


def _noun_phrase(noun: Any) -> list[Any]:
    """A noun with its left modifiers and its of/in/against phrases (no clauses), in order."""
    keep = {t.i for t in noun.subtree if t.i <= noun.i}
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "in", "against", "on", "for"):
            keep |= {t.i for t in child.subtree}
        elif child.dep_ not in ("punct",):
            break
    span = noun.doc[min(keep): max(keep) + 1]
    return [t for t in span if t.i in keep]


def _antecedent(noun: Any, previous: Sequence[Any]) -> str | None:
    """The latest noun phrase of the previous sentences with the same head lemma that itself stands
    alone, as text ("the atrocities against the Syrian people")."""
    lemma = noun.lemma_.lower()
    for doc in reversed(list(previous)[-_LOOK_BACK:]):
        for candidate in reversed([t for t in doc if t.lemma_.lower() == lemma and t.pos_ in ("NOUN", "PROPN")]):
            phrase = _noun_phrase(candidate)
            words = {t.lower_ for t in phrase}
            if len(phrase) > _MAX_ANTECEDENT_TOKENS or words & (_DEMONSTRATIVES | set(_PERSONAL)):
                continue
            if len(phrase) < 2 or not any(t.dep_ in ("amod", "compound", "poss", "prep") or t.pos_ == "PROPN" for t in phrase):
                continue  # "the atrocities" says no more than "these atrocities"
            text = "".join(t.text_with_ws for t in phrase).strip()
            return text
    return None


def _rewrite(doc: Any, start: int, end: int, replacement: str) -> tuple[str, int]:
    """The claim with tokens start..end (the determiner, modifiers and noun) replaced by the antecedent,
    and the character offset where the replacement ends."""
    before = doc[:start].text_with_ws
    after = doc[end + 1:].text
    if not before:
        replacement = replacement[0].upper() + replacement[1:]
    elif replacement[:4] == "The ":
        replacement = "the " + replacement[4:]
    space = " " if after and after[0] not in ",.;:!?'’" else ""
    return f"{before}{replacement}{space}{after}".strip(), len(before) + len(replacement)


def _named(doc: Any, noun: Any, previous: Sequence[Any]) -> tuple[str, int, int] | None:
    """The claim with `noun`'s phrase named from the previous sentences, with the character span of the
    name, or None. A compound the parser took for a modifier is tried too ("these atrocities amount"
    parsed as one noun phrase)."""
    start = min(t.i for t in noun.subtree if t.i <= noun.i)
    for candidate in [noun] + [c for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]:
        replacement = _antecedent(candidate, previous)
        if replacement is not None:
            text, end = _rewrite(doc, start, candidate.i, replacement)
            return text, len(doc[:start].text_with_ws), end
    return None


def stand_alone(doc: Any, previous: Sequence[Any] = (), nlp: Any = None) -> Standing:
    """Rewrites a parsed claim so that it stands alone when the previous sentences name what it points back
    to; otherwise marks it as needing context. `nlp` re-parses a rewritten claim to check the rest of it."""
    points = pointing_back(doc, previous)
    if not points:
        return Standing(doc.text, False)
    noun = points[0]
    named = _named(doc, noun, previous) if noun.pos_ in ("NOUN", "PROPN") and nlp is not None else None
    if named is None:
        return Standing(doc.text, True, f"“{noun.text}” refers to earlier text")
    text, start, end = named
    if any(not start <= t.idx < end for t in pointing_back(nlp(text), previous)):
        return Standing(doc.text, True, "still refers to earlier text after naming what it can")
    return Standing(text, False, f"“{noun.text}” named from the previous sentences")
