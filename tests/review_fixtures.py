"""Small reports built from records, shared by the review tests."""

from __future__ import annotations

from pathlib import Path

from factcheck.records import Attribution, CheckResult, Claim, Evidence
from factcheck.report.jsonl import write_report

PASSAGE = "Officials met on Monday. About 500000 people fled the city, the UN said. Talks resume next week."
SENTENCE = "About 500000 people fled the city, the UN said."


def make_results(labels: bool = False) -> list[CheckResult]:
    """Four results covering every verdict, one with evidence offsets, one with none."""
    start = PASSAGE.index(SENTENCE)
    evidence = Evidence(doc_id="unhcr-1", sentence=SENTENCE, stance="entailment",
                        probs={"entailment": 0.91, "contradiction": 0.03, "neutral": 0.06},
                        title="UNHCR update", source="/data/corpus/unhcr.jsonl:3", url="https://example.org/unhcr",
                        passage=PASSAGE, passage_start=100, passage_end=100 + len(PASSAGE),
                        sentence_start=100 + start, sentence_end=100 + start + len(SENTENCE), why="numbers agree")
    specs = [
        ("c1", "More than 500,000 people have fled the city, officials said.", "SUPPORTED", 0.92, 0.8,
         Attribution("Ned Price", "said"), [evidence], "SUPPORTED"),
        ("c2", "The president visited Kyiv in 2021.", "REFUTED", 0.71, 0.6, None,
         [Evidence(doc_id="d2", sentence="The president visited Kyiv in 2022.", stance="contradiction",
                   source="corpus/news.txt")], "SUPPORTED"),
        ("c3", "Sanctions hurt the economy.", "NOT_ENOUGH_INFO", 0.40, 0.3, None, [], "NOT ENOUGH INFO"),
        ("c4", "Exports rose by 3.0% <fast>.", "CONFLICTING", 0.55, 0.9, Attribution("Minister"), [], None),
    ]
    return [CheckResult(claim=Claim(id=cid, text=text, score=score, attribution=attr, label=gold if labels else None),
                        verdict=verdict, confidence=conf, evidence=ev, rationale=f"{verdict.lower()} by test",
                        models={"verifier": "test"})
            for cid, text, verdict, conf, score, attr, ev, gold in specs]


def write_fixture_report(path: Path, labels: bool = False) -> Path:
    """Writes the fixture report JSONL at `path` and returns it."""
    write_report(path, make_results(labels))
    return path
