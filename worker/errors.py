"""The worker's exception tree. Transient vs permanent is decided once, here and in fetch.

NewsworkerError
├── SettingsError              bad NEWSWORKER_* variable (names it)
├── SourceConfigError          a config/sources/<key>.toml that fails validation (file, field)
└── FetchError                 anything that stops a URL from yielding a usable body
    ├── TransientFetchError    worth retrying later
    │   ├── FetchTimeout       connect/read/total deadline exceeded
    │   ├── ServerError        5xx
    │   ├── RateLimited        429 / 503 with Retry-After (retry_after seconds)
    │   └── ConnectError       DNS / connection refused / reset
    └── PermanentFetchError    retrying will not help
        ├── ClientError        4xx other than 429 (status kept; 404/410 mean gone)
        ├── BodyTooLarge       decompressed body above the cap
        ├── BlockedAddress     target resolves to a non-global address
        ├── TooManyRedirects   more than the redirect limit, or a loop
        ├── RobotsDisallowed   robots.txt forbids the URL for our user agent
        ├── BadURL             unparseable URL
        ├── BadResponse        malformed answer: headers over the size limit, a bad
        │                      Location, a status line or header HTTP cannot parse
        └── BadContent         wrong content type / undecodable body / unknown encoding
Parsing errors live in scrapers.errors (ScrapeError tree).
"""

from __future__ import annotations


class NewsworkerError(Exception):
    """Base class for errors the worker raises on purpose."""

    kind: str = "error"


class SettingsError(NewsworkerError):
    kind = "settings"


class SourceConfigError(NewsworkerError):
    kind = "source_config"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class FetchError(NewsworkerError):
    kind = "fetch"
    transient: bool = False

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url


class TransientFetchError(FetchError):
    transient = True


class FetchTimeout(TransientFetchError):
    kind = "timeout"


class ServerError(TransientFetchError):
    kind = "server_error"

    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status


class RateLimited(TransientFetchError):
    kind = "rate_limited"

    def __init__(self, url: str, status: int, retry_after: float | None) -> None:
        super().__init__(url, f"HTTP {status}, retry after {retry_after}s")
        self.status = status
        self.retry_after = retry_after


class ConnectError(TransientFetchError):
    kind = "connect"


class PermanentFetchError(FetchError):
    transient = False


class ClientError(PermanentFetchError):
    kind = "client_error"

    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status

    @property
    def gone(self) -> bool:
        return self.status in (404, 410)


class BodyTooLarge(PermanentFetchError):
    kind = "too_large"


class BlockedAddress(PermanentFetchError):
    kind = "blocked_address"


class TooManyRedirects(PermanentFetchError):
    kind = "redirects"


class RobotsDisallowed(PermanentFetchError):
    kind = "robots"


class BadURL(PermanentFetchError):
    kind = "bad_url"


class BadResponse(PermanentFetchError):
    """The server answered, but not with something HTTP lets us use (retrying repeats it)."""

    kind = "bad_response"


class BadContent(PermanentFetchError):
    kind = "bad_content"
