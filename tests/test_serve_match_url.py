"""The server's fact-check matching (/v1/match, `fact_checked_before` on /v1/check and /v1/article) on a
small store built from JSONL records, its URL input through the real fetcher against a loopback HTTP
server, and `factcheck serve --factchecks/--offline` wiring them up."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install -e '.[serve]'")

import web_fixtures  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from index_fakes import HashEmbedder  # noqa: E402
from serve_fixtures import ARTICLE, SentenceExtractor, make_checker  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from factcheck.errors import InputError  # noqa: E402
from factcheck.serve import CheckService, ServeLimits, create_app  # noqa: E402
from factcheck.serve.service import fetch_article  # noqa: E402

SCHEMA = json.loads(resources.files("factcheck").joinpath("schemas/report.schema.json").read_text())
FACTCHECKS = [
    {"id": "fc-league", "claim": "The Arab League voted to readmit Syria in May 2023.", "rating": "true",
     "url": "https://checks.example.org/arab-league-syria", "speaker": "Arab League officials"},
    {"id": "fc-caesar", "claim": "The Caesar Syria Civilian Protection Act became law in December 2019.",
     "rating": "true", "url": "https://checks.example.org/caesar-act"},
    {"id": "fc-turbines", "claim": "Wind turbines cause cancer in people living nearby.", "rating": "false",
     "url": "https://checks.example.org/wind-turbines"},
]
LEAGUE = "The Arab League voted to readmit Syria on May 7, 2023."


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    return make_checker(tmp_path_factory.mktemp("serve-match"))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A fact-check store imported from a JSONL file with the test's hashing embedder (not mutated by tests)."""
    from factcheck.factchecks import add_factchecks, read_factchecks

    folder = tmp_path_factory.mktemp("fc")
    records = folder / "factchecks.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in FACTCHECKS), encoding="utf-8")
    add_factchecks(read_factchecks([records]).records, folder / "store", embedder=HashEmbedder())
    return folder / "store"


@pytest.fixture(scope="module")
def matcher(store):
    from factcheck.factchecks import Matcher

    return Matcher(store, embedder=HashEmbedder())


@pytest.fixture(scope="module")
def site():
    server = web_fixtures.start({})
    yield server
    server.shutdown()


