"""Evaluation data-set readers: SciFact, FEVER-style pairs, Climate-FEVER, a generic JSONL and
factcheck claim sets (claims JSONL with gold labels, checked against a corpus folder).

Every reader returns a `Dataset`: claims with a gold factcheck verdict, their gold evidence, the
relevant documents (retrieval judgements) and, where the data set has one, the corpus to index.
Gold labels are mapped onto factcheck's verdicts with the explicit tables in `LABELS`:

| format | data-set label | factcheck verdict |
|---|---|---|
| scifact | all rationales SUPPORT / all CONTRADICT / both / no evidence | SUPPORTED / REFUTED / CONFLICTING / NOT_ENOUGH_INFO |
| fever (pairs) | entailment, SUPPORTS | SUPPORTED |
| fever (pairs) | contradiction, REFUTES, not_entailment (FEVER binary: REFUTES) | REFUTED |
| fever (pairs) | neutral, NOT ENOUGH INFO | NOT_ENOUGH_INFO |
| climate-fever | SUPPORTS / REFUTES / NOT_ENOUGH_INFO / DISPUTED | SUPPORTED / REFUTED / NOT_ENOUGH_INFO / CONFLICTING |
| jsonl | a factcheck verdict, or any label above | as above |
| claims | a factcheck verdict, or any label above | as above |

Per-evidence labels become stances (SUPPORT(S) → entailment, CONTRADICT / REFUTES → contradiction,
NOT_ENOUGH_INFO → neutral); only evidence with a non-neutral stance counts as relevant for retrieval.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from factcheck.claims.io import CLAIMS_SCHEMA_VERSION
from factcheck.errors import InputError
from factcheck.records import Document
from factcheck.textio import json_object, read_text

__all__ = [
    "GoldEvidence",
    "EvalExample",
    "Dataset",
    "LABELS",
    "STANCE_LABELS",
    "READERS",
    "read_dataset",
    "read_scifact",
    "read_fever_pairs",
    "read_climate_fever",
    "read_jsonl",
    "read_claim_set",
]

# Gold labels → factcheck verdicts (upper-cased, spaces and dashes as underscores before lookup).
LABELS: dict[str, str] = {
    "SUPPORTED": "SUPPORTED",
    "SUPPORTS": "SUPPORTED",
    "SUPPORT": "SUPPORTED",
    "ENTAILMENT": "SUPPORTED",
    "REFUTED": "REFUTED",
    "REFUTES": "REFUTED",
    "CONTRADICT": "REFUTED",
    "CONTRADICTION": "REFUTED",
    "NOT_ENTAILMENT": "REFUTED",  # FEVER binary NLI: not_entailment pairs are the REFUTES claims
    "NOT_ENOUGH_INFO": "NOT_ENOUGH_INFO",
    "NEUTRAL": "NOT_ENOUGH_INFO",
    "NEI": "NOT_ENOUGH_INFO",
    "CONFLICTING": "CONFLICTING",
    "DISPUTED": "CONFLICTING",
}
# Per-evidence labels → stances (factcheck.records.STANCES).
STANCE_LABELS: dict[str, str] = {
    "SUPPORTED": "entailment",
    "SUPPORTS": "entailment",
    "SUPPORT": "entailment",
    "ENTAILMENT": "entailment",
    "REFUTED": "contradiction",
    "REFUTES": "contradiction",
    "CONTRADICT": "contradiction",
    "CONTRADICTION": "contradiction",
    "NOT_ENTAILMENT": "contradiction",
    "NOT_ENOUGH_INFO": "neutral",
    "NEUTRAL": "neutral",
    "NEI": "neutral",
}
_SPACE = re.compile(r"\s+")
_LINE_SUFFIX = re.compile(r":\d+$")  # the line number in a JSONL document's source


@dataclass
class GoldEvidence:
    """One gold evidence sentence (or passage) of a claim, with its stance when the data set gives one."""

    doc_id: str
    text: str
    id: str = ""  # the data set's evidence id ("doc_id:sentence"), or the doc id
    stance: str = ""  # entailment / contradiction / neutral; "" when unlabelled


@dataclass
class EvalExample:
    """A claim with its gold verdict, gold evidence, relevant documents and FEVER evidence sets."""

    id: str
    claim: str
    label: str  # a factcheck verdict
    evidence: list[GoldEvidence] = field(default_factory=list)
    relevant: list[str] = field(default_factory=list)  # relevant doc ids (retrieval judgements)
    evidence_sets: list[list[str]] = field(default_factory=list)  # any complete set proves the label


@dataclass
class Dataset:
    """An evaluation set: examples, the corpus to index (may be empty) and sentence ids per document."""

    name: str
    examples: list[EvalExample]
    corpus: list[Document] = field(default_factory=list)
    sentences: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # doc_id -> [(evidence id, text)]

    def qrels(self) -> dict[str, dict[str, int]]:
        """Relevance judgements for ir-measures: claim id -> {doc id: 1}; claims without any are left out."""
        return {ex.id: {d: 1 for d in ex.relevant} for ex in self.examples if ex.relevant}

    def evidence_ids(self, doc_id: str, sentence: str) -> set[str]:
        """The gold evidence ids a predicted sentence stands for: its document and the sentences it overlaps."""
        found = {doc_id}
        text = _norm(sentence)
        for sid, gold in self.sentences.get(doc_id, []):
            norm = _norm(gold)
            if norm and (norm in text or text in norm):
                found.add(sid)
        return found

    def limit(self, n: int | None) -> "Dataset":
        """The first n examples (the corpus stays whole)."""
        if n is None:
            return self
        return Dataset(self.name, self.examples[:n], self.corpus, self.sentences)


def _norm(text: str) -> str:
    """Lower-cased text with whitespace collapsed, for matching sentences across sentence splitters."""
    return _SPACE.sub(" ", text).strip().lower()


def _label(raw: Any, table: dict[str, str], where: str) -> str:
    """Maps a data-set label through a table, or raises an InputError listing the accepted labels."""
    key = _SPACE.sub("_", str(raw).strip()).replace("-", "_").upper()
    if key not in table:
        accepted = ", ".join(sorted(table))
        raise InputError(f"{where}: unknown label {raw!r}; expected one of {accepted}")
    return table[key]


def _records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file:line, object) for each non-blank line of a JSONL file, or each item of a JSON list."""
    text = read_text(path)
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
        lines = ((f"{path}: item {i}", item) for i, item in enumerate(items, 1))
    else:
        lines = ((f"{path}:{i}", line) for i, line in enumerate(text.splitlines(), 1) if line.strip())
    for where, item in lines:
        if isinstance(item, str):
            item = json_object(item, where)
        elif not isinstance(item, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(item).__name__}")
        yield where, item


