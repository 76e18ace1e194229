"""Standalone claims from a parsed sentence: one claim per independent fact, pronouns and "the comment" resolved.

Each rule is a small function over the spaCy dependency parse. A claim is built as a set of token
indices (what to keep) plus replacements (token index -> text), then rendered back to text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from factcheck.records import Attribution

__all__ = ["Context", "standalone_claims", "render"]

_REL_PRONOUNS = {"that", "which", "who", "whom"}
# Nouns that name an entity by its kind, per spaCy NER label: "the country" is the place the sentence named.
_KIND_NOUNS = {
    "GPE": {"country", "nation", "state", "city", "town", "province", "region"},
    "ORG": {"company", "firm", "organisation", "organization", "agency", "party", "club", "team"},
}
_PREDETERMINERS = {"half", "all", "both", "twice", "double"}  # "half the country’s" -> "half of Syria’s"
_STATEMENT_NOUNS = {"comment", "comments", "statement", "remarks", "remark", "announcement", "claim", "move"}
_TEMPORAL_MARKS = {"after", "before", "since"}  # facts; "until", "while", "if" clauses are conditions
_VERB_TAGS = {"VBD", "VBZ", "VBP", "VBN", "VB", "VBG"}


@dataclass
class Context:
    """What the preceding text tells about referents: the previous sentence, its speaker, known names."""

    previous: Any = None  # the previous sentence's spaCy Doc
    previous_attribution: Attribution | None = None
    full_names: dict[str, str] = field(default_factory=dict)  # surname -> full name


@dataclass
class _Draft:
    """A claim under construction: token indices to keep and text replacements."""

    keep: set[int]
    replace: dict[int, str] = field(default_factory=dict)


def _subtree(token: Any) -> set[int]:
    """Indices of a token's subtree."""
    return {t.i for t in token.subtree}


def _own_subject(verb: Any) -> bool:
    """Tells whether a verb has its own subject (an independent clause, not a shared-subject conjunct)."""
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)


def _conj_chain(verb: Any) -> list[Any]:
    """All verbs coordinated with `verb` (conj of conj included) that share its subject."""
    chain = []
    for child in verb.children:
        if child.dep_ == "conj" and child.tag_ in _VERB_TAGS and not _own_subject(child):
            chain += [child] + _conj_chain(child)
    return chain


def _relcl_conjuncts(rel: Any) -> list[Any]:
    """Verbs coordinated with a relative-clause verb, including a list the parser attached higher up
    ("the conflict that has killed X, displaced Y and saw Z": a list of 2+ verbs after the clause)."""
    own = _conj_chain(rel)
    if own:
        return own
    higher = [a for a in rel.ancestors if a.tag_ in _VERB_TAGS]
    if not higher:
        return []
    late = [v for v in _conj_chain(higher[0]) if v.i > rel.i]
    return late if len(late) >= 2 else []


def _detach(token: Any, conjuncts: Iterable[Any]) -> set[int]:
    """A token's subtree without its coordinated verbs and their conjunctions and commas."""
    keep = _subtree(token)
    for verb in conjuncts:
        keep -= _subtree(verb)
    for child in token.children:
        if child.dep_ in ("cc", "preconj") or (child.dep_ == "punct" and child.i > token.i and child.text == ","):
            keep.discard(child.i)
    return keep


def _noun_phrase(noun: Any, drop: set[int]) -> set[int]:
    """The noun phrase of a relative clause's head: its subtree without the clause and what follows it."""
    left = {i for i in _subtree(noun) if i <= noun.i and i not in drop}
    return left | _prep_modifiers(noun, drop)


def _prep_modifiers(noun: Any, drop: set[int]) -> set[int]:
    """Prepositional modifiers right of the noun that come before the relative clause."""
    first_drop = min(drop) if drop else noun.i
    return {i for c in noun.rights if c.dep_ == "prep" and c.i < first_drop for i in _subtree(c)}


