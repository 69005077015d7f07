"""Fetch stage: URL (+ validators) → FetchedPage, distrusting the network.

In:  a URL, optional ETag / Last-Modified from the last fetch, a per-host delay.
Out: FetchedPage (200 with the decompressed body and its sha256, or 304 with no body),
     or one FetchError subclass, classified here once as transient or permanent.

Rules (DESIGN §7): a total deadline per request across connect, headers and body; the body
cap applies after decompression; at most `fetch_max_redirects` hops, each re-checked
(scheme, address, robots) and loops refused; non-global addresses refused unless allowed;
robots.txt honoured; at least `min_delay` seconds between requests to one host.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from scrapers.encoding import DecodedText, decode_html
from worker import netguard
from worker.errors import BadResponse, BadURL, BodyTooLarge, FetchTimeout, TooManyRedirects
from worker.fetch_body import read_capped, read_prefix
from worker.fetch_response import MalformedResponse, classify, redirect_target, response_hook
from worker.fetch_status import parse_retry_after, raise_for_status
from worker.robots import ROBOTS_MAX_BYTES, RobotsCache
from worker.settings import Settings
from worker.transport import build_transport, total_deadline

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # as requested
    final_url: str  # after redirects
    status: int  # 200 (or another 2xx) or 304
    content_type: str | None
    etag: str | None
    last_modified: str | None
    retry_after: float | None
    body: bytes  # decompressed; empty on 304
    content_hash: str | None  # sha256 hex of body; None on 304
    elapsed_seconds: float
    redirects: tuple[str, ...] = ()  # every URL we were sent to, in order
    truncated: bool = False  # body cut at the cap (only when asked for a prefix)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> DecodedText:
        """The body as text (charset from header/meta/sniffing, mojibake repaired)."""
        return decode_html(self.body, self.content_type)


@dataclass(frozen=True, slots=True)
class _Hop:
    """One request's answer: a redirect target, or a finished page."""

    location: str | None
    page: FetchedPage | None


