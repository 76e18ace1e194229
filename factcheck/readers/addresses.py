"""The SSRF guard of the web fetcher: only public addresses are fetched unless the user allows private ones.

A host is resolved once per connection and the socket connects to an address that was checked (no second
lookup a DNS rebinding could answer differently); every redirect hop opens its own checked connection. With a
proxy the proxy connects, so the target's addresses are checked by resolving them here before each hop.

    >>> refused_kind("10.0.0.7"), refused_kind("::ffff:127.0.0.1"), refused_kind("93.184.215.14")
    ('private', 'loopback', None)
    >>> with allow_private_addresses(True):     # the CLI's --allow-private-urls
    ...     page = fetch("http://127.0.0.1:8080/article")
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
from contextvars import ContextVar
from typing import Any, Iterator
from urllib.parse import urlsplit

from factcheck.errors import InputError

__all__ = ["refused_kind", "allow_private_addresses", "private_allowed", "guarded_session", "AddressRefused",
           "ALLOW_PRIVATE_HINT"]

ALLOW_PRIVATE_HINT = "only public addresses are fetched; to fetch from this machine or its network, pass --allow-private-urls"
_KINDS = ("unspecified", "loopback", "link_local", "multicast", "reserved", "private")  # the most telling first
_ALLOWED: ContextVar[bool] = ContextVar("factcheck_allow_private_urls", default=False)


class AddressRefused(InputError):
    """A host that resolves to an address the guard refuses (`fetch` puts the URL in front of `reason()`)."""

    def __init__(self, host: str, address: str, kind: str):
        self.host, self.address, self.kind = host, address, kind
        super().__init__(self.reason())

    def reason(self) -> str:
        where = self.host if self.host == self.address else f"{self.host} ({self.address})"
        return f"{where} is a {self.kind.replace('_', '-')} address; {ALLOW_PRIVATE_HINT}"


def refused_kind(address: str) -> str | None:
    """Why an IP address may not be fetched ("loopback", "private", ...), or None for a public address;
    an IPv4-mapped IPv6 address is judged as the IPv4 address it carries."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    kind = next((k for k in _KINDS if getattr(ip, f"is_{k}")), None)
    return kind or (None if ip.is_global else "non-public")  # e.g. 100.64.0.0/10, shared carrier NAT


@contextlib.contextmanager
def allow_private_addresses(allowed: bool = True) -> Iterator[None]:
    """Within the block, fetches in this thread may reach private addresses (the CLI's --allow-private-urls)."""
    token = _ALLOWED.set(allowed)
    try:
        yield
    finally:
        _ALLOWED.reset(token)


def private_allowed() -> bool:
    """Whether the current context allows private addresses (off unless `allow_private_addresses` is active)."""
    return _ALLOWED.get()


def checked_addresses(host: str, port: int, family: int = socket.AF_UNSPEC) -> list[str]:
    """The addresses `host` resolves to, once; AddressRefused when any of them is not public."""
    found = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    for address in addresses:
        kind = refused_kind(address)
        if kind is not None:
            raise AddressRefused(host, address, kind)
    return addresses


def guarded_session() -> Any:
    """A requests Session whose connections only reach public addresses."""
    import requests

    session = requests.Session()
    adapter = _guarded_adapter_class()()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@functools.lru_cache(maxsize=None)
def _guarded_adapter_class() -> type:
    """requests' HTTPAdapter with guarded connections, built on first use so importing this module stays cheap."""
    from requests.adapters import HTTPAdapter
    from requests.exceptions import ConnectionError
    from requests.utils import select_proxy
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
    from urllib3.util.connection import allowed_gai_family

    class Guarded:
        """Resolves the host once, checks every address, then connects to the checked addresses in turn."""

        def _new_conn(self):  # type: ignore[no-untyped-def]
            host = self._dns_host
            try:
                addresses = checked_addresses(host, self.port, allowed_gai_family())
            except socket.gaierror as exc:
                raise NameResolutionError(self.host, self, exc) from exc
            failure: Exception | None = None
            for address in addresses:
                self._dns_host = address
                try:
                    return super()._new_conn()
                except (NewConnectionError, ConnectTimeoutError) as exc:
                    failure = exc
                finally:
                    self._dns_host = host
            raise failure or NewConnectionError(self, f"{host}: no address to connect to")

    class GuardedHTTPConnection(Guarded, HTTPConnection):
        pass

    class GuardedHTTPSConnection(Guarded, HTTPSConnection):
        pass

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    class GuardedAdapter(HTTPAdapter):
        """Direct connections are checked as they connect; through a proxy, the target host before each hop."""

        def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}

        def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
            if select_proxy(request.url, kwargs.get("proxies") or {}):
                parts = urlsplit(request.url)
                try:
                    checked_addresses(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
                except socket.gaierror as exc:  # cannot be checked here: refused, not sent to the proxy unchecked
                    raise ConnectionError(f"{parts.hostname} does not resolve here, so its address cannot be "
                                          f"checked before the proxy fetches it ({exc.strerror})", request=request) from None
            return super().send(request, **kwargs)

    return GuardedAdapter