def _need(record: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    """Raises an InputError naming the fields a record lacks."""
    missing = [k for k in keys if k not in record]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}; each record needs {', '.join(keys)}")


# ---------------------------------------------------------------- SciFact


def read_scifact(path: str | Path, corpus: str | Path | None = None, title: bool = True) -> Dataset:
    """Reads SciFact claims (allenai jsonl) and its corpus (default: corpus.jsonl beside the claims).

    Each abstract becomes one document (title, then its sentences joined, when `title`); evidence ids
    are "doc_id:sentence". Claims without evidence are NOT_ENOUGH_INFO; their oracle evidence is
    every sentence of the cited abstracts (as SciFact builds its NEI training pairs).
    """
    path = Path(path)
    corpus_path = Path(corpus) if corpus is not None else path.parent / "corpus.jsonl"
    abstracts = _scifact_corpus(corpus_path)
    docs = [
        Document(d, (t + "\n\n" if title and t else "") + " ".join(s), t, str(corpus_path))
        for d, (t, s) in abstracts.items()
    ]
    sentences = {d: [(f"{d}:{i}", s) for i, s in enumerate(sents)] for d, (_, sents) in abstracts.items()}
    examples = [_scifact_example(rec, where, abstracts) for where, rec in _records(path)]
    return Dataset("scifact", examples, docs, sentences)


