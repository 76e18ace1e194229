"""The FastAPI app: `/v1/` endpoints, the web page at `/`, token check, size caps, JSON errors.

Every `/v1/` response body is JSON. Results are the JSONL report's records (`record_of`, schema in
`factcheck/schemas/report.schema.json`); errors are `{"error": <the CLI's message>, "code": ...}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import logging
from importlib import resources
from typing import Any, Awaitable, Callable, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from factcheck import __version__
from factcheck.errors import FactcheckError, IndexError_, InputError, ModelError
from factcheck.records import CheckResult, Claim, to_dict
from factcheck.serve.batcher import Overloaded
from factcheck.serve.limits import ServeLimits
from factcheck.serve.schemas import ArticleRequest, CheckRequest, MatchRequest, SearchRequest
from factcheck.serve.service import CheckService

__all__ = ["create_app", "exports_of", "error_body"]

log = logging.getLogger("factcheck.serve")
T = TypeVar("T")

STATUS = {InputError: 422, IndexError_: 503, ModelError: 503}
CODES = {InputError: "input", IndexError_: "index", ModelError: "model"}
DOCS_ASSETS = "/static/docs"  # Swagger UI's scripts and styles: the API docs work offline
HTTP_CODES = {401: "auth", 404: "not_found", 405: "method", 413: "too_large", 503: "busy", 504: "timeout"}
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
            "img-src 'self' data:; frame-src 'self' about:; base-uri 'none'; form-action 'none'")


def error_body(message: str, code: str) -> dict[str, str]:
    """The JSON body of every error response."""
    return {"error": message, "code": code}


def _error(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, code), status_code=status, headers=headers)


def exports_of(results: list[CheckResult], formats: list[str], article: str = "",
               title: str = "Fact-check report") -> dict[str, Any]:
    """The report exports a request asked for, as the CLI writes them (--html, --claimreview, ...)."""
    from factcheck.report.exports import claim_reviews, fever_prediction
    from factcheck.report.html import html_report
    from factcheck.report.jsonl import report_text
    from factcheck.report.markdown import markdown_report

    render: dict[str, Callable[[], Any]] = {
        "jsonl": lambda: report_text(results),
        "html": lambda: html_report(results, article, title),
        "markdown": lambda: markdown_report(results, title),
        "claimreview": lambda: claim_reviews(results),
        "fever": lambda: [fever_prediction(r) for r in results],
    }
    return {name: render[name]() for name in dict.fromkeys(formats)}


class GuardMiddleware:
    """Pure ASGI middleware for `/v1/`: the bearer token (constant-time compare) and the body size cap,
    both enforced before the body is read."""

    def __init__(self, app: Any, token: str | None, max_body: int):
        self.app = app
        self.token = token.encode() if token else None
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if self.token is not None and not self._authorized(headers.get(b"authorization", b"")):
            response = _error(401, "missing or wrong token; send the header 'Authorization: Bearer <token>' "
                                   "with the token the server was started with", HTTP_CODES[401],
                              headers={"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large()(scope, receive, send)
            return
        await self.app(scope, self._capped(receive), send)

    def _authorized(self, header: bytes) -> bool:
        scheme, _, value = header.partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(value.strip(), self.token or b"")

    def _message(self) -> str:
        return (f"request body over the {self.max_body:,}-byte limit; send a shorter article or fewer claims, "
                "or start the server with a larger --max-body")

    def _too_large(self) -> JSONResponse:
        return _error(413, self._message(), HTTP_CODES[413])

    def _capped(self, receive: Callable) -> Callable:
        """Wraps receive so a body without Content-Length (chunked) is cut off at the cap too."""
        seen = 0

        async def capped() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise HTTPException(413, self._message())
            return message

        return capped


def _validation_message(exc: RequestValidationError) -> str:
    """One line naming each bad field of the request body."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "bad request: " + "; ".join(parts) + " (see /docs for the request format)"


