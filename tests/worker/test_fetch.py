"""The fetcher against a live loopback FixtureSite: every fault gives one typed error, in bounded
time and memory. Only 127.0.0.1 is ever contacted; 127.0.0.2 is refused before connecting.
"""

from __future__ import annotations

import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fixtures.fault_routes import gzip_bomb
from tests.fixtures.site import FixtureSite
from worker.errors import (
    BadResponse,
    BlockedAddress,
    BodyTooLarge,
    ClientError,
    ConnectError,
    FetchError,
    FetchTimeout,
    RateLimited,
    RobotsDisallowed,
    ServerError,
    TooManyRedirects,
)
from worker.fetch import Fetcher
from worker.robots import ROBOTS_MAX_BYTES
from worker.settings import Settings

CAP = 1_000_000
TIMEOUT = 2.0
HANG_GUARD = 10.0  # seconds: a hang guard, not a performance assertion


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "allowed_networks": ["127.0.0.1/32"],
        "fetch_timeout_seconds": TIMEOUT,
        "fetch_connect_timeout_seconds": TIMEOUT,
        "fetch_max_bytes": CAP,
        "user_agent": "newsworker-test/1.0",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(make_settings()) as f:
        yield f


def _timed(call: Callable[[], Any]) -> float:
    start = time.monotonic()
    call()
    return time.monotonic() - start


def test_ok_then_304_by_etag(site: FixtureSite, fetcher: Fetcher) -> None:
    site.add("/etag.html", "<p>Xin chào</p>")
    first = fetcher.fetch(site.url("/etag.html"))
    assert first.status == 200 and first.body == "<p>Xin chào</p>".encode()
    assert first.content_hash is not None and len(first.content_hash) == 64
    assert first.etag and first.last_modified and first.final_url == first.url
    again = fetcher.fetch(site.url("/etag.html"), etag=first.etag)
    assert again.status == 304 and again.not_modified
    assert again.body == b"" and again.content_hash is None
    sent = [r.headers for r in site.requests if r.path == "/etag.html"]
    assert sent[-1]["If-None-Match"] == first.etag


def test_last_modified_round_trip_and_edit(site: FixtureSite, fetcher: Fetcher) -> None:
    site.add("/lm.html", "<p>bản một</p>")
    first = fetcher.fetch(site.url("/lm.html"))
    assert fetcher.fetch(site.url("/lm.html"), last_modified=first.last_modified).status == 304
    site.add("/lm.html", "<p>bản hai</p>")
    edited = fetcher.fetch(site.url("/lm.html"), etag=first.etag, last_modified=first.last_modified)
    assert edited.status == 200 and edited.content_hash != first.content_hash
    assert edited.etag != first.etag


def test_gzip_static_is_decompressed(site: FixtureSite, fetcher: Fetcher) -> None:
    body = ("<p>Công an tỉnh Thanh Hóa</p>" * 2000).encode()
    site.add("/gz.html", body)
    site.gzip_static = True
    try:
        page = fetcher.fetch(site.url("/gz.html"))
    finally:
        site.gzip_static = False
    assert page.body == body
    assert "gzip" in site.requests[-1].headers["Accept-Encoding"]


def test_user_agent_and_accept(site: FixtureSite, fetcher: Fetcher) -> None:
    site.add("/ua.xml", "<rss/>", content_type="application/rss+xml")
    fetcher.fetch(site.url("/ua.xml"), accept="application/rss+xml")
    last = site.requests[-1].headers
    assert last["User-Agent"] == "newsworker-test/1.0"
    assert last["Accept"] == "application/rss+xml"


