"""Deterministic crash points for crash-safety tests.

NEWSWORKER_CRASH_AT="point[:n]" makes the process exit abruptly (os._exit, like kill -9:
no cleanup, no ack) the n-th time (default 1st) execution reaches `point`. Points:
after_fetch, mid_transaction, after_commit (before the task returns and is acked).
Unset in production; reading one environment variable is the whole cost.
"""

from __future__ import annotations

import os
from collections import Counter

ENV = "NEWSWORKER_CRASH_AT"
_hits: Counter[str] = Counter()


def crash_point(name: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _hits[name] += 1
    if _hits[name] == int(nth or "1"):
        os._exit(137)
