"""Failed items remembered (issue 14, item 2), through the whole pipeline on the loopback
site, SQLite and PostgreSQL, with time driven by the context's clock:

- a feed whose first max_articles_per_run items always fail (404, parse error) gets its
  good items stored on the second run; the failing ones wait for their retries, which
  take a bounded share of later runs; a retry that succeeds is forgotten;
- one failing item backs off (10, 20, then capped), is given up after the limit, is not
  fetched by later runs, shows in `newsworker sources` and the API, and a manual
  re-ingest of its URL stores it and forgets it;
- a source whose every article fails is failing and pauses; runs with only deferred items
  neither end nor extend that.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.e2e.helpers import ingest_context, make_settings, write_source
from tests.fixtures.corpus_site import ArticleSpec, populate_news_site, render
from tests.fixtures.site import FixtureSite
from worker.api.app import create_app
from worker.cli import build_parser
from worker.commands import cmd_sources
from worker.context import IngestContext, utcnow
from worker.db.engine import make_session_factory, transaction
from worker.db.models import Article, Event, IngestRun, ItemFailure, Source
from worker.health import ARTICLES_FAILED
from worker.item_state import RetryPolicy, note_failure, state_of
from worker.pipeline import run_source
from worker.requests import execute_request, submit_request
from worker.settings import Settings
from worker.sources import SourceConfig

pytestmark = pytest.mark.db
RSS = "application/rss+xml; charset=utf-8"
EMPTY_PAGE = "<!doctype html><html><head></head><body><div></div></body></html>"


class Clock:
    """The run's notion of now, moved by the test."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


def _feed(site: FixtureSite, path: str, urls: list[str], title: str = "Tin") -> str:
    items = "".join(
        f"<item><title>{escape(title)} {n}</title><link>{escape(url)}</link></item>"
        for n, url in enumerate(urls)
    )
    site.add(
        path,
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}'
        f"</title>{items}</channel></rss>",
        RSS,
    )
    return site.url(path)


def _source(settings: Settings, key: str, feed_url: str, extra: str = "") -> SourceConfig:
    body = (
        f'name = "{key}"\noutlet_type = "newspaper"\nmin_delay_seconds = 0\n{extra}\n'
        f'[[discover]]\nkind = "rss"\nurl = "{feed_url}"\n'
    )
    return write_source(settings, key, body)


def _broken(site: FixtureSite, prefix: str, count: int) -> list[ArticleSpec]:
    """`count` real article pages answering 404 (until set_status(path, 200))."""
    specs = populate_news_site(site, prefix=prefix, count=count, seed=len(prefix))
    for spec in specs:
        site.set_status(spec.path, 404)
    return specs


def _states(ctx: IngestContext, key: str) -> dict[str, ItemFailure]:
    with ctx.sessions() as session:
        rows = session.scalars(select(ItemFailure).where(ItemFailure.source_key == key))
        return {row.url: row for row in rows}


def _source_row(ctx: IngestContext, key: str) -> Source:
    with ctx.sessions() as session:
        row = session.get(Source, key)
        assert row is not None
        return row


def _run_statuses(ctx: IngestContext, key: str) -> list[str]:
    with ctx.sessions() as session:
        stmt = select(IngestRun.status).where(IngestRun.source_key == key).order_by(IngestRun.id)
        return list(session.scalars(stmt))


def test_retry_policy_defaults() -> None:
    """10 minutes doubling, capped at a day, given up at the eighth failure."""
    policy = RetryPolicy.of(Settings())
    minutes = [policy.delay(n) / timedelta(minutes=1) for n in range(1, 12)]
    assert minutes == [10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440, 1440]
    assert policy.give_up_after == 8


