"""End to end with the real embedder and the bundled verdict model: the acceptance cases on the
public-domain Senate resolution and the real article in ../shared, the CLI commands, and bad input."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.settings import MODELS_DIR

pytestmark = pytest.mark.slow

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def verifier():
    if not (MODELS_DIR / "verifier" / "config.json").is_file():
        pytest.skip("the bundled verdict model is not installed (factcheck train verifier --install)")
    from factcheck.verify import load_verifier

    return load_verifier("bundled")


@pytest.fixture(scope="session")
def reference_index(shared_dir, embedder, tmp_path_factory):
    from factcheck.index import build_index

    folder = tmp_path_factory.mktemp("reference") / "index"
    build_index([shared_dir / "reference"], folder, embedder=embedder)
    return folder


@pytest.fixture(scope="session")
def checker(reference_index, verifier, embedder):
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever

    retriever = Retriever(reference_index, embedder=embedder)
    return Checker(retriever, verifier, embedder, models={"verifier": verifier.name})


def test_half_a_million_killed_is_supported_by_the_500000_passage(checker):
    result = checker.check_one("The conflict in Syria has killed half a million people.")
    assert result.verdict == "SUPPORTED", result.rationale
    assert "500,000" in result.evidence[0].sentence
    assert result.evidence[0].numeric["quantities"] == "agree"


def test_two_million_killed_is_refuted(checker):
    result = checker.check_one("The conflict in Syria has killed two million people.")
    assert result.verdict == "REFUTED", result.rationale
    assert any("500,000" in e.sentence and e.stance == "contradiction" for e in result.evidence)


def test_moscow_meeting_is_not_enough_info(checker):
    for text in (
        "Turkey's and Syria's defense ministers held talks in Moscow in late December.",
        "The Moscow meeting of the defense ministers was the first such meeting since 2011.",
    ):
        result = checker.check_one(text)
        assert result.verdict == "NOT_ENOUGH_INFO", (text, result.rationale)


def test_article_command_on_the_real_article(shared_dir, reference_index, verifier, tmp_path):
    article = next((shared_dir / "articles").glob("*.txt"))
    out, html, md = tmp_path / "report.jsonl", tmp_path / "report.html", tmp_path / "report.md"
    result = runner.invoke(app, ["article", str(article), "--index", str(reference_index), "-o", str(out),
                                 "--html", str(html), "--markdown", str(md), "--json"])
    assert result.exit_code == 0, result.output
    schema = json.loads(resources.files("factcheck").joinpath("schemas/report.schema.json").read_text())
    records = [json.loads(line) for line in out.read_text().splitlines()]
    for record in records:
        jsonschema.validate(record, schema)
    killed = [r for r in records if "half a million" in r["claim"]["text"]]
    assert killed and killed[0]["verdict"] == "SUPPORTED"
    moscow = [r for r in records if "Moscow" in r["claim"]["text"] and "defense" in r["claim"]["text"]]
    assert moscow and all(r["verdict"] == "NOT_ENOUGH_INFO" for r in moscow)
    assert "<mark" in html.read_text() and "| claim |" in md.read_text()
    assert json.loads(result.stdout)["claims"] == len(records)


def test_article_top_checks_the_claims_most_worth_checking(shared_dir, reference_index, verifier, tmp_path):
    article = next((shared_dir / "articles").glob("*.txt"))
    out = tmp_path / "top.jsonl"
    result = runner.invoke(app, ["article", str(article), "--index", str(reference_index), "-o", str(out), "--top", "3"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    scores = [r["claim"]["score"] for r in records]
    assert len(records) == 3 and scores == sorted(scores, reverse=True)
    assert not any(r["claim"]["needs_context"] for r in records)


def test_check_batch_resumes_and_skips_invalid(reference_index, verifier, tmp_path):
    claims = tmp_path / "claims.jsonl"
    lines = [
        {"schema_version": "1", "id": "a", "text": "The conflict in Syria has killed half a million people."},
        {"schema_version": "1", "id": "b", "text": "The Caesar Act became law on December 20, 2019."},
    ]
    claims.write_text(json.dumps(lines[0]) + "\n{not json\n" + json.dumps(lines[1]) + "\n")
    out = tmp_path / "report.jsonl"
    bad = runner.invoke(app, ["check", "--claims", str(claims), "--index", str(reference_index), "-o", str(out)])
    assert bad.exit_code == 3 and "claims.jsonl:2" in bad.output and not out.exists()

    # a finished claim in the partial file is kept, not redone
    from factcheck.records import CheckResult, Claim
    from factcheck.report.jsonl import record_of

    marker = CheckResult(Claim(id="a", text=lines[0]["text"]), "CONFLICTING", 0.123, rationale="from before")
    out.with_name("report.jsonl.partial").write_text(json.dumps(record_of(marker)) + "\n")
    ok = runner.invoke(app, ["check", "--claims", str(claims), "--index", str(reference_index), "-o", str(out),
                             "--skip-invalid", "--fever", str(tmp_path / "fever.jsonl")])
    assert ok.exit_code == 0, ok.output
    assert "claims.jsonl:2" in ok.output  # the skipped line is reported
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["claim"]["id"] for r in records] == ["a", "b"]
    assert records[0]["rationale"] == "from before" and records[1]["verdict"] == "SUPPORTED"
    assert not out.with_name("report.jsonl.partial").exists()
    assert len((tmp_path / "fever.jsonl").read_text().splitlines()) == 2


def test_check_one_claim_json(reference_index, verifier):
    result = runner.invoke(app, ["check", "The Caesar Act became law on December 20, 2019.",
                                 "--index", str(reference_index), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["verdict"] == "SUPPORTED" and record["models"]["verifier"] == verifier.name


def test_missing_index_says_how_to_build_one(tmp_path):
    result = runner.invoke(app, ["check", "Anything.", "--index", str(tmp_path / "nothing")])
    assert result.exit_code == 4
    assert "factcheck index" in result.output


def test_empty_article_and_empty_claim_fail_clearly(reference_index, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = runner.invoke(app, ["article", str(empty), "--index", str(reference_index)])
    assert result.exit_code == 3 and "empty.txt" in result.output
    result = runner.invoke(app, ["check", "  ", "--index", str(reference_index)])
    assert result.exit_code == 3 and "empty" in result.output


def test_demo_from_the_readme(embedder, verifier, tmp_path):
    """What scripts/demo.sh runs: index corpus/, check claims/example-article.md, check one claim."""
    index = tmp_path / "demo-index"
    assert runner.invoke(app, ["index", str(REPO / "corpus"), "--index", str(index)]).exit_code == 0
    out = tmp_path / "report.jsonl"
    result = runner.invoke(app, ["article", str(REPO / "claims" / "example-article.md"), "--index", str(index),
                                 "-o", str(out), "--html", str(tmp_path / "r.html"), "--markdown", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert "SUPPORTED" in {r["verdict"] for r in records}
    assert all(r["models"]["confidence"] == "calibrated per verdict" and 0 < r["confidence"] < 1 for r in records)
    one = runner.invoke(app, ["check", "The conflict in Syria has killed more than half a million people.",
                              "--index", str(index)])
    assert one.exit_code == 0 and "SUPPORTED" in one.output


def test_article_pipeline_embeds_each_sentence_once(shared_dir, reference_index, verifier):
    """`article` hands the checker's embedder to the extractor: claims reuse their sentence's vector."""
    from factcheck.claims import ClaimExtractor
    from factcheck.claims.clean import read_article
    from factcheck.pipeline import Checker

    checker = Checker.from_index(reference_index)
    inner, seen = checker.embedder.inner, []

    class Recording:
        name, dim = inner.name, inner.dim

        def encode(self, texts, batch_size=64, progress=False):
            seen.extend(texts)
            return inner.encode(texts, batch_size=batch_size, progress=progress)

    checker.embedder.inner = Recording()
    claims = ClaimExtractor(embedder=checker.embedder).extract(read_article(next((shared_dir / "articles").glob("*.txt"))))
    scored = len(seen)
    results = checker.check(claims)
    assert results and scored >= len({c.sentence for c in claims})
    assert len(seen) == len(set(seen))  # no text went through MiniLM twice
    verbatim = [c.text for c in claims if c.text == c.sentence]
    assert verbatim and not set(verbatim) & set(seen[scored:])  # retrieval reused the scoring vectors
