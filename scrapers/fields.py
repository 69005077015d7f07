"""Field resolution for the parse stage (pure): each field from the best layer that has it.

In:  a Page (tree, URL, metadata, the selector/CMS profiles that apply).
Out: (value, layer) per field; layer is "selectors", "cms:<family>", "jsonld", "meta" or
     "generic", and ends up in ArticleRecord.extraction.

Order: source selectors → CMS family → JSON-LD → OpenGraph/meta → generic.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from scrapers.body import BodyResult, extract_body
from scrapers.bylines import is_name, split_authors
from scrapers.dom import Element, element_text, select_first
from scrapers.layers.cms import Profile
from scrapers.layers.generic import find_main_content
from scrapers.layers.intro import printed_intro
from scrapers.layers.metadata import PageMeta, jsonld_people, jsonld_text
from scrapers.leads import strip_outlet_marker, strip_title_suffix
from scrapers.text import fold_key, tone_key

_BREADCRUMBS = ("[class*=breadcrumb] a", "[id*=breadcrumb] a", "[class*=BreadCrumb] a")
_TAG_LINKS = ("a[rel~=tag]", ".tags-links a", ".post-tags a", ".tag-list a")
_HOME = frozenset({"trang chu", "home", "trang nhat", "tin tuc"})


@dataclass(slots=True)
class Page:
    root: Element
    url: str
    meta: PageMeta
    profiles: list[Profile]
    fetched_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def site_names(self) -> tuple[str, ...]:
        names = [self.meta.first("og:site_name", "application-name", "copyright") or ""]
        publisher = self.meta.article.get("publisher")
        if isinstance(publisher, dict):
            names.append(jsonld_text(publisher.get("name")) or "")
        return tuple(n for n in names if n)


def layer_name(profile: Profile) -> str:
    return "selectors" if profile.name == "selectors" else f"cms:{profile.name}"


def resolve_title(page: Page) -> tuple[str | None, str]:
    for profile in page.profiles:
        for el in select_first(page.root, profile.title):
            text = element_text(el)
            if text:
                return text, layer_name(profile)
    headline = jsonld_text(page.meta.article.get("headline"))
    if headline:
        return strip_title_suffix(headline, page.site_names(), page.host), "jsonld"
    og = page.meta.first("og:title", "twitter:title", "title")
    if og:
        return strip_title_suffix(og, page.site_names(), page.host), "meta"
    return _generic_title(page), "generic"


def _generic_title(page: Page) -> str | None:
    for h1 in page.root.iter("h1"):
        text = element_text(h1)
        if len(text) >= 10:
            return text
    title = page.root.find(".//title")
    if title is not None:
        return strip_title_suffix(element_text(title), page.site_names(), page.host) or None
    return None


def resolve_lead(page: Page) -> tuple[str | None, str]:
    for profile in page.profiles:
        for el in select_first(page.root, profile.lead):
            text = element_text(el)
            if text:
                return strip_outlet_marker(text), layer_name(profile)
    described = jsonld_text(page.meta.article.get("description"))
    if described:
        return strip_outlet_marker(described), "jsonld"
    og = page.meta.first("og:description", "description", "twitter:description")
    if og:
        return strip_outlet_marker(og), "meta"
    return None, "none"


def resolve_body(page: Page, exclude: tuple[str, ...]) -> tuple[BodyResult | None, str]:
    """The body from the first profile whose container has text, else the generic layer."""
    for profile in page.profiles:
        containers = select_first(page.root, profile.body)
        if not containers:
            continue
        body = extract_body(
            containers[0],
            page.url,
            drop=profile.drop,
            caption_selectors=profile.caption,
            paragraph_selectors=profile.paragraphs,
            exclude=exclude,
        )
        if body.paragraphs:
            return body, layer_name(profile)
    main = find_main_content(page.root)
    if main is None:
        return None, "none"
    title_only, lead = exclude[:1], (exclude[1] if len(exclude) > 1 else None)
    body = extract_body(main, page.url, exclude=title_only, lead=lead)
    for container, skip in _fallbacks(main, body, exclude):
        body = extract_body(container, page.url, exclude=skip)
        if body.paragraphs:
            break
    return replace(body, intro=printed_intro(main)), "generic"


def _fallbacks(
    main: Element, body: BodyResult, exclude: tuple[str, ...]
) -> list[tuple[Element, tuple[str, ...]]]:
    """When the chosen container reads as nothing: the container again keeping a paragraph
    that only repeats the lead, then its nearest ancestors, then the whole <body> (never
    fail a page that has text)."""
    if body.paragraphs:
        return []
    title_only = exclude[:1]
    ancestors = [a for a in main.iterancestors() if a.tag != "html"][:3]
    page_body = main.getroottree().getroot().find("body")
    if page_body is not None and page_body not in ancestors:
        ancestors.append(page_body)
    return [(main, title_only), *((a, title_only) for a in ancestors)]


def resolve_authors(page: Page, body: BodyResult | None) -> tuple[tuple[str, ...], str]:
    for profile in page.profiles:
        texts = [element_text(el) for el in select_first(page.root, profile.author)]
        authors = split_authors([t for t in texts if t])
        if authors:
            return authors, layer_name(profile)
    if body is not None and body.byline is not None and body.byline.authors:
        return body.byline.authors, "body"
    dable = page.meta.first("dable:author")
    if dable:
        authors = split_authors([dable])
        if authors:
            return authors, "meta"
    people = split_authors(jsonld_people(page.meta.article.get("author")))
    people = tuple(p for p in people if not _is_site(page, p))
    if people:
        return people, "jsonld"
    return _meta_author(page)


def _meta_author(page: Page) -> tuple[tuple[str, ...], str]:
    raw = page.meta.first("author", "article:author", "byl")
    if not raw or raw.startswith("http") or _is_site(page, raw):
        return (), "none"
    authors = tuple(a for a in split_authors([raw]) if is_name(a))
    return (authors, "meta") if authors else ((), "none")


def _is_site(page: Page, name: str) -> bool:
    key = fold_key(name).replace(" ", "")
    host = page.host.replace("www.", "").split(".")[0]
    if host and host in key:
        return True
    return any(fold_key(s).replace(" ", "") in (key,) for s in page.site_names())


def resolve_section(page: Page) -> tuple[tuple[str, ...], str]:
    crumbs = _without_home(page.meta.breadcrumbs)
    if crumbs:
        return crumbs, "jsonld"
    for profile in page.profiles:
        names = _without_home([element_text(el) for el in select_first(page.root, profile.section)])
        if names:
            return names, layer_name(profile)
    raw = page.meta.first("article:section")
    if raw:
        return _without_home(raw.split(",")), "meta"
    section = page.meta.article.get("articleSection")
    values = section if isinstance(section, list) else [section]
    found = _without_home([s for n in values if isinstance(n, str) for s in n.split(",")])
    if found:
        return found, "jsonld"
    crumbs = _without_home([element_text(a) for a in select_first(page.root, _BREADCRUMBS)])
    return (crumbs, "generic") if crumbs else ((), "none")


def _without_home(names: list[str]) -> tuple[str, ...]:
    cleaned = [n.strip() for n in names if n and n.strip()]
    kept = [n for n in cleaned if fold_key(n) not in _HOME]
    return tuple(dict.fromkeys(kept))


def resolve_tags(page: Page) -> tuple[tuple[str, ...], str]:
    for profile in page.profiles:
        tags = [
            element_text(el).lstrip("#").strip() for el in select_first(page.root, profile.tags)
        ]
        if any(tags):
            return _unique(tags), layer_name(profile)
    for name in ("article:tag", "news_keywords", "keywords"):
        values = page.meta.meta.get(name, [])
        tags = [t for v in values for t in v.split(",")]
        if any(t.strip() for t in tags):
            return _unique(tags), "meta"
    keywords = page.meta.article.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if isinstance(keywords, list):
        tags = [k for k in keywords if isinstance(k, str)]
        if tags:
            return _unique(tags), "jsonld"
    nodes = select_first(page.root, _TAG_LINKS)
    tags = [element_text(el).lstrip("#").strip() for el in nodes]
    return (_unique(tags), "generic") if any(tags) else ((), "none")


def _unique(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        text = " ".join(value.split()).strip()
        if text and tone_key(text) not in seen:
            seen[tone_key(text)] = text
    return tuple(seen.values())