def _install_errors(app: FastAPI) -> None:
    """Errors become one JSON line with the CLI's message; a traceback only ever goes to the server log."""

    @app.exception_handler(FactcheckError)
    async def _expected(request: Request, exc: FactcheckError) -> JSONResponse:
        kind = next((k for k in STATUS if isinstance(exc, k)), None)
        return _error(STATUS.get(kind, 500), str(exc), CODES.get(kind, "error"))

    @app.exception_handler(Overloaded)
    async def _busy(request: Request, exc: Overloaded) -> JSONResponse:
        return _error(503, str(exc), HTTP_CODES[503], headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, _validation_message(exc), "input")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "http")
        return _error(exc.status_code, str(exc.detail), code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, f"internal error ({type(exc).__name__}); the server log has the details", "internal")


def _items_of(body: CheckRequest | MatchRequest, limits: ServeLimits) -> list[tuple[str, str, Any]]:
    """The request's claims as (id, text, item), each within the length cap."""
    if (body.claim is None) == (body.claims is None):
        raise InputError("give either 'claim' (one text) or 'claims' (a list), not both or neither")
    items = [body.claim] if body.claim is not None else body.claims or []
    if not items:
        raise InputError("'claims' is empty; send at least one claim")
    if len(items) > limits.max_claims:
        raise InputError(f"{len(items)} claims, over the {limits.max_claims}-claim limit per request; split them, "
                         "or check a large set with `factcheck check --claims FILE`")
    found = []
    for number, item in enumerate(items, 1):
        text = (item if isinstance(item, str) else item.text).strip()
        cid = item.id if not isinstance(item, str) and item.id else f"claim-{number}"
        if not text:
            raise InputError(f"claim {number} is empty; send the sentence to check")
        if len(text) > limits.max_claim_chars:
            raise InputError(f"claim {number} is {len(text):,} characters, over the {limits.max_claim_chars:,}-"
                             "character limit; send one claim (a sentence or two) at a time")
        found.append((cid, text, item))
    return found


def _claims_of(body: CheckRequest, limits: ServeLimits) -> list[Claim]:
    """The request's claims, each within the length cap."""
    return [Claim(id=cid, text=text) for cid, text, _ in _items_of(body, limits)]


def _queries_of(body: MatchRequest, limits: ServeLimits) -> list[Any]:
    """The request's claims as matcher Queries (with speaker, date and context where given), as
    `factcheck match --claims` reads its lines."""
    from factcheck.factchecks.queries import query_of

    queries = []
    for number, (cid, text, item) in enumerate(_items_of(body, limits), 1):
        extra = item.model_dump(exclude={"id", "text"}) if not isinstance(item, str) else {}
        queries.append(query_of({**extra, "id": cid, "text": text}, f"claim {number}"))
    return queries


