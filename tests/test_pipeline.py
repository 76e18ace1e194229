"""The checking pipeline with small stand-ins for the retriever, embedder and verdict model."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from index_fakes import HashEmbedder

from factcheck.pipeline import Checker
from factcheck.records import Claim, Passage, SearchHit
from factcheck.report.jsonl import PartialReport, read_report

DOC = (
    "The regime is responsible for the death of more than 500,000 Syrian civilians. "
    "The weather in Damascus was mild that spring. "
    "The Caesar Act became law on December 20, 2019."
)


class Retriever:
    def search_many(self, queries, k=10):
        passage = Passage("res-99", DOC, 0, len(DOC), 0, id=7)
        return [[SearchHit(passage, 1.0, 0, title="S.Res.99", source="corpus/res.txt", scores={"rrf": 0.03})] for _ in queries]


SAME = {"death": "killed", "deaths": "killed"}  # as in MiniLM (cosine 0.70): the same event


class Verifier:
    """Entails when the evidence shares the claim's key word, else neutral."""

    name = "fake-nli"

    def predict(self, pairs, batch_size=32):
        rows = []
        for evidence, claim in pairs:
            key = "death" if "killed" in claim else "law" if "law" in claim or "effect" in claim else "?"
            rows.append([0.9, 0.05, 0.05] if key in evidence else [0.05, 0.05, 0.9])
        return np.array(rows)


def checker(min_similarity=0.0):  # bag-of-words similarities are low: no relevance gate by default
    return Checker(Retriever(), Verifier(), HashEmbedder(same=SAME), models={"verifier": "fake-nli"}, min_similarity=min_similarity)


def test_supported_with_agreeing_numbers():
    r = checker().check_one("The conflict has killed half a million people.")
    assert r.verdict == "SUPPORTED"
    top = r.evidence[0]
    assert "500,000" in top.sentence and top.stance == "entailment"
    assert top.numeric["quantities"] == "agree"
    assert DOC[top.sentence_start : top.sentence_end] == top.sentence
    assert "500,000" in r.rationale and r.models["verifier"] == "fake-nli"


def test_changed_number_is_refuted():
    r = checker().check_one("The conflict has killed two million people.")
    assert r.verdict == "REFUTED"
    assert r.evidence[0].numeric["quantities"] == "disagree" and "disagree" in r.evidence[0].why


def test_other_event_date_does_not_establish_claim():
    r = checker().check_one("The Caesar Act took effect in 2020.")
    assert r.verdict == "NOT_ENOUGH_INFO"
    assert any(e.numeric["dates"] == "other" for e in r.evidence)


def test_evidence_is_distinct_sentences():
    r = checker().check_one("The conflict has killed half a million people.")
    sentences = [e.sentence for e in r.evidence]
    assert len(sentences) == len(set(sentences)) == 3


def test_partial_report_resumes(tmp_path):
    out = tmp_path / "report.jsonl"
    claims = [Claim(id=f"c{i}", text=t) for i, t in enumerate(["X killed two million people.", "Y killed 500,000 people."])]
    first = PartialReport(out)
    first.add(checker().check([claims[0]])[0])
    first.close()  # interrupted here
    with open(first.partial, "a") as handle:
        handle.write('{"schema_version": "1", "claim": {"id"')  # torn line
    second = PartialReport(out)
    assert set(second.done) == {"c0"}
    second.add(checker().check([claims[1]])[0])
    results = second.finish(["c0", "c1"])
    assert [r.claim.id for r in results] == ["c0", "c1"]
    assert [r.claim.id for r in read_report(out)] == ["c0", "c1"] and not second.partial.exists()


def test_relevance_gate_ignores_dissimilar_evidence():
    r = checker(min_similarity=0.99).check_one("The conflict has killed many people.")  # no figure to agree on
    assert r.evidence and r.verdict == "NOT_ENOUGH_INFO"
    assert all(e.why.startswith("not about the claim") for e in r.evidence)


def test_prefilter_keeps_the_sentences_sharing_most_words():
    from factcheck.evidence import prefilter
    from factcheck.records import Evidence

    cands = [Evidence("d", s) for s in ["Cats sleep a lot.", "The war killed many people in Syria.", "Dogs bark.", "Syria war."]]
    kept = prefilter("How many people did the war in Syria kill?", cands, n=2)
    assert [e.sentence for e in kept] == ["The war killed many people in Syria.", "Syria war."]


def test_verdict_confidence_goes_through_the_calibration():
    seen = []

    def calibration(verdict, score, leaning=None):
        seen.append((verdict, score, leaning))
        return 0.42

    plain = checker().check_one("The conflict has killed half a million people.")
    r = Checker(Retriever(), Verifier(), HashEmbedder(same=SAME), min_similarity=0.0, calibration=calibration).check_one(
        "The conflict has killed half a million people.")
    assert r.verdict == plain.verdict == "SUPPORTED"
    assert len(seen) == 1 and seen[0][0] == "SUPPORTED" and round(seen[0][1], 4) == plain.confidence and seen[0][2] is None
    assert r.confidence == 0.42
    assert r.models["confidence"] == "calibrated per verdict"
    assert plain.models["confidence"] == "raw score (uncalibrated)"


def test_evidence_set_aside_by_the_gate_keeps_the_models_reading():
    r = checker(min_similarity=0.99).check_one("The Caesar Act became law.")
    assert r.verdict == "NOT_ENOUGH_INFO"
    aside = [e for e in r.evidence if e.set_aside]
    assert aside and all("neutral" not in e.probs for e in aside)  # no made-up "neutral 1.00"
    assert all(e.reading().startswith("set aside (not about the claim") for e in aside)
    assert any("the model read entailment 0.90" in e.reading() for e in aside)


def test_fake_embedder_gives_the_same_vectors_in_every_process():
    """The fakes hash words with crc32: salted `hash()` would change the vectors (and the verdicts) per process."""
    text = "The conflict has killed half a million people."
    code = f"from index_fakes import HashEmbedder; print(HashEmbedder().encode([{text!r}]).tobytes().hex())"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(Path(__file__).parent)}
    other = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert other.stdout.strip() == HashEmbedder().encode([text]).tobytes().hex()


class HesitantVerifier(Verifier):
    """Leans to entailment without reaching the SUPPORTED threshold."""

    def predict(self, pairs, batch_size=32):
        return np.array([[0.7, 0.05, 0.25] if "law" in evidence else [0.05, 0.05, 0.9] for evidence, _ in pairs])


def test_a_withheld_verdict_records_its_leaning_and_is_calibrated_as_one(tmp_path):
    from factcheck.report.jsonl import write_report

    seen = []

    def calibration(verdict, score, leaning=None):
        seen.append(leaning)
        return 0.5

    r = Checker(Retriever(), HesitantVerifier(), HashEmbedder(same=SAME), min_similarity=0.0,
                calibration=calibration).check_one("The Caesar Act became law in December 2019.")
    assert r.verdict == "NOT_ENOUGH_INFO" and r.leaning == "SUPPORTED" and seen == ["SUPPORTED"]
    assert "leans" in r.rationale or "SUPPORTED" in r.rationale
    write_report(tmp_path / "r.jsonl", [r, checker().check_one("The conflict has killed half a million people.")])
    back = read_report(tmp_path / "r.jsonl")
    assert back[0].leaning == "SUPPORTED" and back[1].leaning is None
