"""Training and held-out data for the verdict model: pure functions that read the public data sets
and build (premise, hypothesis, label) pairs, hard negatives and numeric contrasts."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

__all__ = [
    "NLIPair",
    "read_jsonl",
    "load_snli",
    "load_fever",
    "load_scifact",
    "bucket",
    "normalise_text",
    "long_sentences",
    "split_by_group",
    "scifact_pairs",
    "hard_negatives",
    "perturb_numbers",
    "numeric_contrasts",
    "entity_contrasts",
    "entity_split",
    "reversible",
    "negation_split",
    "negate",
    "CONTRAST_KINDS",
    "BASE_SOURCES",
    "training_contrasts",
    "negation_contrasts",
    "build_splits",
    "paraphrase",
    "paraphrase_contrasts",
    "extra_splits",
    "EXTRA_HELD_OUT",
    "HELD_OUT_GENRES",
    "FEVER_DEV",
    "SCIFACT_DEV",
    "source_counts",
]

LABELS = ("entailment", "contradiction", "neutral")
# The held-out fractions of claims, by a stable hash of the claim (`split_by_group`): the verdict model's dev
# splits, which `factcheck train verdict-confidence` (train/verdicts.py) also checks end to end
FEVER_DEV, SCIFACT_DEV = 0.15, 0.20


class NLIPair(NamedTuple):
    """One training or evaluation pair: premise = evidence, hypothesis = claim."""

    premise: str
    hypothesis: str
    label: str  # one of LABELS
    source: str  # snli / fever / scifact / fever-nei / scifact-nei / numbers
    group: str  # the claim it belongs to (splits never share a group)


def read_jsonl(path: Path) -> list[dict]:
    """Reads a JSON Lines file into a list of dicts."""
    import jsonlines

    with jsonlines.open(path) as reader:
        return list(reader)


def load_snli(path: Path) -> list[NLIPair]:
    """Reads an SNLI file (premise, hypothesis, label) into pairs, dropping unlabelled rows."""
    return [
        NLIPair(r["premise"], r["hypothesis"], r["label"], "snli", r["hypothesis"])
        for r in read_jsonl(path)
        if r.get("label") in LABELS
    ]


def load_fever(path: Path) -> list[NLIPair]:
    """Reads the FEVER binary NLI file; REFUTES (not_entailment) becomes contradiction."""
    mapping = {"entailment": "entailment", "not_entailment": "contradiction"}
    return [
        NLIPair(r["premise"], r["hypothesis"], mapping[r["label"]], "fever", r["hypothesis"])
        for r in read_jsonl(path)
        if r.get("label") in mapping
    ]


def load_scifact(claims_path: Path, corpus_path: Path) -> tuple[list[dict], dict[int, dict]]:
    """Reads SciFact claims and the corpus (doc_id → abstract record)."""
    corpus = {int(r["doc_id"]): r for r in read_jsonl(corpus_path)}
    return read_jsonl(claims_path), corpus


def bucket(key: str, seed: int) -> float:
    """A stable number in [0, 1) for a key, so splits do not depend on hash randomisation."""
    digest = hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()
    return int(digest[:8], 16) / 2**32


def split_by_group(items: Sequence, key: Callable, dev_fraction: float, seed: int = 13) -> tuple[list, list]:
    """Splits items into (train, dev) so that no group (claim) lands in both."""
    train, dev = [], []
    for item in items:
        (dev if bucket(str(key(item)), seed) < dev_fraction else train).append(item)
    return train, dev


def scifact_pairs(claims: Iterable[dict], corpus: dict[int, dict], neutral_per_claim: int, rng: random.Random) -> list[NLIPair]:
    """Rationales → entailment (SUPPORT) / contradiction (CONTRADICT); other sentences of cited
    abstracts → neutral."""
    label_of = {"SUPPORT": "entailment", "CONTRADICT": "contradiction"}
    pairs = []
    for claim in claims:
        text, used = claim["claim"], set()
        for doc_id, sets in (claim.get("evidence") or {}).items():
            sentences = corpus[int(doc_id)]["abstract"]
            for rationale in sets:
                idx = sorted(rationale["sentences"])
                used.update((int(doc_id), i) for i in idx)
                premise = " ".join(sentences[i] for i in idx)
                pairs.append(NLIPair(premise, text, label_of[rationale["label"]], "scifact", text))
        candidates = [
            (doc_id, i)
            for doc_id in claim.get("cited_doc_ids", [])
            if int(doc_id) in corpus
            for i in range(len(corpus[int(doc_id)]["abstract"]))
            if (int(doc_id), i) not in used
        ]
        for doc_id, i in rng.sample(candidates, min(neutral_per_claim, len(candidates))):
            pairs.append(NLIPair(corpus[int(doc_id)]["abstract"][i], text, "neutral", "scifact", text))
    return pairs


def normalise_text(text: str) -> str:
    """Lower-cased text with whitespace collapsed."""
    return " ".join(text.lower().split())


def long_sentences(text: str) -> set[str]:
    """The longer sentences of a normalised text (for the 'shares a gold sentence' check)."""
    return {s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 20}


def hard_negatives(
    claims: Sequence[tuple[str, set[str]]],
    pool: Sequence[str],
    source: str,
    rng: random.Random,
    top_k: int = 5,
    per_claim: int = 1,
) -> list[NLIPair]:
    """Pairs each claim with passages BM25 retrieves from the pool that are not its gold evidence
    (neutral: related but not evidence)."""
    import bm25s

    if not claims or not pool:
        return []
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(list(pool), stopwords="en", show_progress=False), show_progress=False)
    k = min(top_k + 8, len(pool))
    docs, _ = retriever.retrieve(
        bm25s.tokenize([c for c, _ in claims], stopwords="en", show_progress=False), k=k, show_progress=False
    )
    pairs = []
    for (claim, gold), hits in zip(claims, docs):
        gold_norm = {normalise_text(g) for g in gold}
        gold_sentences = {s for g in gold_norm for s in long_sentences(g)}
        candidates = [
            pool[i] for i in hits
            if normalise_text(pool[i]) not in gold_norm and not gold_sentences.intersection(long_sentences(normalise_text(pool[i])))
        ][:top_k]
        for passage in rng.sample(candidates, min(per_claim, len(candidates))):
            pairs.append(NLIPair(passage, claim, "neutral", source, claim))
    return pairs


_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(st|nd|rd|th)?(?![\w])")
_UNITS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty", "fifty"]
_SCALES = ["hundred", "thousand", "million", "billion"]
_WORDS = re.compile(r"\b(half an?|" + "|".join(_UNITS + _SCALES) + r")\b", re.IGNORECASE)


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _change_integer(value: int, rng: random.Random) -> int:
    """A different, plausible integer: years shift by a few years, other numbers scale or shift."""
    if 1000 <= value <= 2099:
        return value + rng.choice([-10, -7, -5, -4, -3, -2, 2, 3, 4, 5, 7, 10])
    if value >= 100:
        return rng.choice([value * 10, max(1, value // 10), value * 2, value * 3])
    return rng.choice([v for v in (value + 1, value + 2, value + 3, value * 2, value + 10, max(1, value - 1)) if v != value])


def _format_like(original: str, value: int) -> str:
    return f"{value:,}" if "," in original else str(value)


def _change_number_match(m: re.Match, rng: random.Random) -> str:
    whole, frac, suffix = m.group(1), m.group(2), m.group(3)
    value = int(whole.replace(",", ""))
    if frac:
        new = f"{_format_like(whole, value)}{'.' + str((int(frac[1:]) + rng.randint(1, 8)) % 10 ** len(frac[1:])).zfill(len(frac[1:]))}"
        if new == m.group(1) + frac:
            new = _format_like(whole, value + 1) + frac
        return new
    new_value = _change_integer(value, rng)
    return _format_like(whole, new_value) + (_ordinal(new_value) if suffix else "")


def _change_word(m: re.Match, rng: random.Random) -> str:
    word = m.group(0)
    lower = word.lower()
    if lower.startswith("half"):
        new = rng.choice(["two", "three", "five"])
    elif lower in _SCALES:
        new = rng.choice([s for s in _SCALES if s != lower])
    else:
        new = rng.choice([u for u in _UNITS if u != lower])
    return new.capitalize() if word[0].isupper() else new


def number_mentions(text: str) -> list[re.Match]:
    """The numbers (digits, number words, 'half a') mentioned in a text, in order."""
    return sorted([*_NUMBER.finditer(text), *_WORDS.finditer(text)], key=lambda m: m.start())


def perturb_numbers(claim: str, rng: random.Random, premise: str | None = None) -> str | None:
    """Changes one number in the claim (one that the premise also states, when a premise is given)
    so that the claim no longer matches; None when there is no such number."""
    premise_norm = premise.lower() if premise is not None else None
    mentions = [
        m for m in number_mentions(claim)
        if premise_norm is None or re.search(r"(?<![\w])" + re.escape(m.group(0).lower()) + r"(?![\w])", premise_norm)
    ]
    if not mentions:
        return None
    m = rng.choice(mentions)
    new = _change_number_match(m, rng) if m.re is _NUMBER else _change_word(m, rng)
    if new.lower() == m.group(0).lower():
        return None
    return claim[: m.start()] + new + claim[m.end():]


def numeric_contrasts(pairs: Iterable[NLIPair], rng: random.Random, source: str | None = None) -> list[NLIPair]:
    """Contradiction pairs made from entailment pairs by changing a number the premise states."""
    out = []
    for pair in pairs:
        if pair.label != "entailment":
            continue
        changed = perturb_numbers(pair.hypothesis, rng, premise=pair.premise)
        if changed:
            out.append(NLIPair(pair.premise, changed, "contradiction", source or pair.source, pair.group))
    return out


ENTITY_TYPES = ("PERSON", "GPE", "LOC", "ORG", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT")


def entity_contrasts(pairs: Iterable[NLIPair], nlp, rng: random.Random, source: str | None = None) -> list[NLIPair]:
    """Contradiction pairs made from entailment pairs by swapping a named entity of the claim that the
    premise also names for another entity of the same type, taken from the other claims and not named
    in the premise ("... born in Paris" → "... born in Lyon"). `nlp` is a spaCy pipeline with NER."""
    supported = [p for p in pairs if p.label == "entailment"]
    found = [[e for e in doc.ents if e.label_ in ENTITY_TYPES] for doc in nlp.pipe([p.hypothesis for p in supported])]
    names: dict[str, set[str]] = {}
    for ents in found:
        for e in ents:
            names.setdefault(e.label_, set()).add(e.text)
    pool = {label: sorted(texts) for label, texts in names.items()}
    out = []
    for pair, ents in zip(supported, found):
        premise = pair.premise.lower()
        named = [e for e in ents if e.text.lower() in premise]
        if not named:
            continue
        e = rng.choice(named)
        others = [t for t in pool[e.label_] if t.lower() not in premise and t.lower() not in e.text.lower()
                  and e.text.lower() not in t.lower()]
        if others:
            changed = pair.hypothesis[: e.start_char] + rng.choice(others) + pair.hypothesis[e.end_char :]
            out.append(NLIPair(pair.premise, changed, "contradiction", source or pair.source, pair.group))
    return out


def _with_originals(held: Sequence[NLIPair], contrasts: Sequence[NLIPair], source: str) -> list[NLIPair]:
    """The held-out pairs that contrasts were made from, then the contrasts, all marked `source`."""
    changed = {(c.premise, c.group) for c in contrasts}
    return [p._replace(source=source) for p in held if (p.premise, p.group) in changed] + list(contrasts)


def entity_split(splits: dict[str, list[NLIPair]], nlp, seed: int = 13) -> list[NLIPair]:
    """A held-out entities set: held-out supported claims whose evidence names one of their entities,
    and the same claims with that entity swapped (the counterpart of the numbers set)."""
    held = [p for p in splits["fever_dev"] + splits["scifact_dev"] if p.label == "entailment"]
    return _with_originals(held, entity_contrasts(held, nlp, random.Random(seed), source="entities"), "entities")


# Direction words whose swap reverses a claim ("X increases Y" → "X decreases Y"), the way SciFact's
# annotators wrote its contradicted claims; each maps both ways.
_ANTONYMS = {
    "increase": "decrease", "increases": "decreases", "increased": "decreased", "increasing": "decreasing",
    "higher": "lower", "more": "less", "upregulates": "downregulates", "upregulated": "downregulated",
    "up-regulates": "down-regulates", "activates": "inhibits", "activated": "inhibited", "activation": "inhibition",
    "promotes": "suppresses", "enhances": "impairs", "enhanced": "impaired", "improves": "worsens",
    "improved": "worsened", "positive": "negative", "positively": "negatively", "effective": "ineffective",
    "beneficial": "harmful", "high": "low", "before": "after", "largest": "smallest", "larger": "smaller",
    "major": "minor", "always": "never", "common": "rare", "won": "lost", "younger": "older",
    # stances and outcomes, the way news reports them ("opposes" / "does not support")
    "supports": "opposes", "supported": "opposed", "accepts": "rejects", "accepted": "rejected",
    "allows": "forbids", "allowed": "forbidden", "rises": "falls", "rose": "fell", "gains": "loses",
    "strengthens": "weakens", "strengthened": "weakened", "succeeded": "failed", "succeeds": "fails",
    "included": "excluded", "legal": "illegal", "true": "false",
}
_SWAP = {**_ANTONYMS, **{v: k for k, v in _ANTONYMS.items()}}
# lower-case whole words only: "Lost" (a title) and "HIV-positive" (a compound) stay as they are
_SWAP_RE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(_SWAP, key=len, reverse=True))) + r")(?![\w-])")
_DO = {"VBZ": "does", "VBD": "did", "VBP": "do"}


def _negate_parsed(doc) -> str | None:
    """Adds or removes the negation of the sentence's main verb: "X is Y" → "X is not Y", "X induces Y" →
    "X does not induce Y", "X can Y" → "X cannot Y", "X is not Y" → "X is Y"."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    text = doc.text
    neg = next((c for c in root.children if c.dep_ == "neg"), None)
    if neg is None and any(t.lower_ in ("no", "not", "never", "none", "nothing", "neither", "nor") for t in doc):
        return None  # a negation elsewhere ("has no effect"): adding another would not reverse it
    if neg is not None:  # remove it ("is not" → "is", "does not induce" → "does induce")
        if neg.lower_ in ("n't", "not") and not neg.text.startswith("n'"):
            end = neg.idx + len(neg.text)
            return (text[: neg.idx].rstrip() + text[end:]) if neg.idx > 0 else None
        return None
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    target = aux[0] if aux else (root if root.lemma_ == "be" else None)
    if target is not None:
        end = target.idx + len(target.text)
        if target.lower_ == "can":
            return text[:end] + "not" + text[end:]
        return text[:end] + " not" + text[end:]
    if root.tag_ in _DO and root.pos_ == "VERB":
        do = _DO[root.tag_]
        return text[: root.idx] + f"{do} not {root.lemma_}" + text[root.idx + len(root.text):]
    return None


