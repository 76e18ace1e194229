"""factcheck.review: highlighting, the claims table, decisions, charts, the browser, and `factcheck review`."""

from __future__ import annotations

import json

import pytest
from review_fixtures import make_results, write_fixture_report
from typer.testing import CliRunner

from factcheck import review
from factcheck.cli import app
from factcheck.errors import InputError

runner = CliRunner()


@pytest.fixture
def report(tmp_path):
    return write_fixture_report(tmp_path / "report.jsonl")


# --- highlighting -------------------------------------------------------------------------------

def test_numbers_match_across_thousands_separators_and_decimals():
    assert review.content_tokens("500,000 people") & review.content_tokens("500000 refugees") == {"500000"}
    assert review.content_tokens("3.0 %") == review.content_tokens("3 %") == {"3"}
    assert review.content_tokens("1,250.50") == {"1250.5"}


def test_tokens_drop_stop_words_and_fold_case_plurals_possessives():
    assert review.content_tokens("The Sanctions on Russia's banks") == {"sanction", "russia", "bank"}
    assert review.content_tokens("it was the one") == set()


def test_highlight_marks_shared_words_and_numbers_and_escapes_html():
    keys = review.content_tokens("More than 500,000 people fled")
    out = review.highlight("About 500000 <people> fled & left", keys)
    assert out == "About <mark>500000</mark> &lt;<mark>people</mark>&gt; <mark>fled</mark> &amp; left"


def test_evidence_html_shows_stance_probs_link_and_bold_sentence():
    c1, c2, c3, _ = make_results()
    out = review.evidence_html(c1)
    assert '<a href="https://example.org/unhcr"' in out and "UNHCR update" in out
    assert "entailment 0.91" in out and "stance <b>entailment</b>" in out
    assert "<strong>About <mark>500000</mark> <mark>people</mark> <mark>fled</mark> the <mark>city</mark>" in out
    assert "<mark>Officials</mark> met on Monday" in out  # the whole passage, not only the sentence
    assert "Ned Price" in out and "numbers agree" in out
    assert "<mark>500,000</mark>" in out  # the claim marks what the evidence shares
    assert 'href="file:///' in review.evidence_html(c2) and "corpus/news.txt" in review.evidence_html(c2)
    assert "No evidence was found" in review.evidence_html(c3)


def test_evidence_sentence_is_found_by_offsets_in_hard_wrapped_passages():
    from factcheck.records import Evidence

    passage = "Intro line.\nAbout 3.6 million\n  Syrians were registered. Outro."
    start = passage.index("About")
    evidence = Evidence(doc_id="d", sentence="About 3.6 million Syrians were registered.", passage=passage,
                        passage_start=10, sentence_start=10 + start, sentence_end=10 + passage.index(" Outro"))
    result = make_results()[2]
    result.evidence = [evidence]
    result.claim.text = "3.6 million Syrians"
    out = review.evidence_html(result)
    assert "<strong>About <mark>3.6</mark> <mark>million</mark>\n  <mark>Syrians</mark> were registered.</strong> Outro." in out


# --- report loading -----------------------------------------------------------------------------

def test_load_report_round_trips_and_ignores_unknown_keys(tmp_path):
    path = tmp_path / "r.jsonl"
    lines = [json.loads(x) for x in write_fixture_report(path).read_text().splitlines()]
    lines[0]["future_field"] = 1
    lines[0]["claim"]["future_claim_field"] = "x"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    results = review.load_report(path)
    assert [r.claim.id for r in results] == ["c1", "c2", "c3", "c4"]
    assert results[0].evidence[0].probs["entailment"] == 0.91 and results[0].claim.attribution.speaker == "Ned Price"


@pytest.mark.parametrize("bad, message", [
    ("{not json", "malformed report line"),
    ('{"claim": {"id": "x", "text": "t"}, "verdict": "MAYBE", "confidence": 0.5}', "verdict 'MAYBE'"),
    ('{"schema_version": "4", "claim": {"id": "x", "text": "t"}, "verdict": "REFUTED"}', "schema_version '4' is newer"),
    ('{"claim": {"id": "c1", "text": "t"}, "verdict": "REFUTED", "confidence": 0.5}', "repeats line 1"),
])
def test_load_report_errors_name_file_and_line(report, bad, message):
    with report.open("a") as handle:
        handle.write(bad + "\n")
    with pytest.raises(InputError, match=rf"report\.jsonl:5: .*{message}"):
        review.load_report(report)


def test_report_path_requires_a_value():
    with pytest.raises(InputError, match="FACTCHECK_REPORT"):
        review.report_path("")


# --- table --------------------------------------------------------------------------------------

