"""The Celery application `worker.celery_app:app`.

Broker: NEWSWORKER_BROKER_URL (Redis in production); empty means the embedded default,
kombu's SQLAlchemy transport on a SQLite file under DATA_DIR, so a laptop needs no server.
Every reliability setting is here, with its reason, and checked at start.
"""

from __future__ import annotations

import fcntl
from typing import Any

from celery import Celery
from celery.signals import worker_init, worker_process_init
from kombu.connection import Connection

from worker.errors import SettingsError
from worker.settings import Settings, get_settings


def broker_url(settings: Settings) -> str:
    if settings.broker_url:
        return settings.broker_url
    path = (settings.data_dir / "broker.sqlite3").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqla+sqlite:///{path}"


def prepare_embedded_broker(settings: Settings) -> None:
    """Create the embedded broker's tables and the default queue once, under a file lock,
    before any worker or beat uses it. Processes starting together would otherwise race to
    create the queue row, and kombu's SQLAlchemy transport leaves the loser's session
    unusable (IntegrityError not rolled back), so that process could never publish again."""
    url = broker_url(settings)
    if not url.startswith("sqla+"):
        return
    lock_path = url.removeprefix("sqla+sqlite:///") + ".lock"
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with Connection(url) as conn:  # type: ignore[no-untyped-call]
                conn.SimpleQueue("celery").close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def check_limits(settings: Settings) -> None:
    """Refuse to start with time limits that would let a message be redelivered while its
    task still runs (visibility timeout ≤ hard limit) or a soft limit that never fires."""
    if settings.task_soft_time_limit >= settings.task_time_limit:
        raise SettingsError(
            "NEWSWORKER_TASK_SOFT_TIME_LIMIT must be below NEWSWORKER_TASK_TIME_LIMIT"
        )
    if settings.broker_visibility_timeout <= settings.task_time_limit:
        raise SettingsError(
            "NEWSWORKER_BROKER_VISIBILITY_TIMEOUT must exceed NEWSWORKER_TASK_TIME_LIMIT"
        )


def transport_options(settings: Settings) -> dict[str, Any]:
    """Redis redelivers an unacked message after the visibility timeout. The embedded
    SQLAlchemy transport has no such option (and rejects unknown ones); there a message
    lost in a crash is made up by the database-driven dispatcher one lease later."""
    if broker_url(settings).startswith(("redis://", "rediss://", "redis+socket://")):
        return {"visibility_timeout": settings.broker_visibility_timeout}
    return {}


def celery_config(settings: Settings) -> dict[str, Any]:
    check_limits(settings)
    return {
        "broker_url": broker_url(settings),
        # A task's message is acknowledged only after the task returns, so a worker that
        # dies mid-task leaves the message to be redelivered (tasks are idempotent).
        "task_acks_late": True,
        # ... and that includes a pool child killed by the OOM killer or kill -9.
        "task_reject_on_worker_lost": True,
        # One message reserved per process: a crash strands at most one, and long ingests
        # do not hold other sources' messages hostage.
        "worker_prefetch_multiplier": 1,
        # Pool processes are replaced now and then (forked again from the warmed-up main
        # process): what a long-lived process accumulates stays bounded. None: never.
        "worker_max_tasks_per_child": settings.worker_max_tasks_per_child or None,
        "worker_max_memory_per_child": settings.worker_max_memory_per_child_mb * 1024 or None,
        # Soft limit raises inside the task (it records and releases its lease); the hard
        # limit kills the child. Both below the visibility timeout (checked above).
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_time_limit,
        "broker_transport_options": transport_options(settings),
        # JSON only: no pickle from the broker.
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        # Results live in the database (requests, runs), never in the broker.
        "task_ignore_result": True,
        "result_backend": None,
        "broker_connection_retry_on_startup": True,
        # Keep worker.logs' handler (JSON lines when NEWSWORKER_LOG_JSON) on the root logger.
        "worker_hijack_root_logger": False,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "timezone": "UTC",
        "beat_schedule": {
            "dispatch": {
                "task": "newsworker.dispatch",
                "schedule": settings.dispatch_interval_seconds,
                # A dispatch message older than one interval is useless: a fresh one follows.
                "options": {"expires": settings.dispatch_interval_seconds},
            }
        },
    }


def create_app(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    celery = Celery("newsworker", include=["worker.tasks"])
    celery.conf.update(celery_config(settings))
    return celery


app = create_app()


@worker_init.connect
def _warm_up_before_fork(**_: Any) -> None:
    """Load the structuring tables and freeze the heap in the main process, before the
    pool forks (worker.warmup)."""
    from worker.warmup import warm_up

    warm_up()


@worker_process_init.connect
def _fresh_connections_after_fork(**_: Any) -> None:
    """A forked pool child must not share the parent's database connections."""
    from worker.tasks import reset_runtime

    reset_runtime()
