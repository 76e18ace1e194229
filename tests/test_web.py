"""Articles and reference documents from URLs, against a loopback HTTP server: timeout, size cap,
redirect limit, User-Agent, content types, metadata, --offline and a missing network. The server is on
loopback, so these tests allow private addresses (tests/test_web_addresses.py tests the guard itself)."""

from __future__ import annotations

import json
import socket

import pytest
import web_fixtures
from doc_fixtures import clause_with, clauses, write_docx, write_pdf
from index_fakes import HashEmbedder
from typer.testing import CliRunner

from factcheck import __version__
from factcheck.cli import app
from factcheck.errors import InputError
from factcheck.readers.addresses import allow_private_addresses
from factcheck.readers.web import article_document, fetch, read_url_list, reference_documents

runner = CliRunner()


@pytest.fixture(autouse=True)
def loopback_allowed():
    """The Python API's fetches may reach the loopback test server; CLI calls pass --allow-private-urls."""
    with allow_private_addresses():
        yield


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    pdf = write_pdf(folder / "report.pdf", ["\n".join(clauses()[:3]), clause_with("500,000")]).read_bytes()
    docx = write_docx(folder / "brief.docx").read_bytes()
    files = {
        "/report.pdf": ("application/pdf", pdf),
        "/brief.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx),
        "/files/brief.docx": ("application/octet-stream", docx),  # a download with no useful content type
        "/fake.html": ("text/html", pdf),  # a PDF sent as HTML
        "/image.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        "/notes.txt": ("text/plain; charset=utf-8", clause_with("13,000,000").encode()),
    }
    running = web_fixtures.start(files)
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def closed_port():
    """An address on this machine where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/article"


def test_fetch_article_main_text_metadata_and_user_agent(server):
    page = fetch(f"{server.base}/article")
    doc, source = article_document(page)
    assert "55,000 photographs" in doc.text
    assert "Subscribe" not in doc.text and "Sports" not in doc.text  # navigation and footer left out
    assert (source.author, source.date, source.site) == ("Jane Reporter", "2023-03-14", "Example News")
    assert source.url == f"{server.base}/article" and source.fetched.endswith("+00:00")
    path, agent = server.requests[-1]
    assert path == "/article" and agent.startswith(f"factcheck/{__version__} (+")


def test_redirect_chain_is_followed_up_to_the_limit(server):
    page = fetch(f"{server.base}/hop/3")
    assert page.final_url == f"{server.base}/article" and page.url == f"{server.base}/hop/3"
    with pytest.raises(InputError, match=r"/loop: more than 5 redirects"):
        fetch(f"{server.base}/loop")
    with pytest.raises(InputError, match="more than 2 redirects"):
        fetch(f"{server.base}/hop/3", max_redirects=2)


def test_slow_answer_times_out(server):
    with pytest.raises(InputError, match=r"/slow: no answer within 0.5 s"):
        fetch(f"{server.base}/slow", timeout=0.5)


def test_stalled_or_endless_download_stops(server):
    with pytest.raises(InputError, match=r"/stall: the download stalled after \d+ bytes"):
        fetch(f"{server.base}/stall", timeout=0.5)
    with pytest.raises(InputError, match=r"/drip: download took over 0.5 s"):
        fetch(f"{server.base}/drip", max_seconds=0.5)


def test_http_error_names_the_status(server):
    with pytest.raises(InputError, match=r"/missing: the server answered HTTP 404"):
        fetch(f"{server.base}/missing")


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_page_over_the_size_cap_is_refused(server, path):
    with pytest.raises(InputError, match=r"over the 10 MB download limit"):
        fetch(f"{server.base}{path}")


def test_documents_sent_as_pdf_have_a_larger_cap(server):
    assert fetch(f"{server.base}/report.pdf", max_bytes=1024).content_type == "application/pdf"
    with pytest.raises(InputError, match=r"fake.html: over the 1 kB download limit"):
        fetch(f"{server.base}/fake.html", max_bytes=1024)  # the same bytes sent as HTML


def test_article_refuses_what_is_not_html(server):
    with pytest.raises(InputError, match=r"fake.html: the server sent application/pdf, not an HTML page \(index it"):
        article_document(fetch(f"{server.base}/fake.html"))
    with pytest.raises(InputError, match=r"image.png: the server sent image/png, not an HTML page"):
        article_document(fetch(f"{server.base}/image.png"))


def test_reference_documents_from_html_pdf_docx_and_text(server):
    [pdf] = reference_documents(fetch(f"{server.base}/report.pdf"))
    assert pdf.meta["format"] == "pdf" and len(pdf.meta["pages"]) == 2 and pdf.id == f"{server.base}/report.pdf"
    [docx] = reference_documents(fetch(f"{server.base}/brief.docx"))
    assert "Casualties" in str(docx.meta["sections"])
    [download] = reference_documents(fetch(f"{server.base}/files/brief.docx"))
    assert download.text == docx.text
    [page] = reference_documents(fetch(f"{server.base}/article"))
    assert "55,000 photographs" in page.text and page.meta["fetched"]
    [text] = reference_documents(fetch(f"{server.base}/notes.txt"))
    assert "13,000,000" in text.text
    with pytest.raises(InputError, match="image/png; index HTML pages, PDF, DOCX or plain text"):
        reference_documents(fetch(f"{server.base}/image.png"))


def test_offline_and_no_network_are_one_line(server, closed_port):
    for command in (["article", f"{server.base}/article", "--offline"], ["extract", f"{server.base}/article", "--offline"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 3
        assert result.stderr.strip().splitlines() == [f"error: {server.base}/article: not fetched because --offline is set; "
                                                      "save the page and pass the file instead"]
    result = runner.invoke(app, ["article", closed_port, "--allow-private-urls"])
    assert result.exit_code == 3 and len(result.stderr.strip().splitlines()) == 1
    assert "could not connect" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["index", closed_port, "--offline", "--index", "unused"])
    assert result.exit_code == 3 and "--offline is set (1 address(es))" in result.stderr


def test_url_list_file(tmp_path):
    path = tmp_path / "urls.txt"
    path.write_text("# references\nhttps://example.org/a\n\n  https://example.org/b.pdf  \n", encoding="utf-8")
    assert read_url_list(path) == ["https://example.org/a", "https://example.org/b.pdf"]
    path.write_text("https://example.org/a\nreport.pdf\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"urls.txt:2: 'report.pdf' is not an http\(s\) address"):
        read_url_list(path)


def test_index_urls_with_a_url_file_skips_failures_and_cites_pages(server, tmp_path, monkeypatch):
    import factcheck.embed

    monkeypatch.setattr(factcheck.embed, "load_embedder", lambda name="all-MiniLM-L6-v2", device=None, precision=None: HashEmbedder(name))
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{server.base}/brief.docx\n{server.base}/missing\n", encoding="utf-8")
    index = tmp_path / "index"
    args = ["index", f"{server.base}/report.pdf", f"{server.base}/hop/1", "--urls", str(urls), "--index", str(index),
            "--allow-private-urls"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["documents"], len(stats["skipped"])) == (3, 1)
    assert result.stderr.count("warning: skipped") == 1 and "/missing: the server answered HTTP 404" in result.stderr
    found = runner.invoke(app, ["search", "death of more than 500,000 Syrian civilians", "--index", str(index), "--mode", "bm25", "--json"])
    top = json.loads(found.stdout)[0]
    assert top["passage"]["doc_id"] == f"{server.base}/report.pdf" and top["passage"]["page"] == 2
    again = json.loads(runner.invoke(app, [*args, "--json"]).stdout)  # fetched again, content unchanged
    assert (again["unchanged"], again["embedded"]) == (3, 0)


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory, embedder):
    """The real embedder's index over a two-page PDF of the resolution (the 500,000 clause on page 2)."""
    from factcheck.index import build_index

    folder = tmp_path_factory.mktemp("pdf-index")
    corpus = folder / "corpus"
    corpus.mkdir()
    write_pdf(corpus / "report.pdf", ["\n".join(clauses()[:3]), clause_with("500,000") + "\n" + clause_with("13,000,000")])
    build_index([corpus], folder / "index", embedder=embedder)
    return folder / "index"


