"""Report formats: JSONL round trip against the JSON Schema, Markdown, HTML, ClaimReview, FEVER."""

import json
from importlib import resources

import jsonschema
import pytest

from factcheck.errors import InputError
from factcheck.records import Attribution, CheckResult, Claim, Evidence
from factcheck.report import read_report, record_of, write_report
from factcheck.report.exports import claim_review, fever_prediction
from factcheck.report.html import html_report
from factcheck.report.markdown import markdown_report
from factcheck.verify.numeric import NumericCheck, Outcome

ARTICLE = "Intro. The war killed half a million people. Price said it was bad."


def _results():
    claim = Claim(id="c1", text="The war killed half a million people.", sentence="The war killed half a million people.",
                  start=7, end=44, score=0.9, source="article.txt")
    ev = Evidence(doc_id="d1", sentence="More than 500,000 people were killed.", stance="entailment",
                  probs={"entailment": 0.9, "contradiction": 0.05, "neutral": 0.05}, title="S.Res.99",
                  source="corpus/res.txt", sentence_start=120, why="the numbers agree")
    other = Claim(id="c2", text="It was bad.", start=45, end=68, attribution=Attribution("Price", "said", False))
    return [
        CheckResult(claim, "SUPPORTED", 0.9, [ev], "One passage supports it.", {"verifier": "bundled-1"}),
        CheckResult(other, "NOT_ENOUGH_INFO", 0.7, [], "No evidence found.", {"verifier": "bundled-1"}),
    ]


def test_jsonl_round_trip_validates_against_schema(tmp_path):
    schema = json.loads(resources.files("factcheck").joinpath("schemas/report.schema.json").read_text())
    path = tmp_path / "report.jsonl"
    write_report(path, _results())
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    for line in lines:
        jsonschema.validate(json.loads(line), schema)
    back = read_report(path)
    assert back == _results()


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record_of(_results()[0])) + "\n{oops\n")
    with pytest.raises(InputError, match=r"r.jsonl:2"):
        read_report(path)


def test_version_2_date_mismatch_reads_as_disagree(tmp_path):
    record = record_of(_results()[0])
    record["schema_version"] = "2"
    record["evidence"][0]["numeric"] = {"quantities": "none", "dates": "differ", "details": ["claim says 2019"]}
    path = tmp_path / "v2.jsonl"
    path.write_text(json.dumps(record) + "\n")
    evidence = read_report(path)[0].evidence[0]
    assert evidence.numeric["dates"] == "disagree"
    assert NumericCheck(**evidence.numeric).dates is Outcome.DISAGREE
    write_report(path, read_report(path))
    assert json.loads(path.read_text())["evidence"][0]["numeric"]["dates"] == "disagree"


def test_unknown_verdict_or_stance_names_file_and_line(tmp_path):
    good = record_of(_results()[0])
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "verdict": "TRUE"}) + "\n")
    with pytest.raises(InputError, match=r"r\.jsonl:2: verdict 'TRUE' is not one of SUPPORTED"):
        read_report(path)
    good["evidence"][0]["stance"] = "support"
    path.write_text(json.dumps(good) + "\n")
    with pytest.raises(InputError, match=r"r\.jsonl:1: 'support' is not a valid Stance"):
        read_report(path)


def test_markdown_and_html_show_verdicts_and_evidence():
    md = markdown_report(_results())
    assert "| ✅ SUPPORTED | 1 |" in md and "More than 500,000 people were killed." in md
    page = html_report(_results(), ARTICLE)
    assert '<mark style="background:#c8ecc8"' in page
    assert "The war killed half a million people.</mark>" in page
    assert "corpus/res.txt" in page and 'href="corpus/res.txt"' not in page  # a file is shown; only http(s) is linked
    assert "<script" not in page


def test_claimreview_and_fever_exports():
    review = claim_review(_results()[0])
    assert review["@type"] == "ClaimReview" and review["reviewRating"]["ratingValue"] == 5
    pred = fever_prediction(_results()[0])
    assert pred["predicted_label"] == "SUPPORTS" and pred["predicted_evidence"] == [["d1", 120]]
    assert fever_prediction(_results()[1])["predicted_label"] == "NOT ENOUGH INFO"
