"""Who said it: speakers and reporting verbs for direct quotes, "X said ..." and "according to X"."""

from __future__ import annotations

from typing import Any, Sequence

from factcheck.records import Attribution

__all__ = ["REPORTING_VERBS", "find_attribution", "attribute_sentences", "trailing_report", "SpeakerMemory"]

REPORTING_VERBS = {
    "say", "tell", "add", "announce", "state", "claim", "note", "warn", "insist", "argue", "explain", "write",
    "report", "declare", "stress", "confirm", "deny", "vow", "urge", "reiterate", "acknowledge", "allege",
    "assert", "suggest", "predict", "estimate", "reply", "respond", "comment", "emphasize", "emphasise",
    "pledge", "promise", "admit", "contend", "maintain", "indicate", "disclose", "reveal", "tweet", "post",
}
_PRONOUNS = {"he", "she", "they", "we", "i"}


class SpeakerMemory:
    """Remembers the people named so far, to expand "Price" to "Ned Price" and resolve "he added"."""

    def __init__(self) -> None:
        self.full_names: dict[str, str] = {}
        self.last_speaker: str | None = None
        self.last_person: str | None = None

    def learn(self, doc: Any) -> None:
        """Records the PERSON names of a parsed sentence."""
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                name = ent.text.strip()
                if " " in name:
                    self.full_names.setdefault(name.split()[-1], name)
                self.last_person = self.expand(name)

    def expand(self, name: str) -> str:
        """Returns the full form of a surname seen earlier ("Price" -> "Ned Price")."""
        return self.full_names.get(name, name)

    def resolve(self, speaker: str) -> str:
        """Replaces a pronoun speaker with the last named speaker, when there is one."""
        if speaker.lower() in _PRONOUNS - {"we", "i", "they"}:
            return self.last_speaker or self.last_person or speaker
        bare = speaker.lower().removeprefix("the ")
        if self.last_speaker and bare != self.last_speaker.lower() and self.last_speaker.lower().endswith(" " + bare):
            return self.last_speaker  # "the official" after "a senior State Department official said"
        return self.expand(speaker)


def _speaker_text(subject: Any) -> str:
    """The speaker's name: the entity around the subject's head word, else the head with its compounds."""
    for ent in subject.doc.ents:
        if ent.start <= subject.i < ent.end:
            return ent.text
    modifiers = [t for t in subject.lefts if t.dep_ in ("compound", "amod", "nmod")]
    span = subject.doc[modifiers[0].left_edge.i if modifiers else subject.i: subject.i + 1]
    return span.text if len(span) <= 6 else subject.text


def _according_to(doc: Any) -> Attribution | None:
    """Finds "according to X"."""
    for token in doc:
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            objects = [t for t in doc[token.i + 1].children if t.dep_ == "pobj"]
            if objects:
                return Attribution(speaker=_speaker_text(objects[0]), verb="according to")
    return None


def trailing_report(doc: Any) -> tuple[int, str, str] | None:
    """Finds a closing ", the office estimated." / ", said Mr. Brown." clause: (comma index, speaker, verb)."""
    commas = [t.i for t in doc if t.text == "," and t.i > 2]
    if not commas:
        return None
    comma = commas[-1]
    tail = [t for t in doc[comma + 1:] if not t.is_punct]
    verbs = [t for t in tail if t.lemma_.lower() in REPORTING_VERBS and t.tag_ in ("VBD", "VBZ", "VBP", "VBN")]
    if not verbs or len(tail) > 14:
        return None
    verb = verbs[0]
    before = [t for t in tail if t.i < verb.i]
    after = [t for t in tail if t.i > verb.i and t.dep_ not in ("prep", "pobj", "npadvmod") and not t.like_num]
    words = before or after[:6]
    if not words or len(before) > 8 or not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in words):
        return None
    return comma, doc[words[0].i: words[-1].i + 1].text, verb.text


def _reporting_verb(doc: Any, has_quote: bool) -> Any | None:
    """The reporting verb that introduces the statement: it has a clause complement or closes a quote."""
    for token in doc:
        if token.lemma_.lower() not in REPORTING_VERBS or token.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children) and token.tag_ != "VBG":
            continue
        if has_quote or any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in token.children) or token.dep_ == "ROOT":
            return token
    return None


def _subject(verb: Any) -> Any | None:
    """The grammatical subject of a verb, climbing to the governing clause for "..., saying that"."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        return min(subjects, key=lambda c: abs(c.i - verb.i))
    if verb.tag_ == "VBG" and verb.head is not verb:
        return _subject(verb.head)
    return None


def find_attribution(doc: Any, memory: SpeakerMemory | None = None, has_quote: bool = False) -> Attribution | None:
    """Finds who made the statement in one parsed sentence, or None when it is the writer's own."""
    found = _according_to(doc)
    if found is None:
        verb = _reporting_verb(doc, has_quote)
        subject = _subject(verb) if verb is not None else None
        tail = trailing_report(doc)
        if tail is not None and (subject is None or subject.i < tail[0]):
            found = Attribution(speaker=tail[1], verb=tail[2])
        elif subject is not None:
            found = Attribution(speaker=_speaker_text(subject), verb=verb.text)
        else:
            return None
    if memory is not None:
        found.speaker = memory.resolve(found.speaker)
    return found


def _in_quotes(text: str) -> bool:
    """Tells whether a sentence is a direct quotation: it opens with a quotation mark, or is mostly quoted."""
    if text.lstrip()[:1] in ("“", '"'):
        return True
    inside, count, quoted = False, 0, 0
    for char in text:
        if char in "“”\"":
            inside = not inside if char == '"' else char == "“"
            continue
        count += 1
        quoted += inside
    return count > 0 and quoted / count > 0.5


def attribute_sentences(docs: Sequence[Any], quotes: Sequence[int | None]) -> list[Attribution | None]:
    """Attributes each sentence; every sentence of a multi-sentence quotation gets the quotation's speaker."""
    memory = SpeakerMemory()
    found: list[Attribution | None] = []
    for doc, quote in zip(docs, quotes):
        memory.learn(doc)
        attribution = find_attribution(doc, memory, has_quote=quote is not None)
        if attribution is not None:
            memory.last_speaker = attribution.speaker
            attribution.quote = _in_quotes(doc.text)
        found.append(attribution)
    for i, quote in enumerate(quotes):
        if quote is None:
            continue
        group = [j for j, q in enumerate(quotes) if q == quote]
        speaker = next((found[j] for j in group if found[j] is not None), None)
        if found[i] is None and speaker is not None:
            found[i] = Attribution(speaker=speaker.speaker, verb=speaker.verb, quote=True)
        elif found[i] is not None and len(group) > 1:
            found[i].quote = True
    return found
