"""CPU time per pipeline stage (fetch, parse, store, discover), accumulated per run.

Cheap enough to stay on in production (two clock reads per stage call); the bench prints it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StageTimings:
    cpu_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @contextmanager
    def measure(self, stage: str) -> Iterator[None]:
        start = time.thread_time()
        try:
            yield
        finally:
            self.cpu_seconds[stage] += time.thread_time() - start
            self.calls[stage] += 1