def _anchor(noun: Any, doc: Any) -> str | None:
    """For a bare definite noun ("the conflict", "the outbreak"), the place named before it in the sentence, which
    a claim split off without that part needs ("the conflict in Syria"); None for a noun that says where or whose."""
    determiners = [c for c in noun.children if c.dep_ == "det"]
    if noun.pos_ != "NOUN" or not determiners or determiners[0].lower_ != "the":
        return None
    if any(c.dep_ in ("prep", "poss", "compound") for c in noun.children) or _kind_label(noun):
        return None
    places = [e for e in doc.ents if e.label_ == "GPE" and e.end <= noun.i]
    return places[-1].text if places else None


def _kind_label(noun: Any) -> str | None:
    """The NER label of the entities a kind noun names ("country" -> GPE), or None."""
    return next((label for label, nouns in _KIND_NOUNS.items() if noun.lemma_.lower() in nouns), None)


def _relative_pronoun(rel: Any) -> Any | None:
    """The relative pronoun of a clause when it is the subject or the object ("which took", "which X signed")."""
    for child in rel.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.lower_ in _REL_PRONOUNS:
            return child
    return None


def _relative_clause_draft(doc: Any, verb: Any, others: list[Any], pronoun: Any, noun: set[int]) -> _Draft:
    """One claim from a relative clause verb: the head noun phrase takes the pronoun's place."""
    keep = _detach(verb, others) - {pronoun.i}
    draft = _Draft(keep | noun)
    if pronoun.dep_ == "dobj" and pronoun.i in _subtree(verb):
        noun_text = render(doc, _Draft(set(noun), {}), sentence=False)
        if doc[min(noun)].dep_ == "det":
            noun_text = noun_text[0].lower() + noun_text[1:]
        draft = _Draft(keep, {verb.i: f"{verb.text} {noun_text}"})
    return draft


def _relative_clauses(doc: Any, scope: set[int]) -> list[tuple[list[_Draft], set[int]]]:
    """Rule: a relative clause with coordinated verbs, or a non-restrictive one (", which ..."),
    becomes claims of its own about the head noun; returns (claims, tokens to drop from the main claim)."""
    found = []
    for rel in (t for t in doc if t.dep_ == "relcl" and t.i in scope):
        pronoun = _relative_pronoun(rel)
        conjuncts = _relcl_conjuncts(rel)
        non_restrictive = rel.head.i + 1 < len(doc) and doc[rel.head.i + 1].text == ","
        if pronoun is None or not (conjuncts or non_restrictive):
            continue
        verbs = [rel] + conjuncts
        drop = set().union(*(_subtree(v) for v in verbs))
        noun = _noun_phrase(rel.head, drop)
        anchor = _anchor(rel.head, doc)
        drafts = []
        for verb in verbs:
            others = [v for v in verbs if v is not verb and v.i > verb.i or v in _conj_chain(verb)]
            draft = _relative_clause_draft(doc, verb, others, pronoun, noun)
            if anchor:
                draft.replace.setdefault(rel.head.i, f"{rel.head.text} in {anchor}")
            _name_kinds(doc, draft)
            drafts.append(draft)
        if non_restrictive:
            drop |= _commas_around(doc, drop, rel.head)
        found.append((drafts, drop))
    return found


def _commas_around(doc: Any, clause: set[int], noun: Any) -> set[int]:
    """The commas that set off a dropped clause: both when it sits inside the subject, else the first."""
    before, after = min(clause) - 1, max(clause) + 1
    commas = {i for i in (before, after) if 0 <= i < len(doc) and doc[i].text == ","}
    return commas if noun.dep_ in ("nsubj", "nsubjpass") else commas & {before}


def _name_kinds(doc: Any, draft: _Draft) -> None:
    """Replaces "the country" / "the company" in a split-off claim with the entity of that kind the sentence
    named before it and the claim left out ("displaced half the country’s population" -> "half of Syria’s")."""
    for i in sorted(draft.keep):
        token, label = doc[i], _kind_label(doc[i])
        if label is None or i == 0 or doc[i - 1].lower_ != "the" or i - 1 not in draft.keep:
            continue
        named = [e for e in doc.ents if e.label_ == label and e.end <= i - 1]
        if named and not any(t.i in draft.keep for t in named[-1]):
            draft.replace[i - 1] = "of" if i > 1 and doc[i - 2].lower_ in _PREDETERMINERS else ""  # half of Syria’s
            draft.replace[i] = named[-1].text


