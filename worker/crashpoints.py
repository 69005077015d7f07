"""Deterministic crash and fault points for crash-safety and containment tests.

NEWSWORKER_CRASH_AT="point[:n]" makes the process exit abruptly (os._exit, like kill -9:
no cleanup, no ack) the n-th time (default 1st) execution reaches `point`. Points:
after_fetch, mid_transaction, after_commit (before the task returns and is acked).

NEWSWORKER_FAULT_AT="stage:fragment" raises InjectedFault, an exception no stage expects
(not a ScrapeError, not a NewsworkerError), when execution reaches `stage` for a subject
containing `fragment`: what a parser bug or a value the database refuses does, for tests
that check the article and source boundaries contain it. Stages and their subject: decode,
parse, structure, store (after the article's rows are flushed): the article URL;
discover: a discovery document's URL, before it is parsed; plan: the source key.

Unset in production; reading one environment variable is the whole cost.
"""

from __future__ import annotations

import os
from collections import Counter

ENV = "NEWSWORKER_CRASH_AT"
FAULT_ENV = "NEWSWORKER_FAULT_AT"
_hits: Counter[str] = Counter()


class InjectedFault(RuntimeError):
    """Raised at a fault point named by NEWSWORKER_FAULT_AT."""


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


def fault_point(stage: str, subject: str) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    point, _, fragment = spec.partition(":")
    if point == stage and fragment in subject:
        raise InjectedFault(f"injected fault at {stage} for {subject}")
