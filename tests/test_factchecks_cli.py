"""The fact-check commands end to end with the real embedder: `factcheck factchecks add|info`,
`factcheck match` (one claim, a claims file), bad input, the README example, and `check` reporting
earlier fact-checks beside its verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.settings import MODELS_DIR

pytestmark = pytest.mark.slow

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "claims" / "example-factchecks.jsonld"
HTML_PAGE = REPO / "tests" / "data" / "factchecks" / "page-with-claimreview.html"
CAESAR_URL = "https://factdesk.example.org/checks/caesar-act-june-2020"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The README example: the example ClaimReview file imported into a new store (not mutated by tests)."""
    folder = tmp_path_factory.mktemp("fc") / "factchecks"
    result = runner.invoke(app, ["factchecks", "add", str(EXAMPLE), "--store", str(folder)])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output and "3 fact-checks stored" in result.output
    return folder


def test_readme_example_match_one_claim(store):
    result = runner.invoke(app, ["match", "The Caesar Act came into force in June 2020.", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "[true - True]" in result.output and CAESAR_URL in result.output
    assert "5,000 photographs" not in result.output  # the unrelated fact-checks stay below the threshold


def test_match_claims_file_writes_id_and_ranked_matches(store, tmp_path):
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        json.dumps({"id": "a", "text": "Caesar smuggled just 5,000 photos out of Syria."}) + "\n"
        + json.dumps({"id": "b", "text": "Bananas are berries.", "speaker": "a botanist"}) + "\n"
    )
    out = tmp_path / "matches.jsonl"
    result = runner.invoke(app, ["match", "--claims", str(claims), "--store", str(store), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    top = lines[0]["matches"][0]
    assert top["id"] == "https://factdesk.example.org/checks/caesar-photographs-count"
    assert top["rating"] == "false" and top["url"] == top["id"] and 0 <= top["score"] <= 1
    assert lines[1]["matches"] == []
    everything = runner.invoke(app, ["match", "--claims", str(claims), "--store", str(store), "-o", str(out),
                                     "--min-score", "0", "-k", "2"])
    assert everything.exit_code == 0
    ranked = [json.loads(x)["matches"] for x in out.read_text().splitlines()]
    assert [len(m) for m in ranked] == [2, 2] and ranked[1][0]["score"] >= ranked[1][1]["score"]


def test_add_reports_skipped_records_and_updates_by_url(store, tmp_path):
    copy = tmp_path / "store"
    runner.invoke(app, ["factchecks", "add", str(EXAMPLE), "--store", str(copy)])
    result = runner.invoke(app, ["factchecks", "add", str(HTML_PAGE), str(EXAMPLE), "--store", str(copy), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["added"], stats["unchanged"], stats["embedded"], stats["total"]) == (2, 3, 2, 5)
    assert "warning: skipped" in result.output and "broken JSON-LD block 2" in result.output
    info = runner.invoke(app, ["factchecks", "info", "--store", str(copy), "--json"])
    assert json.loads(info.stdout)["ratings"] == {"false": 3, "true": 1, "mixed": 1}


def test_nothing_importable_exits_3_and_keeps_the_store(store, tmp_path):
    before = (store / "manifest.json").read_text()
    bad = tmp_path / "bad.json"
    bad.write_text('{"@type": "NewsArticle"}')
    notjson = tmp_path / "notes.json"
    notjson.write_text("not json at all")
    result = runner.invoke(app, ["factchecks", "add", str(bad), str(notjson), "--store", str(store)])
    assert result.exit_code == 3
    assert "bad.json: no ClaimReview" in result.output and "notes.json: not JSON" in result.output
    assert "no fact-check could be imported" in result.output
    assert (store / "manifest.json").read_text() == before


def test_match_without_a_store_exits_4(tmp_path):
    result = runner.invoke(app, ["match", "Anything.", "--store", str(tmp_path / "none")])
    assert result.exit_code == 4 and "factcheck factchecks add" in result.output


def test_check_reports_earlier_fact_checks_beside_the_verdict(store, tmp_path, embedder):
    if not (MODELS_DIR / "verifier" / "config.json").is_file():
        pytest.skip("the bundled verdict model is not installed")
    from factcheck.index import build_index

    index = tmp_path / "index"
    build_index([REPO / "corpus"], index, embedder=embedder)
    out, md = tmp_path / "report.jsonl", tmp_path / "report.md"
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"id": "x", "text": "The Caesar Syria Civilian Protection Act took effect in June 2020."}) + "\n")
    result = runner.invoke(app, ["check", "--claims", str(claims), "--index", str(index), "--factchecks", str(store),
                                 "-o", str(out), "--markdown", str(md)])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text().splitlines()[0])
    assert record["schema_version"] == "3" and record["verdict"] in ("SUPPORTED", "NOT_ENOUGH_INFO", "REFUTED", "CONFLICTING")
    assert record["fact_checked_before"][0]["id"] == CAESAR_URL and record["fact_checked_before"][0]["rating"] == "true"
    assert "**Fact-checked before**" in md.read_text()