def negate(claim: str, nlp, rng: random.Random) -> str | None:
    """The claim reversed: a direction word swapped for its opposite when it has one, else its main
    verb negated (or un-negated); None when neither applies. `nlp` is a spaCy pipeline with a parser."""
    swaps = list(_SWAP_RE.finditer(claim))
    if swaps:
        m = rng.choice(swaps)
        return claim[: m.start()] + _SWAP[m.group(0)] + claim[m.end():]
    return _negate_parsed(nlp(claim))


def negation_contrasts(pairs: Iterable[NLIPair], nlp, rng: random.Random, source: str | None = None) -> list[NLIPair]:
    """Pairs made by reversing the claim (see `negate`): a reversed supported claim is contradicted, a
    reversed contradicted claim is supported. Neutral pairs stay as they are (reversing them says nothing)."""
    flip = {"entailment": "contradiction", "contradiction": "entailment"}
    out = []
    for pair in pairs:
        if pair.label not in flip:
            continue
        changed = negate(pair.hypothesis, nlp, rng)
        if changed and changed != pair.hypothesis:
            out.append(NLIPair(pair.premise, changed, flip[pair.label], source or pair.source, pair.group))
    return out


def reversible(pairs: Iterable[NLIPair]) -> list[NLIPair]:
    """The pairs whose reversed claim has a known label: every supported claim, and SciFact's contradicted
    claims (written as reversals of supported ones). SNLI and FEVER contradictions are left out: a
    reversed "a dog is sleeping" is not entailed by a picture of a cat."""
    return [p for p in pairs if p.label == "entailment" or (p.label == "contradiction" and p.source == "scifact")]


