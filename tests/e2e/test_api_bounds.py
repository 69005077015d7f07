"""Bad numbers and text on every route answer 422 with a JSON detail naming the parameter,
on real PostgreSQL and SQLite: ids out of the columns' range (2^31, 2^63, -2^63-1, 10^30)
in paths, filters, `after`, diff revisions, cursors and the operator page; NUL in every
text filter and in a re-ingest body; times without a UTC equivalent; malformed cursors.
Before worker/bounds.py these were 500s (2^31 and NUL on PostgreSQL, 2^63 on both)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.api_seed import seed
from tests.pg import fresh_pg_database
from worker.api.app import create_app
from worker.bootstrap import open_runtime
from worker.query import Cursor, encode_cursor
from worker.settings import Settings

pytestmark = pytest.mark.db
HUGE = [2**31, 2**63, -(2**63) - 1, 10**30]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    base = tmp_path_factory.mktemp("bounds")

    def serve(url: str) -> Iterator[TestClient]:
        settings = Settings(data_dir=base / "data", config_dir=base / "config", database_url=url)
        runtime = open_runtime(settings, migrate=True)
        seed(runtime.sessions, 12)
        yield TestClient(create_app(settings, runtime))
        runtime.engine.dispose()

    if request.param == "sqlite":
        yield from serve(f"sqlite:///{base / 'nw.sqlite3'}")
        return
    with fresh_pg_database(request.getfixturevalue("pg_admin_url"), "nw_bounds") as url:
        yield from serve(url)


def _cursor(raw: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


def _id_cursor(value: int) -> str:
    return encode_cursor(Cursor("published_at", datetime(2025, 3, 1, tzinfo=UTC), value))


# (method, path, params or JSON body, the parameter the detail must name)
ROUTES = [
    ("GET", "/articles/{v}", None, "article_id"),
    ("GET", "/articles/{v}/revisions", None, "article_id"),
    ("GET", "/articles/1/diff", {"from": "{v}", "to": 1}, "from"),
    ("GET", "/articles/1/diff", {"from": 1, "to": "{v}"}, "to"),
    ("GET", "/articles", {"story_id": "{v}"}, "story_id"),
    ("GET", "/articles", {"case_id": "{v}"}, "case_id"),
    ("GET", "/articles", {"limit": "{v}"}, "limit"),
    ("GET", "/changes", {"after": "{v}"}, "after"),
    ("GET", "/changes", {"limit": "{v}"}, "limit"),
    ("GET", "/requests/{v}", None, "request_id"),
    ("GET", "/ui/articles/{v}", None, "article_id"),
    ("POST", "/reingest", {"source": "bao-a", "max_pages": "{v}"}, "max_pages"),
]  # fmt: skip


def _fill(value: Any, number: int) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, number) for k, v in value.items()}
    return number if value == "{v}" else value


@pytest.mark.parametrize("number", HUGE, ids=["2^31", "2^63", "-2^63-1", "10^30"])
@pytest.mark.parametrize("route", ROUTES, ids=[f"{r[1]}:{r[3]}" for r in ROUTES])
def test_out_of_range_integers_are_422(
    client: TestClient, route: tuple[str, str, Any, str], number: int
) -> None:
    method, path, params, name = route
    url = path.replace("{v}", str(number))
    if method == "POST":
        response = client.post(url, json=_fill(params, number))
    else:
        response = client.get(url, params=_fill(params, number))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert [e["loc"][-1] for e in detail] == [name], detail


@pytest.mark.parametrize(
    "number", [*HUGE, 0, -1], ids=["2^31", "2^63", "-2^63-1", "10^30", "0", "-1"]
)
@pytest.mark.parametrize("path", ["/articles", "/ui/articles"])
def test_cursor_ids_out_of_range_are_422(client: TestClient, path: str, number: int) -> None:
    response = client.get(path, params={"cursor": _id_cursor(number)})
    assert response.status_code == 422, response.text
    assert "cursor is not one this server issued" in response.text
    good = client.get(path, params={"cursor": _id_cursor(2**31 - 1)})
    assert good.status_code == 200


MALFORMED = [
    "not-a-cursor", "A" * 201, _cursor([1, 2]), _cursor({"a": 1}),
    _cursor(["published_at", "yesterday", 1]), _cursor(["published_at", 5, 1]),
    _cursor(["published_at", "2025-03-01T00:00:00", 1]),  # no offset
    _cursor(["published_at", "0001-01-01T00:00:00+14:00", 1]),  # no UTC equivalent
    _cursor(["published_at", None, "7"]), _cursor(["published_at", None, 1.5]),
    _cursor(["published_at", None, True]), _cursor(["published_at", None, None]),
    _cursor(["published_at\x00", None, 1]), "eyJh\x00",
]  # fmt: skip


@pytest.mark.parametrize("cursor", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_cursors_are_422(client: TestClient, cursor: str) -> None:
    response = client.get("/articles", params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert "cursor" in json.dumps(response.json()["detail"])


TEXT = ["q", "person", "province", "source", "topic", "genre", "outlet_type", "crime_article"]


@pytest.mark.parametrize("name", TEXT)
def test_nul_in_text_filters_is_422(client: TestClient, name: str) -> None:
    value = "cong\x00an" if name != "crime_article" else "174\x00"
    response = client.get("/articles", params={name: value})
    assert response.status_code == 422, response.text
    assert all(name in e["loc"] for e in response.json()["detail"]), response.text
    page = client.get("/ui/articles", params={name: value})
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert "\x00" not in page.text
    clean = value.replace("\x00", " " if name in ("q", "person") else "")
    assert client.get("/articles", params={name: clean}).status_code == 200


def test_nul_elsewhere_is_422(client: TestClient) -> None:
    typed = client.get("/changes", params={"type": "article.created\x00"})
    assert typed.status_code == 422 and typed.json()["detail"][0]["loc"][-2:] == ["type", 0]
    for body in ({"url": "https://example.vn/a\x00b"}, {"source": "bao-a\x00"},
                 {"source": "bao-a", "since": "2025-01-01\x00"}):  # fmt: skip
        response = client.post("/reingest", json=body)
        assert response.status_code == 422, response.text
    surrogate = client.post("/reingest", content=b'{"url": "https://example.vn/\\ud800"}',
                            headers={"content-type": "application/json"})  # fmt: skip
    assert surrogate.status_code == 422, surrogate.text


@pytest.mark.parametrize("params", [
    {"since": "0001-01-01T00:00:00+14:00"}, {"until": "9999-12-31T23:59:59-14:00"},
    {"since": "0001-01-01T03:00:00"},  # Vietnamese time: before year 1 in UTC
])  # fmt: skip
def test_times_without_a_utc_equivalent_are_422(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/articles", params=params)
    assert response.status_code == 422, response.text
    assert [e["loc"][-1] for e in response.json()["detail"]] == list(params)


def test_extreme_times_with_a_utc_equivalent_are_answered(client: TestClient) -> None:
    for params in ({"since": "0001-01-01T00:00:00+00:00"}, {"until": "9999-12-31T23:59:59Z"}):
        assert client.get("/articles", params=params).status_code == 200, params