def _scifact_corpus(path: Path) -> dict[str, tuple[str, list[str]]]:
    """doc_id -> (title, abstract sentences)."""
    out = {}
    for where, rec in _records(path):
        _need(rec, ("doc_id", "title", "abstract"), where)
        out[str(rec["doc_id"])] = (str(rec["title"]), [str(s) for s in rec["abstract"]])
    return out


def _scifact_example(rec: dict[str, Any], where: str, abstracts: dict[str, tuple[str, list[str]]]) -> EvalExample:
    """One SciFact claim: rationales become evidence sets, their labels the verdict."""
    _need(rec, ("id", "claim"), where)
    evidence, sets, labels = [], [], set()
    for doc_id, rationales in (rec.get("evidence") or {}).items():
        sents = _abstract(abstracts, str(doc_id), where)[1]
        for rationale in rationales:
            stance = _label(rationale["label"], STANCE_LABELS, where)
            labels.add(stance)
            bad = [i for i in rationale["sentences"] if not isinstance(i, int) or not 0 <= i < len(sents)]
            if bad:
                raise InputError(f"{where}: document {doc_id} has no sentence {bad[0]}; pass the matching --corpus")
            sets.append([f"{doc_id}:{i}" for i in rationale["sentences"]])
            evidence += [GoldEvidence(str(doc_id), sents[i], f"{doc_id}:{i}", stance) for i in rationale["sentences"]]
    label = {frozenset(): "NOT_ENOUGH_INFO", frozenset({"entailment"}): "SUPPORTED"}.get(frozenset(labels))
    label = label or ("REFUTED" if labels == {"contradiction"} else "CONFLICTING")
    if not evidence:
        for doc_id in rec.get("cited_doc_ids") or []:
            sents = _abstract(abstracts, str(doc_id), where)[1]
            evidence += [GoldEvidence(str(doc_id), s, f"{doc_id}:{i}", "neutral") for i, s in enumerate(sents)]
    relevant = list(dict.fromkeys(e.doc_id for e in evidence if e.stance != "neutral"))
    return EvalExample(str(rec["id"]), str(rec["claim"]), label, evidence, relevant, sets)


def _abstract(abstracts: dict[str, tuple[str, list[str]]], doc_id: str, where: str) -> tuple[str, list[str]]:
    """An abstract of the corpus, or an InputError saying the claims and corpus do not match."""
    if doc_id not in abstracts:
        raise InputError(f"{where}: evidence document {doc_id} is not in the corpus; pass the matching --corpus")
    return abstracts[doc_id]


# ---------------------------------------------------------------- FEVER-style pairs


def read_fever_pairs(path: str | Path) -> Dataset:
    """Reads premise/hypothesis/label pairs (FEVER NLI, SNLI): the hypothesis is the claim, the
    premise its one gold evidence; each distinct premise is a document of the corpus."""
    premises: dict[str, str] = {}
    examples = []
    for n, (where, rec) in enumerate(_records(Path(path)), 1):
        _need(rec, ("premise", "hypothesis", "label"), where)
        premise = str(rec["premise"])
        doc_id = premises.setdefault(premise, f"premise-{len(premises) + 1}")
        stance = _label(rec["label"], STANCE_LABELS, where)
        gold = GoldEvidence(doc_id, premise, doc_id, stance)
        relevant = [doc_id] if stance != "neutral" else []
        label = _label(rec["label"], LABELS, where)
        examples.append(EvalExample(str(rec.get("id", n)), str(rec["hypothesis"]), label, [gold], relevant, [[doc_id]]))
    docs = [Document(doc_id, text, source=str(path)) for text, doc_id in premises.items()]
    return Dataset("fever", examples, docs)


