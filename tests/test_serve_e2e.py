"""The server with the real models on the demo corpus: the example article over HTTP, the web page in a
headless browser, and the `factcheck serve` command itself (token, the README's curl example, SIGTERM)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install -e '.[serve]'")

import httpx  # noqa: E402
from serve_fixtures import LiveServer, free_port  # noqa: E402

from factcheck.records import VERDICTS  # noqa: E402
from factcheck.settings import MODELS_DIR  # noqa: E402

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "claims" / "example-article.md"
SCHEMA = json.loads(resources.files("factcheck").joinpath("schemas/report.schema.json").read_text())
TOKEN = "e2e-token-0123456789abcdef"


@pytest.fixture(scope="module")
def demo_index(embedder, tmp_path_factory):
    from factcheck.index import build_index

    folder = tmp_path_factory.mktemp("serve-demo") / "index"
    build_index([REPO / "corpus"], folder, embedder=embedder)
    return folder


@pytest.fixture(scope="module")
def live(demo_index, embedder):
    """The real app (bundled verdict model, claim extractor) on a loopback port, in this process."""
    if not (MODELS_DIR / "verifier" / "config.json").is_file():
        pytest.skip("the bundled verdict model is not installed (factcheck train verifier --install)")
    from factcheck.claims import ClaimExtractor
    from factcheck.pipeline import Checker
    from factcheck.retrieve import Retriever
    from factcheck.serve import CheckService, create_app
    from factcheck.verify import load_verifier

    verifier = load_verifier("bundled")
    checker = Checker(Retriever(demo_index, embedder=embedder), verifier, embedder,
                      models={"embedder": embedder.name, "verifier": verifier.name},
                      calibration=getattr(verifier, "verdict_calibration", None))
    with LiveServer(create_app(CheckService(checker, ClaimExtractor()))) as server:
        server.checker = checker
        yield server


def test_example_article_over_http(live):
    response = httpx.post(f"{live.url}/v1/article", json={"text": EXAMPLE.read_text(), "formats": ["html"]}, timeout=300)
    assert response.status_code == 200, response.text
    data = response.json()
    for record in data["results"]:
        jsonschema.validate(record, SCHEMA)
    assert len(data["results"]) >= 5
    # the same verdicts as the Checker called directly: batching with other requests changes nothing
    from factcheck.records import Claim, from_dict

    served = data["results"][:4]
    direct = live.checker.check([from_dict(Claim, r["claim"]) for r in served])
    assert [r["verdict"] for r in served] == [r.verdict for r in direct]
    assert [r["evidence"][0]["sentence"] for r in served] == [r.evidence[0].sentence for r in direct]
    caesar = next(r for r in data["results"] if "took effect in June 2020" in r["claim"]["text"])
    assert "Caesar" in caesar["evidence"][0]["sentence"]
    assert data["exports"]["html"].count('<a href="#claim-') >= 5


def _chrome(tmp_path, offline: bool = False):
    """A headless Chromium driven by selenium, or a skip naming what is missing; `offline`: every address but
    loopback goes to a dead proxy and every host name but 127.0.0.1 fails to resolve, and requests are logged."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (dev extra)")
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        pytest.skip("no headless browser: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'chrome-profile'}"):
        options.add_argument(flag)
    if offline:
        options.add_argument("--proxy-server=http://127.0.0.1:9")  # loopback is never proxied
        options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    from selenium.webdriver.chrome.service import Service

    return webdriver.Chrome(service=Service(driver_path), options=options)