def test_claims_table_columns_values_and_review_column(report):
    results = review.load_report(report)
    table = review.claims_table(results)
    assert list(table.columns) == ["verdict", "confidence", "check_worthiness", "speaker", "claim", "evidence"]
    assert table.loc["c1", "speaker"] == "Ned Price" and table.loc["c1", "evidence"] == 1
    assert table.sort_values("confidence").index[0] == "c3"
    table = review.claims_table(results, {"c2": review.make_decision("c2", "override", "supported")})
    assert table.loc["c2", "review"] == "override: SUPPORTED" and table.loc["c1", "review"] == ""
    labelled = review.claims_table(make_results(labels=True))
    assert labelled.loc["c3", "gold"] == "NOT ENOUGH INFO"
    assert review.claims_table([]).empty


# --- decisions ----------------------------------------------------------------------------------

def test_decisions_append_and_latest_wins(report):
    sidecar = review.decisions_path(report)
    assert sidecar.name == "report.jsonl.decisions.jsonl"
    before = report.read_bytes()
    review.save_decision(sidecar, "c1", "accept", reviewer="ana")
    review.save_decision(sidecar, "c2", "override", "refuted", note="typo", reviewer="ana")
    review.save_decision(sidecar, "c1", "override", "CONFLICTING", note="second look", reviewer="bo")
    assert report.read_bytes() == before  # the report is never touched
    lines = sidecar.read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[1])["verdict"] == "REFUTED" and json.loads(lines[0])["time"]
    latest = review.latest_decisions(review.read_decisions(sidecar))
    assert latest["c1"].verdict == "CONFLICTING" and latest["c1"].reviewer == "bo" and latest["c1"].line == 3


@pytest.mark.parametrize("args, message", [
    (("c1", "override", None), "needs a verdict"),
    (("c1", "override", "FALSE"), "verdict 'FALSE' is not one of"),
    (("c1", "reject", None), "decision 'reject'"),
    (("", "accept", None), "claim_id"),
])
def test_save_decision_validates_and_writes_nothing(tmp_path, args, message):
    sidecar = tmp_path / "d.jsonl"
    with pytest.raises(InputError, match=message):
        review.save_decision(sidecar, *args)
    assert not sidecar.exists()


def test_append_after_a_cut_short_line_starts_a_new_line(tmp_path):
    sidecar = tmp_path / "d.jsonl"
    sidecar.write_text('{"claim_id": "c1", "decis')
    review.save_decision(sidecar, "c2", "accept")
    assert json.loads(sidecar.read_text().splitlines()[1])["claim_id"] == "c2"
    with pytest.raises(InputError, match=r"d\.jsonl:1: not valid JSON"):
        review.read_decisions(sidecar)


def test_read_decisions_errors_name_file_and_line(tmp_path):
    sidecar = tmp_path / "d.jsonl"
    sidecar.write_text('{"claim_id": "c1", "decision": "accept"}\n{"claim_id": "c2", "decision": "override"}\n')
    with pytest.raises(InputError, match=r"d\.jsonl:2: an override needs a verdict"):
        review.read_decisions(sidecar)
    assert review.read_decisions(tmp_path / "missing.jsonl", missing_ok=True) == []


# --- charts -------------------------------------------------------------------------------------

def test_reliability_bins_and_ece():
    from factcheck.verify.calibration import calibration_bins, expected_calibration_error

    rows = calibration_bins([0.95, 0.91, 0.15, 1.0], [True, False, False, True], bins=10)
    assert [(r["lo"], r["count"], r["accuracy"]) for r in rows] == [(0.1, 1, 0.0), (0.9, 3, 2 / 3)]
    ece = expected_calibration_error([0.95, 0.91, 0.15, 1.0], [True, False, False, True], bins=10)
    assert ece == pytest.approx(0.25 * 0.15 + 0.75 * abs(2 / 3 - (0.95 + 0.91 + 1.0) / 3))


def test_charts_return_figures_with_the_data():
    from matplotlib.figure import Figure

    results = make_results(labels=True)
    counts = review.verdict_counts_figure(results)
    assert isinstance(counts, Figure) and [p.get_height() for p in counts.axes[0].patches] == [1, 1, 1, 1]
    assert isinstance(review.confidence_figure(results), Figure)
    scatter = review.worthiness_figure(results)
    assert sum(len(c.get_offsets()) for c in scatter.axes[0].collections) == 4
    assert review.has_gold(results) and not review.has_gold(make_results())
    reliability = review.reliability_figure(results)  # c1 right, c2 wrong, c3 right (FEVER spelling)
    assert "3 labelled" in reliability.axes[0].get_title()
    with pytest.raises(InputError, match="no claim in the report has a gold label"):
        review.reliability_figure(make_results())
    reliability.savefig(__import__("io").BytesIO(), format="png")  # renders with the Agg canvas


# --- the notebook's browser ---------------------------------------------------------------------