@pytest.mark.parametrize(
    ("route", "error", "transient"),
    [
        ("/fault/500", ServerError, True),
        ("/fault/reset", ConnectError, True),
        ("/fault/short-body", ConnectError, True),
        ("/fault/hang-up", ConnectError, True),
        ("/fault/huge-header", BadResponse, False),
        ("/fault/bad-location", BadResponse, False),
        ("/fault/bad-location-scheme", BadResponse, False),
        ("/fault/bad-status-line", BadResponse, False),
        ("/fault/redirect-loop", TooManyRedirects, False),
        ("/fault/redirect-chain/6", TooManyRedirects, False),
        ("/no-such-page.html", ClientError, False),
    ],
)
def test_faults_are_classified(
    site: FixtureSite, fetcher: Fetcher, route: str, error: type[FetchError], transient: bool
) -> None:
    with pytest.raises(error) as info:
        fetcher.fetch(site.url(route))
    assert info.value.transient is transient
    assert info.value.url == site.url(route)


@pytest.mark.parametrize(("size", "fails"), [(60_000, False), (70_000, True), (100_000, True)])
def test_response_header_size_limit(
    site: FixtureSite, fetcher: Fetcher, size: int, fails: bool
) -> None:
    """Headers up to 64 KiB pass; past it the answer is a permanent bad_response (and past
    h11's own buffer limit too: /fault/huge-header sends 256 KiB)."""
    site.add(f"/header-{size}.html", "<p>x</p>", headers={"X-Padding": "a" * size})
    if not fails:
        assert fetcher.fetch(site.url(f"/header-{size}.html")).status == 200
        return
    with pytest.raises(BadResponse, match="response headers too large") as info:
        fetcher.fetch(site.url(f"/header-{size}.html"))
    assert info.value.kind == "bad_response" and not info.value.transient


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://[::1", BadResponse),
        ("ht!tp://x", BadResponse),
        ("http://a:99999/", BadResponse),
        ("http://exa mple.com/", BadResponse),
        ("ftp://127.0.0.1/x", BlockedAddress),  # a valid URL we may not follow
    ],
)
def test_bad_location_is_a_bad_response(
    site: FixtureSite, fetcher: Fetcher, location: str, error: type[FetchError]
) -> None:
    path = f"/loc-{abs(hash(location))}.html"
    site.add(path, b"", status=302, headers={"Location": location})
    with pytest.raises(error) as info:
        fetcher.fetch(site.url(path))
    assert not info.value.transient
    if error is BadResponse:
        assert info.value.url == site.url(path) and "bad Location header" in str(info.value)


def test_odd_but_valid_locations_are_followed(site: FixtureSite, fetcher: Fetcher) -> None:
    site.add("/target%20a.html", "<p>arrived</p>")
    site.add("/odd-loc.html", b"", status=302, headers={"Location": " /target%20a.html#top "})
    page = fetcher.fetch(site.url("/odd-loc.html"))
    assert page.final_url == site.url("/target%20a.html") and b"arrived" in page.body


def test_429_retry_after_seconds(site: FixtureSite, fetcher: Fetcher) -> None:
    with pytest.raises(RateLimited) as info:
        fetcher.fetch(site.url("/fault/429"))
    assert info.value.status == 429 and info.value.retry_after == 7.0 and info.value.transient


def test_503_retry_after_http_date(site: FixtureSite, fetcher: Fetcher) -> None:
    with pytest.raises(RateLimited) as info:
        fetcher.fetch(site.url("/fault/503-retry-after"))
    assert info.value.status == 503
    assert info.value.retry_after is not None and 20 <= info.value.retry_after <= 31


@pytest.mark.parametrize("status", [404, 410])
def test_gone(site: FixtureSite, fetcher: Fetcher, status: int) -> None:
    site.add(f"/gone-{status}.html", "<p>x</p>")
    site.set_status(f"/gone-{status}.html", status)
    with pytest.raises(ClientError) as info:
        fetcher.fetch(site.url(f"/gone-{status}.html"))
    assert info.value.gone and not info.value.transient


