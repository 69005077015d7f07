"""The API's view of the broker: reachability, queue depth, and sending a request task.

The Celery client is built from the API's own settings (not the module-level app), once
per FastAPI app, and only when a task is first sent.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from fastapi import FastAPI

from worker.settings import Settings

logger = logging.getLogger(__name__)
QUEUE = "celery"  # Celery's default queue: the worker consumes only that one
TIMEOUT = 2.0


def redis_broker(settings: Settings) -> str | None:
    url = settings.broker_url
    return url if url.startswith(("redis://", "rediss://")) else None


def _client(url: str) -> redis.Redis[bytes]:
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)


def broker_check(settings: Settings) -> dict[str, Any]:
    url = redis_broker(settings)
    if url is None:
        return {"ok": True, "kind": "embedded" if not settings.broker_url else "other"}
    try:
        with _client(url) as client:
            client.ping()
        return {"ok": True, "kind": "redis"}
    except (redis.RedisError, OSError) as exc:
        return {"ok": False, "kind": "redis", "error": type(exc).__name__}


def queue_depth(settings: Settings) -> int | None:
    """Messages waiting in the Celery queue (Redis brokers only; None otherwise/unreachable)."""
    url = redis_broker(settings)
    if url is None:
        return None
    try:
        with _client(url) as client:
            return int(client.llen(QUEUE))
    except (redis.RedisError, OSError):
        return None


def send_request_task(app: FastAPI, request_id: int) -> bool:
    """Queue `newsworker.process_request`. False when the broker refused: the request stays
    pending and the dispatcher re-sends it (worker/requests.py stale_requests)."""
    from celery import Celery

    from worker.celery_app import celery_config

    celery: Celery | None = getattr(app.state, "celery", None)
    if celery is None:
        celery = Celery("newsworker-api")
        celery.conf.update(celery_config(app.state.runtime.settings))
        app.state.celery = celery
    try:
        celery.send_task("newsworker.process_request", args=[request_id], retry=False)
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the request pending
        logger.warning(
            "request not queued; the dispatcher will pick it up",
            extra={"request_id": request_id, "error": f"{type(exc).__name__}: {exc}"},
        )
        return False
