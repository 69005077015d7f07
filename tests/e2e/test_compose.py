"""Compose check: what docker-compose.yml and the Dockerfile promise, and the commands they
declare run for real.

No Docker engine exists where this runs, so the file is checked two ways: its structure
(services, scaling, one-shot migrate, restart policies, healthchecks, grace period, no
hard-coded secrets), and its `migrate`, `worker` and `beat` commands started as local
processes (`python -m worker.cli <command>`: the image's ENTRYPOINT is `newsworker`) with
the compose environment translated to loopback PostgreSQL and Redis, ingesting a fixture
site through the real broker.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.e2e.helpers import feed_source_toml
from tests.fixtures.corpus_site import populate_news_site
from tests.fixtures.site import FixtureSite
from worker.db.models import Article, Source
from worker.settings import ENV_PREFIX, Settings

pytestmark = pytest.mark.db

REPO = Path(__file__).resolve().parents[2]
NEWSWORKER_SERVICES = ("migrate", "worker", "beat", "relay")
ARTICLES = 8
REDIS_DB = 13  # a database of its own on the shared loopback Redis, flushed before and after
SUBSTITUTION = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+][^}]*)?\}")
# Loopback translations of the compose wiring, and test-sized limits.
LOOPBACK_EXTRA = {
    "NEWSWORKER_ALLOWED_NETWORKS": "127.0.0.1/32",
    "NEWSWORKER_POLITENESS": "false",
    "NEWSWORKER_DISPATCH_INTERVAL_SECONDS": "1",
    "NEWSWORKER_TASK_SOFT_TIME_LIMIT": "20",
    "NEWSWORKER_TASK_TIME_LIMIT": "30",
    "NEWSWORKER_BROKER_VISIBILITY_TIMEOUT": "60",
    "NEWSWORKER_FETCH_TIMEOUT_SECONDS": "5",
}


# --- reading the files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def env_of(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {str(k): str(v) for k, v in raw.items()}


def command_of(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    assert isinstance(command, list), "commands are exec-form lists (no shell in between)"
    return [str(part) for part in command]


def seconds(duration: str | int) -> float:
    """Compose durations: 960s, 16m, 1m30s, or a bare number of seconds."""
    if isinstance(duration, int):
        return float(duration)
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert parts, f"unreadable duration {duration!r}"
    return sum(float(n) * units[u] for n, u in parts)


def healthcheck_command(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return test
    assert test[0] in ("CMD", "CMD-SHELL"), test
    return " ".join(test[1:])


def strings(node: Any) -> Iterator[str]:
    """Every string key and value in a parsed YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def setting_default(name: str) -> Any:
    return Settings.model_fields[name].default


# --- structure ------------------------------------------------------------------------------


def test_services_and_roles(compose: dict[str, Any]) -> None:
    svc = services(compose)
    assert set(svc) == {"redis", "postgres", "migrate", "worker", "beat", "relay", "flower", "api"}

    assert command_of(svc["migrate"]) == ["db", "upgrade"]
    assert command_of(svc["worker"])[0] == "worker"
    assert command_of(svc["beat"]) == ["beat"]
    for name in NEWSWORKER_SERVICES:  # one image, built from this repository
        assert svc[name]["build"]["context"] == "."
        assert svc[name]["image"] == svc["worker"]["image"]
        assert "./config:/app/config:ro" in svc[name]["volumes"], name
        assert {"path": ".env", "required": False} in svc[name]["env_file"], name


def test_worker_scales_and_stops_gracefully(compose: dict[str, Any]) -> None:
    worker = services(compose)["worker"]
    # `docker compose up --scale worker=4` needs no fixed name and no host port.
    assert "container_name" not in worker
    assert "ports" not in worker
    assert worker["restart"] == "unless-stopped"
    grace = seconds(worker["stop_grace_period"])
    assert grace > setting_default("task_soft_time_limit")
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "inspect" in healthcheck_command(worker)


