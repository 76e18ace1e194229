"""`factcheck serve`: the HTTP API and the web page, with the models and the index loaded once."""

from __future__ import annotations

import contextlib
import functools
import signal
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from factcheck.cli.check_cmds import FACTCHECKS_OPT, INDEX_OPT, VERIFIER_OPT
from factcheck.cli.choices import LogLevel
from factcheck.cli.common import ALLOW_PRIVATE_HELP, PRECISION_OPT, app, guarded
from factcheck.serve.limits import TOKEN_ENV, ServeLimits
from factcheck.quantized import Precision

__all__ = ["serve"]

_DEFAULTS = ServeLimits()


@app.command()
@guarded
def serve(
    index: Optional[Path] = INDEX_OPT,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; anything but loopback needs a token."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    token_file: Optional[Path] = typer.Option(
        None, "--token-file", help=f"File holding the API token (else ${TOKEN_ENV}); /v1/ then needs 'Authorization: Bearer <token>'."
    ),
    verifier: str = VERIFIER_OPT,
    factchecks: Optional[Path] = FACTCHECKS_OPT,
    offline: bool = typer.Option(
        False, "--offline", help="Never touch the network: /v1/article refuses a 'url' with a JSON error instead of fetching it."
    ),
    allow_private_urls: bool = typer.Option(False, "--allow-private-urls", help=f"/v1/article: {ALLOW_PRIVATE_HELP}"),
    cors_origin: Optional[List[str]] = typer.Option(
        None, "--cors-origin", help="Allow browser pages from this origin (repeatable); CORS is off by default."
    ),
    max_body: int = typer.Option(_DEFAULTS.max_body, "--max-body", min=1024, help="Largest request body in bytes (413 above)."),
    max_claim_chars: int = typer.Option(_DEFAULTS.max_claim_chars, "--max-claim-chars", min=10, help="Longest claim in characters."),
    max_claims: int = typer.Option(_DEFAULTS.max_claims, "--max-claims", min=1, help="Most claims per /v1/check or /v1/match request."),
    timeout: float = typer.Option(_DEFAULTS.timeout, "--timeout", min=1.0, help="Seconds per request before a 504."),
    batch_size: int = typer.Option(_DEFAULTS.max_batch, "--batch-size", min=1, help="Most claims per model call."),
    batch_wait_ms: float = typer.Option(
        _DEFAULTS.batch_wait * 1000, "--batch-wait-ms", min=0.0, help="How long a request waits for others to share its model call."
    ),
    max_queue_seconds: float = typer.Option(
        _DEFAULTS.max_queue_seconds, "--max-queue-seconds", min=0.0,
        help="Answer 503 with Retry-After while the claims queued ahead would take longer than this, e.g. 2 (0: queue every request).",
    ),
    log_level: LogLevel = typer.Option(LogLevel.info, "--log-level", help="uvicorn log level."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Serve the HTTP API (/v1/check, /v1/article, /v1/match, /v1/search, /v1/info, /v1/health; docs at /docs) and the web page at /.

    /v1/article fetches a 'url' (unless --offline) with the CLI's timeout and size cap; with a fact-check store
    (--factchecks), /v1/match answers and every result carries `fact_checked_before`."""
    from factcheck.serve.limits import is_loopback, read_token
    from factcheck.settings import default_index_dir

    token = read_token(token_file)
    if token is None and not is_loopback(host):
        raise typer.BadParameter(
            f"binding to {host} exposes the API beyond this machine; give a token with --token-file FILE "
            f"or ${TOKEN_ENV}", param_hint="--host"
        )
    limits = ServeLimits(max_body=max_body, max_claim_chars=max_claim_chars, max_claims=max_claims,
                         max_k=_DEFAULTS.max_k, timeout=timeout, max_batch=batch_size, batch_wait=batch_wait_ms / 1000,
                         max_queue_seconds=max_queue_seconds)
    try:
        import fastapi  # noqa: F401
        import fastapi_offline  # noqa: F401
        import uvicorn
    except ImportError as exc:
        from factcheck.errors import FactcheckError

        raise FactcheckError(f"factcheck serve needs the serve extra ({exc.name} is missing): "
                             'pip install "factcheck[serve]"') from None
    from factcheck.serve import create_app

    service = _load(index or default_index_dir(), verifier, limits, factchecks, offline, allow_private_urls)
    store = service.matcher.store if service.matcher is not None else None
    typer.echo(f"factcheck serve: {service.checker.models.get('index', '')}; "
               f"fact-checks: {f'{len(store):,} in {store.path}' if store else 'none'}; "
               f"URLs: {_url_policy(offline, allow_private_urls)}; "
               f"token {'required' if token else 'off (loopback only)'}; http://{host}:{port}/ (API docs at /docs)", err=True)
    app_ = create_app(service, limits, token=token, cors_origins=tuple(cors_origin or ()))
    with _clean_exit_on_sigterm():
        uvicorn.run(app_, host=host, port=port, log_level=log_level.value, timeout_graceful_shutdown=None)


@contextlib.contextmanager
def _clean_exit_on_sigterm() -> Iterator[None]:
    """uvicorn finishes in-flight requests on SIGTERM, then re-raises the signal to the handler it found:
    this one, so a graceful stop exits 0 instead of dying by the signal."""
    stopped: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stopped.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
    if stopped:
        typer.echo("factcheck serve: stopped on SIGTERM after finishing the requests in flight", err=True)


def _url_policy(offline: bool, allow_private: bool) -> str:
    """What /v1/article does with a 'url', for the start-up line."""
    if offline:
        return "refused (--offline)"
    return "fetched, private addresses too (--allow-private-urls)" if allow_private else "fetched from public addresses"


def _load(index: Path, verifier: str, limits: ServeLimits, factchecks: Optional[Path] = None, offline: bool = False,
          allow_private: bool = False):
    """Loads the index, the fact-check store and every model now, and runs each once, so the first request is
    not the slow one."""
    from factcheck.claims import ClaimExtractor
    from factcheck.factchecks.matcher import open_matcher
    from factcheck.pipeline import Checker
    from factcheck.serve import CheckService
    from factcheck.serve.service import fetch_article
    from factcheck.settings import limit_threads

    typer.echo("loading the index and the models ...", err=True)
    checker = Checker.from_index(index, verifier=verifier)
    limit_threads()  # after the index opened: a missing index fails before torch loads
    matcher = open_matcher(factchecks, index, checker.embedder)
    extractor = ClaimExtractor(embedder=checker.embedder)  # one embedder: a claim's sentence is embedded once
    checker.check_one("The index and the models are loaded.")  # lazy loads are paid here
    extractor.extract("The server started on Monday, and 3 models were loaded in 7 seconds, officials said.")
    if matcher is not None:
        matcher.match("The index and the models are loaded.")
    service = CheckService(checker, extractor, max_batch=limits.max_batch, max_wait=limits.batch_wait,
                           max_queue_seconds=limits.max_queue_seconds or None,
                           read_url=None if offline else functools.partial(fetch_article, timeout=limits.timeout,
                                                                          allow_private=allow_private),
                           matcher=matcher)
    service.warm_up("The index and the models were loaded in 7 seconds.")  # times one claim for admission control
    return service

