"""URL normalization and article identity (pure).

canonicalize_url: one spelling per page — lower-case scheme/host, no default port, no
fragment, tracking parameters dropped, remaining query sorted, AMP/mobile/www hosts folded.
article_identity: the dedup key — "<site>#<article id>" when the URL carries a site article
id (vnexpress -5047363.html, PLO -post874982 / share874982, CAND -i717585, ANTĐ
-post145407.antd, CATP _177907.html, tuoitre/dantri 17-digit ids), else the canonical URL.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "vn_", "mc_", "pk_", "itm_", "at_", "_hs")
_TRACKING_KEYS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "zarsrc", "gidzl",
        "_ga", "_gl", "ref", "ref_src", "source", "cmpid", "spm", "s_cid", "rss", "from",
        "utm", "cid", "share", "amp", "outputtype",
    }
)  # fmt: skip
_FOLDED_HOST_PREFIXES = ("www.", "amp.", "m.", "mobile.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Site article ids, most specific first. Each yields the id with its site-typed prefix.
_ID_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[-/](?:post|share)(\d{4,})\.(?:html?|antd|vnp|ldo)$"), "post"),
    (re.compile(r"^/share(\d{4,})\.html?$"), "post"),
    (re.compile(r"-i(\d{4,})/?$"), "i"),
    (re.compile(r"-(\d{17})\.html?$"), "ts"),
    (re.compile(r"[-_](\d{5,})\.(?:html?|antd|ldo|vov|aspx)$"), "n"),
    (re.compile(r"/(?:tin-tuc|news)/[^/]+-(\d{3,})/?$"), "n"),
    (re.compile(r"-(\d{5,})/index\.html?$"), "n"),
)


def fold_host(host: str) -> str:
    """'amp.cand.com.vn' → 'cand.com.vn'; 'm.anninhthudo.vn' → 'anninhthudo.vn'."""
    host = host.lower().rstrip(".")
    for prefix in _FOLDED_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def _is_tracking(key: str) -> bool:
    low = key.lower()
    return low in _TRACKING_KEYS or low.startswith(_TRACKING_PREFIXES)


def _clean_path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path or "/")
    if path.endswith("/amp") or path.endswith("/amp/"):
        path = path[: path.rindex("/amp")] or "/"
    return path


def canonicalize_url(url: str) -> str:
    """The one spelling of `url` we store and compare. Non-http(s) URLs come back as given."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url.strip()
    host = fold_host(parts.hostname)
    if parts.port and parts.port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit((scheme, host, _clean_path(parts.path), urlencode(sorted(query)), ""))


def site_article_id(url: str) -> str | None:
    """The site's own article id carried by the URL path, typed by pattern, or None."""
    path = urlsplit(url).path
    for pattern, kind in _ID_PATTERNS:
        match = pattern.search(path)
        if match:
            return f"{kind}{match.group(1)}"
    return None


def article_identity(url: str) -> str:
    """Dedup key: host + site article id when the URL has one, else the canonical URL
    without its scheme (http and https copies of a page are one article)."""
    canonical = canonicalize_url(url)
    parts = urlsplit(canonical)
    article_id = site_article_id(canonical)
    if article_id and not parts.query:
        return f"{parts.netloc}#{article_id}"
    return canonical.split("://", 1)[-1]
