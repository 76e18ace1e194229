"""Claim extraction end to end: the real article (acceptance), the example article, the CLI, claims JSONL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.claims import ClaimExtractor, read_claims, write_claims
from factcheck.claims.clean import read_article
from factcheck.errors import InputError
from factcheck.records import Claim

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "claims" / "example-article.md"
CHROME = ["1.6 C", "Frankfurt am Main", "Must read", "More News", "Latest News", "Patreon"]


@pytest.fixture(scope="module")
def extractor(embedder):
    return ClaimExtractor(embedder=embedder)


@pytest.fixture(scope="module")
def real_article(shared_dir):
    paths = sorted((shared_dir / "articles").glob("*.txt"))
    if not paths:
        pytest.skip(f"no article in {shared_dir / 'articles'}")
    return read_article(paths[0])


@pytest.fixture(scope="module")
def real_claims(extractor, real_article):
    return extractor.extract(real_article)


def _find(claims, *patterns):
    """The claims whose text matches every regular expression."""
    return [c for c in claims if all(re.search(p, c.text, re.I) for p in patterns)]


ACCEPTANCE = [
    ("conflict killed half a million", [r"conflict", r"\bkilled half a million people"]),
    ("displaced half of Syria's population", [r"conflict", r"displaced half", r"Syria", r"pre-war population"]),
    ("Caesar Act took effect in 2020", [r"^The so-called Caesar Act took effect in 2020\.$"]),
    ("authorizes sanctions", [r"^The United States", r"authorizes sanctions against Assad over war abuses\.$"]),
    ("bars US support", [r"^The United States", r"bars US support for reconstruction without accountability\.$"]),
    ("defense ministers met in Moscow", [r"defense ministers", r"Moscow", r"late December", r"first such meeting since 2011"]),
    ("Çavuşoğlu will meet in February", [r"Çavuşoğlu", r"meet with his Syrian counterpart in February"]),
]


@pytest.mark.parametrize("name, patterns", ACCEPTANCE, ids=[a[0] for a in ACCEPTANCE])
def test_real_article_acceptance_claims(real_claims, name, patterns):
    assert _find(real_claims, *patterns), f"no claim for: {name}"


def test_real_article_details(real_claims, real_article):
    killed = _find(real_claims, r"killed half a million")[0]
    assert [(q.value, q.unit, q.bound) for q in killed.quantities] == [(500_000, "people", "approx")]
    caesar = _find(real_claims, r"Caesar Act took effect")[0]
    assert [(d.kind, d.year) for d in caesar.dates] == [("year", 2020)]
    moscow = _find(real_claims, r"defense ministers", r"Moscow")[0]
    assert {d.text for d in moscow.dates} >= {"in late December", "since 2011"}
    meet = _find(real_claims, r"Çavuşoğlu")[0]
    assert meet.attribution.speaker == "Mevlüt Çavuşoğlu" and meet.attribution.verb == "announced"
    assert {"on Thursday", "in February"} <= {d.text for d in meet.dates}
    for claim in real_claims:
        assert real_article.text[claim.start:claim.end] == claim.sentence
        assert 0.0 <= claim.score <= 1.0


def test_real_article_ned_price_quotes(real_claims):
    markers = ("position we’ve put forward", "We have made clear", "atrocities amount")
    quoted = [c for c in real_claims if any(m in c.sentence for m in markers)]
    assert len(quoted) >= 3
    for claim in quoted:
        assert claim.attribution is not None and claim.attribution.speaker == "Ned Price", claim.text
        assert claim.attribution.quote
    assert any(c.text.startswith("We have made clear that we will not normalize") for c in quoted)


def test_real_article_has_no_chrome_claims(real_claims):
    for claim in real_claims:
        for chrome in CHROME:
            assert chrome not in claim.sentence
    assert not _find(real_claims, r"^US reiterates")  # the headline is not a sentence


def test_the_comment_is_resolved(extractor, real_article):
    claims = extractor.extract(real_article, min_score=0.0)
    comment = [c for c in claims if c.sentence.startswith("The comment")]
    assert comment and comment[0].text.startswith("Assad’s comment that")


def test_example_article_and_claim_set_agree(extractor):
    claims = extractor.extract(read_article(EXAMPLE))
    texts = {c.text for c in claims}
    assert "The war began in 2011." in texts
    assert any(q.value == 55_000 and q.bound == "approx" for c in claims for q in c.quantities)
    assert any(q.value == 12_000_000 and q.bound == "lower" for c in claims for q in c.quantities)
    assert not any("Patreon" in c.sentence or "Geneva\n" in c.sentence for c in claims)
    shipped = read_claims(ROOT / "claims" / "example-claims.jsonl")
    assert [c.text for c in shipped] == [c.text for c in claims], "regenerate claims/example-claims.jsonl"


def test_claims_jsonl_round_trip_and_schema(tmp_path, real_claims):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "factcheck" / "schemas" / "claims.schema.json").read_text())
    path = tmp_path / "claims.jsonl"
    assert write_claims(path, real_claims) == len(real_claims)
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        record = json.loads(line)
        assert next(iter(record)) == "schema_version"
        jsonschema.validate(record, schema)
    assert read_claims(path) == real_claims


def test_read_claims_reports_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"schema_version": "1", "id": "a", "text": "The war began in 2011."}\n{not json}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        read_claims(path)
    path.write_text('{"schema_version": "9", "id": "a", "text": "x"}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:1: .*schema_version"):
        read_claims(path)
    path.write_text('{"schema_version": "1", "id": "a"}\n')
    with pytest.raises(InputError, match="text"):
        read_claims(path)
    write_claims(path, [Claim(id="u1", text="Typed by hand.")])
    assert read_claims(path)[0].text == "Typed by hand."


runner = CliRunner()


@pytest.fixture()
def cli_extractor(monkeypatch, extractor):
    """Makes the CLI reuse the module's loaded extractor instead of loading the models again."""
    import factcheck.claims as claims_pkg

    monkeypatch.setattr(claims_pkg, "ClaimExtractor", lambda min_score: _Reuse(extractor, min_score))


