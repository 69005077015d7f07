"""Discovery stage: the Hanoi city police DNN JSON API (congan.hanoi.gov.vn) → DiscoveryResult.

In: the body of GET /DesktopModules/cmsview/api/NewsContent/listnew?...&PageIndex=<p> and
its URL. Out: one FeedItem per entry of `ListData` and `ListMoreData` (Id, Url slug, Name,
Description, PublishTime / CreatedTime), the article URL being /tin-tuc/<slug>-<Id> on the
API's host. PublishTime comes without an offset or with a "Z" that is probably not really
UTC; both are read as Asia/Ho_Chi_Minh wall time. Malformed JSON, or a body of more
values than a listing holds (hostile: millions of tiny objects) → FeedError.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from scrapers.discover_links import absolute_http_url, merge_items, unescape_text
from scrapers.errors import FeedError
from scrapers.feeddates import parse_feed_date
from scrapers.records import DiscoveryResult, FeedItem

_LIST_KEYS = ("ListData", "ListMoreData")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_MAX_BYTES = 20 * 1024 * 1024
# A listnew page holds tens of entries. json.loads pays tens of bytes per value (an empty
# object: ~70 bytes for 2 bytes of JSON), so a body of millions of tiny values is refused
# before it is loaded: counted by its brackets and quotes (an upper bound).
_MAX_CONTAINERS = 100_000
_MAX_QUOTES = 1_000_000


def parse_json_api(body: bytes, base_url: str) -> DiscoveryResult:
    """Items of one listnew page (see the module docstring)."""
    data = _load(body)
    parts = urlsplit(base_url)
    site = f"{parts.scheme}://{parts.netloc}"
    items = (_item(entry, site) for key in _LIST_KEYS for entry in _entries(data, key))
    return DiscoveryResult(items=merge_items(items))


def _load(body: bytes) -> dict[str, Any]:
    if len(body) > _MAX_BYTES:
        raise FeedError("JSON API body too large")
    containers = body.count(b"{") + body.count(b"[")
    if containers > _MAX_CONTAINERS or body.count(b'"') > _MAX_QUOTES:
        raise FeedError(f"JSON API body has too many values ({containers} objects or arrays)")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"malformed JSON API body: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("d"), dict):  # ASP.NET wrapper
        data = data["d"]
    if not isinstance(data, dict) or not any(k in data for k in _LIST_KEYS):
        raise FeedError("JSON API body has no ListData / ListMoreData")
    return data


def _entries(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FeedError(f"JSON API field {key} is not a list")
    return [entry for entry in value if isinstance(entry, dict)]


def _item(entry: dict[str, Any], site: str) -> FeedItem | None:
    url = _article_url(entry, site)
    if url is None:
        return None
    name, description = entry.get("Name"), entry.get("Description")
    return FeedItem(
        url=url,
        title=unescape_text(name) or None if isinstance(name, str) else None,
        summary=unescape_text(description) or None if isinstance(description, str) else None,
        guid=str(entry["Id"]) if entry.get("Id") is not None else None,
        published_at=_wall_time(entry.get("PublishTime") or entry.get("CreatedTime")),
        kind="json_api",
    )


def _article_url(entry: dict[str, Any], site: str) -> str | None:
    ident, slug = entry.get("Id"), entry.get("Url")
    if not isinstance(ident, int | str) or not str(ident).isdigit():
        return None
    if isinstance(slug, str) and slug.startswith(("http://", "https://", "/")):
        return absolute_http_url(slug, site + "/")
    if not isinstance(slug, str) or not _SLUG.match(slug.strip()):
        return None
    return absolute_http_url(f"/tin-tuc/{quote(slug.strip())}-{ident}", site + "/")


def _wall_time(raw: object) -> datetime | None:
    """The API's times are Vietnamese wall time: a trailing "Z" is dropped, so the naive
    rest is read as Asia/Ho_Chi_Minh (an explicit numeric offset is kept)."""
    if not isinstance(raw, str):
        return None
    return parse_feed_date(raw.strip().removesuffix("Z").removesuffix("z"))
