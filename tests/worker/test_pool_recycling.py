"""Celery pool processes are replaced after WORKER_MAX_TASKS_PER_CHILD tasks or once above
WORKER_MAX_MEMORY_PER_CHILD_MB (0: never): what the worker's Celery configuration says."""

from __future__ import annotations

import pytest

from worker.celery_app import celery_config
from worker.settings import Settings


@pytest.mark.parametrize(
    ("tasks", "mb", "expected"), [(200, 1024, (200, 1048576)), (0, 0, (None, None))]
)
def test_pool_processes_are_recycled(tasks: int, mb: int, expected: tuple[object, object]) -> None:
    settings = Settings(worker_max_tasks_per_child=tasks, worker_max_memory_per_child_mb=mb)
    config = celery_config(settings)
    assert (config["worker_max_tasks_per_child"], config["worker_max_memory_per_child"]) == expected
