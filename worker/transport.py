"""Fetch stage, transport: an httpx transport that vets addresses and enforces a total deadline.

In:  settings (allowed networks, private-network switch), a deadline set per request.
Out: `build_transport()` → httpx.HTTPTransport whose sockets
     - connect only to addresses netguard allows (checked on the address actually used), and
     - clamp every connect/read/write timeout to the time left before the request's total
       deadline, so a server dripping one byte at a time cannot stretch a request past it.
httpx has no total timeout of its own; its per-read timeout restarts on every byte.
"""

from __future__ import annotations

import logging
import socket
import ssl
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from worker.netguard import GuardedBackend, IPNetwork, Resolver

logger = logging.getLogger(__name__)

_deadline: ContextVar[float | None] = ContextVar("fetch_deadline", default=None)


@contextmanager
def total_deadline(at: float) -> Iterator[None]:
    """Within this block, socket operations end by `at` (time.monotonic() seconds)."""
    token = _deadline.set(at)
    try:
        yield
    finally:
        _deadline.reset(token)


def _clamp(timeout: float | None, exc: type[Exception]) -> float | None:
    at = _deadline.get()
    if at is None:
        return timeout
    remaining = at - time.monotonic()
    if remaining <= 0:
        raise exc("total deadline exceeded")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """Wraps a socket stream; each operation gets at most the time left."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(GuardedBackend):
    """GuardedBackend whose connections honour the current total deadline."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)


def build_transport(
    allowed: Sequence[IPNetwork],
    allow_private: bool,
    resolver: Resolver = socket.getaddrinfo,
) -> httpx.HTTPTransport:
    """httpx transport with the guarded, deadline-aware network backend installed."""
    transport = httpx.HTTPTransport(retries=0)
    pool = transport._pool
    if not hasattr(pool, "_network_backend"):  # httpcore internals moved: fail loudly
        raise RuntimeError("httpcore.ConnectionPool has no _network_backend; pin httpcore 1.x")
    pool._network_backend = DeadlineBackend(allowed, allow_private, resolver)
    return transport
