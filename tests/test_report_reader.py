"""The one report reader (`report.jsonl.read_report`): the CLI, the review notebook and resumed runs read reports
through it, so every reader checks the schema version and the fields, and names the file and line."""

import json

import pytest

from factcheck.errors import InputError
from factcheck.records import CheckResult, Claim
from factcheck.report.jsonl import PartialReport, read_report, record_of, write_report
from factcheck.review import load_report


def result(claim_id="c1"):
    return CheckResult(Claim(id=claim_id, text="Unemployment rose to 7 percent in March."), "SUPPORTED", 0.9, [], "", {})


@pytest.mark.parametrize("reader", [read_report, load_report])
def test_both_readers_check_the_fields_and_name_file_and_line(tmp_path, reader):
    path = tmp_path / "report.jsonl"
    write_report(path, [result("c1"), result("c2")])
    assert [r.claim.id for r in reader(path)] == ["c1", "c2"]
    bad = {**record_of(result("c3")), "verdict": "TRUE"}
    path.write_text(path.read_text() + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(InputError, match=r"report\.jsonl:4: verdict 'TRUE' is not one of SUPPORTED"):
        reader(path)


@pytest.mark.parametrize("reader", [read_report, load_report])
def test_both_readers_refuse_an_unknown_schema_version(tmp_path, reader):
    path = tmp_path / "report.jsonl"
    path.write_text(json.dumps({**record_of(result()), "schema_version": "7"}) + "\n")
    with pytest.raises(InputError, match=r"report\.jsonl:1: report schema_version '7' is newer .*upgrade factcheck"):
        reader(path)


def test_a_line_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "report.jsonl"
    path.write_bytes(json.dumps(record_of(result())).encode() + b"\n{\"claim\": \"\xff\"}\n")
    with pytest.raises(InputError, match=r"report\.jsonl:2: not valid UTF-8; re-save"):
        read_report(path)


def test_a_partial_report_from_a_newer_factcheck_is_refused_not_resumed(tmp_path):
    out = tmp_path / "report.jsonl"
    partial = tmp_path / "report.jsonl.partial"
    partial.write_text(json.dumps({**record_of(result()), "schema_version": "9"}) + "\n")
    with pytest.raises(InputError, match=r"report\.jsonl\.partial .*delete it to start over.*schema_version '9'"):
        PartialReport(out)
    assert partial.exists()  # nothing lost
