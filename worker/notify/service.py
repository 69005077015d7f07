"""The relay process: sequence the outbox and feed every configured channel, in a loop.

`newsworker relay` runs it alone (one per deployment is enough; two are safe: sequencing
is serialized by a lock and channels move their cursors monotonically); `newsworker run`
runs it in a thread beside the embedded worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import redis

from worker.bootstrap import Runtime
from worker.context import utcnow
from worker.notify.config import NotifyConfig, load_notify_config
from worker.notify.relay import Publish, relay_once
from worker.notify.stream import stream_publisher
from worker.settings import Settings

logger = logging.getLogger(__name__)
ChannelFactory = Callable[[Runtime, NotifyConfig], list[tuple[str, Publish]]]
_extra_channels: list[ChannelFactory] = []
# Extra work each relay pass (webhook sending): built once per run, returns work done.
PassHook = Callable[[Runtime, NotifyConfig], Callable[[], int]]
_pass_hooks: list[tuple[str, PassHook]] = []


def register_channels(factory: ChannelFactory) -> None:
    """Other channel kinds (webhooks) add themselves here."""
    _extra_channels.append(factory)


def register_pass_hook(name: str, hook: PassHook) -> None:
    """`hook(rt, cfg)` gives a step the relay loop calls after every pass."""
    _pass_hooks.append((name, hook))


def stream_url(settings: Settings, cfg: NotifyConfig) -> str | None:
    if cfg.stream.url:
        return cfg.stream.url
    if settings.redis_url:
        return settings.redis_url
    if settings.broker_url.startswith(("redis://", "rediss://")):
        return settings.broker_url
    return None


def build_channels(rt: Runtime, cfg: NotifyConfig) -> list[tuple[str, Publish]]:
    channels: list[tuple[str, Publish]] = []
    url = stream_url(rt.settings, cfg)
    if cfg.stream.enabled and url:
        client = redis.Redis.from_url(url)
        channels.append((f"stream:{cfg.stream.key}", stream_publisher(client, cfg.stream)))
    elif cfg.stream.enabled:
        logger.warning("no Redis configured for the event stream; pull API only")
    for factory in _extra_channels:
        channels.extend(factory(rt, cfg))
    return channels


def run_relay(rt: Runtime, stop: threading.Event, interval: float = 0.5) -> None:
    cfg = load_notify_config(rt.settings.config_dir)
    channels = build_channels(rt, cfg)
    steps = [(name, hook(rt, cfg)) for name, hook in _pass_hooks]
    while not stop.is_set():
        try:
            counts = relay_once(rt.sessions, utcnow(), channels)
        except (redis.RedisError, OSError) as exc:
            # Channel down: nothing is lost (cursors did not move); try again shortly.
            logger.warning("relay pass failed", extra={"error": str(exc)})
            counts = {}
        for name, step in steps:
            counts[name] = step()
        if not any(counts.values()):
            stop.wait(interval)
