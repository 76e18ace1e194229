"""A loopback HTTP server started by the tests: an article page, a redirect chain and loop, a slow
answer, a body that stalls or trickles, a redirect to any address (/to?URL), a 404, a PDF sent as text/html, a 30 MB page (with and without Content-Length), a PDF and a
DOCX served as reference documents, an image and a plain text page."""

from __future__ import annotations

import http.server
import re
import threading
import time
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIG = 30 * 1024 * 1024
SLOW_SECONDS = 3.0


def article_html() -> str:
    """The project's example article (claims/example-article.md) as a news page with navigation and metadata."""
    text = (REPO / "claims" / "example-article.md").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if len(p.strip()) > 80 and not p.startswith("#")]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><title>Caesar Act sanctions remain in force | Example News</title>"
        '<meta name="author" content="Jane Reporter"><meta name="date" content="2023-03-14">'
        '<meta property="og:site_name" content="Example News"></head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sports">Sports</a></nav>'
        f"<article><h1>Caesar Act sanctions remain in force as Syria talks stall</h1>{body}</article>"
        "<footer>Subscribe to our newsletter. Copyright Example News.</footer></body></html>"
    )


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves the fixture routes; `server.files` maps extra paths to (content type, bytes)."""

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.requests.append((self.path, self.headers.get("User-Agent", "")))
        hop = re.fullmatch(r"/hop/(\d+)", self.path)
        if hop:
            left = int(hop.group(1))
            return self._redirect("/article" if left == 0 else f"/hop/{left - 1}")
        if self.path.startswith("/to?"):  # a redirect to any address: /to?http://elsewhere/page
            return self._redirect(self.path.split("?", 1)[1])
        if self.path == "/loop":
            return self._redirect("/loop")
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            return self._send("text/html", article_html().encode())
        if self.path in ("/stall", "/drip"):
            return self._trickle(stall=self.path == "/stall")
        if self.path == "/article":
            return self._send("text/html; charset=utf-8", article_html().encode())
        if self.path in ("/big", "/big-chunked"):
            return self._big(declare=self.path == "/big")
        if self.path in self.server.files:
            return self._send(*self.server.files[self.path])
        self.send_error(404, "Not Found")

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, kind: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, stall: bool) -> None:
        """Starts a page, then stops sending (stall) or sends a few bytes every 0.1 s for a long time (drip)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            self.wfile.write(b"<html><body><p>Start of the page.</p>")
            self.wfile.flush()
            for _ in range(1 if stall else 15):
                time.sleep(SLOW_SECONDS if stall else 0.1)
                self.wfile.write(b"<p>more</p>")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _big(self, declare: bool) -> None:
        """A 30 MB page; without Content-Length the client only finds out by counting."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if declare:
            self.send_header("Content-Length", str(BIG))
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_529 + b"</p>"
        try:
            for _ in range(BIG // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its size cap


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, files: dict[str, tuple[str, bytes]], host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), Handler)
        self.files = files
        self.requests: list[tuple[str, str]] = []

    @property
    def base(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        """Stays quiet when a client hung up mid-response (a fetch that gave up): socketserver would print the
        traceback to stderr, into the next CLI test's captured output."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def start(files: dict[str, tuple[str, bytes]], host: str = "127.0.0.1", port: int = 0) -> Server:
    """Starts a server on `host` (and `port`, else a free one) in a daemon thread; call `shutdown()` when done."""
    server = Server(files, host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