def test_failing_head_of_feed_does_not_starve_the_good_items(
    site: FixtureSite, tmp_path: Path, db_url: str
) -> None:
    """max_articles_per_run = 4 and the feed's first four items always fail (three 404,
    one page with no article): the first run fails them all (a failed run), the second
    stores the four good ones behind them; later runs retry one failing item per run."""
    bad = [s.url for s in _broken(site, "/starve-404", 3)]
    site.add("/starve/empty.html", EMPTY_PAGE)
    bad.append(site.url("/starve/empty.html"))
    good = populate_news_site(site, prefix="/starve-good", count=4, seed=7)
    feed = _feed(site, "/starve.xml", bad + [s.url for s in good])
    settings = make_settings(tmp_path, db_url)
    source = _source(settings, "starve", feed, "max_articles_per_run = 4")
    clock = Clock()
    with ingest_context(settings) as (base, _):
        ctx = dataclasses.replace(base, clock=clock)
        first = run_source(ctx, source)
        assert (first.fetched, first.failed, first.created, first.ok) == (4, 4, 0, False)
        states = _states(ctx, "starve")
        assert set(states) == set(bad)
        assert {s.state for s in states.values()} == {"backoff"}
        assert {s.next_try_at for s in states.values()} == {clock.now + timedelta(minutes=10)}
        assert states[bad[0]].last_http_status == 404
        assert states[bad[0]].last_kind == "client_error"
        assert states[bad[3]].last_stage == "parse"
        row = _source_row(ctx, "starve")
        assert (row.consecutive_errors, row.last_error_kind) == (1, ARTICLES_FAILED)
        assert "all 4 attempted articles failed" in (row.last_error or "")

        clock.advance(minutes=1)
        second = run_source(ctx, source)
        assert (second.created, second.failed, second.deferred, second.ok) == (4, 0, 4, True)
        assert [site.count(u.removeprefix(site.base_url)) for u in bad] == [1, 1, 1, 1]
        assert _source_row(ctx, "starve").consecutive_errors == 0

        # The listing was read through (deferred items do not hold it "changed"): the
        # next run finds it unchanged and only spends the retry budget, max(1, 4 // 4).
        clock.advance(minutes=10)
        third = run_source(ctx, source)
        assert (third.discovered, third.fetched, third.retried, third.failed) == (0, 1, 1, 1)
        assert third.ok and _source_row(ctx, "starve").consecutive_errors == 0
        retried = [u for u, s in _states(ctx, "starve").items() if s.failures == 2]
        assert len(retried) == 1
        assert _states(ctx, "starve")[retried[0]].next_try_at == clock.now + timedelta(minutes=20)

        # The items come back (the 404s answer, the empty page gets an article): the due
        # retry (longest waiting first, one per run) is stored and forgotten.
        for url in bad[:3]:
            site.set_status(url.removeprefix(site.base_url), 200)
        (late,) = populate_news_site(site, prefix="/starve-late", count=1, seed=9)
        site.add("/starve/empty.html", render(late))
        clock.advance(minutes=30)
        fourth = run_source(ctx, source)
        assert (fourth.retried, fourth.created, fourth.failed) == (1, 1, 0)
        left = _states(ctx, "starve")
        assert len(left) == 3 and retried[0] in left
        (stored,) = set(bad) - set(left)
        with ctx.sessions() as session:
            assert session.scalar(select(Article.id).where(Article.url == stored)) is not None