def test_claim_browser_shows_evidence_and_saves_decisions(report):
    results = review.load_report(report)
    sidecar = review.decisions_path(report)
    browser = review.claim_browser(results, sidecar, reviewer="ana")
    assert "<mark>500000</mark>" in browser.evidence.value and browser.verdict.value == "SUPPORTED"
    browser.save.click()  # unchanged verdict: accept
    browser.pick.value = "c2"
    assert "Kyiv" in browser.evidence.value and browser.status.value == "not reviewed yet"
    browser.verdict.value, browser.note.value = "SUPPORTED", "2021 trip confirmed"
    browser.save.click()
    assert "saved: override" in browser.status.value
    latest = review.latest_decisions(review.read_decisions(sidecar))
    assert (latest["c1"].decision, latest["c2"].verdict, latest["c2"].note) == ("accept", "SUPPORTED", "2021 trip confirmed")
    browser.pick.value = "c1"
    assert "last decision: accept" in browser.status.value


# --- CLI ----------------------------------------------------------------------------------------

def _decide(report, *args):
    return runner.invoke(app, ["review", "decide", str(report), *args])


def test_cli_decide_and_merge(report, tmp_path):
    assert _decide(report, "c1", "--accept", "--reviewer", "ana").exit_code == 0
    result = _decide(report, "c2", "--verdict", "supported", "--note", "old photo", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["machine_verdict"] == "REFUTED"
    out = tmp_path / "reviewed.jsonl"
    result = runner.invoke(app, ["review", "merge", str(report), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["accepted"], summary["overridden"], summary["changed"], summary["unreviewed"]) == (1, 1, 1, 2)
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert records[1]["verdict"] == "SUPPORTED"
    assert records[1]["review"] == {**records[1]["review"], "verdict": "SUPPORTED", "machine_verdict": "REFUTED",
                                    "decision": "override", "note": "old photo"}
    assert records[0]["review"]["decision"] == "accept" and records[0]["review"]["reviewer"] == "ana"
    assert records[2]["review"] is None and records[2]["verdict"] == "NOT_ENOUGH_INFO"
    assert records[0]["schema_version"] == "3" and review.load_report(out)[1].verdict == "SUPPORTED"


def test_cli_decide_rejects_unknown_claim_and_missing_choice(report):
    result = _decide(report, "c9", "--accept")
    assert result.exit_code == 3 and "no claim with id 'c9'" in result.output
    assert _decide(report, "c1").exit_code == 2
    assert not review.decisions_path(report).exists()


def test_cli_merge_unknown_id_fails_unless_skipped_and_leaves_output_untouched(report, tmp_path):
    sidecar = tmp_path / "d.jsonl"
    review.save_decision(sidecar, "c1", "accept")
    review.save_decision(sidecar, "ghost", "override", "REFUTED")
    out = tmp_path / "reviewed.jsonl"
    out.write_text("previous\n")
    result = runner.invoke(app, ["review", "merge", str(report), str(sidecar), "-o", str(out)])
    assert result.exit_code == 3 and "d.jsonl:2: claim id 'ghost' is not in" in result.output
    assert out.read_text() == "previous\n"
    result = runner.invoke(app, ["review", "merge", str(report), str(sidecar), "-o", str(out), "--skip-unknown", "--json"])
    assert result.exit_code == 0 and "skipped decisions for 1 claim id" in result.output
    assert json.loads(result.stdout)["unknown_skipped"] == 1 and len(out.read_text().splitlines()) == 4


def test_cli_merge_malformed_lines_name_file_and_line(report, tmp_path):
    out = tmp_path / "reviewed.jsonl"
    sidecar = review.decisions_path(report)
    sidecar.write_text('{"claim_id": "c1", "decision": "accept"}\n[1, 2]\n')
    result = runner.invoke(app, ["review", "merge", str(report), "-o", str(out)])
    assert result.exit_code == 3 and "report.jsonl.decisions.jsonl:2: expected a JSON object" in result.output
    sidecar.write_text('{"claim_id": "c1", "decision": "accept"}\n')
    with report.open("a") as handle:
        handle.write("{oops\n")
    result = runner.invoke(app, ["review", "merge", str(report), "-o", str(out)])
    assert result.exit_code == 3 and "report.jsonl:5: " in result.output
    assert not out.exists() and not list(tmp_path.glob(".reviewed*"))


def test_cli_merge_refuses_to_overwrite_inputs_and_stale_accepts(report, tmp_path):
    review.save_decision(review.decisions_path(report), "c2", "accept", "SUPPORTED")  # report says REFUTED
    result = runner.invoke(app, ["review", "merge", str(report), "-o", str(report)])
    assert result.exit_code == 3 and "would overwrite an input" in result.output
    result = runner.invoke(app, ["review", "merge", str(report), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 3 and "accepted as SUPPORTED but the report says REFUTED" in result.output
