"""The fetcher's SSRF guard: hosts that resolve to loopback, private, link-local, multicast, reserved or
unspecified addresses are refused (IPv4, IPv6, IPv4-mapped), on every redirect hop, against the address
actually connected to; --allow-private-urls lets the CLI fetch them.

Loopback stands in for the internet here: where a test needs a "public" server it declares 127.0.0.1 public
and keeps a second server on 127.0.0.2 as the internal service an attacker aims at."""

from __future__ import annotations

import socket

import pytest
import web_fixtures
from typer.testing import CliRunner

import factcheck.readers.addresses as addresses
from factcheck.cli import app
from factcheck.errors import InputError
from factcheck.readers.addresses import allow_private_addresses, refused_kind
from factcheck.readers.web import fetch

runner = CliRunner()


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.9", "private"), ("192.168.1.1", "private"), ("fc00::7", "private"),
    ("169.254.169.254", "link_local"), ("fe80::1%eth0", "link_local"),
    ("224.0.0.251", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("::ffff:169.254.169.254", "link_local"),
    ("100.64.0.1", "non-public"),
    ("93.184.215.14", None), ("2606:4700:4700::1111", None), ("::ffff:93.184.215.14", None),
])
def test_refused_kind(address, kind):
    assert refused_kind(address) == kind


@pytest.fixture(scope="module")
def public():
    """The test's "public" site on 127.0.0.1."""
    server = web_fixtures.start({})
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def internal(public):
    """An internal service on 127.0.0.2, on the public site's port, that must never be reached."""
    try:
        server = web_fixtures.start({}, host="127.0.0.2", port=public.server_address[1])
    except OSError:
        pytest.skip("cannot bind 127.0.0.2 on this machine")
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def first_loopback_is_public(monkeypatch):
    """Declares 127.0.0.1 public for one test; every other loopback address stays refused."""
    real = addresses.refused_kind
    monkeypatch.setattr(addresses, "refused_kind", lambda a: None if a == "127.0.0.1" else real(a))


def test_loopback_is_refused_by_default_and_fetched_when_allowed(public):
    before = len(public.requests)
    with pytest.raises(InputError) as caught:
        fetch(public.base + "/article")
    message = str(caught.value)
    assert message.startswith(public.base + "/article: 127.0.0.1 is a loopback address")
    assert "--allow-private-urls" in message and "\n" not in message
    assert len(public.requests) == before  # refused before connecting
    assert "55,000" in fetch(public.base + "/article", allow_private=True).body.decode()
    with allow_private_addresses():
        assert fetch(public.base + "/article").final_url == public.base + "/article"


def test_a_host_name_is_judged_by_the_addresses_it_resolves_to(public):
    port = public.server_address[1]
    with pytest.raises(InputError, match=r"localhost \((127\.0\.0\.1|::1)\) is a loopback address"):
        fetch(f"http://localhost:{port}/article")


@pytest.mark.parametrize("url, kind", [
    ("http://[::1]:9/", "loopback"), ("http://[::ffff:127.0.0.1]:9/", "loopback"), ("http://0.0.0.0:9/", "unspecified"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"), ("http://10.0.0.1/", "private"),
    ("https://[fd12:3456::1]/", "private"), ("http://224.0.0.1/", "multicast"),
])
def test_private_ipv4_and_ipv6_literals_are_refused_without_a_connection(url, kind, monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("the guard let a connection start")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    with pytest.raises(InputError, match=f"is a {kind} address"):
        fetch(url)


def test_every_redirect_hop_is_checked(public, internal, first_loopback_is_public):
    target = internal.base + "/article"
    internal.requests.clear()
    assert "55,000" in fetch(public.base + "/article").body.decode()  # the stand-in public site is fetched
    with pytest.raises(InputError, match=r"127\.0\.0\.2 is a loopback address"):
        fetch(f"{public.base}/to?{target}")
    assert not internal.requests
    assert fetch(f"{public.base}/to?{target}", allow_private=True).final_url == target


def test_redirects_to_other_schemes_are_refused(public):
    for where in ("file:///etc/passwd", "ftp://example.org/file"):
        with pytest.raises(InputError, match="redirected to an address that is not http"):
            fetch(f"{public.base}/to?{where}", allow_private=True)


def test_the_connection_goes_to_the_address_that_was_checked(public, internal, first_loopback_is_public, monkeypatch):
    """DNS rebinding: the name answers a public address when checked and the internal one after; the fetcher
    resolves once and connects to what it checked."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.test":
            return real(next(answers, "127.0.0.2"), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    internal.requests.clear()
    page = fetch(f"http://rebind.test:{public.server_address[1]}/article")
    assert "55,000" in page.body.decode()
    assert not internal.requests


def test_through_a_proxy_the_target_host_is_checked_first(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.raises(InputError, match=r"10\.9\.8\.7 is a private address"):
        fetch("http://10.9.8.7/admin")
    with pytest.raises(InputError, match="could not connect") as caught:
        fetch("http://no-such-host.invalid/")  # fails closed: never handed to the proxy unchecked
    assert "refused" not in str(caught.value)  # the dead proxy was never contacted (it refuses connections)


def test_cli_refuses_loopback_with_one_line_and_exit_3_unless_allowed(public, tmp_path):
    url = public.base + "/article"
    result = runner.invoke(app, ["extract", url, "--json"])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [f"error: {url}: 127.0.0.1 is a loopback address; "
                                                  f"{addresses.ALLOW_PRIVATE_HINT}"]
    result = runner.invoke(app, ["extract", url, "--allow-private-urls", "--json"])
    assert result.exit_code == 0, result.output
    assert "55,000" in result.stdout


def test_index_skips_a_private_url_with_the_reason_unless_allowed(public, tmp_path, monkeypatch):
    import json

    import factcheck.embed
    from index_fakes import HashEmbedder

    monkeypatch.setattr(factcheck.embed, "load_embedder", lambda name="all-MiniLM-L6-v2", device=None, precision=None: HashEmbedder(name))
    (tmp_path / "notes.txt").write_text("The Caesar Act took effect in June 2020 after a vote in Congress.\n", encoding="utf-8")
    url = public.base + "/article"
    args = ["index", str(tmp_path / "notes.txt"), url, "--index", str(tmp_path / "index"), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 1
    assert f"{url}: 127.0.0.1 is a loopback address" in result.stderr
    result = runner.invoke(app, [*args, "--allow-private-urls"])
    assert result.exit_code == 0 and json.loads(result.stdout)["added"] == 1, result.output
