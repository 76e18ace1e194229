"""Report schema 2: the "fact-checked before" section in JSONL, HTML and Markdown; version 1 reports
still read; a newer report is refused with a clear message."""

import dataclasses
import json
from importlib import resources

import jsonschema
import pytest

from factcheck.errors import InputError
from factcheck.records import CheckResult, Claim, PriorFactCheck
from factcheck.report import read_report, record_of, write_report
from factcheck.report.html import html_report
from factcheck.report.markdown import markdown_report

PRIOR = PriorFactCheck(id="https://f.example/caesar", score=0.93, rating="false", url="https://f.example/caesar",
                       claim="Caesar smuggled only 5,000 photographs.", rating_text="Pants on Fire!",
                       publisher="Example Fact Desk", date="2021-03-02")


def result(priors=(PRIOR,)):
    claim = Claim(id="c1", text="Caesar smuggled 5,000 photographs out of Syria.")
    return CheckResult(claim, "REFUTED", 0.8, [], "The figure disagrees.", {"verifier": "v"}, fact_checked_before=list(priors))


def test_record_carries_the_section_and_validates(tmp_path):
    schema = json.loads(resources.files("factcheck").joinpath("schemas/report.schema.json").read_text())
    path = tmp_path / "report.jsonl"
    write_report(path, [result(), result(())])
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for record in records:
        jsonschema.validate(record, schema)
    assert records[0]["schema_version"] == "3"
    assert records[0]["fact_checked_before"][0]["rating"] == "false" and records[1]["fact_checked_before"] == []
    assert records[0]["verdict"] == "REFUTED"  # the evidence verdict stays; the earlier rating sits beside it
    assert read_report(path)[0] == result()


def test_version_1_report_reads_without_the_section(tmp_path):
    record = record_of(result(()))
    record["schema_version"] = "1"
    del record["fact_checked_before"]
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(record) + "\n")
    assert read_report(path)[0].fact_checked_before == []


def test_newer_report_is_refused_clearly(tmp_path):
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps({**record_of(result()), "schema_version": "4"}) + "\n")
    with pytest.raises(InputError, match=r"new\.jsonl:1: report schema_version '4' is newer than this factcheck reads; upgrade"):
        read_report(path)


def test_html_and_markdown_show_the_earlier_fact_check_beside_the_verdict():
    page = html_report([result()])
    assert "Fact-checked before" in page and 'href="https://f.example/caesar"' in page and "Pants on Fire!" in page
    assert "REFUTED" in page
    md = markdown_report([result()])
    assert "**Fact-checked before**" in md and "[Caesar smuggled only 5,000 photographs.](<https://f.example/caesar>)" in md
    assert "Fact-checked before" not in markdown_report([dataclasses.replace(result(), fact_checked_before=[])])