def _coordinated_predicates(doc: Any, root: Any, scope: set[int]) -> list[_Draft]:
    """Rule: "X did A and did B" (shared subject) and "X did A, and Y did B" become one claim each."""
    if not _own_subject(root) or root.tag_ not in ("VBD", "VBZ", "VBP", "MD") and not _has_aux(root):
        return [_Draft(set(scope))]  # no finite main clause: splitting would leave fragments
    shared = _conj_chain(root)
    independent = [c for c in root.children if c.dep_ == "conj" and c.tag_ in _VERB_TAGS and _own_subject(c)]
    if not shared and not independent:
        return [_Draft(set(scope))]
    all_conj = shared + independent
    left = {i for c in root.lefts if c.dep_ not in ("aux", "auxpass", "neg") for i in _subtree(c)} & scope
    drafts = [_Draft(_detach(root, all_conj) & scope)]
    for verb in shared:
        drafts.append(_Draft((left | _detach(verb, [v for v in all_conj if v is not verb])) & scope))
    for verb in independent:
        drafts.append(_Draft(_detach(verb, _conj_chain(verb)) & scope))
    return drafts


def _temporal_clauses(doc: Any, scope: set[int]) -> list[_Draft]:
    """Rule: an "after/before/since ..." clause with its own subject is a fact of its own
    ("..., after defense ministers held talks in Moscow" -> "Defense ministers held talks in Moscow.")."""
    drafts = []
    for clause in (t for t in doc if t.dep_ == "advcl" and t.i in scope and _own_subject(t)):
        marks = [c for c in clause.children if c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS]
        if marks:
            keep = (_subtree(clause) & scope) - {m.i for m in marks}
            while keep and doc[max(keep)].is_punct:
                keep.discard(max(keep))
            if keep:
                drafts.append(_Draft(keep | _closing_apposition(doc, max(keep))))
    return drafts


def _closing_apposition(doc: Any, last: int) -> set[int]:
    """A noun phrase after a comma that ends the sentence and describes the clause before it
    ("..., the first such meeting since 2011.")."""
    comma = last + 1
    if comma + 1 >= len(doc) or doc[comma].text != ",":
        return set()
    for token in doc[comma + 1:]:
        span = sorted(_subtree(token))
        if token.pos_ in ("NOUN", "PROPN") and span[0] == comma + 1 and span[-1] >= len(doc) - 2:
            if not any(t.pos_ in ("VERB", "AUX") for t in token.subtree):
                return {comma, *span}
    return set()


def _scope_root(doc: Any, scope: set[int]) -> Any | None:
    """The one verb that heads the kept tokens (the sentence root, or the clause a reporting verb governs)."""
    heads = [doc[i] for i in scope if doc[i].head.i not in scope or doc[i].head.i == i]
    verbs = [t for t in heads if t.pos_ in ("VERB", "AUX")]
    return verbs[0] if len(verbs) == 1 else None


def _has_aux(verb: Any) -> bool:
    """Tells whether a verb carries an auxiliary (a finite verb group such as "has restored")."""
    return any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _reported_part(doc: Any) -> set[int] | None:
    """For '"...," X said.' or '..., the office estimated.' returns the statement alone (the speaker goes
    to the attribution)."""
    from factcheck.claims.attribution import trailing_report

    tail = trailing_report(doc)
    if tail is not None:
        return {t.i for t in doc[: tail[0]] if t.text not in ("“", '"', "”")}
    closing = [t.i for t in doc if t.text in ("”", '"') and t.i > 1]
    if not closing:
        return None
    tail = doc[closing[-1] + 1:]
    if not any(t.lemma_.lower() in _reporting() and t.pos_ == "VERB" for t in tail):
        return None
    return {t.i for t in doc[: closing[-1]] if t.text not in ("“", '"')}


