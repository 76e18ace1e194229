"""Evaluation data-set readers: label mappings, evidence, qrels, and each reader on the real files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.eval.readers import (
    read_claim_set,
    read_climate_fever,
    read_dataset,
    read_fever_pairs,
    read_jsonl,
    read_scifact,
)

REPO = Path(__file__).resolve().parents[1]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _ev(article, idx, label, text):
    return {"evidence_id": f"{article}:{idx}", "evidence_label": label, "article": article, "evidence": text,
            "entropy": 0.69, "votes": [label, "NOT_ENOUGH_INFO", None, None, None]}


CLIMATE = [
    {"claim_id": "0", "claim": "Sea ice in the Arctic has shrunk since 1979.", "claim_label": "SUPPORTS",
     "evidences": [_ev("Arctic sea ice decline", 3, "SUPPORTS", "Satellite records since 1979 show the ice shrinking."),
                   _ev("Sea ice", 12, "NOT_ENOUGH_INFO", "Sea ice forms when ocean water freezes.")]},
    {"claim_id": "5", "claim": "Carbon dioxide does not warm the planet.", "claim_label": "REFUTES",
     "evidences": [_ev("Greenhouse gas", 1, "REFUTES", "Carbon dioxide absorbs and re-emits infrared radiation.")]},
    {"claim_id": "9", "claim": "Warming stopped in 1998.", "claim_label": "DISPUTED",
     "evidences": [_ev("Global warming hiatus", 2, "SUPPORTS", "Surface warming slowed after 1998."),
                   _ev("Global warming hiatus", 0, "REFUTES", "Ocean heat content kept rising."),
                   _ev("Sea ice", 4, "NOT_ENOUGH_INFO", "Ice extent varies by season.")]},
    {"claim_id": "11", "claim": "Volcanoes emit more CO2 than people.", "claim_label": "NOT_ENOUGH_INFO",
     "evidences": [_ev("Volcano", 7, "NOT_ENOUGH_INFO", "Volcanoes release gases when they erupt.")]},
]


def test_climate_fever_maps_labels_and_evidence(tmp_path):
    data = read_climate_fever(_write_jsonl(tmp_path / "climate-fever.jsonl", CLIMATE))
    assert [e.label for e in data.examples] == ["SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"]
    disputed = data.examples[2]
    assert [e.stance for e in disputed.evidence] == ["entailment", "contradiction", "neutral"]
    assert disputed.relevant == ["Global warming hiatus"]  # NEI-labelled evidence is not relevant
    assert disputed.evidence_sets == [["Global warming hiatus:2"], ["Global warming hiatus:0"]]
    assert data.qrels() == {"0": {"Arctic sea ice decline": 1}, "5": {"Greenhouse gas": 1}, "9": {"Global warming hiatus": 1}}
    docs = {d.id: d for d in data.corpus}
    # one document per article, sentences in article order (":0" before ":2")
    assert docs["Global warming hiatus"].text == "Ocean heat content kept rising. Surface warming slowed after 1998."
    assert data.evidence_ids("Sea ice", "sea ice forms when ocean water freezes.") == {"Sea ice", "Sea ice:12"}


def test_climate_fever_unknown_label_names_the_line(tmp_path):
    rows = [dict(CLIMATE[0]), dict(CLIMATE[1], claim_label="MAYBE")]
    with pytest.raises(InputError, match=r"climate\.jsonl:2: unknown label 'MAYBE'"):
        read_climate_fever(_write_jsonl(tmp_path / "climate.jsonl", rows))


def test_jsonl_reader_accepts_aliases_and_evidence_ids(tmp_path):
    rows = [
        {"id": "a", "claim": "X is Y.", "label": "supports", "evidence": "X is indeed Y.", "evidence_ids": ["doc1"]},
        {"claim": "X is Z.", "label": "NOT ENOUGH INFO"},
        {"claim": "X is W.", "label": "refuted", "evidence": ["X is not W.", "W differs from X."]},
    ]
    data = read_jsonl(_write_jsonl(tmp_path / "claims.jsonl", rows))
    assert [(e.id, e.label) for e in data.examples] == [("a", "SUPPORTED"), ("2", "NOT_ENOUGH_INFO"), ("3", "REFUTED")]
    assert data.examples[0].relevant == ["doc1"]
    assert sorted(d.id for d in data.corpus) == ["3-evidence-0", "3-evidence-1", "doc1"]


def test_jsonl_reader_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"claim": "a", "label": "SUPPORTED"}\n{"claim": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: missing label"):
        read_jsonl(path)
    path.write_text('{"claim": "a", "label": "SUPPORTED"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: not valid JSON"):
        read_jsonl(path)
    with pytest.raises(InputError, match="unknown data-set format"):
        read_dataset(path, "csv")
    with pytest.raises(InputError, match="no such data-set file"):
        read_dataset(tmp_path / "missing.jsonl", "jsonl")


def test_scifact_reader_rejects_claims_that_do_not_match_the_corpus(tmp_path):
    corpus = _write_jsonl(tmp_path / "corpus.jsonl", [{"doc_id": 7, "title": "T", "abstract": ["One.", "Two."]}])
    claim = {"id": 1, "claim": "c", "evidence": {"7": [{"sentences": [5], "label": "SUPPORT"}]}, "cited_doc_ids": [7]}
    with pytest.raises(InputError, match=r"claims\.jsonl:1: document 7 has no sentence 5"):
        read_scifact(_write_jsonl(tmp_path / "claims.jsonl", [claim]), corpus)
    claim["evidence"] = {"8": [{"sentences": [0], "label": "SUPPORT"}]}
    with pytest.raises(InputError, match="evidence document 8 is not in the corpus"):
        read_scifact(_write_jsonl(tmp_path / "claims.jsonl", [claim]), corpus)
    claim["evidence"] = {"7": [{"sentences": [0, 1], "label": "SUPPORT"}], }
    data = read_scifact(_write_jsonl(tmp_path / "claims.jsonl", [claim]), corpus)
    assert data.examples[0].label == "SUPPORTED" and [e.text for e in data.examples[0].evidence] == ["One.", "Two."]
    assert data.corpus[0].text == "T\n\nOne. Two."


@pytest.mark.dataset
def test_scifact_reader_on_the_training_claims(data_dir):
    data = read_scifact(data_dir / "scifact" / "claims_train.jsonl")
    assert len(data.examples) == 809 and len(data.corpus) == 5183
    assert Counter(e.label for e in data.examples) == {"SUPPORTED": 332, "NOT_ENOUGH_INFO": 304, "REFUTED": 173}
    assert len(data.qrels()) == 505  # claims with evidence; NEI claims are not judged
    claim = next(e for e in data.examples if e.id == "2")
    assert claim.label == "REFUTED" and claim.relevant == ["13734012"] and claim.evidence_sets == [["13734012:4"]]
    assert claim.evidence[0].text.startswith("RESULTS Of the 32,441 appendix samples")
    nei = next(e for e in data.examples if e.label == "NOT_ENOUGH_INFO")
    assert nei.evidence and {e.stance for e in nei.evidence} == {"neutral"}  # cited abstract's sentences
    doc = next(d for d in data.corpus if d.id == "13734012")
    assert doc.text.startswith(doc.title + "\n\n")  # title, then the abstract sentences
    assert "13734012:4" in data.evidence_ids("13734012", claim.evidence[0].text)


@pytest.mark.dataset
def test_fever_pairs_reader_on_fever_and_snli(data_dir):
    fever = read_fever_pairs(data_dir / "nli" / "fever_nli_dev_binary.jsonl")
    assert Counter(e.label for e in fever.examples) == {"SUPPORTED": 6666, "REFUTED": 6666}
    assert len(fever.corpus) < len(fever.examples)  # shared premises become one document
    first = fever.examples[0]
    assert first.claim == "Fox 2000 Pictures released the film Soul Food." and first.evidence[0].stance == "entailment"
    snli = read_fever_pairs(data_dir / "nli" / "snli_dev.jsonl")
    assert set(Counter(e.label for e in snli.examples)) == {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
    assert all(not e.relevant for e in snli.examples if e.label == "NOT_ENOUGH_INFO")


@pytest.mark.dataset
def test_scifact_claims_converted_to_generic_jsonl(data_dir, tmp_path):
    """The generic reader on real claims: SciFact written out as {claim, label, evidence, evidence_ids}."""
    sci = read_scifact(data_dir / "scifact" / "claims_train.jsonl")
    rows = [{"id": e.id, "claim": e.claim, "label": e.label, "evidence": [g.text for g in e.evidence],
             "evidence_ids": [g.doc_id for g in e.evidence]} for e in sci.examples[:50]]
    data = read_dataset(_write_jsonl(tmp_path / "sci.jsonl", rows), "jsonl")
    assert [e.label for e in data.examples] == [e.label for e in sci.examples[:50]]
    assert data.examples[1].relevant == ["13734012"]
    multi = next(e for e in sci.examples[:50] if len(e.evidence) > 1 and len({g.doc_id for g in e.evidence}) == 1)
    doc = next(d for d in data.corpus if d.id == multi.evidence[0].doc_id)
    assert all(g.text in doc.text for g in multi.evidence)  # sentences of one document joined


def _claim_set_files(tmp_path):
    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "moon.txt").write_text("The Moon causes the tides.\n", encoding="utf-8")
    (corpus / "notes.jsonl").write_text('{"id": "n1", "text": "Tides rise twice a day."}\n', encoding="utf-8")
    rows = [
        {"schema_version": "1", "id": "a", "text": "The Moon raises the tides.", "label": "SUPPORTED", "reference": "texts/moon.txt"},
        {"id": "b", "text": "Tides rise once a day.", "label": "refutes", "kind": "quantifier", "reference": "texts/notes.jsonl"},
        {"id": "c", "text": "The Moon is made of cheese.", "label": "NOT_ENOUGH_INFO", "reference": None},
    ]
    return _write_jsonl(tmp_path / "set.jsonl", rows), corpus


def test_claim_set_reader_maps_references_to_corpus_documents(tmp_path):
    claims, corpus = _claim_set_files(tmp_path)
    data = read_dataset(claims, "claims", corpus)
    assert data.name == "set" and [(e.id, e.label) for e in data.examples] == [
        ("a", "SUPPORTED"), ("b", "REFUTED"), ("c", "NOT_ENOUGH_INFO")]
    moon = next(d.id for d in data.corpus if d.source.endswith("moon.txt"))
    assert data.examples[0].relevant == [moon] and data.examples[0].evidence_sets == [[moon]]
    assert data.examples[1].relevant == ["n1"]  # a JSONL file's documents keep their own ids
    assert data.examples[2].relevant == [] and data.qrels() == {"a": {moon: 1}, "b": {"n1": 1}}


@pytest.mark.parametrize(
    "row, message",
    [
        ({"id": "x", "text": "A claim."}, r"set\.jsonl:2: missing label"),
        ({"id": "x", "text": "A claim.", "label": None}, r"set\.jsonl:2: claim x has no gold label"),
        ({"id": "a", "text": "A claim.", "label": "SUPPORTED"}, r"set\.jsonl:2: claim id 'a' appears twice"),
        ({"id": "x", "text": "A claim.", "label": "SUPPORTED", "reference": "texts/sun.txt"},
         r"set\.jsonl:2: reference 'texts/sun.txt' is not a file of --corpus"),
        ({"schema_version": "2", "id": "x", "text": "A claim.", "label": "SUPPORTED"}, r"schema_version '2' is not supported"),
    ],
)
def test_claim_set_reader_errors_name_the_line_and_the_fix(tmp_path, row, message):
    claims, corpus = _claim_set_files(tmp_path)
    first = json.loads(claims.read_text().splitlines()[0])
    _write_jsonl(claims, [first, row])
    with pytest.raises(InputError, match=message):
        read_claim_set(claims, corpus)
    with pytest.raises(InputError, match="pass --corpus"):
        read_claim_set(claims)


def test_shipped_claim_sets_are_labelled_and_balanced(monkeypatch):
    monkeypatch.chdir(REPO)  # references are corpus paths relative to the repository
    meaning = read_dataset(REPO / "claims" / "meaning-claims.jsonl", "claims", "corpus")
    counts = Counter(e.label for e in meaning.examples)
    assert len(meaning.examples) >= 60 and len(set(counts.values())) == 1, counts  # a third each
    assert all(bool(e.relevant) == (e.label != "NOT_ENOUGH_INFO") for e in meaning.examples)
    rows = [json.loads(line) for line in (REPO / "claims" / "meaning-claims.jsonl").read_text().splitlines()]
    refuted_kinds = {r["kind"] for r in rows if r["label"] == "REFUTED"}
    assert {"antonym", "negation", "quantifier", "role-swap"} <= refuted_kinds
    referenced = {r["reference"] for r in rows if r["reference"]}
    assert referenced <= {f"corpus/{line.split('`')[1]}" for line in (REPO / "corpus" / "SOURCES.md").read_text().splitlines()
                          if line.startswith("| `")}  # every reference text has its source listed
    example = read_dataset(REPO / "claims" / "example-claims.jsonl", "claims", "corpus")
    assert len(example.examples) == 14 and {e.label for e in example.examples} == {"SUPPORTED", "NOT_ENOUGH_INFO"}
