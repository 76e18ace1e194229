"""The direction check: a claim that says something rises cannot be supported by a sentence that says it falls.

Verdict models read "Antiretroviral therapy increases rates of tuberculosis" as entailed by "…is associated with a
reduction in the incidence of tuberculosis": the words match, the direction does not. This check finds, in the
claim and in the evidence sentence, the words a direction word governs ("increases rates of *tuberculosis*",
"*unemployment* fell") and reports a conflict when a word the two share is said to go up in one and down in the
other (or to be "dependent" in one and "independent" in the other). A direction under a negation ("did not
increase") says nothing either way.

The pipeline uses a conflict only to withhold support (`factcheck.verify.aggregate.adjust_probs`): a sentence that
states the opposite direction never makes a claim SUPPORTED; it does not by itself make it REFUTED, since the
two may speak of different subjects. Measured in docs/benchmarks.md, "Direction check".
"""

from __future__ import annotations

import re

from factcheck.text import STOPWORDS, stem

__all__ = ["direction_conflicts", "directions"]

UP, DOWN, DEPENDENT, INDEPENDENT = "goes up", "goes down", "is dependent", "is independent"
OPPOSITE = {UP: DOWN, DOWN: UP, DEPENDENT: INDEPENDENT, INDEPENDENT: DEPENDENT}

# Snowball stems of the words that say a quantity goes up or down (verbs, their nouns and adjectives). Words that
# are also common particles or comparatives of quality ("up", "down", "more", "less", "greater") are left out:
# "sitting down", "more effective" say nothing about a direction.
_STEMS = {
    UP: {"increas", "rais", "rise", "rose", "risen", "higher", "elev", "enhanc", "promot", "stimul", "boost",
         "upregul", "acceler", "strengthen", "expand", "grew", "grown", "augment", "amplifi", "doubl", "tripl", "surg"},
    DOWN: {"decreas", "reduc", "reduct", "lower", "fewer", "declin", "fall", "fell", "fallen", "drop", "attenu",
           "inhibit", "suppress", "downregul", "diminish", "impair", "dampen", "shrink", "shrank", "shrunk", "weaken",
           "curb", "halv", "abolish", "abrog", "deplet", "decrement"},
    DEPENDENT: {"depend"},
    INDEPENDENT: {"independ"},
}
_DIRECTION = {s: direction for direction, found in _STEMS.items() for s in found}
_NEGATORS = {"not", "no", "never", "without", "neither", "nor", "cannot", "n't"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "this", "these", "that", "those"}
# Nouns that measure what follows them: "increases the *risk* of bleeding" is about bleeding, and "decreased the
# risk of nausea" says nothing against it
_MEASURES = {stem(w) for w in ("risk", "rate", "level", "number", "incidence", "expression",
                               "amount", "concentration", "production", "activity", "prevalence", "frequency",
                               "likelihood", "odds", "share", "proportion", "percentage", "chance", "size")}
_TOKEN = re.compile(r"n't|[^\W_]+", re.UNICODE)
NEGATION_SPAN = 4  # a negator this many words before a direction word cancels it ("not associated with an increased")
OBJECT_SPAN = 4  # words after a direction word that it governs ("increases the rates of tuberculosis")
SUBJECT_SPAN = 2  # words before a direction word with no object that it governs ("unemployment fell", "UCP1-dependent")


def _tokens(text: str) -> list[str]:
    """Lower-case words; hyphenated words split ("UCP1-independent" -> "ucp1", "independent")."""
    return [t.lower() for t in _TOKEN.findall(text)]


def directions(text: str) -> dict[str, set[str]]:
    """The stems of the content words a direction word governs in `text`, each with the directions stated for it."""
    words = _tokens(text)
    found: dict[str, set[str]] = {}
    for i, word in enumerate(words):
        direction = _DIRECTION.get(stem(word))
        if direction is None or any(w in _NEGATORS for w in words[max(0, i - NEGATION_SPAN):i]):
            continue
        following = [w for w in words[i + 1:i + 1 + OBJECT_SPAN] if not w.endswith("ly") and w not in _DETERMINERS][:1]
        no_object = not following or following[0] in STOPWORDS or following[0].isdigit()  # "rose sharply in 2020"
        if direction in (DEPENDENT, INDEPENDENT):  # "UCP1-dependent": what it depends on comes first
            no_object = True
        before = range(max(0, i - SUBJECT_SPAN), i) if no_object else range(0)
        for j in (*before, *range(i + 1, min(len(words), i + 1 + OBJECT_SPAN))):
            target = words[j]
            if (target in STOPWORDS or target in _NEGATORS or target.isdigit() or len(target) < 3
                    or stem(target) in _DIRECTION or stem(target) in _MEASURES):
                continue
            found.setdefault(stem(target), set()).add(direction)
    return found


def direction_conflicts(claim: str, sentence: str) -> list[str]:
    """One line per word that the claim and the sentence say go opposite ways (empty: no conflict); a word the
    sentence says goes both ways (in two clauses) is no conflict."""
    said, stated = directions(claim), directions(sentence)
    surface = {stem(w): w for w in reversed(_tokens(claim))}
    return [f"“{surface.get(word, word)}” {direction} in the claim and {OPPOSITE[direction]} in the evidence"
            for word in sorted(set(said) & set(stated))
            for direction in sorted(said[word])
            if OPPOSITE[direction] in stated[word] and direction not in stated[word]]
