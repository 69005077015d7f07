"""Helpers for end-to-end tests: settings pointed at a loopback site, source files, contexts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from worker.bootstrap import Runtime, open_runtime
from worker.context import IngestContext
from worker.db.models import Article, ArticleRevision
from worker.fetch import Fetcher
from worker.settings import Settings
from worker.sources import SourceConfig, load_source


def make_settings(tmp_path: Path, db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "config_dir": tmp_path / "config",
        "database_url": db_url,
        "allowed_networks": ["127.0.0.1/32"],
        "politeness": False,
        "respect_robots": True,
        "fetch_timeout_seconds": 3.0,
        "fetch_max_bytes": 2 * 1024 * 1024,
    }
    values.update(overrides)
    return Settings(**values)


def write_source(settings: Settings, key: str, body: str) -> SourceConfig:
    settings.sources_dir.mkdir(parents=True, exist_ok=True)
    path = settings.sources_dir / f"{key}.toml"
    path.write_text(body, encoding="utf-8")
    return load_source(path)


def feed_source_toml(feed_url: str, *, kind: str = "rss", extra: str = "") -> str:
    return f"""
name = "Fixture outlet"
outlet_type = "newspaper"
province = "Thanh Hóa"
interval_minutes = 30
min_delay_seconds = 0
{extra}
[[discover]]
kind = "{kind}"
url = "{feed_url}"
"""


@contextmanager
def ingest_context(settings: Settings) -> Iterator[tuple[IngestContext, Runtime]]:
    runtime = open_runtime(settings, migrate=True)
    with Fetcher(settings) as fetcher:
        yield IngestContext(settings, runtime.sessions, fetcher), runtime
    runtime.engine.dispose()


def count_rows(runtime: Runtime, model: type[Article] | type[ArticleRevision]) -> int:
    with runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def revisiting_feed_source(
    site_feed_url: str, tmp_path: Path, db_url: str, key: str = "fixture"
) -> tuple[Settings, SourceConfig]:
    """Settings and an RSS source that revisits its articles on every run."""
    settings = make_settings(tmp_path, db_url)
    toml = feed_source_toml(site_feed_url, extra="revisit_interval_minutes = 0")
    return settings, write_source(settings, key, toml)


def redate_page(site: Any, path: str, old: str = "2026-03-07", new: str = "2026-03-09") -> None:
    """Serve the page again with only its publish date changed (date-only churn)."""
    page = site.resource(path).body().decode("utf-8")
    assert old in page
    site.add(path, page.replace(old, new), content_type="text/html; charset=utf-8")