def client_for(checker, matcher=None, read_url=None, limits=None, **kw):
    service = CheckService(checker, SentenceExtractor(), matcher=matcher, read_url=read_url, **kw)
    return TestClient(create_app(service, limits or ServeLimits()), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(checker, matcher):
    with client_for(checker, matcher, read_url=lambda url: fetch_article(url, timeout=10.0, allow_private=True)) as c:
        yield c


# /v1/match ------------------------------------------------------------------------------------------

def test_match_lines_are_the_cli_matches_file(client, matcher, tmp_path):
    from factcheck.factchecks import Query
    from factcheck.factchecks.queries import write_matches

    claims = [{"id": "a", "text": LEAGUE, "speaker": "Arab League officials", "date": "May 7, 2023"},
              "Bananas are berries, botanists say."]
    response = client.post("/v1/match", json={"claims": claims, "k": 2})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a", "claim-2"]
    top = results[0]["matches"][0]
    assert (top["id"], top["rating"], top["url"]) == ("fc-league", "true", "https://checks.example.org/arab-league-syria")
    assert 0.5 <= top["score"] <= 1 and results[1]["matches"] == []
    queries = [Query("a", LEAGUE, "Arab League officials", "2023-05-07"), Query("claim-2", claims[1])]
    write_matches(tmp_path / "m.jsonl", queries, matcher.match_many(queries, 2))
    assert results == [json.loads(line) for line in (tmp_path / "m.jsonl").read_text().splitlines()]


def test_match_min_score_zero_lists_the_top_k(client):
    response = client.post("/v1/match", json={"claim": "Bananas are berries, botanists say.", "k": 2, "min_score": 0})
    assert response.status_code == 200, response.text
    matches = response.json()["results"][0]["matches"]
    assert len(matches) == 2 and matches[0]["score"] >= matches[1]["score"]


@pytest.mark.parametrize("body, message", [
    ({"claim": LEAGUE, "k": 101}, "over the limit of 100 matches"),
    ({"claim": " "}, "claim 1 is empty"),
    ({"claims": [{"id": "x", "text": LEAGUE, "path": "/etc/passwd"}]}, "Extra inputs are not permitted"),
    ({"claim": "x" * 1001}, "1,000-character limit"),
])
def test_bad_match_requests_get_one_json_error_line(client, body, message):
    response = client.post("/v1/match", json=body)
    assert response.status_code == 422 and response.json()["code"] == "input"
    assert message in response.json()["error"], response.json()


def test_match_without_a_store_says_how_to_add_one(checker):
    with client_for(checker) as c:
        response = c.post("/v1/match", json={"claim": LEAGUE})
        assert response.status_code == 422 and "no fact-check store; start it with --factchecks" in response.json()["error"]
        assert c.get("/v1/info").json()["features"] == {"article": True, "url": False, "match": False}
        assert c.post("/v1/check", json={"claim": LEAGUE}).json()["results"][0]["fact_checked_before"] == []


# fact_checked_before --------------------------------------------------------------------------------

def test_check_results_carry_earlier_fact_checks(client):
    response = client.post("/v1/check", json={"claims": [LEAGUE, "Turkey hosts about 3.6 million Syrian refugees."],
                                              "formats": ["markdown"]})
    assert response.status_code == 200, response.text
    data = response.json()
    for record in data["results"]:
        jsonschema.validate(record, SCHEMA)
    assert [m["id"] for m in data["results"][0]["fact_checked_before"]] == ["fc-league"]
    assert data["results"][1]["fact_checked_before"] == []  # no earlier fact-check above the threshold
    assert "**Fact-checked before**" in data["exports"]["markdown"]


def test_concurrent_requests_with_the_same_ids_keep_their_own_matches(checker, matcher):
    import concurrent.futures

    texts = [LEAGUE, "The Caesar Syria Civilian Protection Act became law on December 20, 2019."]
    with client_for(checker, matcher, max_wait=0.2) as c:  # the wait puts both requests in one model call
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(lambda t: c.post("/v1/check", json={"claim": t}), texts))
    found = [r.json()["results"][0] for r in responses]
    assert [f["claim"]["id"] for f in found] == ["claim-1", "claim-1"]
    assert [f["fact_checked_before"][0]["id"] for f in found] == ["fc-league", "fc-caesar"]


def test_article_results_carry_earlier_fact_checks(client):
    response = client.post("/v1/article", json={"text": ARTICLE, "formats": ["html"]})
    assert response.status_code == 200, response.text
    found = {r["claim"]["text"]: r["fact_checked_before"] for r in response.json()["results"]}
    assert [m["id"] for m in found[LEAGUE]] == ["fc-league"]
    assert "<b>Fact-checked before</b>" in response.json()["exports"]["html"]  # what the web page shows


# URL input ------------------------------------------------------------------------------------------

def test_article_url_is_fetched_extracted_and_recorded(client, site):
    url = site.base + "/hop/1"
    response = client.post("/v1/article", json={"url": url, "formats": ["html"]})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["article"]["source"] == url and "Subscribe to our newsletter" not in data["article"]["text"]
    assert data["article"]["fetched"]["final_url"] == site.base + "/article"
    assert data["article"]["fetched"]["title"].startswith("Caesar Act sanctions remain in force")
    assert data["results"] and all(r["article"]["url"] == url for r in data["results"])
    for record in data["results"]:
        jsonschema.validate(record, SCHEMA)
    assert "<title>Fact-check: Caesar Act sanctions" in data["exports"]["html"]
    assert any(ua.startswith("factcheck/") for _, ua in site.requests)
    assert client.get("/v1/info").json()["features"] == {"article": True, "url": True, "match": True}


@pytest.mark.parametrize("path, message", [
    ("/missing", "the server answered HTTP 404"),
    ("/big", "over the 10 MB download limit"),
    ("/loop", "more than 5 redirects"),
])
def test_bad_urls_get_the_cli_message_as_json(client, site, path, message):
    response = client.post("/v1/article", json={"url": site.base + path})
    assert response.status_code == 422 and response.json()["code"] == "input"
    assert message in response.json()["error"] and site.base + path in response.json()["error"]


def test_non_http_urls_are_refused(client):
    for url in ("file:///etc/passwd", "ftp://example.org/a"):
        response = client.post("/v1/article", json={"url": url})
        assert response.status_code == 422 and "not an http(s) address" in response.json()["error"]
        assert "root:" not in response.text