# ---------------------------------------------------------------- Climate-FEVER


def read_climate_fever(path: str | Path) -> Dataset:
    """Reads Climate-FEVER (claim_id, claim, claim_label, evidences[{evidence_id, evidence_label,
    article, evidence}]); each article becomes a document made of its evidence sentences."""
    examples, articles = [], {}
    for where, rec in _records(Path(path)):
        _need(rec, ("claim_id", "claim", "claim_label", "evidences"), where)
        evidence = []
        for ev in rec["evidences"]:
            if not isinstance(ev, dict):
                raise InputError(f"{where}: each item of evidences must be a JSON object")
            _need(ev, ("evidence_id", "evidence_label", "article", "evidence"), f"{where} evidences")
            gold = GoldEvidence(str(ev["article"]), str(ev["evidence"]), str(ev["evidence_id"]))
            gold.stance = _label(ev["evidence_label"], STANCE_LABELS, where)
            articles.setdefault(gold.doc_id, {})[gold.id] = gold.text
            evidence.append(gold)
        label = _label(rec["claim_label"], LABELS, where)
        labelled = [e for e in evidence if e.stance != "neutral"]
        relevant = list(dict.fromkeys(e.doc_id for e in labelled))
        sets = [[e.id] for e in labelled]
        examples.append(EvalExample(str(rec["claim_id"]), str(rec["claim"]), label, evidence, relevant, sets))
    docs = [Document(a, " ".join(_sorted_sents(s).values()), a, str(path)) for a, s in articles.items()]
    sentences = {a: list(_sorted_sents(s).items()) for a, s in articles.items()}
    return Dataset("climate-fever", examples, docs, sentences)


def _sorted_sents(sentences: dict[str, str]) -> dict[str, str]:
    """Evidence sentences of one article in article order ("Article:12" ids sort by number)."""
    def key(sid: str) -> tuple[int, str]:
        tail = sid.rsplit(":", 1)[-1]
        return (int(tail) if tail.isdigit() else 1 << 30, sid)

    return dict(sorted(sentences.items(), key=lambda kv: key(kv[0])))


# ---------------------------------------------------------------- generic JSONL


def read_jsonl(path: str | Path, corpus: str | Path | None = None) -> Dataset:
    """Reads {"claim", "label", optional "id", "evidence" (text or list), "evidence_ids" (doc ids)}.

    `evidence_ids` name the relevant documents of the corpus. The corpus is `corpus` (any file or
    folder `factcheck index` reads) when given, else the evidence texts themselves: one document
    per evidence id where ids and texts line up (texts sharing an id are joined), else one per text.
    """
    examples, docs = [], {}
    for n, (where, rec) in enumerate(_records(Path(path)), 1):
        _need(rec, ("claim", "label"), where)
        texts = rec.get("evidence") or []
        texts = [texts] if isinstance(texts, str) else [str(t) for t in texts]
        ids = [str(i) for i in rec.get("evidence_ids") or []]
        doc_ids = ids if len(ids) == len(texts) else [f"{n}-evidence-{i}" for i in range(len(texts))]
        evidence = [GoldEvidence(d, t, d) for d, t in zip(doc_ids, texts)]
        for gold in evidence:  # evidence texts that share a document id are joined into one document
            doc = docs.setdefault(gold.doc_id, Document(gold.doc_id, gold.text, source=where))
            if gold.text not in doc.text:
                doc.text += " " + gold.text
        relevant = list(dict.fromkeys(ids or doc_ids))
        label = _label(rec["label"], LABELS, where)
        sets = [[i] for i in ids]
        examples.append(EvalExample(str(rec.get("id", n)), str(rec["claim"]), label, evidence, relevant, sets))
    corpus_docs = _read_corpus_docs(corpus) if corpus is not None else list(docs.values())
    return Dataset("jsonl", examples, corpus_docs)