@pytest.mark.slow
def test_article_from_a_url_records_url_and_fetch_time_and_cites_pages(server, pdf_index, tmp_path):
    from importlib import resources

    import jsonschema

    from factcheck.settings import MODELS_DIR

    if not (MODELS_DIR / "verifier" / "config.json").is_file():
        pytest.skip("the bundled verdict model is not installed (factcheck train verifier --install)")
    out, html, markdown = tmp_path / "report.jsonl", tmp_path / "report.html", tmp_path / "report.md"
    url = f"{server.base}/hop/1"
    result = runner.invoke(app, ["article", url, "--index", str(pdf_index), "-o", str(out), "--html", str(html),
                                 "--markdown", str(markdown), "--allow-private-urls", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["article"]["url"] == url and summary["article"]["final_url"] == f"{server.base}/article"
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    schema = json.loads(resources.files("factcheck").joinpath("schemas/report.schema.json").read_text(encoding="utf-8"))
    for record in records:
        jsonschema.validate(record, schema)
        assert record["claim"]["source"] == url and record["article"]["fetched"] == summary["article"]["fetched"]
    pages = {e["page"] for r in records for e in r["evidence"]}
    assert 2 in pages and None not in pages
    assert "report.pdf, p. 2" in markdown.read_text(encoding="utf-8") and "Article: " + f"{server.base}/article" in markdown.read_text(encoding="utf-8")
    page = html.read_text(encoding="utf-8")
    assert "report.pdf, p. 2" in page and "Jane Reporter" in page
    assert "report.pdf#page=2" not in page  # a local file is cited, never linked (only http(s) addresses are)


@pytest.mark.slow
def test_extract_claims_from_a_url(server):
    result = runner.invoke(app, ["extract", f"{server.base}/article", "--allow-private-urls", "--json"])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.stdout)
    assert any("55,000" in c["text"] for c in claims)
    assert {c["source"] for c in claims} == {f"{server.base}/article"}
    from factcheck.claims import extract_claims  # the Python API takes the address too

    assert [c.text for c in extract_claims(f"{server.base}/article")] == [c["text"] for c in claims]