def test_a_slow_site_is_cut_off_at_the_request_timeout(site):
    with pytest.raises(InputError, match="no answer within 0.5 s"):
        fetch_article(site.base + "/slow", timeout=0.5, allow_private=True)


# factcheck serve --factchecks / --offline -----------------------------------------------------------

class TextOrDocumentExtractor(SentenceExtractor):
    """SentenceExtractor that also takes a plain string, as ClaimExtractor does (the server's warm-up)."""

    def __init__(self, **_options):  # ClaimExtractor's options (the server passes the checker's embedder)
        pass

    def extract(self, article, min_score=None):
        from factcheck.records import Document

        doc = article if isinstance(article, Document) else Document(id="text", text=article, source="<text>")
        return super().extract(doc, min_score)


@pytest.fixture
def served(monkeypatch, checker):
    """Runs `factcheck serve` with the test's checker and extractor; returns the app it would have served."""
    import uvicorn

    import factcheck.claims
    import factcheck.pipeline

    apps = []
    monkeypatch.delenv("FACTCHECK_TOKEN", raising=False)
    monkeypatch.delenv("FACTCHECK_FACTCHECKS", raising=False)
    monkeypatch.setattr(factcheck.pipeline.Checker, "from_index", classmethod(lambda cls, index, verifier: checker))
    monkeypatch.setattr(factcheck.claims, "ClaimExtractor", TextOrDocumentExtractor)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: apps.append(app))

    def serve(*args):
        from factcheck.cli import app

        result = CliRunner().invoke(app, ["serve", "--index", str(checker.retriever.index.path), *args])
        assert result.exit_code == 0, result.output
        return TestClient(apps[-1], raise_server_exceptions=False), result.output

    return serve


def test_serve_factchecks_option_loads_the_store(served, store):
    client, output = served("--factchecks", str(store))
    assert f"fact-checks: 3 in {store}" in output
    with client as c:
        assert c.get("/v1/info").json()["factchecks"]["count"] == 3
        assert c.post("/v1/match", json={"claim": LEAGUE}).json()["results"][0]["matches"][0]["id"] == "fc-league"


def test_serve_without_a_store_beside_the_index_serves_no_matches(served):
    client, output = served()
    assert "fact-checks: none" in output
    with client as c:
        assert c.get("/v1/info").json()["features"]["match"] is False
        assert c.get("/v1/info").json()["batching"]["max_queue_s"] is None  # admission control is opt-in


def test_serve_max_queue_seconds_turns_admission_control_on(served):
    client, _ = served("--max-queue-seconds", "2", "--batch-size", "4")
    with client as c:
        batching = c.get("/v1/info").json()["batching"]
        assert (batching["max_queue_s"], batching["max_batch"]) == (2.0, 4)
        assert batching["model_calls"] == 1  # the timed warm-up claim: admission control starts measured


def test_serve_offline_refuses_urls_with_a_json_error(served, site):
    client, output = served("--offline")
    assert "URLs: refused (--offline)" in output
    before = len(site.requests)
    with client as c:
        response = c.post("/v1/article", json={"url": site.base + "/article"})
        assert response.status_code == 422 and "--offline" in response.json()["error"]
        assert c.get("/v1/info").json()["features"]["url"] is False
    assert len(site.requests) == before  # nothing was fetched


def test_serve_refuses_private_urls_unless_its_operator_allows_them(served, site):
    client, output = served()
    assert "URLs: fetched from public addresses" in output
    before = len(site.requests)
    with client as c:
        for url in (site.base + "/article", "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/"):
            response = c.post("/v1/article", json={"url": url})
            assert response.status_code == 422 and response.json()["code"] == "input", response.text
            assert response.json()["error"].startswith(f"{url}: ") and "address; only public addresses" in response.json()["error"]
    assert len(site.requests) == before  # nothing was fetched
    client, output = served("--allow-private-urls")
    assert "private addresses too (--allow-private-urls)" in output
    with client as c:
        response = c.post("/v1/article", json={"url": site.base + "/article"})
        assert response.status_code == 200 and response.json()["results"], response.text


def test_serve_help_names_the_new_options():
    from factcheck.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--factchecks" in result.output and "--offline" in result.output and "/v1/match" in result.output
    assert "--allow-private-urls" in result.output