def _router(service: CheckService, limits: ServeLimits) -> APIRouter:
    """The versioned endpoints. Results go out as JSONResponse: records are plain JSON already, and
    FastAPI's generic encoder would walk every nested evidence dict again on the event loop."""
    router = APIRouter(prefix="/v1")

    async def timed(work: Awaitable[T]) -> T:
        try:
            return await asyncio.wait_for(work, limits.timeout)
        except asyncio.TimeoutError:
            raise HTTPException(504, f"the request took over {limits.timeout:g} s; send fewer claims or a shorter "
                                     "article, or start the server with a larger --timeout") from None

    @router.get("/health", summary="Liveness: the models and index are loaded")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    @router.get("/info", summary="Versions, models, the index manifest, limits and optional features")
    async def info() -> dict[str, Any]:
        data = service.info()
        data["limits"] = {k: getattr(limits, k) for k in limits.__dataclass_fields__}
        return data

    @router.post("/check", summary="Check one claim or a list; results are report JSONL records")
    async def check(body: CheckRequest) -> JSONResponse:
        from factcheck.report import record_of

        claims = _claims_of(body, limits)
        results = await timed(service.check(claims))
        return JSONResponse({"results": [record_of(r) for r in results],
                             "exports": exports_of(results, body.formats, title=body.title)})

    @router.post("/article", summary="Extract an article's check-worthy claims (text or HTML), then check them")
    async def article(body: ArticleRequest) -> JSONResponse:
        from factcheck.claims.clean import english_warning
        from factcheck.readers.web import source_of
        from factcheck.report import record_of

        async def work() -> tuple[Any, list[CheckResult]]:
            doc = await _article_of(body, service)
            claims = await service.extract(doc, body.min_score)
            return doc, await service.check(claims)

        doc, results = await timed(work())
        fetched = source_of(doc)
        if fetched is not None:  # recorded in each result, as `factcheck article URL` does
            results = [dataclasses.replace(r, article=fetched) for r in results]
        title = body.title or (f"Fact-check: {doc.title or doc.source}" if fetched else "Fact-check report")
        warnings = [w for w in (english_warning(doc.text, doc.source),) if w]
        if not results:
            warnings.append(f"{doc.source}: no check-worthy claims found")
        return JSONResponse({"article": {"text": doc.text, "source": doc.source, "claims": len(results),
                                         "fetched": to_dict(fetched) if fetched else None},
                             "warnings": warnings,
                             "results": [record_of(r) for r in results],
                             "exports": exports_of(results, body.formats, article=doc.text, title=title)})

    @router.post("/match", summary="Earlier fact-checks of one claim or a list: `factcheck match --claims` lines")
    async def match(body: MatchRequest) -> JSONResponse:
        if service.matcher is None:
            raise InputError("this server has no fact-check store; start it with --factchecks DIR "
                             "(import fact-checks with: factcheck factchecks add FILE --store DIR)")
        if body.k > limits.max_k:
            raise InputError(f"k={body.k} is over the limit of {limits.max_k} matches per claim")
        queries = _queries_of(body, limits)
        found = await timed(service.run(service.matcher.match_many, queries, body.k, body.min_score))
        return JSONResponse({"results": [{"id": q.id, "matches": [m.to_dict() for m in ms]}
                                         for q, ms in zip(queries, found)]})

    @router.post("/search", summary="Hybrid search (dense + BM25) over the indexed corpus")
    async def search(body: SearchRequest) -> JSONResponse:
        if not body.query.strip():
            raise InputError("empty search query; pass some words to search for")
        if len(body.query) > limits.max_claim_chars:
            raise InputError(f"the query is {len(body.query):,} characters, over the {limits.max_claim_chars:,}-"
                             "character limit; search with a sentence or a few words")
        if body.k > limits.max_k:
            raise InputError(f"k={body.k} is over the limit of {limits.max_k} passages per query")
        hits = await timed(service.search(body.query.strip(), body.k))
        return JSONResponse({"hits": [to_dict(h) for h in hits]})

    return router


async def _article_of(body: ArticleRequest, service: CheckService) -> Any:
    """The article Document from the request's text or URL."""
    from factcheck.claims.clean import article_from_text

    if (body.text is None) == (body.url is None):
        raise InputError("give either 'text' (the article) or 'url', not both or neither")
    if service.extractor is None:
        raise InputError("this server checks claims only (no claim extractor); use /v1/check")
    if body.url is not None:
        if service.read_url is None:
            raise InputError("this server cannot fetch URLs (it runs --offline); paste the article's text in 'text' instead")
        return await service.fetch(body.url)
    return await service.run(article_from_text, body.text, "<request>", bool(body.html))


def _static(name: str) -> str:
    return resources.files("factcheck.serve").joinpath("static", name).read_text(encoding="utf-8")


def create_app(service: CheckService, limits: ServeLimits | None = None, token: str | None = None,
               cors_origins: tuple[str, ...] = ()) -> FastAPI:
    """The app around a service: starts its batchers on startup and drains them on shutdown."""
    limits = limits or ServeLimits()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    from fastapi_offline import FastAPIOffline  # /docs with Swagger UI's scripts served from the package

    # no /redoc: ReDoc fetches its logo from a CDN, and /docs lists the same endpoints
    app = FastAPIOffline(title="factcheck", version=__version__, lifespan=lifespan, static_url=DOCS_ASSETS, redoc_url=None,
                         description="Check factual claims against an indexed reference corpus. Results are the "
                                     "JSONL report's records (factcheck/schemas/report.schema.json).")
    app.include_router(_router(service, limits))
    _install_errors(app)

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(_static("index.html"), headers={"Content-Security-Policy": PAGE_CSP})

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        types = {"page.js": "text/javascript", "page.css": "text/css"}
        if name not in types:  # a fixed list: no path from the request reaches the file system
            return _error(404, f"no such file: {name}", HTTP_CODES[404])
        return Response(_static(name), media_type=types[name])

    app.add_middleware(GuardMiddleware, token=token, max_body=limits.max_body)
    if cors_origins:  # off by default; outermost, so preflights and 401s carry the CORS headers
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    return app