def test_403_is_permanent_not_gone(site: FixtureSite, fetcher: Fetcher) -> None:
    site.add("/forbidden.html", "", status=403)
    with pytest.raises(ClientError) as info:
        fetcher.fetch(site.url("/forbidden.html"))
    assert info.value.status == 403 and not info.value.gone


def test_redirect_chain_of_five_is_followed(site: FixtureSite, fetcher: Fetcher) -> None:
    page = fetcher.fetch(site.url("/fault/redirect-chain/5"))
    assert page.status == 200 and b"arrived" in page.body
    assert len(page.redirects) == 5
    assert page.final_url == site.url("/fault/redirect-chain/0") == page.redirects[-1]


def test_redirect_to_non_allowed_loopback_refused_before_connecting(
    site: FixtureSite, fetcher: Fetcher
) -> None:
    with pytest.raises(BlockedAddress, match=r"127\.0\.0\.2"):
        fetcher.fetch(site.url("/fault/redirect-private"))
    assert site.count("/feed.xml") == 0


def test_loopback_refused_by_default(site: FixtureSite) -> None:
    site.add("/default.html", "<p>x</p>")
    with Fetcher(make_settings(allowed_networks=[])) as f, pytest.raises(BlockedAddress):
        f.fetch(site.url("/default.html"))
    assert site.count("/default.html") == 0