def negation_split(splits: dict[str, list[NLIPair]], nlp, seed: int = 13) -> list[NLIPair]:
    """A held-out negations set: held-out FEVER and SciFact claims (see `reversible`) and the same claims
    reversed (a direction word swapped or the main verb negated)."""
    held = reversible(splits["fever_dev"] + splits["scifact_dev"])
    return _with_originals(held, negation_contrasts(held, nlp, random.Random(seed), source="negations"), "negations")


def paraphrase(claim: str, nlp, rng: random.Random) -> str | None:
    """The claim said the other way round with the same meaning: the direction word that heads it swapped
    for its opposite and negated ("X opposes Y" → "X does not support Y", "X is effective" → "X is not
    ineffective"); None when its main verb (or the adjective it predicates) has no opposite, or is negated."""
    if not _SWAP_RE.search(claim):
        return None
    doc = nlp(claim)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or any(c.dep_ == "neg" for c in root.children):
        return None
    heads = [t for t in (root, *root.children) if t.lower_ in _SWAP and (t is root or t.dep_ in ("acomp", "attr"))]
    if not heads:
        return None
    t = rng.choice(heads)
    return _negate_parsed(nlp(claim[: t.idx] + _SWAP[t.lower_] + claim[t.idx + len(t.text):]))


def paraphrase_contrasts(pairs: Iterable[NLIPair], nlp, rng: random.Random, source: str | None = None) -> list[NLIPair]:
    """Pairs whose claim is said the other way round with the same meaning (see `paraphrase`), with the
    original label: they teach the verdict model that a "not" does not always make a contradiction."""
    out = []
    for pair in pairs:
        changed = paraphrase(pair.hypothesis, nlp, rng)
        if changed and changed != pair.hypothesis:
            out.append(NLIPair(pair.premise, changed, pair.label, source or pair.source, pair.group))
    return out


