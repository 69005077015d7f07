"""config/notify.toml → validated channel settings (stream, webhooks) with filters.

Secrets never live in the file: a webhook names the environment variable holding its
signing secret (`secret_env`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from worker.errors import NewsworkerError

DEFAULT_STREAM_KEY = "newsworker:events"
# ~1M entries: at ~2 KB each about 2 GB of Redis memory; consumers that fall further
# behind than that catch up from the pull cursor (`newsworker events --after`).
DEFAULT_STREAM_MAXLEN = 1_000_000


class NotifyConfigError(NewsworkerError):
    kind = "notify_config"


class EventFilter(BaseModel):
    """Empty lists match everything; each non-empty list must match."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    types: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    provinces: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)

    def matches(self, event_type: str, source_key: str | None, payload: dict[str, Any]) -> bool:
        if self.types and event_type not in self.types:
            return False
        if self.sources and source_key not in self.sources:
            return False
        police = _police(payload)
        if self.provinces and not set(self.provinces) & _provinces(police):
            return False
        return not self.topics or bool(set(self.topics) & _topics(police))


def _police(payload: dict[str, Any]) -> dict[str, Any]:
    record = (payload.get("article") or {}).get("record") or {}
    police = record.get("police") or {}
    return police if isinstance(police, dict) else {}


def _provinces(police: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for place in police.get("places") or []:
        for name in ("province", "province_2025"):
            if place.get(name):
                found.add(str(place[name]))
    return found


def _topics(police: dict[str, Any]) -> set[str]:
    return {str(t if isinstance(t, str) else t.get("topic")) for t in police.get("topics") or []}


class StreamConfig(EventFilter):
    enabled: bool = True
    url: str = ""  # empty: NEWSWORKER_REDIS_URL, else the broker URL when it is Redis
    key: str = DEFAULT_STREAM_KEY
    maxlen: int = Field(default=DEFAULT_STREAM_MAXLEN, ge=1000)


class WebhookConfig(EventFilter):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    url: str
    secret_env: str
    enabled: bool = True
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    def secret(self) -> str:
        value = os.environ.get(self.secret_env)
        if not value:
            raise NotifyConfigError(f"webhook {self.name}: {self.secret_env} is not set")
        return value


class NotifyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    stream: StreamConfig = Field(default_factory=StreamConfig)
    webhooks: list[WebhookConfig] = Field(default_factory=list)


def load_notify_config(config_dir: Path) -> NotifyConfig:
    path = config_dir / "notify.toml"
    if not path.exists():
        return NotifyConfig()
    try:
        return NotifyConfig.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise NotifyConfigError(f"{path}: {exc}") from exc
