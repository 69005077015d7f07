"""A real `newsworker serve` (uvicorn on loopback) under faults and crowds: the database
stopped (a private PostgreSQL instance) gives 503 with Retry-After on every route and 200
again once it is back; a request over the concurrency limit and a statement over the
statement timeout give 503 with Retry-After; a crowd of 60 clients gets only 200s and
503s with Retry-After, never a 500 or a dropped connection; `serve --workers 2` runs two
processes that answer."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from bench.api_flood import DEFAULT, flood, run
from tests.e2e.api_seed import seed
from tests.e2e.pgserver import PgServer, private_pg
from tests.e2e.procs import Proc, Procs, alive, child_pids, free_port, running, wait_for
from tests.pg import fresh_pg_database
from worker.bootstrap import open_runtime
from worker.settings import Settings

pytestmark = pytest.mark.db
ROUTES = ["/articles", "/articles/1", "/articles/1/revisions", "/changes", "/sources",
          "/metrics", "/requests/1", "/ui", "/ui/articles", "/ui/articles/1"]  # fmt: skip


def _seeded(url: str, tmp: Path, count: int = 20) -> None:
    settings = Settings(data_dir=tmp / "data", config_dir=tmp / "config", database_url=url)
    runtime = open_runtime(settings, migrate=True)
    seed(runtime.sessions, count)
    runtime.engine.dispose()


def _serve(procs: Procs, url: str, *args: str, **env: str) -> tuple[Proc, str]:
    port = free_port()
    proc = procs.start("serve", ["serve", "--port", str(port), *args],
                       NEWSWORKER_DATABASE_URL=url, **env)  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.exit_code() is None, proc.tail()
        try:
            return httpx.get(f"{base}/articles", params={"limit": 1}, timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    wait_for("serve to answer", up, timeout=60, interval=0.2)
    return proc, base


def _env(tmp: Path) -> dict[str, str]:
    return {"NEWSWORKER_DATA_DIR": str(tmp / "data"), "NEWSWORKER_CONFIG_DIR": str(tmp / "cfg"),
            "NEWSWORKER_LOG_LEVEL": "INFO"}  # fmt: skip


def _is_retry_503(response: httpx.Response) -> bool:
    return (response.status_code == 503 and response.headers.get("retry-after", "").isdigit()
            and bool(response.json()["detail"]))  # fmt: skip


@pytest.fixture
def pg_server() -> Iterator[PgServer]:
    with private_pg() as server:
        yield server


def test_database_down_is_503_then_200_when_back(pg_server: PgServer, tmp_path: Path) -> None:
    _seeded(pg_server.url(), tmp_path)
    with running(_env(tmp_path), tmp_path) as procs:
        proc, base = _serve(procs, pg_server.url())
        with httpx.Client(base_url=base, timeout=20) as client:  # one keep-alive connection
            normal = {path: client.get(path).status_code for path in ROUTES}
            assert set(normal.values()) == {200, 404} and normal["/requests/1"] == 404
            pg_server.stop()
            for path in ROUTES:
                response = client.get(path)
                assert _is_retry_503(response), (path, response.status_code, response.text)
                assert response.headers["retry-after"] == "5"
            health = client.get("/healthz")
            assert health.status_code == 503 and health.headers["retry-after"] == "5"
            pg_server.start()
            first = client.get("/articles")  # stale pooled connections are replaced
            assert first.status_code == 200, first.text
            assert {path: client.get(path).status_code for path in ROUTES} == normal
        log = proc.output()
    down = [line for line in log.splitlines() if "database unavailable" in line]
    assert len(down) == len(ROUTES), log  # one line each (/healthz reports for itself)
    assert all("error=OperationalError" in line for line in down), down
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log


@pytest.fixture(scope="module")
def pg_db(pg_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_pg_database(pg_admin_url, "nw_degrade") as url:
        _seeded(url, tmp_path_factory.mktemp("seed"), 30)
        yield url


def _blocked_get(base: str, out: dict[str, Any]) -> None:
    out["response"] = httpx.get(f"{base}/articles", timeout=30)


def test_limit_and_statement_timeout_answer_503(pg_db: str, tmp_path: Path) -> None:
    """One slot; the table locked by another session, so the admitted request waits in
    the database: the next request is refused after the queue wait, the waiting one is
    cancelled by the statement timeout, and both are 503s with Retry-After."""
    limits = {"NEWSWORKER_API_CONCURRENCY": "1", "NEWSWORKER_API_QUEUE_SECONDS": "0.2",
              "NEWSWORKER_API_STATEMENT_TIMEOUT_SECONDS": "3"}  # fmt: skip
    locker = create_engine(pg_db)
    with running(_env(tmp_path), tmp_path) as procs:
        _, base = _serve(procs, pg_db, **limits)
        out: dict[str, Any] = {}
        with locker.connect() as conn:
            conn.execute(text("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"))
            waiting = threading.Thread(target=_blocked_get, args=(base, out))
            waiting.start()
            wait_for("the request to wait on the lock", lambda: conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")), timeout=20, interval=0.05)  # fmt: skip
            refused = httpx.get(f"{base}/articles", timeout=30)
            assert _is_retry_503(refused) and refused.headers["retry-after"] == "1"
            assert refused.json()["detail"] == "server busy, retry later"
            waiting.join(timeout=30)
            conn.rollback()
        cancelled = out["response"]
        assert _is_retry_503(cancelled) and cancelled.headers["retry-after"] == "5"
        assert httpx.get(f"{base}/articles", timeout=30).status_code == 200
    locker.dispose()


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_a_crowd_gets_200_or_503_with_retry_after(
    request: pytest.FixtureRequest, dialect: str, tmp_path: Path
) -> None:
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'nw.sqlite3'}"
        _seeded(url, tmp_path)
    else:
        url = request.getfixturevalue("pg_db")
    limits = {"NEWSWORKER_API_CONCURRENCY": "4", "NEWSWORKER_API_QUEUE_SECONDS": "0.1"}
    with running(_env(tmp_path), tmp_path) as procs:
        proc, base = _serve(procs, url, **limits)
        mix = [("/articles", {"q": "cong an"}), ("/articles/1", {}), ("/changes", {}),
               ("/ui/articles", {"q": "dai ta"}), ("/sources", {})]  # fmt: skip
        tally, _ = asyncio.run(flood(base, mix, clients=60, seconds=3, wait_retry_after=False))
        assert tally.errors == 0, (tally.statuses, tally.transport, tally.no_retry_after)
        assert set(tally.statuses) <= {200, 503} and tally.statuses[200] > 0
        assert httpx.get(f"{base}/articles", timeout=10).status_code == 200
    assert "Traceback" not in proc.output()


def test_serve_with_two_workers(pg_db: str, tmp_path: Path) -> None:
    with running(_env(tmp_path), tmp_path) as procs:
        proc, base = _serve(procs, pg_db, "--workers", "2")

        def workers() -> list[int]:
            kids = [p for p in child_pids(proc.pid) if alive(p)]
            cmdlines = {p: Path(f"/proc/{p}/cmdline").read_bytes() for p in kids}
            return [p for p, cmd in cmdlines.items() if b"spawn_main" in cmd]

        pids = wait_for("two worker processes", lambda: len(workers()) == 2 and workers(), 60)
        lines = run(base, [DEFAULT], clients=8, seconds=1, wait_retry_after=True)
        assert "errors: 0 " in lines[1] and lines[-1].startswith("right after: 10/10"), lines
        proc.stop()
        assert not any(alive(p) for p in pids)