CONTRAST_KINDS = ("entities", "negations", "paraphrases")
BASE_SOURCES = ("snli", "fever", "scifact")  # the pairs taken from the data sets, not made by this module


def training_contrasts(pairs: Sequence[NLIPair], kinds: Sequence[str], nlp, rng: random.Random,
                       limit: int | None = None) -> list[NLIPair]:
    """Entity-swap and claim-reversal contrasts of the training pairs (SNLI, FEVER, SciFact), marked
    with their kind as source; each kind sampled down to `limit`, keeping every SciFact one."""
    base = [p for p in pairs if p.source in BASE_SOURCES]
    scifact = {p.group for p in base if p.source == "scifact"}
    out = []
    for kind in kinds:
        if kind == "entities":
            made = entity_contrasts(base, nlp, rng, source=kind)
        elif kind == "negations":
            made = negation_contrasts(reversible(base), nlp, rng, source=kind)
        elif kind == "paraphrases":
            made = paraphrase_contrasts(reversible(base), nlp, rng, source=kind)
        else:
            raise ValueError(f"unknown contrast kind {kind!r}; choose from {', '.join(CONTRAST_KINDS)}")
        if limit is not None and len(made) > limit:
            kept = [c for c in made if c.group in scifact]
            rest = [c for c in made if c.group not in scifact]
            made = kept + rng.sample(rest, max(0, limit - len(kept)))
        out += made
    return out


