"""Read API against real PostgreSQL and SQLite with a few hundred structured records:
every filter (checked against the stored rows), diacritic-insensitive search, cursor
pagination with inserts between pages, auth on and off, bad parameters, /changes == the
`newsworker events` output, revisions and diffs, and one real `newsworker serve`."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.e2e.api_seed import SOURCES, police_record, seed
from tests.pg import fresh_pg_database
from worker.api.app import create_app
from worker.bootstrap import Runtime, open_runtime
from worker.db.engine import transaction
from worker.db.models import Article, ArticleFacet
from worker.query import province_values
from worker.settings import Settings
from worker.store import PageMeta, update_article

pytestmark = pytest.mark.db
COUNT = 300
READ, ADMIN = "read-token-0123", "admin-token-4567"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One seeded database per dialect for the module (seeding is the slow part)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'nw.sqlite3'}"
        yield url
        return
    with fresh_pg_database(request.getfixturevalue("pg_admin_url"), "nw_api") as url:
        yield url


@pytest.fixture(scope="module")
def runtime(db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    base = tmp_path_factory.mktemp("data")
    settings = Settings(data_dir=base / "data", config_dir=base / "config", database_url=db)
    rt = open_runtime(settings, migrate=True)
    seed(rt.sessions, COUNT)
    yield rt
    rt.engine.dispose()


@pytest.fixture(scope="module")
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime.settings, runtime))


def _with_tokens(runtime: Runtime) -> TestClient:
    settings = runtime.settings.model_copy(
        update={"api_tokens": [f"read:{READ}", f"admin:{ADMIN}"]}
    )
    return TestClient(create_app(settings, dataclasses.replace(runtime, settings=settings)))


def all_pages(client: TestClient, params: dict[str, Any], limit: int = 37) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get("/articles", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def _stored(runtime: Runtime) -> list[dict[str, Any]]:
    with runtime.sessions() as session:
        facets: dict[int, set[tuple[str, str]]] = {}
        for aid, facet, value in session.execute(
            select(ArticleFacet.article_id, ArticleFacet.facet, ArticleFacet.value)
        ):
            facets.setdefault(aid, set()).add((facet, value))
        return [
            {
                "a": a,
                "facets": facets.get(a.id, set()),
                "kind": dict((k, t) for k, _, t, _ in SOURCES)[a.source_key],
            }
            for a in session.scalars(select(Article))
        ]


def _order(rows: list[dict[str, Any]], sort: str = "published_at") -> list[int]:
    def key(row: dict[str, Any]) -> tuple[int, float, int]:
        value = getattr(row["a"], sort)
        return (value is None, -(value.timestamp() if value else 0), -row["a"].id)

    return [r["a"].id for r in sorted(rows, key=key)]


def _has(facet: str, value: str) -> Callable[[dict[str, Any]], bool]:
    return lambda r: (facet, value) in r["facets"]


def _phrase(words: str) -> Callable[[dict[str, Any]], bool]:
    pattern = re.compile(rf"(?<![a-z0-9]){re.escape(words)}(?![a-z0-9])")
    return lambda r: bool(pattern.search(r["a"].search_text or ""))


SINCE, UNTIL = datetime(2025, 3, 10, tzinfo=UTC), datetime(2025, 3, 20, tzinfo=UTC)
CASES: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
    ({}, lambda r: True),
    ({"source": ["bao-a", "ca-nghe-an"]}, lambda r: r["a"].source_key in ("bao-a", "ca-nghe-an")),
    (
        {"province": "thanh hoa"},
        lambda r: any(
            (f, v) in r["facets"]
            for f in ("province", "province_2025")
            for v in province_values("Thanh Hóa")
        ),
    ),
    ({"outlet_type": "police_portal"}, lambda r: r["kind"] == "police_portal"),
    (
        {"since": "2025-03-10T07:00:00+07:00", "until": "2025-03-20T07:00:00+07:00"},
        lambda r: r["a"].published_at is not None and SINCE <= r["a"].published_at < UNTIL,
    ),
    (
        {"since": "2025-03-31T07:02:00", "time_field": "first_seen_at"},  # Vietnamese time
        lambda r: r["a"].first_seen_at >= datetime(2025, 3, 31, 0, 2, tzinfo=UTC),
    ),
    ({"topic": "ma_tuy"}, _has("topic", "ma_tuy")),
    ({"genre": "event_report"}, lambda r: r["a"].genre == "event_report"),
    ({"crime_article": "174"}, _has("crime_article", "174")),
    ({"person": "Lê Văn Tám"}, _has("person", "le van tam")),
    ({"person": "van tam"}, _has("person", "le van tam")),
    ({"q": "cong an"}, _phrase("cong an")),
    ({"q": "Công An"}, _phrase("cong an")),
    ({"q": "dai ta"}, _phrase("dai ta")),
    ({"q": "ma túy"}, _phrase("ma tuy")),
    ({"is_police_affairs": "false"}, lambda r: r["a"].is_police_affairs is False),
    (
        {"status": "active", "genre": "case_progress", "province": "Nghệ An", "q": "khoi to"},
        lambda r: (
            r["a"].genre == "case_progress"
            and _phrase("khoi to")(r)
            and bool({("province", "Nghệ An"), ("province_2025", "Nghệ An")} & r["facets"])
        ),
    ),
]


@pytest.mark.parametrize(("params", "keep"), CASES, ids=[str(c[0]) for c in CASES])
def test_filter_matches_stored_rows(
    client: TestClient,
    runtime: Runtime,
    params: dict[str, Any],
    keep: Callable[[dict[str, Any]], bool],
) -> None:
    rows = _stored(runtime)
    expected = [r for r in rows if keep(r)]
    assert expected, f"no seeded row matches {params}: the case proves nothing"
    sort = "first_seen_at" if params.get("time_field") == "first_seen_at" else "published_at"
    got = [i["id"] for i in all_pages(client, {**params, "sort": sort})]
    assert got == _order(expected, sort)


def _biggest(runtime: Runtime, column: Any) -> tuple[int, list[int]]:
    with runtime.sessions() as session:
        pairs = session.execute(select(column, Article.id).where(column.is_not(None))).all()
    groups: dict[int, list[int]] = {}
    for key, aid in pairs:
        groups.setdefault(key, []).append(aid)
    key = max(groups, key=lambda k: len(groups[k]))
    assert len(groups[key]) > 1
    return key, sorted(groups[key])


@pytest.mark.parametrize("name", ["story_id", "case_id"])
def test_cluster_filter_and_links(client: TestClient, runtime: Runtime, name: str) -> None:
    key, members = _biggest(runtime, getattr(Article, name))
    got = sorted(i["id"] for i in all_pages(client, {name: key}))
    assert got == members
    detail = client.get(f"/articles/{members[0]}").json()
    link = detail["story" if name == "story_id" else "case"]
    assert link == {"id": key, "article_ids": members[1:]}
    assert detail["police"] == detail["record"]["police"]
    assert detail["police"]["persons"] or detail["police"]["places"]


@pytest.mark.parametrize("sort", ["published_at", "first_seen_at"])
def test_pagination_with_inserts_between_pages(
    client: TestClient, runtime: Runtime, sort: str
) -> None:
    before = set(_order(_stored(runtime), sort))
    seen: list[int] = []
    cursor = None
    start = 10_000 if sort == "published_at" else 20_000
    for page in range(100):
        query: dict[str, Any] = {
            "sort": sort,
            "limit": 25,
            **({"cursor": cursor} if cursor else {}),
        }
        body = client.get("/articles", params=query).json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        # Between pages: new rows, both newer than the cursor and spread through the range.
        seed(runtime.sessions, 3, start=start + page * 3)
    assert len(seen) == len(set(seen)), "a row came twice"
    assert before <= set(seen), f"skipped: {sorted(before - set(seen))[:10]}"


def test_auth_off_and_on(client: TestClient, runtime: Runtime) -> None:
    assert client.get("/articles", params={"limit": 1}).status_code == 200  # no tokens: open
    secured = _with_tokens(runtime)
    assert secured.get("/healthz").status_code == 200  # health checks need no token
    missing = secured.get("/articles")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["detail"]
    wrong = {"Authorization": "Bearer nope-nope-nope"}
    assert secured.get("/articles", headers=wrong).status_code == 401
    read, admin = ({"Authorization": f"Bearer {t}"} for t in (READ, ADMIN))
    for path in ("/articles", "/sources", "/changes", "/metrics", "/articles/1"):
        assert secured.get(path, headers=read).status_code == 200, path
    body = {"url": "https://example.vn/bai-1.html"}
    assert secured.post("/reingest", json=body, headers=read).status_code == 403
    assert secured.post("/reingest", json=body).status_code == 401
    assert secured.post("/reingest", json=body, headers=admin).status_code == 201
    assert secured.get("/articles", headers=admin).status_code == 200


BAD = [
    ({"limit": 0}, 422), ({"limit": 201}, 422), ({"since": "yesterday"}, 422),
    ({"cursor": "not-a-cursor"}, 422), ({"q": "x" * 201}, 422), ({"q": "..."}, 422),
    ({"colour": "red"}, 422), ({"is_police_affairs": "maybe"}, 422), ({"story_id": -1}, 422),
    ({"crime_article": "abc"}, 422), ({"sort": "title"}, 422), ({"status": "deleted"}, 422),
    ({"since": "2025-05-01", "until": "2025-04-01"}, 422),
    ({"person": "a b c d e f g"}, 422), ({"source": [f"s{i}" for i in range(51)]}, 422),
    ({"province": "x", "outlet_type": "x", "since": "2025-01-01", "until": "2026-01-01",
      "topic": "x", "genre": "x", "crime_article": "1", "person": "x", "q": "x",
      "story_id": 1, "case_id": 1}, 422),
]  # fmt: skip


@pytest.mark.parametrize(("params", "status"), BAD, ids=[str(b[0])[:40] for b in BAD])
def test_bad_parameters_are_json_4xx(
    client: TestClient, params: dict[str, Any], status: int
) -> None:
    response = client.get("/articles", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"]


def test_cursor_of_another_sort_is_refused(client: TestClient) -> None:
    cursor = client.get("/articles", params={"limit": 2}).json()["next_cursor"]
    response = client.get("/articles", params={"cursor": cursor, "sort": "first_seen_at"})
    assert response.status_code == 422
    assert "sort" in response.json()["detail"]
    assert client.get("/articles/999999").status_code == 404
    assert client.get("/changes", params={"limit": 5000}).status_code == 422


def test_revisions_and_diff(client: TestClient, runtime: Runtime) -> None:
    article_id = seed(runtime.sessions, 1, start=30_000)[0]
    with transaction(runtime.sessions) as session:
        article = session.get(Article, article_id)
        assert article is not None
        old = police_record(30_000, random.Random(30_000))
        new = dataclasses.replace(
            old,
            title=old.title + " (cập nhật)",
            paragraphs=(*old.paragraphs, "Vụ việc đang được điều tra."),
        )
        meta = PageMeta(old.url, None, None, None, None, datetime.now(UTC))
        update_article(session, article, record=new, meta=meta, parser_version="test")
    revisions = client.get(f"/articles/{article_id}/revisions").json()["revisions"]
    assert [r["revision"] for r in revisions] == [1, 2]
    full = client.get(f"/articles/{article_id}/revisions", params={"full": "true"}).json()
    assert full["revisions"][1]["record"]["title"].endswith("(cập nhật)")
    diff = client.get(f"/articles/{article_id}/diff", params={"from": 1, "to": 2}).json()
    assert {"title", "paragraphs"} <= set(diff["changed"])
    assert diff["fields"]["title"]["new"].endswith("(cập nhật)")
    assert "+Vụ việc đang được điều tra." in diff["fields"]["paragraphs"]["unified_diff"]
    missing = client.get(f"/articles/{article_id}/diff", params={"from": 1, "to": 9})
    assert missing.status_code == 404
    assert client.get(f"/articles/{article_id}/diff", params={"from": 1}).status_code == 422


def _cli_env(runtime: Runtime) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWORKER_")}
    env.update(NEWSWORKER_DATABASE_URL=runtime.settings.effective_database_url,
               NEWSWORKER_DATA_DIR=str(runtime.settings.data_dir),
               NEWSWORKER_CONFIG_DIR=str(runtime.settings.config_dir))  # fmt: skip
    return env


def test_changes_equal_newsworker_events(client: TestClient, runtime: Runtime) -> None:
    pulled: list[dict[str, Any]] = []
    after = 0
    while True:
        body = client.get("/changes", params={"after": after, "limit": 70}).json()
        pulled += body["events"]
        after = body["next_after"]
        if not body["more"]:
            break
    cli = subprocess.run(
        [sys.executable, "-m", "worker.cli", "events", "--after", "0", "--limit", "100000"],
        env=_cli_env(runtime), capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    lines = [json.loads(line) for line in cli.stdout.splitlines()]
    assert len(pulled) >= COUNT
    assert pulled == lines[: len(pulled)] and len(lines) == len(pulled)
    assert [e["seq"] for e in pulled] == list(range(1, len(pulled) + 1))
    typed = client.get("/changes", params={"type": "article.updated", "limit": 1000}).json()
    assert all(e["type"] == "article.updated" for e in typed["events"])


def test_sources_requests_health_metrics(client: TestClient) -> None:
    keys = [s["key"] for s in client.get("/sources").json()["sources"]]
    assert keys == sorted(k for k, *_ in SOURCES)
    headers = {"Idempotency-Key": f"api-test-{uuid.uuid4().hex}"}
    body = {"source": "bao-a", "since": "2025-03-01", "max_pages": 2}
    first = client.post("/reingest", json=body, headers=headers)
    again = client.post("/reingest", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    info = client.get(f"/requests/{first.json()['id']}").json()
    assert info["kind"] == "source" and info["params"]["max_pages"] == 2
    assert client.post("/reingest", json={"max_pages": 2}).status_code == 422
    assert client.post("/reingest", json={"url": "https://x.vn/a", "x": 1}).status_code == 422
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["checks"]["database"]["ok"]
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert re.search(r'^newsworker_events_total\{type="article.created"\} \d+$', metrics.text, re.M)
    assert "newsworker_relay_lag_events" in metrics.text
    assert client.get("/openapi.json").json()["paths"]["/articles"]["get"]["parameters"]


def test_healthz_reports_unreachable_broker(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(update={"broker_url": "redis://127.0.0.1:1/0"})
    app = create_app(settings, dataclasses.replace(runtime, settings=settings))
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_newsworker_serve(runtime: Runtime, tmp_path: Path) -> None:
    import httpx

    env = _cli_env(runtime)
    cmd = [sys.executable, "-m", "worker.cli", "serve"]
    refused = subprocess.run([*cmd, "--host", "0.0.0.0"], env=env, capture_output=True,
                             text=True, timeout=60, check=False)  # fmt: skip
    assert refused.returncode == 2 and "NEWSWORKER_API_TOKENS" in refused.stderr
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([*cmd, "--port", str(port)], env=env, stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.1)
        body = httpx.get(f"{base}/articles", params={"q": "dai ta", "limit": 5}).json()
        assert len(body["items"]) == 5 and body["next_cursor"]
        assert "Đại tá" in httpx.get(f"{base}/articles/{body['items'][0]['id']}").text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert "authentication is off" in (tmp_path / "serve.log").read_text()