def test_web_page_checks_the_example_article_in_a_browser(live, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _chrome(tmp_path)
    try:
        browser.get(live.url + "/")
        WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.ID, "about"), "passages"))
        browser.find_element(By.ID, "article").send_keys(EXAMPLE.read_text())
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 300).until(lambda b: b.find_element(By.ID, "status").text in ("Done.",) or
                                          b.find_element(By.ID, "status").text.startswith("Error"))
        assert browser.find_element(By.ID, "status").text == "Done."
        assert "claims:" in browser.find_element(By.ID, "summary").text
        for link in ("dl-jsonl", "dl-html", "dl-claimreview"):
            assert browser.find_element(By.ID, link).get_attribute("href").startswith("blob:")
        browser.switch_to.frame(browser.find_element(By.ID, "report"))
        marks = browser.find_elements(By.CSS_SELECTOR, ".article mark")
        assert marks, "no highlighted claim"
        assert any("Caesar Syria Civilian Protection Act" in m.text for m in marks)
        cards = browser.find_elements(By.CSS_SELECTOR, ".card")
        assert len(cards) >= len(marks)
        caesar = [c for c in cards if "took effect in June 2020" in c.text]
        assert caesar and caesar[0].find_element(By.CSS_SELECTOR, ".tag").text in VERDICTS
        evidence = caesar[0].find_elements(By.CSS_SELECTOR, ".ev")
        assert evidence and "Caesar" in evidence[0].text, "the evidence card lists no evidence"
        browser.switch_to.default_content()
        shot = tmp_path / "serve-page.png"
        browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory):
    """The app on the test's small index (no model loaded): enough for the API docs."""
    from serve_fixtures import make_checker

    from factcheck.serve import CheckService, create_app

    with LiveServer(create_app(CheckService(make_checker(tmp_path_factory.mktemp("docs"))))) as server:
        yield server


def _requested_urls(browser) -> list[str]:
    """Every URL the page asked for, from Chromium's performance log."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_api_docs_work_offline_in_a_browser(docs_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _chrome(tmp_path, offline=True)
    try:
        browser.get(docs_server.url + "/docs")
        endpoint = (By.CSS_SELECTOR, ".opblock-summary-path[data-path='/v1/check']")
        WebDriverWait(browser, 60).until(ec.presence_of_element_located(endpoint))
        listed = {e.get_attribute("data-path") for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
        assert {"/v1/check", "/v1/article", "/v1/search", "/v1/health", "/v1/info"} <= listed
        urls = _requested_urls(browser)
        assert any(u.endswith(".js") for u in urls)
        web = [u for u in urls if u.startswith(("http:", "https:", "ws:", "wss:"))]  # not chrome:// pages
        outside = [u for u in web if not u.startswith(docs_server.url + "/")]
        assert not outside, f"/docs asked for {outside}"
        shot = tmp_path / "docs.png"
        browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
    finally:
        browser.quit()


def _readme_curl() -> str:
    """The curl example of the README's serve section."""
    text = (REPO / "README.md").read_text()
    match = re.search(r"^ *(curl [^\n]*(?:\\\n[^\n]*)*)", text, re.M)
    assert match, "README has no curl example"
    return match.group(1)


def _wait_healthy(url: str, proc: subprocess.Popen, headers: dict, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"factcheck serve exited early: {proc.stderr.read()}")
        try:
            if httpx.get(url + "/v1/health", headers=headers, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError("factcheck serve did not become healthy")


def test_serve_command_token_curl_example_and_graceful_sigterm(demo_index, tmp_path):
    if not (MODELS_DIR / "verifier" / "config.json").is_file():
        pytest.skip("the bundled verdict model is not installed")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    (tmp_path / "token").write_text(TOKEN + "\n")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("FACTCHECK_TOKEN", None)
    cmd = [sys.executable, "-c", "from factcheck.cli import main; main()", "serve", "--index", str(demo_index),
           "--port", str(port), "--token-file", str(tmp_path / "token"), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        _wait_healthy(url, proc, auth)
        assert httpx.get(url + "/v1/health", timeout=5).status_code == 401

        if shutil.which("curl"):  # the README's example, as written there
            command = _readme_curl().replace("http://127.0.0.1:8000", url)
            out = subprocess.run(["bash", "-c", command], env=dict(env, FACTCHECK_TOKEN=TOKEN),
                                 capture_output=True, text=True, timeout=120)
            assert out.returncode == 0, out.stderr
            record = json.loads(out.stdout)["results"][0]
            jsonschema.validate(record, SCHEMA)
            assert record["verdict"] in ("SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO", "CONFLICTING")

        answer: dict = {}

        def post_article():
            answer["response"] = httpx.post(url + "/v1/article", json={"text": EXAMPLE.read_text()},
                                            headers=auth, timeout=300)

        worker = threading.Thread(target=post_article)
        worker.start()
        time.sleep(1.0)  # the article is being extracted and checked now
        proc.send_signal(signal.SIGTERM)
        worker.join(timeout=300)
        assert answer["response"].status_code == 200, answer["response"].text
        assert answer["response"].json()["results"]
        assert proc.wait(timeout=60) == 0
        with pytest.raises(httpx.TransportError):
            httpx.get(url + "/v1/health", headers=auth, timeout=2)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
