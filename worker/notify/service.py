"""The relay process: sequence the outbox and feed every configured channel, in a loop.

`newsworker relay` runs it alone (one per deployment is enough; two are safe: sequencing
is serialized by a lock and channels move their cursors monotonically); `newsworker run`
runs it in a thread beside the embedded worker. Both run it under `supervise`, which
restarts it (after a backoff, traceback logged) should it ever raise.

A pass is a list of steps (worker/notify/steps.py): sequence, then each channel (the
stream first checking whether Redis lost it), then the pass hooks (webhook sending). A
step that fails with a database or Redis error waits (0.5 s doubling up to
NEWSWORKER_RELAY_RETRY_MAX_SECONDS) while the others carry on; channels and hooks only run
while sequencing works (same database: they would fail the same way, and log it again).
After a pass in which every step succeeded the heartbeat row is stamped (at most every
HEARTBEAT_SECONDS): /healthz and /metrics read it as "the relay is alive and caught up".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial

import redis

from worker.bootstrap import Runtime
from worker.context import utcnow
from worker.db.engine import transaction
from worker.notify.config import NotifyConfig, load_notify_config
from worker.notify.relay import Publish, drain_channel, sequence_pending, write_heartbeat
from worker.notify.resilience import Backoff, supervise
from worker.notify.steps import Step, StreamResetCheck
from worker.notify.stream import stream_publisher
from worker.notify.webhooks import webhook_channels, webhook_delivery_step
from worker.settings import Settings

logger = logging.getLogger(__name__)
# Extra work each relay pass (webhook sending): `hook(rt, cfg)`, built once per run, gives
# the step to call after every pass (returns the work done).
PassHook = Callable[[Runtime, NotifyConfig], Callable[[], int]]
PASS_HOOKS: tuple[tuple[str, PassHook], ...] = (("webhooks", webhook_delivery_step),)
HEARTBEAT_SECONDS = 5.0


def stream_url(settings: Settings, cfg: NotifyConfig) -> str | None:
    if cfg.stream.url:
        return cfg.stream.url
    if settings.redis_url:
        return settings.redis_url
    if settings.broker_url.startswith(("redis://", "rediss://")):
        return settings.broker_url
    return None


def build_channels(
    rt: Runtime, cfg: NotifyConfig
) -> list[tuple[str, Publish, StreamResetCheck | None]]:
    """Every channel as (name, publish, check run before delivering it)."""
    channels: list[tuple[str, Publish, StreamResetCheck | None]] = []
    url = stream_url(rt.settings, cfg)
    if cfg.stream.enabled and url:
        client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
        name = f"stream:{cfg.stream.key}"
        check = StreamResetCheck(rt.sessions, client, cfg.stream, name)
        channels.append((name, stream_publisher(client, cfg.stream), check))
    elif cfg.stream.enabled:
        logger.warning("no Redis configured for the event stream; pull API only")
    channels.extend((name, publish, None) for name, publish in webhook_channels(rt, cfg))
    return channels


class RelayLoop:
    """One relay: its steps are built by the `setup` step (which needs the database, so
    it is retried like the others), then every pass runs whatever is due: sequencing, the
    channels, then `hooks`."""

    def __init__(
        self,
        rt: Runtime,
        stop: threading.Event,
        interval: float,
        hooks: tuple[tuple[str, PassHook], ...] = PASS_HOOKS,
    ) -> None:
        self.rt, self.stop, self.interval, self.hooks = rt, stop, interval, hooks
        self.cfg = load_notify_config(rt.settings.config_dir)
        self.setup = self._step("setup", self._build)  # sync_endpoints needs the database
        self.sequence = self._step("sequence", self._sequence)
        self.heartbeat = self._step("heartbeat", self._beat)
        self.steps: list[Step] = []
        self.channels: list[str] = []
        self._last_beat = float("-inf")

    def _step(
        self, name: str, work: Callable[[], int], before: Callable[[bool], None] | None = None
    ) -> Step:
        return Step(name, work, Backoff(self.rt.settings.relay_retry_max_seconds), before)

    def _build(self) -> int:
        channels = build_channels(self.rt, self.cfg)
        hooks = [(name, hook(self.rt, self.cfg)) for name, hook in self.hooks]
        self.steps = []
        for name, publish, check in channels:
            deliver = partial(drain_channel, self.rt.sessions, name, publish)
            work = deliver if check is None else check.guarded(deliver)
            self.steps.append(self._step(name, work, check))
        self.steps += [self._step(name, work) for name, work in hooks]
        self.channels = [name for name, _, _ in channels]
        return 0

    def _sequence(self) -> int:
        with transaction(self.rt.sessions) as session:
            return sequence_pending(session, utcnow())

    def _beat(self) -> int:
        now = time.monotonic()
        if now - self._last_beat >= HEARTBEAT_SECONDS:
            write_heartbeat(self.rt.sessions, utcnow(), self.channels)
            self._last_beat = now
        return 0

    def pass_once(self) -> int:
        """One pass over the due steps. Returns the work done (0: idle)."""
        now = time.monotonic()
        if not self.setup.healthy and self.setup.due(now):
            self.setup.run()
        if not self.setup.healthy:
            return 0
        done = self.sequence.run() if self.sequence.due(now) else 0
        if not self.sequence.healthy:
            return done
        for step in self.steps:
            if step.due(now):
                done += step.run()
        if all(step.healthy for step in self.steps) and self.heartbeat.due(now):
            self.heartbeat.run()
        return done

    def run(self) -> None:
        while not self.stop.is_set():
            if not self.pass_once():
                self.stop.wait(self.interval)


def run_relay(
    rt: Runtime,
    stop: threading.Event,
    interval: float = 0.5,
    hooks: tuple[tuple[str, PassHook], ...] = PASS_HOOKS,
) -> None:
    """The relay loop until `stop` is set; database and Redis errors never end it."""
    RelayLoop(rt, stop, interval, hooks).run()


def run_supervised(
    rt: Runtime,
    stop: threading.Event,
    interval: float = 0.5,
    hooks: tuple[tuple[str, PassHook], ...] = PASS_HOOKS,
) -> None:
    """run_relay, restarted (after a backoff, traceback logged) should it ever raise."""
    cap = rt.settings.relay_retry_max_seconds
    supervise(lambda: run_relay(rt, stop, interval, hooks), stop, "relay", cap)
