"""The HTTP API on a real Checker over a small hashed index (no torch model): records, token, caps,
timeouts, JSON errors, CORS, and the `factcheck serve` command's own checks."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install -e '.[serve]'")

from fastapi.testclient import TestClient  # noqa: E402
from serve_fixtures import ARTICLE, SentenceExtractor, make_checker  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from factcheck.cli import app as cli_app  # noqa: E402
from factcheck.serve import CheckService, ServeLimits, create_app, is_loopback, read_token  # noqa: E402

TOKEN = "s3cret-token-for-the-tests-0123"
SCHEMA = json.loads(resources.files("factcheck").joinpath("schemas/report.schema.json").read_text())


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    return make_checker(tmp_path_factory.mktemp("serve"))


def client_for(checker, limits=None, token=None, cors=(), extractor=SentenceExtractor(), **service_kw):
    service = CheckService(checker, extractor, **service_kw)
    return TestClient(create_app(service, limits or ServeLimits(), token=token, cors_origins=cors),
                      raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(checker):
    with client_for(checker) as c:
        yield c


def validate(records):
    assert records, "no records"
    for record in records:
        jsonschema.validate(record, SCHEMA)


def test_check_one_claim_returns_a_report_record(client):
    response = client.post("/v1/check", json={"claim": "The Arab League voted to readmit Syria on May 7, 2023."})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    validate(results)
    assert results[0]["verdict"] == "SUPPORTED"
    assert "readmit Syria" in results[0]["evidence"][0]["sentence"]


def test_check_a_list_keeps_ids_and_order_and_renders_exports(client):
    claims = [{"id": "x1", "text": "Turkey hosts about 3.6 million Syrian refugees."},
              "The Arab League suspended Syria in November 2011."]
    response = client.post("/v1/check", json={"claims": claims, "formats": ["jsonl", "html", "claimreview", "fever"]})
    assert response.status_code == 200, response.text
    data = response.json()
    validate(data["results"])
    assert [r["claim"]["id"] for r in data["results"]] == ["x1", "claim-2"]
    lines = [json.loads(line) for line in data["exports"]["jsonl"].splitlines()]
    assert lines == data["results"]  # the JSONL export is the report file, byte for byte the CLI's format
    assert "class=\"article\"" not in data["exports"]["html"] and "Turkey hosts" in data["exports"]["html"]
    assert data["exports"]["claimreview"][0]["@type"] == "ClaimReview"
    assert data["exports"]["fever"][1]["id"] == "claim-2"


def test_article_text_is_extracted_checked_and_highlighted(client):
    response = client.post("/v1/article", json={"text": ARTICLE, "formats": ["html"]})
    assert response.status_code == 200, response.text
    data = response.json()
    validate(data["results"])
    assert data["article"]["text"] == ARTICLE and data["article"]["claims"] == 2 and data["warnings"] == []
    first = data["results"][0]["claim"]
    assert ARTICLE[first["start"]:first["end"]] == first["text"]
    assert data["exports"]["html"].count("<a href=\"#claim-") == 2


def test_article_html_is_reduced_to_its_text(client):
    html = "<html><body><nav>Home Menu</nav><article><p>" + ARTICLE.split("\n\n")[1] + "</p></article></body></html>"
    response = client.post("/v1/article", json={"text": html, "html": True})
    assert response.status_code == 200, response.text
    assert "<p>" not in response.json()["article"]["text"]
    validate(response.json()["results"])


def test_article_warnings_say_what_the_cli_warns(client):
    response = client.post("/v1/article", json={"text": "Short lines only\nnothing to check here"})
    assert response.status_code == 200, response.text
    assert response.json()["results"] == []
    assert response.json()["warnings"] == ["<request>: no check-worthy claims found"]


def test_url_input_is_refused_until_a_reader_is_plugged_in(checker):
    with client_for(checker) as c:
        response = c.post("/v1/article", json={"url": "https://example.org/a"})
        assert response.status_code == 422 and "cannot fetch URLs" in response.json()["error"]
        assert c.get("/v1/info").json()["features"] == {"article": True, "url": False, "match": False}
    from factcheck.records import Document

    with client_for(checker, read_url=lambda url: Document(id="u", text=ARTICLE, source=url)) as c:
        response = c.post("/v1/article", json={"url": "https://example.org/a"})
        assert response.status_code == 200, response.text
        assert response.json()["results"][0]["claim"]["source"] == "https://example.org/a"
        assert c.get("/v1/info").json()["features"]["url"] is True


def test_search_returns_hits(client):
    response = client.post("/v1/search", json={"query": "Arab League readmit Syria", "k": 2})
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert len(hits) == 2 and "Arab League" in hits[0]["passage"]["text"]
    assert client.post("/v1/search", json={"query": "x", "k": 1000}).status_code == 422


def test_health_and_info(client):
    assert client.get("/v1/health").json()["status"] == "ok"
    info = client.get("/v1/info").json()
    assert info["models"]["verifier"] == "overlap-test"
    assert info["index"]["counts"]["documents"] == 3
    assert info["limits"]["max_claim_chars"] == ServeLimits().max_claim_chars
    assert info["batching"]["model_calls"] >= 1


def test_openapi_docs_list_the_versioned_endpoints(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/check", "/v1/article", "/v1/search", "/v1/health", "/v1/info"} <= set(paths)


def test_api_docs_load_their_scripts_from_this_server(client):
    import re

    html = client.get("/docs").text
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']""", html)
    urls = [a or b for a, b in assets]
    assert urls and not [u for u in urls if "//" in u], urls  # no CDN, no other host
    scripts = [u for u in urls if u.endswith(".js")]
    assert scripts
    for url in scripts:
        response = client.get(url)
        assert response.status_code == 200 and len(response.content) > 100_000, url
    assert client.get("/redoc").status_code == 404  # ReDoc would fetch its logo from a CDN