class Fetcher:
    """Fetches URLs under the worker's network rules. Use as a context manager."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        resolver: netguard.Resolver = socket.getaddrinfo,
    ) -> None:
        self.settings = settings
        self._allowed = netguard.parse_networks(settings.allowed_networks)
        self._resolver = resolver
        self._sleep = sleep
        self._monotonic = monotonic  # politeness clock; deadlines always use real time
        self._last_request: dict[str, float] = {}
        if transport is None:
            transport = build_transport(self._allowed, settings.allow_private_networks, resolver)
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,  # an env proxy would bypass the address checks
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            event_hooks={"response": [response_hook]},
        )
        self.robots = RobotsCache(settings.user_agent, self._fetch_robots, monotonic)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        min_delay: float = 0.0,
        max_bytes: int | None = None,
        accept: str | None = None,
    ) -> FetchedPage:
        """GET `url` following at most fetch_max_redirects redirects, each re-checked."""
        headers = _request_headers(etag, last_modified, accept)
        cap = max_bytes or self.settings.fetch_max_bytes
        started = time.monotonic()
        deadline = started + self.settings.fetch_timeout_seconds
        return self._follow(url, headers, cap, min_delay, deadline, robots=True)

    def _follow(
        self,
        url: str,
        headers: Mapping[str, str],
        cap: int,
        min_delay: float,
        deadline: float,
        *,
        robots: bool,
        truncate: bool = False,
    ) -> FetchedPage:
        started = deadline - self.settings.fetch_timeout_seconds
        current, seen = url, {url}
        redirects: list[str] = []
        while True:
            self._check_target(current, robots=robots)
            hop = self._request(current, headers, cap, min_delay, deadline, truncate=truncate)
            if hop.page is not None:
                return _finish(hop.page, url, tuple(redirects), started)
            assert hop.location is not None
            current = hop.location
            if current in seen:
                raise TooManyRedirects(url, f"redirect loop at {current}")
            if len(redirects) >= self.settings.fetch_max_redirects:
                raise TooManyRedirects(url, f"more than {len(redirects)} redirects")
            seen.add(current)
            redirects.append(current)

    def _check_target(self, url: str, *, robots: bool) -> None:
        netguard.check_url(
            url,
            allowed=self._allowed,
            allow_private=self.settings.allow_private_networks,
            resolver=self._resolver,
        )
        if robots and self.settings.respect_robots:
            self.robots.check(url)

    def _fetch_robots(self, robots_url: str) -> tuple[bytes, bool]:
        """robots.txt: its first ROBOTS_MAX_BYTES, and whether it went on (RFC 9309 §2.5)."""
        deadline = time.monotonic() + self.settings.fetch_timeout_seconds
        page = self._follow(
            robots_url, {}, ROBOTS_MAX_BYTES, 0.0, deadline, robots=False, truncate=True
        )
        return page.body, page.truncated

    def _request(
        self,
        url: str,
        headers: Mapping[str, str],
        cap: int,
        min_delay: float,
        deadline: float,
        *,
        truncate: bool,
    ) -> _Hop:
        self._wait_politely(url, min_delay)
        try:
            with total_deadline(deadline), self._classified(url, deadline):
                timeout = _timeout(self.settings, deadline)
                with self._client.stream("GET", url, headers=headers, timeout=timeout) as resp:
                    return self._handle(url, resp, cap, deadline, truncate=truncate)
        finally:
            self._last_request[_host_key(url)] = self._monotonic()

    def _handle(
        self, url: str, resp: httpx.Response, cap: int, deadline: float, *, truncate: bool
    ) -> _Hop:
        status = resp.status_code
        if status in REDIRECT_STATUSES and "location" in resp.headers:
            return _Hop(redirect_target(url, resp.headers["location"]), None)
        if status == 304:
            return _Hop(None, _page(url, resp, b""))
        raise_for_status(url, status, resp.headers.get("retry-after"))
        length = resp.headers.get("content-length", "")
        if not truncate and length.isdigit() and int(length) > cap:
            raise BodyTooLarge(url, f"Content-Length {length} exceeds {cap} bytes")

        def check() -> None:
            if time.monotonic() > deadline:
                raise FetchTimeout(url, "total deadline exceeded while reading the body")

        encoding = resp.headers.get("content-encoding")
        chunks = resp.iter_raw(CHUNK_SIZE)
        if not truncate:
            return _Hop(None, _page(url, resp, read_capped(url, chunks, encoding, cap, check)))
        body, cut = read_prefix(url, chunks, encoding, cap, check)
        return _Hop(None, replace(_page(url, resp, body), truncated=cut))

    @contextmanager
    def _classified(self, url: str, deadline: float) -> Iterator[None]:
        """Turn httpx exceptions into our tree, once."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise FetchTimeout(url, f"timed out ({type(exc).__name__})") from exc
        except httpx.InvalidURL as exc:
            raise BadURL(url, str(exc)) from exc
        except MalformedResponse as exc:
            raise BadResponse(url, exc.reason) from exc
        except httpx.TransportError as exc:
            raise classify(url, exc, deadline) from exc

    def _wait_politely(self, url: str, min_delay: float) -> None:
        if not self.settings.politeness or min_delay <= 0:
            return
        last = self._last_request.get(_host_key(url))
        if last is None:
            return
        wait = last + min_delay - self._monotonic()
        if wait > 0:
            logger.debug("politeness wait", extra={"url": url, "seconds": round(wait, 3)})
            self._sleep(wait)


def _request_headers(
    etag: str | None, last_modified: str | None, accept: str | None
) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if accept:
        headers["Accept"] = accept
    return headers


def _timeout(settings: Settings, deadline: float) -> httpx.Timeout:
    remaining = max(deadline - time.monotonic(), 0.001)
    return httpx.Timeout(remaining, connect=min(settings.fetch_connect_timeout_seconds, remaining))


def _host_key(url: str) -> str:
    """Politeness is per host name: two ports of one host are still one server."""
    return (urlsplit(url).hostname or "").lower()


def _page(url: str, resp: httpx.Response, body: bytes) -> FetchedPage:
    h = resp.headers
    not_modified = resp.status_code == 304
    return FetchedPage(
        url=url,
        final_url=url,
        status=resp.status_code,
        content_type=h.get("content-type"),
        etag=h.get("etag"),
        last_modified=h.get("last-modified"),
        retry_after=parse_retry_after(h.get("retry-after")),
        body=body,
        content_hash=None if not_modified else hashlib.sha256(body).hexdigest(),
        elapsed_seconds=0.0,
    )


def _finish(page: FetchedPage, url: str, redirects: tuple[str, ...], started: float) -> FetchedPage:
    elapsed = time.monotonic() - started
    logger.info(
        "fetched",
        extra={
            "url": url,
            "final_url": page.url,
            "status": page.status,
            "bytes": len(page.body),
            "elapsed": round(elapsed, 3),
        },
    )
    return replace(page, url=url, final_url=page.url, elapsed_seconds=elapsed, redirects=redirects)
