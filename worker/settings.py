"""Settings stage: NEWSWORKER_* environment variables → a validated, frozen Settings.

Bad values fail at start with a SettingsError naming the variable.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from worker.errors import SettingsError

ENV_PREFIX = "NEWSWORKER_"
API_SCOPES = ("read", "admin")


class Settings(BaseSettings):
    """Every knob the worker reads. Documented one by one in config/example.env."""

    # allow_inf_nan=False: "inf" or "nan" in a number variable is refused, not run with.
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="ignore", allow_inf_nan=False
    )

    data_dir: Path = Path("./data")
    database_url: str = ""  # empty: sqlite:///<data_dir>/newsworker.sqlite3
    config_dir: Path = Path("./config")
    broker_url: str = ""  # empty: embedded SQLAlchemy transport on a SQLite file
    redis_url: str = ""  # event stream; empty: the broker URL when that is Redis
    user_agent: str = "newsworker/0.1 (+https://github.com/newsworker; police-news archive)"
    allow_private_networks: bool = False
    # NEWSWORKER_ALLOWED_NETWORKS: comma-separated CIDRs fetch may reach even when they are
    # not global (e.g. "127.0.0.1/32,10.20.0.0/16" for a local mirror). Default: none.
    allowed_networks: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # fetch limits
    fetch_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    fetch_connect_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    fetch_max_bytes: int = Field(default=10 * 1024 * 1024, gt=1024)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    respect_robots: bool = True
    politeness: bool = True  # per-host delays from the source files; off for benchmarks
    parse_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    # Celery (worker/celery_app.py). The broker's visibility timeout must exceed the hard
    # time limit, or a slow task would be handed to a second worker while still running.
    task_soft_time_limit: int = Field(default=900, ge=10, le=86_400)
    task_time_limit: int = Field(default=1000, ge=15, le=90_000)
    broker_visibility_timeout: int = Field(default=3600, ge=30, le=7 * 86_400)
    # A lease outlives the hard time limit by this much (worker/tasks.py lease_length):
    # a run that died keeps its source leased this long past the hard limit.
    lease_grace_seconds: int = Field(default=60, ge=0, le=86_400)
    dispatch_interval_seconds: float = Field(default=60.0, gt=0, le=86_400)
    pause_after_failures: int = Field(default=10, ge=1)
    # Failed items (article URLs) of a source (worker/item_state.py): next try after
    # base × 2^(failures-1), capped; given up (skipped by normal runs) after N failures.
    item_retry_base_minutes: float = Field(default=10.0, gt=0, le=1440)
    item_retry_max_hours: float = Field(default=24.0, gt=0, le=168)
    item_give_up_after: int = Field(default=8, ge=1, le=100)
    watchdog_seconds: float = Field(default=300.0, ge=0, le=86_400)  # 0 turns it off
    log_json: bool = False
    # Celery pool processes are replaced after this many tasks / once their resident memory
    # passes this many MB after a task (0: never). Bounds what a long-lived process
    # accumulates (caches, heap fragmentation) without restarting the worker.
    worker_max_tasks_per_child: int = Field(default=200, ge=0)
    worker_max_memory_per_child_mb: int = Field(default=1024, ge=0)
    log_level: str = "INFO"
    # Relay (worker/notify/service.py): after a database or Redis error it waits 0.5 s,
    # doubling up to this cap, and tries again (it never exits on them).
    relay_retry_max_seconds: float = Field(default=30.0, ge=0.5, le=3600)
    # /healthz says "degraded" when the relay's last full pass or the oldest unsequenced
    # event is older than this, or an active channel is this many events behind.
    relay_lag_max_seconds: float = Field(default=120.0, gt=0, le=86400)
    relay_lag_max_events: int = Field(default=10_000, ge=1)
    # Webhook retries (worker/notify/delivery.py): full-jitter delays doubling from 5 s up
    # to this cap while an endpoint fails; the endpoint is disabled once its oldest pending
    # delivery has failed for this long.
    webhook_retry_max_seconds: float = Field(default=300.0, ge=1, le=86400)
    webhook_give_up_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    # Read API (`newsworker serve`): bearer tokens "scope:token", comma-separated; scope read
    # (GET) or admin (also POST /reingest). Empty: no auth, and serve binds to loopback only.
    api_tokens: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Work in flight per `serve` process (worker/api/limits.py): requests handled at once,
    # which also sizes its thread pool and its database pool (no overflow); as many more
    # may wait this long for a slot, others get 503 + Retry-After at once. A request waits
    # this long for a pooled connection before a 503; on PostgreSQL statements are
    # cancelled after the statement timeout (503; 0: none).
    api_concurrency: int = Field(default=8, ge=1, le=1000)
    api_queue_seconds: float = Field(default=0.5, ge=0, le=60)
    api_pool_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    api_statement_timeout_seconds: float = Field(default=15.0, ge=0, le=3600)

    @field_validator("allowed_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            for cidr in value:
                ipaddress.ip_network(str(cidr), strict=False)  # ValueError names the bad CIDR
            return [str(cidr) for cidr in value]
        return value

    @field_validator("api_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            for item in value:
                scope, _, token = str(item).partition(":")
                if scope not in API_SCOPES or len(token) < 8:
                    raise ValueError("each token is read:TOKEN or admin:TOKEN (8+ characters)")
            return [str(item) for item in value]
        return value

    @property
    def api_token_scopes(self) -> dict[str, str]:
        """token → scope."""
        return {t.partition(":")[2]: t.partition(":")[0] for t in self.api_tokens}

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'newsworker.sqlite3').resolve()}"

    @property
    def sources_dir(self) -> Path:
        return self.config_dir / "sources"


def load_settings() -> Settings:
    """Read the environment; turn pydantic's error into one naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = ENV_PREFIX + "_".join(str(p) for p in err["loc"]).upper()
            problems.append(f"{name}: {err['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