def test_failing_item_backs_off_gives_up_and_manual_reingest_stores_it(
    site: FixtureSite, tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Base 10 min, cap 30 min, give up at 5: next tries after 10, 20, 30, 30 minutes,
    then given up and never fetched by runs; listed by the CLI and the API; a manual
    re-ingest of the URL (as `newsworker reingest --url --here`) stores it and forgets it."""
    (spec,) = _broken(site, "/giveup", 1)
    good = populate_news_site(site, prefix="/giveup-good", count=1, seed=3)
    settings = make_settings(tmp_path, db_url, item_retry_max_hours=0.5, item_give_up_after=5)
    source = _source(settings, "giveup", _feed(site, "/giveup.xml", [spec.url]))
    clock = Clock()
    waits = []
    with ingest_context(settings) as (base, runtime):
        ctx = dataclasses.replace(base, clock=clock)
        for _ in range(5):
            summary = run_source(ctx, source)
            assert summary.failed == 1
            state = _states(ctx, "giveup")[spec.url]
            if state.next_try_at is not None:
                waits.append((state.next_try_at - clock.now) / timedelta(minutes=1))
                clock.now = state.next_try_at
        assert waits == [10, 20, 30, 30]
        assert (state.state, state.failures, state.gave_up_at) == ("gave_up", 5, clock.now)
        assert site.count(spec.path) == 5

        # Given up: later runs (the feed changed, listing it again) skip it.
        _feed(site, "/giveup.xml", [spec.url, good[0].url], title="Mới")
        clock.advance(days=3)
        later = run_source(ctx, source)
        assert (later.created, later.given_up, later.fetched) == (1, 1, 1)
        assert site.count(spec.path) == 5

        _check_visible(settings, runtime, spec.url, capsys)

        site.set_status(spec.path, 200)
        request_id, _ = submit_request(runtime.sessions, "url", {"url": spec.url, "source": None})
        assert execute_request(runtime, request_id) == "done"
        assert _states(ctx, "giveup") == {}
        with ctx.sessions() as session:
            assert session.scalar(select(Article.id).where(Article.url == spec.url)) is not None


def _check_visible(settings: Settings, runtime: Any, url: str, capsys: Any) -> None:
    """`newsworker sources [--json]`, `sources --failed KEY`, GET /sources and
    GET /sources/{key}/failed-items all show the given-up item."""
    rows = _cli(settings, capsys, "--json")
    assert [(r["key"], r["items_backing_off"], r["items_given_up"]) for r in rows] == [
        ("giveup", 0, 1)
    ]
    (item,) = _cli(settings, capsys, "--failed", "giveup", "--json")
    assert (item["url"], item["state"], item["failures"]) == (url, "gave_up", 5)
    assert (item["last_kind"], item["last_http_status"]) == ("client_error", 404)
    assert "items: 0 backing off, 1 given up" in _cli(settings, capsys)[0]
    assert "gave_up    5 failures" in _cli(settings, capsys, "--failed", "giveup")[0]
    client = TestClient(create_app(runtime.settings, runtime))
    (source,) = client.get("/sources").json()["sources"]
    assert (source["items_backing_off"], source["items_given_up"]) == (0, 1)
    listed = client.get("/sources/giveup/failed-items", params={"state": "gave_up"}).json()
    assert [i["url"] for i in listed["items"]] == [url]
    assert client.get("/sources/giveup/failed-items?state=backoff").json()["items"] == []
    assert client.get("/sources/nope/failed-items").status_code == 404
    assert client.get("/sources/giveup/failed-items?state=other").status_code == 422
    assert "items: 0 backing off, 1 given up" in client.get("/ui").text


def _cli(settings: Settings, capsys: Any, *options: str) -> list[Any]:
    """`newsworker sources OPTIONS` (parsed by the CLI's parser, run by its handler):
    JSON lines decoded with --json, else the text lines."""
    args = build_parser().parse_args(["sources", *options])
    capsys.readouterr()
    assert cmd_sources(args, settings) == 0
    lines = capsys.readouterr().out.splitlines()
    return [json.loads(line) for line in lines] if "--json" in options else lines


def test_source_whose_every_article_fails_is_failing_and_pauses(
    site: FixtureSite, tmp_path: Path, db_url: str
) -> None:
    """PAUSE_AFTER_FAILURES = 3. Run 1: both items fail (failed run). Run 2: the feed
    changed but lists only those two, not due: nothing attempted, the streak holds (not
    reset, not grown). Runs 3 and 4: one more failing item each: failing, then paused."""
    prefix = "/allbad"
    specs = _broken(site, prefix, 4)
    feed_path = f"{prefix}.xml"
    settings = make_settings(tmp_path, db_url, pause_after_failures=3)
    source = _source(settings, "allbad", _feed(site, feed_path, [s.url for s in specs[:2]]))
    clock = Clock()
    with ingest_context(settings) as (base, _):
        ctx = dataclasses.replace(base, clock=clock)
        assert not run_source(ctx, source).ok
        assert _source_row(ctx, "allbad").consecutive_errors == 1

        clock.advance(minutes=1)
        _feed(site, feed_path, [s.url for s in specs[:2]], title="Sửa")
        held = run_source(ctx, source)
        assert (held.discovered, held.deferred, held.fetched, held.ok) == (2, 2, 0, True)
        row = _source_row(ctx, "allbad")
        assert (row.consecutive_errors, row.paused_reason) == (1, None)

        for n in (3, 4):
            clock.advance(minutes=1)
            _feed(site, feed_path, [s.url for s in specs[:n]], title=f"Tin {n}")
            summary = run_source(ctx, source)
            assert (summary.fetched, summary.failed, summary.deferred) == (1, 1, n - 1)
        row = _source_row(ctx, "allbad")
        assert row.consecutive_errors == 3
        assert row.last_error_kind == ARTICLES_FAILED
        assert row.paused_reason is not None and "all 1 attempted" in row.paused_reason
        assert _run_statuses(ctx, "allbad") == ["failed", "ok", "failed", "failed"]
        with ctx.sessions() as session:
            kinds = list(session.scalars(select(Event.type).where(Event.source_key == "allbad")))
        assert kinds == ["source.failing"]


def test_long_urls_are_remembered(migrated_engine: Any) -> None:
    """A URL longer than a PostgreSQL btree entry may be (2704 bytes) is keyed by its hash."""
    sessions = make_session_factory(migrated_engine)
    url = "https://example.vn/tin/" + "a" * 5000 + ".html"
    policy = RetryPolicy(timedelta(minutes=10), timedelta(hours=1), 3)
    now = utcnow()
    with transaction(sessions) as session:
        session.add(Source(key="s", name="s", outlet_type="newspaper", consecutive_errors=0))
    for _ in range(2):
        with transaction(sessions) as session:
            note_failure(session, "s", url, now, policy, hint="h")
    with sessions() as session:
        row = state_of(session, "s", url)
        assert row is not None
        assert (row.url, row.failures, row.state, row.hint) == (url, 2, "backoff", "h")
        assert row.next_try_at == now + timedelta(minutes=20)
