"""Flood mode of bench/api.py: many concurrent HTTP clients (asyncio, one httpx.AsyncClient
and so one connection each) against a running `newsworker serve`, for a fixed time.

Each client loops: half its requests are the default `GET /articles` page, the rest are
drawn from the given mix (filters, search, a page by cursor, one record). Counted: every
answer by status; a 503 must carry `Retry-After` (clients then wait that long, unless
`wait_retry_after` is off, when they come straight back); anything else is an error:
another status, a 503 without Retry-After, a connection error or a 30 s timeout. Then a
few sequential requests check that the server answers normally right after.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

TIMEOUT = 30.0
DEFAULT = ("/articles", {})


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    transport: Counter[str] = field(default_factory=Counter)
    no_retry_after: int = 0
    default_ok_ms: list[float] = field(default_factory=list)  # default page, 200s
    default_all_ms: list[float] = field(default_factory=list)  # default page, any answer
    ok_ms: list[float] = field(default_factory=list)  # every 200

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.transport.values())

    @property
    def errors(self) -> int:
        other = sum(n for s, n in self.statuses.items() if s not in (200, 503))
        return other + self.no_retry_after + sum(self.transport.values())


def _record(tally: Tally, request: tuple[str, dict[str, Any]], response: httpx.Response,
            ms: float) -> float:  # fmt: skip
    """Count one answer; the seconds to wait before the next request (Retry-After)."""
    tally.statuses[response.status_code] += 1
    if request is DEFAULT:
        tally.default_all_ms.append(ms)
    if response.status_code == 200:
        tally.ok_ms.append(ms)
        if request is DEFAULT:
            tally.default_ok_ms.append(ms)
        return 0.0
    if response.status_code == 503:
        retry = response.headers.get("retry-after", "")
        if retry.isdigit():
            return float(retry)
        tally.no_retry_after += 1
    return 0.0


async def _client(client: httpx.AsyncClient, mix: list[tuple[str, dict[str, Any]]], stop: float,
                  seed: int, tally: Tally, wait_retry_after: bool) -> None:  # fmt: skip
    rng = random.Random(seed)
    async with client:
        while time.perf_counter() < stop:
            request = DEFAULT if not mix or rng.random() < 0.5 else rng.choice(mix)
            started = time.perf_counter()
            try:
                response = await client.get(request[0], params=request[1])
            except httpx.TransportError as exc:
                tally.transport[type(exc).__name__] += 1
                await asyncio.sleep(0.1)
                continue
            wait = _record(tally, request, response, (time.perf_counter() - started) * 1000)
            if wait and wait_retry_after:
                await asyncio.sleep(min(wait * rng.uniform(0.5, 1.5), stop - time.perf_counter()))


async def flood(base: str, mix: list[tuple[str, dict[str, Any]]], clients: int,
                seconds: float, wait_retry_after: bool) -> tuple[Tally, float]:  # fmt: skip
    # Built before the clock starts, sharing one TLS context: each AsyncClient would
    # otherwise load the CA store (tens of ms of the bench's CPU per client).
    tls = ssl.create_default_context()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    pool = [httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits, verify=tls)
            for _ in range(clients)]  # fmt: skip
    tally = Tally()
    started = time.perf_counter()
    stop = started + seconds
    await asyncio.gather(
        *(_client(c, mix, stop, n, tally, wait_retry_after) for n, c in enumerate(pool))
    )
    return tally, time.perf_counter() - started


def _pcts(values: list[float]) -> str:
    if not values:
        return "no answers"
    ordered = sorted(values)
    pick = [ordered[min(len(ordered) - 1, int(len(ordered) * q))] for q in (0.9, 0.99)]
    return (f"p50 {statistics.median(ordered):.0f} ms, p90 {pick[0]:.0f} ms, "
            f"p99 {pick[1]:.0f} ms, max {ordered[-1]:.0f} ms (n={len(ordered)})")  # fmt: skip


def after_check(base: str, count: int = 10) -> str:
    """Sequential default-page requests straight after the flood."""
    statuses: list[int | str] = []
    times: list[float] = []
    with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
        for _ in range(count):
            started = time.perf_counter()
            try:
                statuses.append(client.get("/articles").status_code)
            except httpx.TransportError as exc:
                statuses.append(type(exc).__name__)
            times.append((time.perf_counter() - started) * 1000)
    ok = sum(s == 200 for s in statuses)
    return (f"right after: {ok}/{count} answered 200 ({Counter(statuses)}), "
            f"latency {', '.join(f'{t:.0f}' for t in times)} ms")  # fmt: skip


def report(tally: Tally, elapsed: float) -> list[str]:
    ok503 = tally.statuses.get(503, 0) - tally.no_retry_after
    other = {s: n for s, n in tally.statuses.items() if s not in (200, 503)}
    return [
        f"requests {tally.requests} in {elapsed:.1f} s: {tally.requests / elapsed:.0f} req/s; "
        f"200: {tally.statuses.get(200, 0)} ({tally.statuses.get(200, 0) / elapsed:.0f}/s), "
        f"503 with Retry-After: {ok503}",
        f"errors: {tally.errors} (503 without Retry-After {tally.no_retry_after}, other "
        f"statuses {other or 0}, connection errors {dict(tally.transport) or 0})",
        f"GET /articles default page, 200s:   {_pcts(tally.default_ok_ms)}",
        f"GET /articles default page, all:    {_pcts(tally.default_all_ms)}",
        f"every 200 of the mix:               {_pcts(tally.ok_ms)}",
    ]


def run(base: str, mix: list[tuple[str, dict[str, Any]]], clients: int, seconds: float,
        wait_retry_after: bool) -> list[str]:  # fmt: skip
    """The flood, its report lines and the check right after."""
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        tally, elapsed = runner.run(flood(base, mix, clients, seconds, wait_retry_after))
    return [*report(tally, elapsed), after_check(base)]