def _reporting() -> set[str]:
    """The reporting verbs (imported late to keep modules independent)."""
    from factcheck.claims.attribution import REPORTING_VERBS

    return REPORTING_VERBS


_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,40}(?:\([^)]{1,30}\))?\s*[—–-]+\s+")


def render(doc: Any, draft: _Draft, sentence: bool = True) -> str:
    """Turns a draft back into clean text: spacing, stray commas, and for a sentence a capital and full stop."""
    parts: list[str] = []
    previous = None
    for i in sorted(draft.keep):
        token = doc[i]
        if previous is not None and i - previous > 1 and parts and not parts[-1].endswith(" "):
            parts.append(" ")  # a dropped stretch: keep the words apart
        text = draft.replace.get(i, token.text)
        parts.append(text + (token.whitespace_ if text else ""))
        previous = i
    text = _DATELINE.sub("", "".join(parts).strip())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;])(\s*[,;])+", r"\1", text)
    text = re.sub(r"^[\s,;:“”\"’—-]+|[\s,;:“”\"—-]+$", "", text)
    text = re.sub(r"\(\s*\)", "", re.sub(r"\s{2,}", " ", text))
    text = re.sub(r"[,;:]+\s*([.!?])$", r"\1", text)
    if text.count("“") > text.count("”"):
        text = text.rstrip(".") + ".”"
    if not text or not sentence:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "”")) else text.rstrip(".,;:") + "."


def _resolve_start(text: str, context: Context) -> str:
    """Rule: replace a leading "He"/"She", "The comment" or a bare surname with its referent."""
    match = re.match(r"(He|She)\b", text)
    if match and context.previous is not None:
        people = {e.text for e in context.previous.ents if e.label_ == "PERSON"}
        speaker = context.previous_attribution.speaker if context.previous_attribution else None
        referent = speaker or (next(iter(people)) if len(people) == 1 else None)
        if referent and referent.lower() not in ("he", "she", "they", "we", "i"):
            return context.full_names.get(referent, referent) + text[match.end():]
    match = re.match(r"The (\w+)\b", text)
    if match and match.group(1).lower() in _STATEMENT_NOUNS and context.previous_attribution:
        speaker = context.previous_attribution.speaker
        return f"{speaker}’s {match.group(1).lower()}{_what_was_said(context.previous)}{text[match.end():]}"
    match = re.match(r"([A-Z][\w’'-]+)\b", text)
    if match and match.group(1) in context.full_names and context.full_names[match.group(1)] != match.group(1):
        return context.full_names[match.group(1)] + text[match.end():]
    return text


def _what_was_said(doc: Any) -> str:
    """The content clause of a reported statement (" that ..."), used to spell out "the comment"."""
    for token in doc:
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in _reporting():
            words = doc[min(t.i for t in token.subtree): max(t.i for t in token.subtree) + 1].text
            words = words[5:] if words.lower().startswith("that ") else words
            return f" that {words}".rstrip(".")
    return ""


def standalone_claims(doc: Any, context: Context | None = None, drop: Iterable[int] = ()) -> list[str]:
    """Splits one parsed sentence into standalone claims (at least one: the sentence itself, cleaned),
    leaving out the tokens in `drop` (a reported question, say)."""
    context = context or Context()
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return []
    scope = (_reported_part(doc) or {t.i for t in doc}) - set(drop)
    if not scope:  # the statement part was all dropped ("When asked why X, Price said Y"): keep the rest
        scope = {t.i for t in doc} - set(drop)
    extra: list[_Draft] = []
    for drafts, drop in _relative_clauses(doc, scope):
        extra += drafts
        scope -= drop
    top = _scope_root(doc, scope)
    main = _coordinated_predicates(doc, top, scope) if top is not None else [_Draft(scope)]
    extra += _temporal_clauses(doc, scope)
    texts = [_resolve_start(render(doc, d), context) for d in main + extra]
    seen, unique = set(), []
    for text in texts:
        if text and len(text.split()) >= 3 and text not in seen:
            seen.add(text)
            unique.append(text)
    return unique
