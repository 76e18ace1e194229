"""PDF and DOCX reference documents: text per page or section, passages that know their page or
section, one clear line per unreadable file, citations in reports, and incremental re-indexing."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from doc_fixtures import clause_with, clauses, write_docx, write_pdf, write_scanned_pdf
from index_fakes import HashEmbedder
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.errors import InputError
from factcheck.ingest import read_corpus, read_file, split_passages
from factcheck.readers import read_document

runner = CliRunner()


@pytest.fixture(scope="module")
def pages():
    """Three pages of the resolution; the 500,000 clause is on page 2."""
    every = clauses()
    return ["\n".join(every[:3]), clause_with("500,000") + "\n" + clause_with("13,000,000"), "\n".join(every[-3:])]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory, pages):
    return write_pdf(tmp_path_factory.mktemp("pdf") / "resolution.pdf", pages)


@pytest.fixture(scope="module")
def docx_file(tmp_path_factory):
    return write_docx(tmp_path_factory.mktemp("docx") / "resolution.docx")


@pytest.fixture
def fake_embedder(monkeypatch):
    import factcheck.embed

    monkeypatch.setattr(factcheck.embed, "load_embedder", lambda name="all-MiniLM-L6-v2", device=None, precision=None: HashEmbedder(name))


def test_pdf_text_per_page_and_passages_know_their_page(pdf):
    [doc] = list(read_file(pdf))
    assert doc.meta["format"] == "pdf" and len(doc.meta["pages"]) == 3
    assert doc.title == "resolution.pdf"  # no title in its metadata
    second = doc.text[doc.meta["pages"][1] : doc.meta["pages"][2]]
    assert "500,000" in second and "500,000" not in doc.text[: doc.meta["pages"][1]]
    passages = split_passages(doc)
    assert {p.page for p in passages} == {1, 2, 3}
    for p in passages:
        assert doc.text[p.start : p.end] == p.text
        start, end = doc.meta["pages"][p.page - 1], (doc.meta["pages"] + [len(doc.text)])[p.page]
        assert start <= p.start and p.end <= end, "a passage crosses a page"
    assert all(p.page == 2 for p in passages if "500,000" in p.text)


def test_pdf_title_comes_from_its_metadata(tmp_path):
    from fpdf import FPDF

    for title, expected in [("Syria: ten years on", "Syria: ten years on"), ("Microsoft Word - draft3.docx", "titled.pdf")]:
        pdf = FPDF()
        pdf.set_title(title)
        pdf.set_font("Helvetica", size=11)
        pdf.add_page()
        pdf.multi_cell(0, 6, clauses()[0])
        pdf.output(str(tmp_path / "titled.pdf"))
        assert read_document(tmp_path / "titled.pdf")[0].title == expected


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda path: write_pdf(path, ["Secret text."], password="secret"), "encrypted with a password"),
        (write_scanned_pdf, "no text layer in its 2 page"),
        (lambda path: path.write_bytes(b"%PDF-1.7\n1 0 obj <<\n") and path, "broken or unsupported PDF"),
        (lambda path: path.write_bytes(b"<html>not a pdf</html>") and path, "not a PDF file"),
    ],
    ids=["encrypted", "scanned", "broken", "not-pdf"],
)
def test_unreadable_pdf_is_one_clear_error(tmp_path, make, message):
    path = tmp_path / "bad.pdf"
    make(path)
    with pytest.raises(InputError, match=message) as caught:
        read_document(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_docx_paragraphs_tables_and_headings_as_sections(docx_file):
    [doc] = list(read_file(docx_file))
    assert doc.title == "Observing the 10th anniversary of the uprising in Syria"
    assert "Humanitarian assistance | 13,000,000" in doc.text  # a table row
    passages = split_passages(doc)
    by_text = {p.section: p.text for p in passages}
    assert "500,000" in by_text["Findings > Casualties"]
    assert "Food insecurity | 9,000,000" in by_text["Humanitarian needs"]
    assert all(doc.text[p.start : p.end] == p.text for p in passages)
    assert passages[0].section is None and "reported on March 24, 2021" in passages[0].text  # before the first heading


def test_broken_docx_is_one_clear_error(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(InputError, match=r"bad\.docx: not a readable \.docx file"):
        read_document(path)


def test_index_skips_unreadable_files_and_indexes_the_rest(tmp_path, pdf, docx_file, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "resolution.pdf").write_bytes(pdf.read_bytes())
    (corpus / "resolution.docx").write_bytes(docx_file.read_bytes())
    write_pdf(corpus / "locked.pdf", ["Secret."], password="secret")
    write_scanned_pdf(corpus / "scan.pdf")
    (corpus / "cut.pdf").write_bytes(pdf.read_bytes()[:400])
    index = tmp_path / "index"
    result = runner.invoke(app, ["index", str(corpus), "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["documents"] == 2 and len(stats["skipped"]) == 3
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: skipped")]
    assert len(warnings) == 3 and any("locked.pdf: the PDF is encrypted" in w for w in warnings)
    assert any("scan.pdf: no text layer" in w for w in warnings) and any("cut.pdf: broken" in w for w in warnings)
    found = runner.invoke(app, ["search", "Syrian civilians killed 500,000", "--index", str(index), "--mode", "bm25", "--json"])
    hits = json.loads(found.stdout)
    pdf_hit = next(h for h in hits if h["passage"]["doc_id"].endswith("resolution.pdf") and "500,000" in h["passage"]["text"])
    assert pdf_hit["passage"]["page"] == 2
    text = runner.invoke(app, ["search", "Syrian civilians killed 500,000", "--index", str(index), "--mode", "bm25"]).stdout
    assert "resolution.pdf, p. 2" in text and "resolution.docx, § Findings > Casualties" in text


def test_reindex_unchanged_pdf_embeds_nothing_and_changed_pdf_replaces_its_passages(tmp_path, pages, fake_embedder):
    from factcheck.index import build_index, open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_pdf(corpus / "report.pdf", pages)
    index = tmp_path / "index"
    first = build_index([corpus], index)
    assert first.added == 1 and first.embedded > 0
    again = build_index([corpus], index)
    assert (again.unchanged, again.embedded) == (1, 0)
    write_pdf(corpus / "report.pdf", pages[:2] + ["Whereas a new third page replaces the old one entirely;"])
    changed = build_index([corpus], index)
    assert changed.updated == 1 and 0 < changed.embedded
    with open_index(index) as opened:
        texts = [p.text for p in opened.hits(range(opened.size)).values() for p in [p.passage]]
        assert any("new third page" in t for t in texts)
        assert not any(clauses()[-1][:60] in t for t in texts), "the old page 3 is still indexed"
        assert opened.size == changed.passages


def test_old_store_without_page_column_still_reads(tmp_path, fake_embedder):
    """An index written before passages had page and section columns keeps working."""
    import json
    import sqlite3

    from factcheck.index import build_index, open_index
    from factcheck.index.manifest import read_manifest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The Caesar Act became law on December 20, 2019.", encoding="utf-8")
    build_index([corpus], tmp_path / "index")
    store = tmp_path / "index" / read_manifest(tmp_path / "index")["generation"] / "store.sqlite"
    with sqlite3.connect(store) as db:
        db.executescript("ALTER TABLE passages DROP COLUMN page; ALTER TABLE passages DROP COLUMN section;")
    manifest = tmp_path / "index" / "manifest.json"  # such indexes recorded no store checksum either
    manifest.write_text(json.dumps({k: v for k, v in json.loads(manifest.read_text()).items() if k != "checksums"}))
    with open_index(tmp_path / "index") as opened:
        [hit] = opened.hits([0]).values()
    assert hit.passage.page is None and "Caesar" in hit.passage.text


def test_reports_cite_the_page_or_section():
    from factcheck.records import Claim, CheckResult, Evidence
    from factcheck.report.html import html_report
    from factcheck.report.markdown import markdown_report

    evidence = [
        Evidence("refs/un-report.pdf", "More than 500,000 civilians died.", "entailment", {"entailment": 0.9},
                 title="UN report", source="refs/un-report.pdf", page=12),
        Evidence("brief.docx", "Aid reached 13,000,000 people.", "neutral", {"neutral": 0.8}, title="Brief",
                 source="refs/brief.docx", section="Findings > Aid"),
        Evidence("notes.jsonl:3", "A note.", "neutral", {"neutral": 0.7}, source="refs/notes.jsonl:3"),
    ]
    results = [CheckResult(Claim("c1", "Half a million civilians died."), "SUPPORTED", 0.9, evidence)]
    markdown = markdown_report(results)
    # local files are cited, never linked (only http(s) addresses become links: issue 15)
    assert "UN report (refs/un-report.pdf, p. 12)" in markdown
    assert "(refs/brief.docx, § Findings &gt; Aid)" in markdown and "(refs/notes.jsonl:3)" in markdown
    html = html_report(results)
    assert "refs/un-report.pdf" not in " ".join(re.findall(r'href="([^"]*)"', html))
    assert "(refs/un-report.pdf, p. 12)" in html and "(refs/brief.docx, § Findings &gt; Aid)" in html
    results[0].evidence[0] = dataclasses.replace(evidence[0], url="https://example.org/un-report.pdf")
    linked = html_report(results)
    assert 'href="https://example.org/un-report.pdf#page=12"' in linked and "(un-report.pdf, p. 12)" in linked


def test_index_pdf_and_docx_files_given_directly(tmp_path, pdf, docx_file, fake_embedder):
    """The README's `factcheck index report.pdf` and `factcheck index brief.docx`."""
    index = tmp_path / "index"
    result = runner.invoke(app, ["index", str(pdf), str(docx_file), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "indexed 2 documents" in result.stdout and "2 added" in result.stdout
    info = runner.invoke(app, ["info", "--index", str(index), "--json"])
    assert json.loads(info.stdout)["sources"] == [str(pdf), str(docx_file)]


def test_review_notebook_links_open_the_page():
    from factcheck.records import Evidence
    from factcheck.review.highlight import source_link

    local = source_link(Evidence("r.pdf", "A sentence.", source="refs/r.pdf", title="Report", page=7))
    assert "r.pdf#page=7" in local and "<code>refs/r.pdf, p. 7</code>" in local
    remote = source_link(Evidence("u", "A sentence.", source="https://example.org/r.pdf", url="https://example.org/r.pdf", page=3))
    assert 'href="https://example.org/r.pdf#page=3"' in remote and "p. 3" in remote
    sectioned = source_link(Evidence("b.docx", "A sentence.", source="b.docx", section="Findings"))
    assert "<code>b.docx, § Findings</code>" in sectioned