def test_cli_extract_writes_jsonl_and_prints(tmp_path, cli_extractor):
    out = tmp_path / "claims.jsonl"
    result = runner.invoke(app, ["extract", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(read_claims(out)) > 3
    result = runner.invoke(app, ["extract", str(EXAMPLE), "--min-score", "0.9"])
    assert result.exit_code == 0
    assert all(float(line.split()[0]) >= 0.9 for line in result.stdout.splitlines())
    result = runner.invoke(app, ["extract", "-", "--json"], input="The war, which began in 2011, has killed more "
                                 "than 300,000 civilians, the U.N. human rights office said.")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert {r["text"] for r in records} >= {"The war began in 2011."}
    assert "U.N. human rights office" in records[0]["attribution"]["speaker"]


class _Reuse:
    """Hands the CLI the test's already-loaded extractor, with the CLI's min_score."""

    def __init__(self, extractor, min_score):
        self.extractor, self.min_score = extractor, min_score

    def extract(self, document, top=None):
        return self.extractor.extract(document, self.min_score, top)


def test_cli_extract_ranks_and_keeps_the_top_n(tmp_path, cli_extractor):
    result = runner.invoke(app, ["extract", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.stdout)
    assert len(ranked) > 3 and all(0.0 <= r["score"] <= 1.0 for r in ranked)
    keys = [(r["needs_context"], -r["score"]) for r in ranked]
    assert keys == sorted(keys), "most worth checking first; claims that need context last"
    out = tmp_path / "top.jsonl"
    result = runner.invoke(app, ["extract", str(EXAMPLE), "--top", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [c.text for c in read_claims(out)] == [r["text"] for r in ranked[:2]]
    assert runner.invoke(app, ["extract", str(EXAMPLE), "--top", "0"]).exit_code == 2


def test_real_article_questions_and_context(extractor, real_article):
    claims = extractor.extract(real_article, min_score=0.0)
    assert not any("When asked" in c.text or c.text.endswith("?") for c in claims)
    price = [c for c in claims if c.sentence.startswith("When asked why")]
    assert price and all("Price said the United States remains focused" in c.text for c in price)
    atrocities = [c for c in claims if "atrocities amount to crimes against humanity" in c.sentence]
    assert atrocities and all(c.needs_context or not c.text.startswith("Some of these") for c in atrocities)
    flagged = [k for k, c in enumerate(claims) if c.needs_context]
    assert flagged and min(flagged) > max(k for k, c in enumerate(claims) if not c.needs_context)


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"\x00\x01\x02\x03" * 50, "binary"), ("Ankara a déclaré".encode("latin-1"), "UTF-8")],
)
def test_cli_extract_bad_input(tmp_path, content, message):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 3
    assert message in result.output and str(path) in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_extract_missing_file_and_non_english(tmp_path, cli_extractor):
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 3 and "no such file" in result.output
    german = tmp_path / "de.txt"
    german.write_text("Der Krieg in Syrien hat eine halbe Million Menschen getötet und die Hälfte der Bevölkerung "
                      "vertrieben, sagte der Sprecher am Donnerstag in Washington vor Journalisten.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(german), "--min-score", "1.0"])
    assert "warning:" in result.output and "English" in result.output


def test_python_api_takes_paths_text_and_documents(extractor):
    from factcheck.claims import extract_claims

    from_path = extract_claims(EXAMPLE, extractor=extractor)
    from_str_path = extract_claims(str(EXAMPLE), extractor=extractor)
    assert [c.text for c in from_path] == [c.text for c in from_str_path]
    from_text = extract_claims("The war, which began in 2011, has killed more than 300,000 civilians.", extractor=extractor)
    assert "The war began in 2011." in {c.text for c in from_text}
    with pytest.raises(InputError, match="no such file"):
        extract_claims("missing-article.txt", extractor=extractor)
    with pytest.warns(UserWarning, match="English"):
        extract_claims("Der Krieg in Syrien hat eine halbe Million Menschen getötet und die Hälfte der Bevölkerung "
                       "vertrieben, sagte der Sprecher am Donnerstag in Washington vor Journalisten.",
                       min_score=1.0, extractor=extractor)
