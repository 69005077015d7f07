"""Long-running commands re-execute themselves under jemalloc (worker/allocator.py): the
real command as a subprocess, with the library this machine has (CI installs
libjemalloc2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from worker.allocator import active_allocator, jemalloc_path, preload_env
from worker.celery_app import celery_config
from worker.settings import Settings

PAGE = "plo_article_chinh-tri_post874982.html"
URL = "https://plo.vn/chinh-tri/post874982.html"


def _cli(args: list[str], tmp_path: Path, stdin: bytes | None = None, **env: str) -> Any:
    (tmp_path / "config" / "sources").mkdir(parents=True, exist_ok=True)
    full = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    full.update(
        NEWSWORKER_DATA_DIR=str(tmp_path / "data"),
        NEWSWORKER_CONFIG_DIR=str(tmp_path / "config"),
        NEWSWORKER_DATABASE_URL="",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", *args], env=full, input=stdin,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip


def test_jemalloc_is_installed_here() -> None:
    assert jemalloc_path() is not None, "install libjemalloc2 (.ci/test does)"
    assert active_allocator() in ("system", "jemalloc")


def test_ingest_runs_under_jemalloc_and_system_on_request(tmp_path: Path) -> None:
    default = _cli(["ingest"], tmp_path)
    assert b"allocator: jemalloc (" in default.stderr, default.stderr
    system = _cli(["ingest"], tmp_path, NEWSWORKER_ALLOCATOR="system")
    assert b"allocator: system (NEWSWORKER_ALLOCATOR)" in system.stderr, system.stderr
    # The re-executed process is the same command: same message, same exit status.
    assert default.returncode == system.returncode == 1
    assert b"no source to ingest" in default.stderr


def test_reexecuted_parse_keeps_arguments_and_stdin(tmp_path: Path, corpus_pages: Path) -> None:
    page = (corpus_pages / PAGE).read_bytes()
    under_jemalloc = _cli(["parse", "-", "--url", URL], tmp_path, stdin=page)
    under_system = _cli(["parse", "-", "--url", URL], tmp_path, stdin=page,
                        NEWSWORKER_ALLOCATOR="system")  # fmt: skip
    assert b"allocator: jemalloc" in under_jemalloc.stderr
    assert under_jemalloc.returncode == under_system.returncode == 0
    record = json.loads(under_jemalloc.stdout)
    assert record["url"] == URL and record["paragraphs"]
    assert under_jemalloc.stdout == under_system.stdout


def test_a_broken_preload_does_not_loop(tmp_path: Path) -> None:
    """Already re-executed but jemalloc still not mapped (e.g. the preload was refused):
    the command runs on the system allocator instead of executing itself again."""
    result = _cli(["ingest"], tmp_path, NEWSWORKER_ALLOCATOR_REEXECUTED="1")
    assert b"could not be preloaded" in result.stderr, result.stderr
    assert result.returncode == 1


def test_preload_env_keeps_other_preloads() -> None:
    env = preload_env({"LD_PRELOAD": "/opt/other.so", "PATH": "/bin"}, "/lib/je.so")
    assert env["LD_PRELOAD"] == "/lib/je.so /opt/other.so"
    assert env["PATH"] == "/bin"
    assert preload_env({}, "/lib/je.so")["LD_PRELOAD"] == "/lib/je.so"


@pytest.mark.parametrize(
    ("tasks", "mb", "expected"), [(200, 1024, (200, 1048576)), (0, 0, (None, None))]
)
def test_pool_processes_are_recycled(tasks: int, mb: int, expected: tuple[object, object]) -> None:
    settings = Settings(worker_max_tasks_per_child=tasks, worker_max_memory_per_child_mb=mb)
    config = celery_config(settings)
    assert (config["worker_max_tasks_per_child"], config["worker_max_memory_per_child"]) == expected
