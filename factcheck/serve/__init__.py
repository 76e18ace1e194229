"""`factcheck serve`: the HTTP API (`/v1/...`) and the web page, with models loaded once per process.

    >>> from factcheck.serve import CheckService, ServeLimits, create_app
    >>> service = CheckService(Checker.from_index(".factcheck/index"), ClaimExtractor())
    >>> app = create_app(service, ServeLimits(), token=None)     # a FastAPI app; run it with uvicorn

Importing this package is cheap: FastAPI loads with `create_app`, the models with the objects that own them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factcheck.serve.limits import ServeLimits, is_loopback, read_token

if TYPE_CHECKING:
    from factcheck.serve.service import CheckService

__all__ = ["ServeLimits", "CheckService", "create_app", "is_loopback", "read_token"]


def create_app(service: "CheckService", limits: ServeLimits | None = None, token: str | None = None,
               cors_origins: tuple[str, ...] = ()) -> Any:
    """Builds the FastAPI app around a service (see `factcheck.serve.app.create_app`)."""
    from factcheck.serve.app import create_app as _create_app

    return _create_app(service, limits, token=token, cors_origins=cors_origins)


def __getattr__(name: str) -> Any:
    if name == "CheckService":
        from factcheck.serve.service import CheckService

        return CheckService
    raise AttributeError(name)
