"""What every pipeline stage needs from the outside world, bundled once per run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from worker.fetch import Fetcher
from worker.settings import Settings
from worker.timings import StageTimings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class IngestContext:
    settings: Settings
    sessions: sessionmaker[Session]
    fetcher: Fetcher
    clock: Callable[[], datetime] = utcnow
    timings: StageTimings = field(default_factory=StageTimings)
