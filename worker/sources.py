"""Sources stage: config/sources/<key>.toml files → validated, frozen SourceConfig models.

In: a directory of TOML files (the key is the file stem). Out: SourceLoadResult with every
valid source by key and one SourceConfigError per broken file, naming the file and the
field path ("config/sources/x.toml: discover.0.kind: ... unknown discovery kind 'rdf'"),
so one bad file never stops the others. Unknown keys are errors (typos must not pass silently);
CSS selectors are compiled at load time so a broken selector fails here, not mid-run.
Every number is finite and bounded (see the limits below): a schedule of 10^13 minutes or
a delay of `inf` is a typo, and would otherwise surface mid-run as an OverflowError.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from cssselect import GenericTranslator, SelectorError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from scrapers.discover_kinds import DISCOVER_PARSERS
from scrapers.layers.cms import SELECTOR_KEYS
from scrapers.records import DiscoverKind
from worker.errors import SourceConfigError

logger = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TRANSLATOR = GenericTranslator()

# Upper bounds of the numeric fields (the README's Sources section lists them).
MAX_INTERVAL_MINUTES = 7 * 24 * 60  # a source checked less than weekly is not news
MAX_DELAY_SECONDS = 3600.0
MAX_REVISIT_HOURS = 90 * 24
MAX_ARTICLES_PER_RUN = 10_000

OutletType = Literal["police_portal", "police_press", "newspaper", "gov_portal"]
Confidence = Literal["low", "medium", "high"]


def _check_css(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("CSS selector must not be empty")
    try:
        _TRANSLATOR.css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {value!r}: {exc}") from exc
    return value


def _check_http_url(value: str) -> str:
    value = value.strip()
    if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value, re.IGNORECASE):
        raise ValueError("must be an absolute http(s) URL")
    return value


def _check_kind(value: Any) -> Any:
    """A discovery kind is one the registry has a parser for (scrapers.discover_kinds)."""
    if value not in DISCOVER_PARSERS:
        known = ", ".join(sorted(DISCOVER_PARSERS))
        raise ValueError(f"unknown discovery kind {value!r} (known: {known})")
    return value


def _check_selector_keys(table: dict[str, str]) -> dict[str, str]:
    """The keys of `[selectors]` are the fields of a CMS profile (scrapers.layers.cms);
    `paragraphs` and `drop` work inside the container `body` selects, so they need it."""
    unknown = sorted(set(table) - SELECTOR_KEYS)
    if unknown:
        known = ", ".join(sorted(SELECTOR_KEYS))
        raise ValueError(f"unknown selector key {', '.join(map(repr, unknown))} (known: {known})")
    inside = sorted({"paragraphs", "drop"} & set(table))
    if inside and "body" not in table:
        raise ValueError(f"{' and '.join(inside)} select inside the body: set body too")
    return table


Css = Annotated[str, AfterValidator(_check_css)]
HttpUrlStr = Annotated[str, AfterValidator(_check_http_url)]
Kind = Annotated[DiscoverKind, BeforeValidator(_check_kind)]
SelectorTable = Annotated[dict[str, Css], AfterValidator(_check_selector_keys)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class DiscoverEntry(_Strict):
    """One discovery document: a feed, a listing page, a sitemap or a JSON endpoint."""

    kind: Kind
    url: HttpUrlStr
    item_selector: Css | None = None  # html_list: CSS of article links (None: heuristic)
    next_selector: Css | None = None  # html_list: CSS of the "next page" link
    max_pages: int = Field(default=1, ge=1, le=100)  # pages / child sitemaps followed


class SourceMeta(_Strict):
    """How far the file can be trusted, and the outlet's terms."""

    verified: bool = False
    confidence: Confidence = "low"
    notes: str = ""
    terms: str = ""


class SourceConfig(_Strict):
    key: str = Field(pattern=KEY_PATTERN.pattern)
    name: str = Field(min_length=1)
    outlet_type: OutletType
    province: str | None = None
    interval_minutes: int = Field(default=30, ge=1, le=MAX_INTERVAL_MINUTES)
    min_delay_seconds: float = Field(default=1.0, ge=0, le=MAX_DELAY_SECONDS)
    revisit_hours: float = Field(default=72, ge=0, le=MAX_REVISIT_HOURS)
    # 0: revisit on every run
    revisit_interval_minutes: int = Field(default=60, ge=0, le=MAX_INTERVAL_MINUTES)
    max_articles_per_run: int = Field(default=200, ge=1, le=MAX_ARTICLES_PER_RUN)
    enabled: bool = True
    relevance_threshold: float | None = Field(default=None, ge=0, le=1)
    discover: tuple[DiscoverEntry, ...] = Field(min_length=1)
    # Per-field CSS selectors for article pages, keyed like a CMS profile; any field left
    # out falls back to the CMS-family / JSON-LD / generic layers.
    selectors: SelectorTable = Field(default_factory=dict)
    meta: SourceMeta = SourceMeta()

    def structure_options(self) -> dict[str, Any]:
        """Publisher context for scrapers.police.structure: police portals keep every
        article unless a threshold is set; other outlets use the classifier's own cut."""
        threshold = self.relevance_threshold
        if threshold is None and self.outlet_type == "police_portal":
            threshold = 0.0
        return {
            "outlet_type": self.outlet_type,
            "publisher_province": self.province,
            "relevance_threshold": threshold,
        }

    def selector_map(self) -> dict[str, str]:
        """The configured article selectors as {field: css}."""
        return dict(self.selectors)


@dataclass(frozen=True, slots=True)
class SourceLoadResult:
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    errors: list[SourceConfigError] = field(default_factory=list)


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(file)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def load_source(path: Path) -> SourceConfig:
    """Read and validate one source file; raises SourceConfigError naming file and field."""
    key = path.stem
    if not KEY_PATTERN.match(key):
        raise SourceConfigError(str(path), f"key: file name must match {KEY_PATTERN.pattern}")
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(str(path), f"TOML syntax error: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceConfigError(str(path), f"cannot read file: {exc}") from exc
    if data.setdefault("key", key) != key:
        raise SourceConfigError(str(path), f"key: {data['key']!r} does not match file name")
    try:
        return SourceConfig.model_validate(data)
    except ValidationError as exc:
        raise SourceConfigError(str(path), _describe(exc)) from exc


def load_sources(directory: Path) -> SourceLoadResult:
    """Load every *.toml in `directory`; broken files become errors, the rest still load."""
    result = SourceLoadResult()
    if not directory.is_dir():
        result.errors.append(SourceConfigError(str(directory), "sources directory not found"))
        return result
    for path in sorted(directory.glob("*.toml")):
        try:
            source = load_source(path)
        except SourceConfigError as exc:
            logger.warning("source file rejected: %s", exc)
            result.errors.append(exc)
            continue
        result.sources[source.key] = source
    return result