def test_allow_private_networks_opens_loopback(site: FixtureSite) -> None:
    site.add("/private-ok.html", "<p>x</p>")
    settings = make_settings(allowed_networks=[], allow_private_networks=True)
    with Fetcher(settings) as f:
        assert f.fetch(site.url("/private-ok.html")).status == 200


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd"])
def test_non_http_scheme_refused(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(BlockedAddress):
        fetcher.fetch(url)


def test_dns_rebinding_caught_at_connect(site: FixtureSite) -> None:
    """The name resolves to an allowed address when checked, then to another at connect."""
    answers = iter(["127.0.0.1", "127.0.0.2"])

    def rebinding(host: str, port: int, *args: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    site.add("/rebind.html", "<p>x</p>")
    settings = make_settings(respect_robots=False)
    with Fetcher(settings, resolver=rebinding) as f, pytest.raises(BlockedAddress):
        f.fetch(f"http://news.fixture.test:{site.port}/rebind.html")
    assert site.count("/rebind.html") == 0


def test_slow_drip_hits_the_total_deadline(site: FixtureSite, fetcher: Fetcher) -> None:
    def call() -> None:
        with pytest.raises(FetchTimeout) as info:
            fetcher.fetch(site.url("/fault/slow-drip"))
        assert info.value.transient

    elapsed = _timed(call)
    assert 1.0 <= elapsed < HANG_GUARD


def _peak_memory(call: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_endless_body_capped_in_bounded_memory(site: FixtureSite, fetcher: Fetcher) -> None:
    def call() -> None:
        with pytest.raises(BodyTooLarge):
            fetcher.fetch(site.url("/fault/endless"))

    assert _peak_memory(call) < 3 * CAP


def test_gzip_bomb_capped_after_decompression(site: FixtureSite, fetcher: Fetcher) -> None:
    gzip_bomb()  # build the server's cached bomb outside the measurement and the deadline
    assert len(gzip_bomb()) < CAP * 8  # compressed size is small; the inflated size is 1 GiB

    def call() -> None:
        with pytest.raises(BodyTooLarge) as info:
            fetcher.fetch(site.url("/fault/gzip-bomb"), max_bytes=CAP)
        assert not info.value.transient

    start = time.monotonic()
    assert _peak_memory(call) < 3 * CAP
    assert time.monotonic() - start < HANG_GUARD


def test_content_length_over_cap_refused_before_reading(
    site: FixtureSite, fetcher: Fetcher
) -> None:
    site.add("/big.html", b"x" * (2 * CAP))
    with pytest.raises(BodyTooLarge, match="Content-Length"):
        fetcher.fetch(site.url("/big.html"))
    with pytest.raises(BodyTooLarge):
        fetcher.fetch(site.url("/big.html"), max_bytes=100_000)
    assert len(fetcher.fetch(site.url("/big.html"), max_bytes=3 * CAP).body) == 2 * CAP


def test_wrong_charset_fixed(site: FixtureSite, fetcher: Fetcher) -> None:
    page = fetcher.fetch(site.url("/fault/wrong-charset"))
    assert "iso-8859-1" in (page.content_type or "")
    decoded = page.text()
    assert "Công an tỉnh Thanh Hóa triệt phá đường dây đánh bạc" in decoded.text
    assert decoded.encoding == "utf-8"


def test_mojibake_page_repaired(site: FixtureSite, fetcher: Fetcher) -> None:
    decoded = fetcher.fetch(site.url("/fault/mojibake")).text()
    assert decoded.mojibake_repaired and "Lao Động" in decoded.text


@pytest.mark.parametrize(
    "route",
    [
        "/fault/garbage.xml",
        "/fault/truncated.xml",
        "/fault/billion-laughs.xml",
        "/fault/html-as-feed.xml",
    ],
)
def test_bad_xml_is_delivered_as_bytes_for_the_parser(
    site: FixtureSite, fetcher: Fetcher, route: str
) -> None:
    """Fetch does not parse: it hands over the raw bytes (entities unexpanded) within the cap."""
    page = fetcher.fetch(site.url(route))
    assert page.status == 200 and 0 < len(page.body) <= CAP
    assert "rss" in (page.content_type or "")


# robots.txt -------------------------------------------------------------------------------
@pytest.fixture
def robots_site() -> Iterator[FixtureSite]:
    with FixtureSite(robots="User-agent: *\nDisallow: /private/\n") as running:
        running.add("/private/a.html", "<p>secret</p>")
        running.add("/public.html", "<p>ok</p>")
        yield running


def test_robots_honoured_and_fetched_once(robots_site: FixtureSite, fetcher: Fetcher) -> None:
    with pytest.raises(RobotsDisallowed) as info:
        fetcher.fetch(robots_site.url("/private/a.html"))
    assert not info.value.transient
    for _ in range(3):
        assert fetcher.fetch(robots_site.url("/public.html")).status == 200
    assert robots_site.count("/robots.txt") == 1
    assert robots_site.count("/private/a.html") == 0


def test_robots_ignored_when_disabled(robots_site: FixtureSite) -> None:
    with Fetcher(make_settings(respect_robots=False)) as f:
        assert f.fetch(robots_site.url("/private/a.html")).status == 200
    assert robots_site.count("/robots.txt") == 0


def test_robots_redirect_target_rechecked(robots_site: FixtureSite, fetcher: Fetcher) -> None:
    robots_site.add("/moved.html", b"", status=301, headers={"Location": "/private/a.html"})
    with pytest.raises(RobotsDisallowed):
        fetcher.fetch(robots_site.url("/moved.html"))


def test_robots_403_disallows_all(site: FixtureSite) -> None:
    with FixtureSite() as other, Fetcher(make_settings()) as f:
        other.add("/robots.txt", b"", status=403)
        other.add("/page.html", "<p>x</p>")
        with pytest.raises(RobotsDisallowed):
            f.fetch(other.url("/page.html"))


def test_robots_5xx_is_transient_and_not_cached() -> None:
    with FixtureSite() as other, Fetcher(make_settings()) as f:
        other.add("/robots.txt", b"", status=503)
        other.add("/page.html", "<p>x</p>")
        with pytest.raises(ServerError):
            f.fetch(other.url("/page.html"))
        other.remove("/robots.txt")  # now 404: allow all
        assert f.fetch(other.url("/page.html")).status == 200
        assert other.count("/robots.txt") == 2


def _padded(head: str, size: int, tail: str = "") -> str:
    """`head`, one ASCII comment line filling it to exactly `size` bytes, then `tail`."""
    return head + "#" + "x" * (size - len(head) - 2) + "\n" + tail


@pytest.mark.parametrize("gzipped", [False, True])
def test_robots_over_the_cap_is_parsed_up_to_it(gzipped: bool) -> None:
    """RFC 9309 §2.5: a robots.txt over the cap is read up to it, never taken as allow-all."""
    assert ROBOTS_MAX_BYTES >= 500 * 1024
    two_mb = _padded("User-agent: *\nDisallow: /\n", 2 * 1024 * 1024)
    with FixtureSite(gzip_static=gzipped) as other, Fetcher(make_settings()) as f:
        other.add("/robots.txt", two_mb, content_type="text/plain; charset=utf-8")
        other.add("/page.html", "<p>x</p>")
        with pytest.raises(RobotsDisallowed):
            f.fetch(other.url("/page.html"))
        with pytest.raises(RobotsDisallowed):
            f.fetch(other.url("/other.html"))
        assert other.count("/robots.txt") == 1 and other.count("/page.html") == 0


def test_robots_rules_past_the_cap_are_ignored() -> None:
    head = "User-agent: *\nDisallow: /private/\n"
    with FixtureSite(robots=_padded(head, 1024 * 1024, "Disallow: /late/\n")) as other:
        other.add("/private/a.html", "<p>x</p>")
        other.add("/late/a.html", "<p>x</p>")
        with Fetcher(make_settings()) as f:
            with pytest.raises(RobotsDisallowed):
                f.fetch(other.url("/private/a.html"))
            assert f.fetch(other.url("/late/a.html")).status == 200


def test_robots_line_cut_by_the_cap_is_dropped() -> None:
    """The cap falls inside "Disallow: /private-area/": read as "Disallow: /" it would shut
    the whole site, so the cut line is left out; the lines before it still count."""
    head = "User-agent: *\nDisallow: /private/\n"
    cut_at = ROBOTS_MAX_BYTES - len("Disallow: /")
    body = _padded(_padded(head, cut_at, "Disallow: /private-area/\n"), 2 * ROBOTS_MAX_BYTES)
    assert body.encode()[:ROBOTS_MAX_BYTES].endswith(b"\nDisallow: /")
    with FixtureSite(robots=body) as other, Fetcher(make_settings()) as f:
        other.add("/private-area/a.html", "<p>x</p>")
        other.add("/private/a.html", "<p>x</p>")
        assert f.fetch(other.url("/private-area/a.html")).status == 200
        with pytest.raises(RobotsDisallowed):
            f.fetch(other.url("/private/a.html"))


# politeness ------------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_politeness_delay_between_requests_to_one_host(site: FixtureSite) -> None:
    site.add("/p1.html", "<p>1</p>")
    clock = FakeClock()
    settings = make_settings(respect_robots=False)
    with Fetcher(settings, sleep=clock.sleep, monotonic=clock.monotonic) as f:
        f.fetch(site.url("/p1.html"), min_delay=2.0)
        assert clock.sleeps == []
        f.fetch(site.url("/p1.html"), min_delay=2.0)
        assert clock.sleeps == [pytest.approx(2.0)]
        clock.now += 5.0  # enough time passed: no wait
        f.fetch(site.url("/p1.html"), min_delay=2.0)
        assert len(clock.sleeps) == 1
        clock.now += 0.5
        f.fetch(site.url("/p1.html"), min_delay=2.0)
        assert clock.sleeps[-1] == pytest.approx(1.5)


def test_politeness_off(site: FixtureSite) -> None:
    site.add("/p2.html", "<p>2</p>")
    clock = FakeClock()
    settings = make_settings(respect_robots=False, politeness=False)
    with Fetcher(settings, sleep=clock.sleep, monotonic=clock.monotonic) as f:
        for _ in range(3):
            f.fetch(site.url("/p2.html"), min_delay=5.0)
    assert clock.sleeps == []