def _fever_claims(pairs: Sequence[NLIPair]) -> list[tuple[str, set[str]]]:
    gold: dict[str, set[str]] = {}
    for p in pairs:
        gold.setdefault(p.hypothesis, set()).add(p.premise)
    return list(gold.items())


def _scifact_claims(claims: Sequence[dict], corpus: dict[int, dict]) -> list[tuple[str, set[str]]]:
    """Each claim with the sentences of its cited abstracts (never offered as hard negatives)."""
    out = []
    for c in claims:
        cited = {*map(int, c.get("cited_doc_ids", [])), *map(int, (c.get("evidence") or {}).keys())}
        out.append((c["claim"], {s for d in cited if d in corpus for s in corpus[d]["abstract"]}))
    return out


def build_splits(data_dir: Path, seed: int = 13) -> dict[str, list[NLIPair]]:
    """Builds every split: 'train' and the held-out 'snli_test', 'fever_dev', 'scifact_dev',
    'nei_dev' (claims with retrieved non-evidence) and 'numbers' (from held-out claims only)."""
    rng = random.Random(seed)
    snli_dev = load_snli(data_dir / "nli" / "snli_dev.jsonl")
    snli_test = load_snli(data_dir / "nli" / "snli_test.jsonl")
    fever = load_fever(data_dir / "nli" / "fever_nli_dev_binary.jsonl")
    fever_train, fever_dev = split_by_group(fever, lambda p: p.group, FEVER_DEV, seed)
    claims, corpus = load_scifact(data_dir / "scifact" / "claims_train.jsonl", data_dir / "scifact" / "corpus.jsonl")
    sci_train_claims, sci_dev_claims = split_by_group(claims, lambda c: c["claim"], SCIFACT_DEV, seed)
    sci_train = scifact_pairs(sci_train_claims, corpus, 3, rng)
    sci_dev = scifact_pairs(sci_dev_claims, corpus, 2, rng)
    sentences = [s for doc in corpus.values() for s in doc["abstract"]]
    fever_pool_train = sorted({p.premise for p in fever_train})
    fever_pool_all = sorted({p.premise for p in fever})
    nei_train = (
        hard_negatives(_fever_claims(fever_train)[::2], fever_pool_train, "fever-nei", rng, per_claim=1)
        + hard_negatives(_scifact_claims(sci_train_claims, corpus), sentences, "scifact-nei", rng, per_claim=2)
    )
    nei_dev = (
        hard_negatives(_fever_claims(fever_dev), fever_pool_all, "fever-nei", rng, per_claim=1)
        + hard_negatives(_scifact_claims(sci_dev_claims, corpus), sentences, "scifact-nei", rng, per_claim=1)
    )
    contrasts_train = numeric_contrasts(fever_train + sci_train + snli_dev, rng)
    held_ent = [p for p in fever_dev + sci_dev if p.label == "entailment"]
    held_contrasts = numeric_contrasts(held_ent, rng, source="numbers")
    changed_groups = {p.group for p in held_contrasts}
    numbers = [p._replace(source="numbers") for p in held_ent if p.group in changed_groups
               and any(c.premise == p.premise and c.group == p.group for c in held_contrasts)] + held_contrasts
    train = snli_dev + fever_train + sci_train + nei_train + [p._replace(source="numbers") for p in contrasts_train]
    return {
        "train": train,
        "snli_test": snli_test,
        "fever_dev": fever_dev,
        "scifact_dev": sci_dev,
        "nei_dev": nei_dev,
        "numbers": numbers,
    }