def test_one_beat_one_shot_migrate(compose: dict[str, Any]) -> None:
    svc = services(compose)
    beat, migrate = svc["beat"], svc["migrate"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1
    assert beat["restart"] == "unless-stopped"
    assert beat["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "ports" not in migrate


def test_stores_are_persistent_and_checked(compose: dict[str, Any]) -> None:
    svc = services(compose)
    redis_svc, pg = svc["redis"], svc["postgres"]
    assert "--appendonly" in redis_svc["command"]
    assert redis_svc["command"][redis_svc["command"].index("--appendonly") + 1] == "yes"
    assert "redis-cli ping" in healthcheck_command(redis_svc)
    assert "pg_isready" in healthcheck_command(pg)
    named = set(compose["volumes"])
    assert redis_svc["volumes"][0].split(":")[0] in named
    assert pg["volumes"][0].split(":")[0] in named
    for name in ("redis", "postgres", "flower"):
        assert svc[name]["restart"] == "unless-stopped", name
    # Only flower and the API publish a port, and only on loopback.
    published = {n: s["ports"] for n, s in svc.items() if "ports" in s}
    assert sorted(published) == ["api", "flower"]
    assert all(str(p).startswith("127.0.0.1:") for ps in published.values() for p in ps)


def test_shared_environment_points_at_the_compose_services(compose: dict[str, Any]) -> None:
    svc = services(compose)
    env = env_of(svc["worker"])
    for name in NEWSWORKER_SERVICES:
        assert env_of(svc[name]) == env, f"{name} has its own environment"
    assert env["NEWSWORKER_BROKER_URL"] == "redis://redis:6379/0"
    assert env["NEWSWORKER_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in env["NEWSWORKER_DATABASE_URL"]
    assert env["NEWSWORKER_CONFIG_DIR"] == "/app/config"
    assert env["NEWSWORKER_DATA_DIR"] == "/data"
    assert env["NEWSWORKER_LOG_JSON"] == "true"
    known = {ENV_PREFIX + field.upper() for field in Settings.model_fields}
    assert set(env) <= known, f"unknown settings: {set(env) - known}"


def test_no_hard_coded_secrets(compose: dict[str, Any]) -> None:
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    # Credentials inside URLs are substitutions, never literals.
    masked = SUBSTITUTION.sub("<subst>", text)
    userinfo = re.findall(r"://([^:/@\s]*):([^@\s]*)@", masked)
    assert userinfo, "the database URL carries its credentials"
    for _user, password in userinfo:
        assert password == "<subst>", f"literal password in a URL: {password!r}"
    # So are the values of secret-looking variables.
    secretish = re.compile(r"(PASSWORD|SECRET|TOKEN|AUTH|API_KEY)", re.IGNORECASE)
    for service in services(compose).values():
        for key, value in env_of(service).items():
            if secretish.search(key):
                assert SUBSTITUTION.fullmatch(value), f"{key} is hard-coded"


def test_every_variable_is_documented(compose: dict[str, Any]) -> None:
    example = (REPO / "config" / "example.env").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    settings = {ENV_PREFIX + field.upper() for field in Settings.model_fields}
    missing = settings - documented
    assert not missing, f"document these settings in config/example.env: {sorted(missing)}"
    # Substitutions in the file's values ($$ is an escape for the container's shell).
    values = " ".join(s.replace("$$", "") for s in strings(compose))
    substituted = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", values))
    assert substituted <= documented, f"undocumented: {substituted - documented}"


def _assert_jemalloc_preloaded(lines: list[str]) -> None:
    """The image's LD_PRELOAD (set after the install, so build steps do not need it) is a
    value the dynamic loader resolves: a process started with it has jemalloc mapped
    (this machine has libjemalloc2, as the image does: .ci/test installs it)."""
    preloads = [ln for ln in lines if ln.startswith("ENV LD_PRELOAD=")]
    assert len(preloads) == 1, "ENV LD_PRELOAD=... in the Dockerfile"
    installs = [i for i, ln in enumerate(lines) if "libjemalloc2" in ln]
    assert installs and lines.index(preloads[0]) > max(installs)
    value = preloads[0].removeprefix("ENV LD_PRELOAD=")
    env = {**os.environ, "LD_PRELOAD": value}
    maps = "print(sum('libjemalloc' in line for line in open('/proc/self/maps')))"
    child = subprocess.run(
        [sys.executable, "-c", maps], env=env, capture_output=True, text=True, check=True
    )
    assert int(child.stdout) > 0, child.stderr  # the loader warns on stderr when it cannot


def test_dockerfile_and_dockerignore() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in dockerfile.splitlines() if ln.strip() and ln[0] != "#"]
    froms = [ln.split()[1] for ln in lines if ln.startswith("FROM ")]
    assert froms and all(f.startswith("python:3.11-slim") for f in froms)
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert 'ENTRYPOINT ["newsworker"]' in lines
    assert re.search(r"apt-get install [^&]*\blibjemalloc2\b", dockerfile), "jemalloc"
    _assert_jemalloc_preloaded(lines)
    assert not re.search(r"^(ENV|ARG)\b.*(PASSWORD|SECRET|TOKEN)", dockerfile, re.MULTILINE)
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".git", "data/", ".env", "tests/", "bench/"):
        assert entry in ignored, entry


# --- the declared commands, run as local processes ------------------------------------------


def service_env(
    compose: dict[str, Any], name: str, translate: dict[str, str], data_dir: Path
) -> dict[str, str]:
    """The service's compose environment with its wiring translated to loopback."""
    declared = env_of(services(compose)[name])
    assert set(translate) <= set(declared), "compose no longer sets what the test translates"
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env.update(declared)
    env.update(translate)
    env["NEWSWORKER_DATA_DIR"] = str(data_dir)  # one per container, as in compose
    env.update(LOOPBACK_EXTRA)
    for key, value in env.items():
        if key.startswith(ENV_PREFIX):
            assert "${" not in value, f"{key} left untranslated: {value}"
    return env


def cli(command: list[str]) -> list[str]:
    return [sys.executable, "-m", "worker.cli", *command]


def start(
    name: str, command: list[str], env: dict[str, str], logs: Path
) -> subprocess.Popen[bytes]:
    log = (logs / f"{name}.log").open("wb")
    try:
        return subprocess.Popen(
            cli(command),
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: pool children go with it
        )
    finally:
        log.close()


def stop(proc: subprocess.Popen[bytes], grace: float = 20.0) -> int | None:
    """SIGTERM (what `docker stop` sends), a bounded wait, then SIGKILL the whole group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    code = proc.poll()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # leftovers (e.g. pool children)
    if code is None:
        proc.wait(timeout=10)
    return code


def log_text(logs: Path, name: str) -> str:
    path = logs / f"{name}.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def json_messages(text: str) -> list[str]:
    messages = []
    for line in text.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                messages.append(str(json.loads(line).get("message", "")))
    return messages


def stored(engine: Engine) -> tuple[int, Source | None]:
    with engine.connect() as conn:
        count = int(conn.scalar(select(func.count()).select_from(Article)) or 0)
    with Session(engine) as session:
        source = session.get(Source, "compose")
        if source is not None:
            session.expunge(source)
    return count, source


@pytest.fixture
def loopback_broker(redis_url: str) -> Iterator[str]:
    url = redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def test_compose_commands_ingest_through_redis(
    compose: dict[str, Any], pg_url: str, loopback_broker: str, tmp_path: Path
) -> None:
    started_at = time.monotonic()
    svc = services(compose)
    logs = tmp_path / "logs"
    logs.mkdir()
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    translate = {
        "NEWSWORKER_DATABASE_URL": pg_url,  # postgres:5432 → the test's fresh database
        "NEWSWORKER_BROKER_URL": loopback_broker,  # redis:6379/0 → loopback Redis
        "NEWSWORKER_CONFIG_DIR": str(config),  # ./config mounted at /app/config
    }
    envs = {
        name: service_env(compose, name, translate, tmp_path / f"data-{name}")
        for name in NEWSWORKER_SERVICES
    }

    with FixtureSite() as site:
        specs = populate_news_site(site, count=ARTICLES)
        (config / "sources" / "compose.toml").write_text(
            feed_source_toml(site.url("/tin-tuc/rss.xml")), encoding="utf-8"
        )

        # migrate: one shot, exit 0 (worker and beat depend on its success).
        migrate = subprocess.run(
            cli(command_of(svc["migrate"])),
            cwd=REPO,
            env=envs["migrate"],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr

        procs: dict[str, subprocess.Popen[bytes]] = {}
        engine = create_engine(pg_url)
        try:
            for name in ("worker", "beat", "relay"):
                procs[name] = start(name, command_of(svc[name]), envs[name], logs)

            deadline = time.monotonic() + 60
            count, source = 0, None
            while time.monotonic() < deadline:
                for name, proc in procs.items():
                    assert proc.poll() is None, f"{name} exited:\n{log_text(logs, name)[-3000:]}"
                count, source = stored(engine)
                if count >= ARTICLES and source is not None and source.last_success_at:
                    break
                time.sleep(0.5)
            assert count == ARTICLES, (
                f"{count}/{ARTICLES} stored in 60 s\n--- worker\n"
                f"{log_text(logs, 'worker')[-3000:]}\n--- beat\n{log_text(logs, 'beat')[-2000:]}"
            )
            with engine.connect() as conn:
                urls = set(conn.scalars(select(Article.url)))
            assert urls == {site.url(spec.path) for spec in specs}

            # The relay service published one article.created per article to the stream.
            stream = redis.Redis.from_url(loopback_broker)
            entries: list[Any] = []
            while time.monotonic() < deadline + 20 and len(entries) < ARTICLES:
                entries = stream.xrange("newsworker:events")
                time.sleep(0.3)
            assert [e[1][b"type"] for e in entries] == [b"article.created"] * ARTICLES
            assert [int(e[1][b"seq"]) for e in entries] == list(range(1, ARTICLES + 1))

            # Health as `docker compose run --rm worker sources` shows it.
            assert source is not None and source.last_success_at is not None
            assert source.consecutive_errors == 0 and source.paused_reason is None
            assert (source.last_counts or {}).get("created") == ARTICLES
            shown = subprocess.run(
                cli(["sources", "--json"]),
                cwd=REPO,
                env=envs["worker"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert shown.returncode == 0, shown.stderr
            assert "compose" in shown.stdout and "last_success" in shown.stdout

            # The worker's healthcheck, as the container would run it (HOSTNAME is the
            # container's host name there, and the worker's node name is celery@<host name>).
            probe = healthcheck_command(svc["worker"]).replace("$$", "$")
            probe_env = {
                **envs["worker"],
                "HOSTNAME": socket.gethostname(),
                "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
            }
            health = subprocess.run(
                ["sh", "-c", probe],
                cwd=REPO,
                env=probe_env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert health.returncode == 0, health.stdout + health.stderr

            # The messages went through Redis: beat sent dispatch, the worker received the
            # dispatch and the ingest from the broker, and the queue lives in that Redis db.
            assert "newsworker.dispatch" in log_text(logs, "beat")
            worker_messages = json_messages(log_text(logs, "worker"))  # NEWSWORKER_LOG_JSON
            for task in ("newsworker.dispatch", "newsworker.ingest_source"):
                assert any(task in m and "received" in m for m in worker_messages), task
            assert any(
                "newsworker.ingest_source" in m and "succeeded" in m for m in worker_messages
            )
            keys = {k.decode() for k in redis.Redis.from_url(loopback_broker).keys("*")}
            assert "_kombu.binding.celery" in keys, keys
            assert not (tmp_path / "data-worker" / "broker.sqlite3").exists()
        finally:
            codes = {name: stop(proc) for name, proc in procs.items()}
            engine.dispose()

    # docker stop's SIGTERM is a warm shutdown: both exit cleanly on their own.
    assert codes == {"worker": 0, "beat": 0, "relay": 0}, codes
    assert time.monotonic() - started_at < 90
