"""Regression tests for what a hostile test run found (issue 15): nothing lost, nothing injected, no tracebacks.

Each test reproduced its problem before the fix; the issue's item number is in the test's name."""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from cli_helpers import make_read_only, run_cli
from index_fakes import HashEmbedder, write_corpus
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.errors import InputError
from factcheck.index import build_index, open_index
from factcheck.records import CheckResult, Claim, Evidence
from factcheck.retrieve import Retriever

runner = CliRunner()
ARTICLE = "# Syria\n\nThe war in Syria killed more than 500,000 people, the monitor said on Monday.\n"
CLAIMS = '{"id": "c1", "text": "The war killed 500,000 people."}\n'


def _fails(result, code: int, *fragments: str) -> str:
    """Asserts one clear error line with the exit code and message fragments, and no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def hash_index(tmp_path):
    """A small index built with the hash embedder (no model loads)."""
    folder = tmp_path / "index"
    build_index([write_corpus(tmp_path / "corpus")], folder, embedder=HashEmbedder())
    return folder


# ------------------------------------------------------------------ 1. output equal to an input


@pytest.mark.parametrize("command", [
    ["check", "--claims", "{claims}", "-o", "{claims}"],
    ["check", "--claims", "{claims}", "--markdown", "{claims}"],
    ["article", "{article}", "-o", "{article}"],
    ["article", "{article}", "--html", "{article}"],
    ["article", "{article}", "--fever", "./{article_rel}"],
    ["extract", "{article}", "-o", "{article}"],
    ["eval", "{claims}", "--format", "jsonl", "--predictions", "{claims}"],
])
def test_1_an_output_equal_to_an_input_is_refused_before_any_work(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    article, claims = tmp_path / "a.md", tmp_path / "c.jsonl"
    article.write_text(ARTICLE, encoding="utf-8")
    claims.write_text(CLAIMS, encoding="utf-8")
    args = [a.format(claims=claims, article=article, article_rel="a.md") for a in command]
    index = ["--index", str(tmp_path / "no-index")] if command[0] != "extract" else []
    _fails(runner.invoke(app, [*args, *index]), 3, "is also the input file")
    assert article.read_text(encoding="utf-8") == ARTICLE and claims.read_text(encoding="utf-8") == CLAIMS


def test_1_two_outputs_naming_one_file_are_refused(tmp_path):
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "r.out"
    _fails(runner.invoke(app, ["article", str(article), "-o", str(out), "--html", str(out)]), 3, "writes the same file")


# ------------------------------------------------------------------ 2. a user's gen-* folder


def test_2_a_users_gen_folder_is_never_taken_for_an_index_generation(tmp_path):
    folder = tmp_path / "u"
    (folder / "gen-2023-photos").mkdir(parents=True)
    (folder / "gen-2023-photos" / "beach.txt").write_text("holiday", encoding="utf-8")
    corpus = write_corpus(tmp_path / "corpus")
    _fails(runner.invoke(app, ["index", str(corpus), "--index", str(folder)]), 3, "gen-2023-photos", "other files")
    assert (folder / "gen-2023-photos" / "beach.txt").read_text(encoding="utf-8") == "holiday"


def test_2_only_generation_names_a_build_made_are_cleaned_up(tmp_path):
    folder, corpus = tmp_path / "index", write_corpus(tmp_path / "corpus")
    build_index([corpus], folder, embedder=HashEmbedder())
    leftover = folder / "gen-20261130T120000-0123abcd"  # what a killed build leaves
    leftover.mkdir()
    (leftover / "vectors.npy").write_bytes(b"cut short")
    build_index([corpus], folder, embedder=HashEmbedder())
    assert not leftover.exists()
    (folder / "gen-").mkdir()  # not a name a build makes: the user's, kept and refused
    with pytest.raises(InputError, match=r"other files \(gen-\)"):
        build_index([corpus], folder, embedder=HashEmbedder())
    assert (folder / "gen-").is_dir()


# ------------------------------------------------------------------ 3 and 4. injection in reports


def _hostile_results() -> list[CheckResult]:
    claim = Claim(id="c1", text="Prices rose <script>alert(1)</script> by 5%.", source="javascript:alert(2)",
                  start=0, end=10)
    bad = Evidence(doc_id="d1", sentence='Prices <img src=x onerror="alert(3)"> rose.', stance="entailment",
                   probs={"entailment": 0.9}, title="<b>Title</b> [x](javascript:alert(4))",
                   source="corpus.jsonl:1", url="javascript:alert(document.domain)")
    good = Evidence(doc_id="d2", sentence="Prices rose by 5%.", stance="entailment", probs={"entailment": 0.8},
                    title="Stats", source="corpus.jsonl:2", url="https://example.org/a b?q=<x>")
    local = Evidence(doc_id="d3", sentence="Prices rose.", stance="contradiction", probs={"contradiction": 0.7},
                     title="Local", source="corpus/file.txt")
    result = CheckResult(claim, "SUPPORTED", 0.9, [bad, good, local], "Supported by “Prices <img src=x onerror=alert(5)>”.",
                         {"verifier": "v"})
    return [result]


def test_3_only_http_urls_become_links_in_html():
    from factcheck.report.html import html_report

    page = html_report(_hostile_results(), "Prices rose <script>alert(1)</script> by 5%.")
    links = re.findall(r'href="([^"]*)"', page)
    assert links and all(link.startswith(("https://", "#claim-")) for link in links), links
    assert "<script" not in page and "<img" not in page and "&lt;img src=x" in page
    assert "(javascript:alert(document.domain))" in page  # shown as text, for the reader
    assert 'href="https://example.org/a%20b?q=%3Cx%3E"' in page
    assert "href=\"corpus/file.txt\"" not in page and "corpus/file.txt" in page  # a file is shown, not linked


def test_3_4_markdown_escapes_html_and_links_only_http():
    from factcheck.report.markdown import markdown_report

    md = markdown_report(_hostile_results(), title="<script>t</script>")
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md and "&lt;img" in md
    assert "](javascript" not in md and "](<javascript" not in md
    assert "](<https://example.org/a%20b?q=%3Cx%3E>)" in md


@pytest.mark.parametrize("source, cited", [
    ("corpus.jsonl:3", "corpus.jsonl:3"), ("corpus/a.txt", "corpus/a.txt"), ("https://a.org/x", "https://a.org/x"),
    ("javascript:alert(1)", None), ("javascript:alert(1)//:1", None), ("data:text/html,<b>x", None),
])
def test_3_citations_are_http_urls_or_file_names(source, cited):
    from factcheck.report.links import cited_source

    assert cited_source(None, source) == cited


def test_3_4_claimreview_cites_only_http_and_escapes_script_ends():
    from factcheck.report.exports import claim_review, claim_reviews_json

    review = claim_review(_hostile_results()[0])
    assert review["citation"] == ["corpus.jsonl:1", "https://example.org/a%20b?q=%3Cx%3E", "corpus/file.txt"]
    assert review["itemReviewed"]["appearance"] == []  # the claim's source is no http(s) URL
    text = claim_reviews_json(_hostile_results())
    assert "</" not in text and "<" not in text and "javascript:" not in text
    assert json.loads(text)[0]["claimReviewed"] == "Prices rose <script>alert(1)</script> by 5%."


# ------------------------------------------------------------------ 5. corpus JSONL with odd field types


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "text": "Some text.", "date": {"year": 2020}}', "'date' must be a string"),
    ('{"id": "a", "text": "Some text.", "url": ["https://a.org"]}', "'url' must be a string"),
    ('{"id": "a", "text": "Some \\ud800 text."}', "unpaired surrogate"),
])
def test_5_odd_jsonl_field_types_are_input_errors(tmp_path, line, message):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "ok", "text": "Fine."}\n' + line + "\n", encoding="utf-8")
    _fails(runner.invoke(app, ["index", str(corpus), "--index", str(tmp_path / "i")]), 3, "c.jsonl:2", message)


# ------------------------------------------------------------------ 6. a paragraph over spaCy's limit


def test_6_a_paragraph_over_a_million_characters_is_split_without_the_parser():
    from factcheck.claims.segment import block_sentences

    text = "The war killed 500,000 people. " + "Lorem ipsum " * 90_000 + "dolor. The end came in 2020."
    sentences = block_sentences(text, [(0, len(text))])  # over spaCy's 1,000,000-character limit
    assert sentences[0].text == "The war killed 500,000 people."
    assert sentences[-1].text.endswith("The end came in 2020.")
    assert all(text[s.start:s.end] == s.text for s in sentences)


# ------------------------------------------------------------------ 7 and 8. read-only folders


def test_7_a_read_only_index_folder_is_an_index_error(hash_index, tmp_path):
    before = (hash_index / "manifest.json").read_text()
    make_read_only(hash_index)
    try:
        result = run_cli("index", tmp_path / "corpus", "--index", hash_index, unprivileged=True)
    finally:
        hash_index.chmod(0o755)
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr and "not writable" in result.stderr
    assert (hash_index / "manifest.json").read_text() == before
    make_read_only(hash_index)
    try:  # searching needs no write access
        search = run_cli("search", "Arab League", "--mode", "bm25", "--index", hash_index, unprivileged=True)
    finally:
        hash_index.chmod(0o755)
    assert search.returncode == 0 and "league.txt" in search.stdout, search.stderr


def test_8_outputs_into_a_read_only_folder_fail_before_checking(tmp_path):
    readonly = tmp_path / "ro"
    readonly.mkdir()
    make_read_only(readonly)
    try:
        single = run_cli("check", "The war killed 500,000 people.", "-o", readonly / "r.jsonl",
                         "--index", tmp_path / "none", unprivileged=True)
        html = run_cli("check", "--claims", tmp_path / "c.jsonl", "-o", tmp_path / "r.jsonl", "--html",
                       readonly / "r.html", "--index", tmp_path / "none", unprivileged=True)
    finally:
        readonly.chmod(0o755)
    for result in (single, html):
        assert result.returncode == 3, result.stderr
        assert "is not writable" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r.jsonl").exists()  # nothing written before the failing --html


# ------------------------------------------------------------------ 9. -o naming a folder


def test_9_output_naming_a_folder_fails_at_once(tmp_path):
    claims = tmp_path / "c.jsonl"
    claims.write_text(CLAIMS, encoding="utf-8")
    (tmp_path / "out").mkdir()
    _fails(runner.invoke(app, ["check", "--claims", str(claims), "-o", str(tmp_path / "out"),
                               "--index", str(tmp_path / "none")]), 3, "is a folder")


# ------------------------------------------------------------------ 10. garbage inside store.sqlite


def _hits(folder: Path) -> list[tuple[str, str]]:
    with Retriever(folder, mode="bm25") as retriever:
        return [(h.passage.doc_id, h.passage.text) for h in retriever.search("Syria sanctions refugees", k=5)]


def test_10_garbage_in_the_store_gives_an_index_error_or_correct_results(hash_index):
    expected = _hits(hash_index)
    with open_index(hash_index) as index:
        store = index.generation / "store.sqlite"
    original = store.read_bytes()
    size = len(original)
    for offset in sorted({0, 40, 100, 1024, 4096, 8192, size // 2, max(0, size - 4096)}):
        garbage = os.urandom(min(4096, size - offset))
        store.write_bytes(original[:offset] + garbage + original[offset + len(garbage):])
        result = runner.invoke(app, ["search", "Syria sanctions refugees", "--mode", "bm25", "--index", str(hash_index)])
        if result.exit_code == 0:
            assert _hits(hash_index) == expected, offset
        else:
            _fails(result, 4, "corrupted", "factcheck index")
    store.write_bytes(original)
    assert _hits(hash_index) == expected


def test_10_query_time_sqlite_errors_are_index_errors(hash_index, monkeypatch):
    from factcheck.errors import IndexError_
    from factcheck.index.store import Store

    def broken(self, ids):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Store, "hits", broken)
    with pytest.raises(IndexError_, match="corrupted"):
        _hits(hash_index)


# ------------------------------------------------------------------ 11. an index built with another embedder


def test_11_an_index_whose_embedder_is_missing_is_an_index_error(hash_index):
    _fails(runner.invoke(app, ["check", "The war killed 500,000 people.", "--index", str(hash_index)]), 4,
           "index built with embedder 'hash-test'", "--embedder all-MiniLM-L6-v2")
    result = runner.invoke(app, ["info", "--index", str(hash_index)])
    assert result.exit_code == 0 and "warning: index built with embedder 'hash-test'" in result.stderr
    result = runner.invoke(app, ["info", "--index", str(hash_index), "--json"])
    assert json.loads(result.stdout)["embedder_installed"] is False


# ------------------------------------------------------------------ 12. deeply nested HTML


def _deep_html(depth: int) -> str:
    body = "<p>The Arab League readmitted Syria on May 7, 2023, after twelve years of suspension.</p>"
    return f"<html><head><title>Deep</title></head><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>"


def test_12_html_nested_deeper_than_lxml_parses_keeps_its_text(tmp_path):
    from factcheck.claims.clean import read_article
    from factcheck.ingest import read_corpus

    page = tmp_path / "deep.html"
    page.write_text(_deep_html(400), encoding="utf-8")
    docs = list(read_corpus([page]).documents)
    assert "readmitted Syria" in docs[0].text
    assert "readmitted Syria" in read_article(page).text


# ------------------------------------------------------------------ 13 and 14. encodings and document formats


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_13_utf16_text_is_decoded(tmp_path, encoding):
    from factcheck.ingest import read_corpus
    from factcheck.textio import read_text

    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    assert read_text(path) == ARTICLE
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_bytes(('{"id": "x", "text": "Größe café"}\n').encode(encoding))
    assert [d.text for d in read_corpus([jsonl]).documents] == ["Größe café"]


@pytest.mark.parametrize("content, kind", [
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "a PDF document"),
    (b"PK\x03\x04" + b"word/document.xml" * 10, "a ZIP archive"),
    (b"\x89PNG\r\n\x1a\n" + b"IHDR" * 10, "a PNG image"),
])
def test_14_documents_are_recognised_by_content_not_by_name(tmp_path, content, kind):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    _fails(runner.invoke(app, ["extract", str(path)]), 3, str(path), kind)


# ------------------------------------------------------------------ 15. claim length


def test_15_an_overlong_claim_is_refused_at_once(tmp_path):
    long = "The war killed many people " * 4000
    _fails(runner.invoke(app, ["check", long, "--index", str(tmp_path / "none")]), 3, "over the 2,000 limit")
    claims = tmp_path / "c.jsonl"
    claims.write_text(CLAIMS + json.dumps({"id": "c2", "text": long}) + "\n", encoding="utf-8")
    _fails(runner.invoke(app, ["check", "--claims", str(claims), "--index", str(tmp_path / "none")]), 3, "c.jsonl:2")
    from factcheck.claims.io import read_claims

    with pytest.warns(UserWarning, match="c.jsonl:2"):
        assert [c.id for c in read_claims(claims, skip_invalid=True)] == ["c1"]
    from factcheck.errors import InputError
    from factcheck.pipeline import Checker

    checker = Checker(retriever=None, verifier=None, embedder=None)  # refused before any model is used
    with pytest.raises(InputError, match="claim c2: the claim has"):
        checker.check([Claim(id="c2", text=long)])


# ------------------------------------------------------------------ 16 and 17. temp files and modes


def test_16_temp_files_of_killed_writes_are_removed_by_the_next_write(tmp_path):
    from factcheck.textio import atomic_write_text

    target = tmp_path / "report.jsonl"
    stale = tmp_path / ".report.jsonl.ab12cd34.tmp"
    stale.write_text("half a report")
    live = tmp_path / ".report.jsonl.zz99yy88.tmp"
    live.write_text("being written")
    other = tmp_path / ".notes.txt.ab12cd34.tmp"
    other.write_text("another file's")
    with open(live, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a writer in another process holds its temp file
        atomic_write_text(target, "done\n")
    assert target.read_text() == "done\n"
    assert not stale.exists() and live.exists() and other.exists()


def test_17_written_files_keep_the_umask_mode(tmp_path):
    from factcheck.textio import atomic_write_text

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        atomic_write_text(kept, "new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_17_index_manifest_is_readable_by_the_group(tmp_path):
    old = os.umask(0o022)
    try:
        folder = tmp_path / "index"
        build_index([write_corpus(tmp_path / "corpus")], folder, embedder=HashEmbedder())
    finally:
        os.umask(old)
    assert stat.S_IMODE((folder / "manifest.json").stat().st_mode) == 0o644