EXTRA_DIR = "nli-extra"
# TaxiNLI (MultiNLI) genres held out whole, to measure transfer to a genre never trained on; the other
# genres lose TAXINLI_DEV of their pairs to a held-out split of their own
HELD_OUT_GENRES = ("government", "slate")
TAXINLI_DEV = 0.15
CONJNLI_TRAIN = 2000  # ConjNLI training pairs sampled (of 15,000), so the stage fits in about 15 min on two idle cores
# the held-out splits made from nli-extra (evaluation only: *_dev, *_test, fm2_dev and the held-out TaxiNLI pairs)
EXTRA_HELD_OUT = ("cad_test", "taxinli_genres", "taxinli_dev", "conjnli_dev", "fm2_dev")


def _load_pairs(path: Path, source: str) -> list[NLIPair]:
    """Reads a premise/hypothesis/label JSONL file; the group is the premise (edits of one pair share it)."""
    return [NLIPair(r["premise"], r["hypothesis"], r["label"], source, r.get("pairID") or r["premise"])
            for r in read_jsonl(path) if r.get("label") in LABELS]


def extra_splits(data_dir: Path, seed: int = 13) -> dict[str, list[NLIPair]]:
    """The pairs of `nli-extra`: 'extra_train' (CAD-SNLI train, TaxiNLI minus its held-out genres and
    split, a sample of ConjNLI train) and the held-out EXTRA_HELD_OUT splits; {} when the folder is absent."""
    folder = data_dir / EXTRA_DIR
    if not folder.is_dir():
        return {}
    taxi = [(r, NLIPair(r["premise"], r["hypothesis"], r["label"], "taxinli", r["pairID"]))
            for r in read_jsonl(folder / "taxinli_mnli.jsonl") if r.get("label") in LABELS]
    genres = [p for r, p in taxi if r["genre"] in HELD_OUT_GENRES]
    taxi_train, taxi_dev = split_by_group([p for r, p in taxi if r["genre"] not in HELD_OUT_GENRES],
                                          lambda p: p.group, TAXINLI_DEV, seed)
    conj = _load_pairs(folder / "conjnli_train.jsonl", "conjnli")
    conj = random.Random(seed).sample(conj, min(CONJNLI_TRAIN, len(conj)))
    return {
        "extra_train": _load_pairs(folder / "cad_snli_train.jsonl", "cad") + taxi_train + conj,
        "cad_test": _load_pairs(folder / "cad_snli_test.jsonl", "cad"),
        "taxinli_genres": genres,
        "taxinli_dev": taxi_dev,
        "conjnli_dev": _load_pairs(folder / "conjnli_dev.jsonl", "conjnli"),
        "fm2_dev": _load_pairs(folder / "fm2_dev.jsonl", "fm2"),
    }


def source_counts(data_dir: Path) -> dict[str, int]:
    """The size of every source the verdict model's data are built from, as the model card reports them
    (the nli-extra ones only when that folder exists)."""
    nli, sci = data_dir / "nli", data_dir / "scifact"
    counts = {"snli_dev": len(load_snli(nli / "snli_dev.jsonl")), "fever": len(load_fever(nli / "fever_nli_dev_binary.jsonl")),
              "scifact_claims": len(read_jsonl(sci / "claims_train.jsonl")), "scifact_abstracts": len(read_jsonl(sci / "corpus.jsonl"))}
    folder = data_dir / EXTRA_DIR
    if folder.is_dir():
        counts |= {"cad_train": len(_load_pairs(folder / "cad_snli_train.jsonl", "cad")),
                   "taxinli": sum(1 for r in read_jsonl(folder / "taxinli_mnli.jsonl") if r.get("label") in LABELS),
                   "conjnli_train": len(_load_pairs(folder / "conjnli_train.jsonl", "conjnli")),
                   "conjnli_sampled": CONJNLI_TRAIN, "fm2_dev": len(_load_pairs(folder / "fm2_dev.jsonl", "fm2"))}
    return counts
