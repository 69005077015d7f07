"""Fetch stage, robots.txt: URL → may our user agent fetch it? One robots.txt per host, cached.

In:  a URL and a function that fetches a robots.txt URL through the fetcher (body, cut?).
Out: allowed / RobotsDisallowed.

Status rules (RFC 9309, plus the common 401/403 reading):
- 2xx: parse the body; a body over ROBOTS_MAX_BYTES (512 KiB, RFC 9309 §2.5: at least
  500 KiB) is parsed up to the cap, its last, cut line dropped, and the rest ignored (logged);
- 401/403: disallow the whole host;  other 4xx (404/410 ...): allow all;
- 5xx, timeouts, connection errors: the transient FetchError propagates and nothing is
  cached, so the next fetch tries again. (RFC 9309 says to assume "disallow all" while
  the server errs; a transient error keeps the article and retries later, which is the
  same outcome for us without remembering a failure.)
Entries live ROBOTS_TTL_SECONDS (24 h, the RFC's suggested maximum).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from worker.errors import ClientError, RobotsDisallowed

logger = logging.getLogger(__name__)

ROBOTS_TTL_SECONDS = 24 * 3600.0
ROBOTS_MAX_BYTES = 512 * 1024

# robots URL → (body up to ROBOTS_MAX_BYTES, whether it went on); raises FetchError subclasses
RobotsFetch = Callable[[str], tuple[bytes, bool]]


@dataclass(slots=True)
class _Entry:
    parser: RobotFileParser
    expires: float


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


ALLOW_ALL: list[str] = []
DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


def _parser_from(lines: list[str]) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(lines)  # also marks it as read; an unread parser refuses everything
    return parser


class RobotsCache:
    """Per-host robots.txt rules for one user agent."""

    def __init__(
        self,
        user_agent: str,
        fetch: RobotsFetch,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._agent = user_agent.split("/", 1)[0].strip() or user_agent
        self._fetch = fetch
        self._monotonic = monotonic
        self._entries: dict[str, _Entry] = {}

    def check(self, url: str) -> None:
        """Raise RobotsDisallowed if robots.txt forbids `url` for our agent."""
        parser = self._parser_for(robots_url(url))
        if not parser.can_fetch(self._agent, url):
            logger.info("robots disallowed", extra={"url": url})
            raise RobotsDisallowed(url, "robots.txt disallows this URL")

    def _parser_for(self, robots: str) -> RobotFileParser:
        entry = self._entries.get(robots)
        now = self._monotonic()
        if entry is not None and entry.expires > now:
            return entry.parser
        parser = self._load(robots)
        self._entries[robots] = _Entry(parser, now + ROBOTS_TTL_SECONDS)
        return parser

    def _load(self, robots: str) -> RobotFileParser:
        try:
            body, truncated = self._fetch(robots)
        except ClientError as exc:
            if exc.status in (401, 403):
                logger.info("robots forbidden", extra={"url": robots, "status": exc.status})
                return _parser_from(DISALLOW_ALL)
            return _parser_from(ALLOW_ALL)
        if truncated:
            logger.warning(
                "robots.txt over the cap, parsed up to it",
                extra={"url": robots, "max_bytes": ROBOTS_MAX_BYTES},
            )
            # The cut line could read "Disallow: /" where the file says "/private/": drop it.
            body = body[: max(body.rfind(b"\n"), body.rfind(b"\r")) + 1]
        text = body.decode("utf-8", errors="replace")
        return _parser_from(text.splitlines())