@pytest.mark.parametrize("body, message", [
    ({"claim": "x" * 1001}, "over the 1,000-character limit"),
    ({"claim": "   "}, "claim 1 is empty"),
    ({"claims": []}, "'claims' is empty"),
    ({"claim": "a", "claims": ["b"]}, "not both or neither"),
    ({"claims": ["a claim"] * 257}, "over the 256-claim limit"),
    ({"claim": "ok", "path": "/etc/passwd"}, "path: Extra inputs are not permitted"),
    ({"claims": "not a list"}, "claims"),
])
def test_bad_check_requests_get_one_json_error_line(client, body, message):
    response = client.post("/v1/check", json=body)
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "input" and message in data["error"] and "\n" not in data["error"]


def test_malformed_json_and_wrong_content_are_json_errors(client):
    response = client.post("/v1/check", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "error" in response.json()
    response = client.post("/v1/article", json={"text": ""})
    assert response.status_code == 422 and "the article is empty" in response.json()["error"]


def test_no_endpoint_reads_a_server_side_path(client):
    for path, body in (("/v1/article", {"path": "/etc/passwd"}), ("/v1/article", {"file": "/etc/hosts"}),
                       ("/v1/check", {"claims_file": "/etc/passwd"})):
        response = client.post(path, json=body)
        assert response.status_code == 422 and "root:" not in response.text
    assert client.get("/static/..%2f..%2fapp.py").status_code == 404
    assert client.get("/static/page.js").status_code == 200


def test_token_required_on_every_v1_request_once_configured(checker):
    with client_for(checker, token=TOKEN) as c:
        for method, path in (("get", "/v1/health"), ("get", "/v1/info"), ("post", "/v1/check"), ("post", "/v1/search")):
            response = getattr(c, method)(path)
            assert response.status_code == 401, path
            assert response.json()["code"] == "auth" and response.headers["www-authenticate"] == "Bearer"
        bad = c.get("/v1/health", headers={"Authorization": "Bearer " + TOKEN[:-1] + "x"})
        assert bad.status_code == 401
        assert c.get("/v1/health", headers={"Authorization": "Basic " + TOKEN}).status_code == 401
        good = {"Authorization": "Bearer " + TOKEN}
        assert c.get("/v1/health", headers=good).status_code == 200
        assert c.post("/v1/check", json={"claim": "Turkey hosts Syrian refugees."}, headers=good).status_code == 200
        assert c.get("/").status_code == 200  # the page itself is public; it asks for the token


def test_body_over_the_cap_gets_413_before_it_is_read(checker):
    limits = ServeLimits(max_body=2000)
    with client_for(checker, limits=limits) as c:
        response = c.post("/v1/article", json={"text": "word " * 1000})
        assert response.status_code == 413
        assert response.json()["code"] == "too_large" and "2,000-byte limit" in response.json()["error"]
        chunked = c.post("/v1/article", content=iter([b'{"text": "', b"w" * 3000, b'"}']),
                         headers={"Content-Type": "application/json"})
        assert chunked.status_code == 413 and "--max-body" in chunked.json()["error"]
        assert c.post("/v1/check", json={"claim": "Turkey hosts Syrian refugees."}).status_code == 200


def test_slow_request_times_out_with_504(tmp_path):
    with client_for(make_checker(tmp_path, delay=1.0), limits=ServeLimits(timeout=0.2)) as c:
        response = c.post("/v1/check", json={"claim": "Turkey hosts about 3.6 million Syrian refugees."})
        assert response.status_code == 504
        assert response.json()["code"] == "timeout" and "--timeout" in response.json()["error"]


def test_unexpected_errors_are_json_without_a_traceback(checker):
    class Broken:
        def extract(self, article, min_score=None):
            raise KeyError("boom")

    with client_for(checker, extractor=Broken()) as c:
        response = c.post("/v1/article", json={"text": ARTICLE})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error (KeyError); the server log has the details", "code": "internal"}
    assert "Traceback" not in response.text


def test_factcheck_errors_keep_the_cli_message(checker):
    from factcheck.errors import IndexError_

    class Failing:
        retriever = checker.retriever
        models: dict = {}

        def check(self, claims):
            raise IndexError_("/srv/index: index is corrupted (vectors); rebuild it with factcheck index")

    with client_for(Failing()) as c:
        response = c.post("/v1/check", json={"claim": "Turkey hosts Syrian refugees."})
    assert response.status_code == 503
    assert response.json() == {"error": "/srv/index: index is corrupted (vectors); rebuild it with factcheck index",
                               "code": "index"}


def test_overload_is_a_503_with_retry_after_and_the_queue_is_in_info(checker, monkeypatch):
    from factcheck.serve.batcher import Overloaded

    service = CheckService(checker, SentenceExtractor(), max_queue_seconds=2.0)

    async def busy(items):
        raise Overloaded(queued=14, wait=9.2, budget=2.0)

    with TestClient(create_app(service), raise_server_exceptions=False) as c:
        monkeypatch.setattr(service.claims, "submit", busy)
        for path, body in (("/v1/check", {"claim": "Turkey hosts Syrian refugees."}), ("/v1/article", {"text": ARTICLE})):
            response = c.post(path, json=body)
            assert response.status_code == 503 and response.headers["Retry-After"] == "8"
            assert response.json() == {"error": "the server is busy: 14 claims are queued ahead (about 9 s of work), "
                                                "over its 2 s queueing budget; retry in 8 s", "code": "busy"}
        batching = c.get("/v1/info").json()["batching"]
        assert batching["max_queue_s"] == 2.0 and batching["queued_claims"] == 0


def test_concurrent_claims_share_model_calls(tmp_path):
    import concurrent.futures

    checker = make_checker(tmp_path, delay=0.3)
    with client_for(checker, max_wait=0.05) as c:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            texts = [f"Turkey hosts about {i}.6 million Syrian refugees." for i in range(8)]
            responses = list(pool.map(lambda t: c.post("/v1/check", json={"claim": t}), texts))
    assert all(r.status_code == 200 for r in responses)
    assert [r.json()["results"][0]["claim"]["text"] for r in responses] == texts
    assert len(checker.verifier.calls) < 8  # eight requests, fewer model calls


def test_cors_is_off_by_default_and_on_for_named_origins(checker, client):
    origin = {"Origin": "https://cms.example.org"}
    assert "access-control-allow-origin" not in client.get("/v1/health", headers=origin).headers
    with client_for(checker, cors=("https://cms.example.org",), token=TOKEN) as c:
        preflight = c.options("/v1/check", headers=origin | {"Access-Control-Request-Method": "POST",
                                                             "Access-Control-Request-Headers": "authorization"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://cms.example.org"
        other = c.get("/v1/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_page_is_served_with_a_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200 and '<textarea id="article"' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert client.get("/static/page.css").headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("[::1]", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                            ("example.org", False)])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_read_token(tmp_path, monkeypatch):
    monkeypatch.delenv("FACTCHECK_TOKEN", raising=False)
    assert read_token(None) is None
    monkeypatch.setenv("FACTCHECK_TOKEN", TOKEN)
    assert read_token(None) == TOKEN
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    assert read_token(path) == TOKEN
    from factcheck.errors import InputError

    path.write_text("short\n")
    with pytest.raises(InputError, match="at least 16 characters"):
        read_token(path)
    path.write_text("\n")
    with pytest.raises(InputError, match="token file is empty"):
        read_token(path)
    with pytest.raises(InputError, match="no such file"):
        read_token(tmp_path / "missing")


def test_serve_refuses_a_public_address_without_a_token(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTCHECK_TOKEN", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "give a token with --token-file" in result.output


def test_serve_with_a_bad_token_file_or_missing_index_fails_with_one_line(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTCHECK_TOKEN", raising=False)
    (tmp_path / "token").write_text("short")
    result = CliRunner().invoke(cli_app, ["serve", "--token-file", str(tmp_path / "token")])
    assert result.exit_code == 3 and result.output.startswith("error: ") and "at least 16" in result.output
    result = CliRunner().invoke(cli_app, ["serve", "--index", str(tmp_path / "no-index")])
    assert result.exit_code == 4, result.output
    assert "error: " in result.output and "no-index" in result.output