def _read_corpus_docs(corpus: str | Path) -> list[Document]:
    """The documents of a corpus path, read the way `factcheck index` reads it."""
    from factcheck.ingest import read_corpus

    return list(read_corpus([corpus]).documents)


# ---------------------------------------------------------------- factcheck claim sets


def read_claim_set(path: str | Path, corpus: str | Path | None = None) -> Dataset:
    """Reads a claims JSONL (docs/claims-format.md) whose claims carry a gold `label`, checked against `corpus`.

    The corpus is any file or folder `factcheck index` reads. An optional `reference` per claim names the
    corpus file that settles it (as indexed, e.g. "corpus/x.txt"): its documents are the claim's relevant
    documents and gold evidence sets. Claim sets carry no evidence sentences, so only the open and
    retrieval modes apply.
    """
    if corpus is None:
        raise InputError(f"{path}: a claim set is checked against a corpus; pass --corpus (e.g. --corpus corpus/)")
    docs = _read_corpus_docs(corpus)
    examples, seen = [], set()
    for where, rec in _records(Path(path)):
        _need(rec, ("id", "text", "label"), where)
        if str(rec.get("schema_version", CLAIMS_SCHEMA_VERSION)) != CLAIMS_SCHEMA_VERSION:
            raise InputError(f"{where}: claims schema_version {rec['schema_version']!r} is not supported "
                             f"(expected {CLAIMS_SCHEMA_VERSION!r})")
        claim_id = str(rec["id"])
        if claim_id in seen:
            raise InputError(f"{where}: claim id {claim_id!r} appears twice; give each claim its own id")
        seen.add(claim_id)
        if rec["label"] is None:
            raise InputError(f"{where}: claim {claim_id} has no gold label; set label to SUPPORTED, REFUTED or NOT_ENOUGH_INFO")
        label = _label(rec["label"], LABELS, where)
        relevant = _referenced_docs(rec.get("reference"), docs, where, corpus)
        examples.append(EvalExample(claim_id, str(rec["text"]), label, [], relevant, [[d] for d in relevant]))
    return Dataset(Path(path).stem, examples, docs)


def _referenced_docs(reference: Any, docs: list[Document], where: str, corpus: str | Path) -> list[str]:
    """The ids of the corpus documents read from the file a claim's `reference` names (none without one)."""
    if not reference:
        return []
    ref = Path(str(reference)).as_posix()
    files = {d.id: Path(_LINE_SUFFIX.sub("", d.source)).as_posix() for d in docs}  # "notes.jsonl:3" -> its file
    found = [i for i, f in files.items() if ref in (i, f) or f.endswith("/" + ref)]
    if not found:
        raise InputError(f"{where}: reference {reference!r} is not a file of --corpus {corpus}; pass the corpus that holds it")
    return found


READERS: dict[str, Callable[..., Dataset]] = {
    "scifact": read_scifact,
    "fever": read_fever_pairs,
    "climate-fever": read_climate_fever,
    "jsonl": read_jsonl,
    "claims": read_claim_set,
}


def read_dataset(path: str | Path, fmt: str, corpus: str | Path | None = None) -> Dataset:
    """Reads a data set in one of the READERS formats; `corpus` applies to scifact, jsonl and claims."""
    if fmt not in READERS:
        raise InputError(f"--format {fmt}: unknown data-set format; choose one of {', '.join(READERS)}")
    if not Path(path).is_file():
        raise InputError(f"{path}: no such data-set file; pass a {fmt} claims file")
    if corpus is not None and not Path(corpus).exists():
        raise InputError(f"--corpus {corpus}: no such file or folder")
    if fmt in ("scifact", "jsonl", "claims"):
        return READERS[fmt](path, corpus=corpus)
    return READERS[fmt](path)
