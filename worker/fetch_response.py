"""Fetch stage, malformed answers: what the server sent → BadResponse, or the transport error.

In:  an httpx transport error (with its httpcore/h11 cause chain), or a redirect's Location.
Out: BadResponse (permanent: the same request gets the same bad answer) for response
     headers over MAX_HEADER_BYTES, a status line or header HTTP cannot parse, and a
     Location that is no URI reference; ConnectError / FetchTimeout (transient) for
     everything else, such as resets and a server closing before or during its answer.

Header size: h11 (under httpcore) refuses a header block only once 100 KiB are buffered
without its end, which depending on read sizes lets up to ~164 KiB through; we draw the line
ourselves at 64 KiB (what common reverse proxies pass), so the limit does not depend on
how the bytes arrived. httpx parses the Location of every 3xx itself, before handing the
response back (even with redirects off), and reports a bad one as a RemoteProtocolError with
the cause hidden. So both are checked first, in a response hook (`response_hook`), and a
bad answer leaves through `MalformedResponse`, which the fetcher turns into BadResponse with
the URL as requested.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin, urlsplit

import h11
import httpx

from worker.errors import BadResponse, ConnectError, FetchError, FetchTimeout

# RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). A reference whose
# first segment holds a colon names a scheme, or is no URI reference at all.
_SCHEME_PREFIX = re.compile(r"^([^/?#]*):")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_BAD_HOST_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]")
# h11 reports a connection closed mid-answer as a protocol error too; that one is the
# network's doing (a reset, a crash), not a malformed answer, and stays transient.
_PEER_CLOSED = "peer closed connection"
MAX_HEADER_BYTES = 64 * 1024


class MalformedResponse(Exception):
    """Raised inside httpx's send (response hook); carries why, not the URL."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def location_problem(base: str, location: str) -> str | None:
    """Why `location` (relative to `base`) cannot be followed, or None when it can."""
    ref = location.strip()
    prefix = _SCHEME_PREFIX.match(ref)
    if prefix and not _SCHEME.fullmatch(prefix.group(1)):
        return f"bad Location header {location!r}: {prefix.group(1)!r} is no URI scheme"
    try:
        httpx.URL(base).join(ref)
        parts = urlsplit(urljoin(base, ref))
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except (httpx.InvalidURL, ValueError) as exc:
        return f"bad Location header {location!r}: {exc}"
    if parts.hostname is not None and _BAD_HOST_CHARS.search(parts.hostname):
        return f"bad Location header {location!r}: invalid host name"
    return None


def redirect_target(url: str, location: str) -> str:
    """The absolute URL a redirect sends us to (fragment dropped); BadResponse if bad."""
    problem = location_problem(url, location)
    if problem is not None:
        raise BadResponse(url, problem)
    return urljoin(url, location.strip()).split("#", 1)[0]


def response_hook(response: httpx.Response) -> None:
    """httpx response hook: headers within MAX_HEADER_BYTES, a 3xx's Location followable."""
    size = sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    if size > MAX_HEADER_BYTES:
        raise MalformedResponse(
            f"response headers too large: {size} bytes, more than {MAX_HEADER_BYTES}"
        )
    location = response.headers.get("location")
    if response.is_redirect and location is not None:
        problem = location_problem(str(response.request.url), location)
        if problem is not None:
            raise MalformedResponse(problem)


def _h11_parse_error(exc: BaseException) -> h11.RemoteProtocolError | None:
    """The h11 parse error in `exc`'s cause chain, unless it reports a closed connection."""
    seen: BaseException | None = exc
    for _ in range(8):  # httpx ← httpcore ← h11: a short chain
        if seen is None:
            break
        if isinstance(seen, h11.RemoteProtocolError):
            return None if str(seen).startswith(_PEER_CLOSED) else seen
        seen = seen.__cause__ or seen.__context__
    return None


def classify(url: str, exc: httpx.TransportError, deadline: float) -> FetchError:
    """The error of our tree for an httpx transport error (timeouts are handled before)."""
    if time.monotonic() >= deadline:
        return FetchTimeout(url, "total deadline exceeded")
    parse_error = _h11_parse_error(exc)
    if parse_error is not None:
        hint = parse_error.error_status_hint
        what = "response headers too large" if hint == 431 else "malformed response"
        return BadResponse(url, f"{what}: {parse_error}")
    return ConnectError(url, f"{type(exc).__name__}: {exc}")
