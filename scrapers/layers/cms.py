"""Selector layers of the parse stage (pure): source selectors and known CMS families.

In:  the page tree; a source's `[selectors]` table, or nothing.
Out: the Profile that applies (selectors are data, as in trafilatura's xpaths.py).

Source selector keys (all optional, CSS, one selector each; a comma means "any of"):
  title, lead, body (the container of the article text), paragraphs (the paragraph
  elements, when the body holds other things too), author, date, updated, caption,
  section (breadcrumb links or a section label), tags (tag links), drop (nodes to remove
  from the body before reading it).

Families, detected only by markers that CMS alone writes (a class common elsewhere, such
as WordPress's `post-content`, never detects a family on its own; "A & B" in `detect`
means both must be on the page); each field tries its selectors in order:
  detail      tuoitre / nld / baochinhphu (`detail-*`, `data-role`)
  cms         plo / anninhthudo / vietnamplus (`cms-title`, `cms-desc`, `cms-body`)
  vnexpress   `fck_detail`
  dantri      `data-slot` (2025 design) and the older `singular-*` layout
  cand-old    cand.com.vn 2019-2021 (`titledetail`, `desnews`; body in `post-content`)
  cand-sub    antg / antgct / vnca.cand.com.vn (`detail-content`, `detail-timer`)
  congan-hcm  congan.com.vn (`#article_content`)
  baothanhhoa-old / baothanhhoa-new
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from scrapers.dom import Element, select

Selectors = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    detect: Selectors = ()
    title: Selectors = ()
    lead: Selectors = ()
    body: Selectors = ()
    paragraphs: Selectors = ()
    author: Selectors = ()
    date: Selectors = ()
    updated: Selectors = ()
    caption: Selectors = ()
    section: Selectors = ()
    tags: Selectors = ()
    drop: Selectors = ()


SELECTOR_KEYS = frozenset(f.name for f in fields(Profile)) - {"name", "detect"}

FAMILIES: tuple[Profile, ...] = (
    Profile(
        name="detail",
        detect=(
            "div.detail-content.afcbc-body",
            "[data-role=content] & [data-role=publishdate]",
            "div.detail__content & .detail__summary",
        ),
        title=("h1[data-role=title]", "h1.detail-title", "h1.detail__title"),
        lead=("[data-role=sapo]", "h2.detail-sapo", ".detail__summary"),
        body=("[data-role=content]", "div.detail-content", "div.detail__content"),
        author=(
            ".detail-author a.name",
            ".author-info a.name",
            ".detail-author-bot a",
            ".detail-author",
            ".detail__author",
        ),
        date=("[data-role=publishdate]", ".detail-time", ".detail__meta time"),
        section=(".detail-cate a", ".detail-breadcrumb a", ".breadcrumb a"),
        tags=(".detail-tab a", ".tags-container a", ".detail__tags a"),
        drop=(
            "[type=RelatedOneNews]",
            "[type=RelatedNews]",
            "[type=RelatedNewsBox]",
            ".VCObjectBoxRelatedNewsContentWrapper",
            ".readmore-body-box",
            "[type=VideoStream]",
        ),
    ),
    Profile(
        name="cms",
        detect=(".cms-body", ".cms-desc"),
        title=("h1.cms-title", ".cms-title", "h1.article__title", "h1"),
        lead=(".cms-desc", ".article__sapo"),
        body=(".cms-body", "#main_detail", ".article__body"),
        author=(
            ".article__header .cms-author a.name",
            ".cms-author a.name",
            ".cms-author",
            ".article__meta .author",
        ),
        date=("time.article__time", ".article__header time", ".cms-date", "time"),
        section=(".breadcrumb a", ".article__breadcrumb a"),
        tags=(".article__tag a", ".tag-list a", ".tags a"),
        drop=(".article-relate", ".related-topic", ".story", ".cms-author"),
    ),
    Profile(
        name="vnexpress",
        detect=("article.fck_detail",),
        title=("h1.title-detail", "h1.title-post"),
        lead=("p.description",),
        body=("article.fck_detail",),
        author=(
            'article.fck_detail > p.Normal[style*="right"] > strong',
            "article.fck_detail p.author_mail strong",
            "article.fck_detail p.author strong",
        ),
        date=("span.date",),
        caption=("p.Image", "figcaption"),
        section=("ul.breadcrumb a",),
        tags=(".tags a", ".tag_item a"),
        drop=("[data-component-type=tin_xemthem]", ".box-tinlienquanv2", ".box_embed_video"),
    ),
    Profile(
        name="dantri",
        detect=(
            "article[data-slot=container] [data-slot=content]",
            "div.singular-content & .singular-sapo",
        ),
        title=("h1[data-slot=title]", "h1.title-page"),
        lead=("[data-slot=sapo]", "h2.singular-sapo"),
        body=("[data-slot=content]", "div.singular-content"),
        author=(
            "article[data-slot=container] a[href*='/tac-gia/']",
            ".author-name a",
            ".author-name",
        ),
        date=("article[data-slot=container] time", "time.author-time"),
        section=(".dt-breadcrumb a", ".breadcrumbs a"),
        tags=(".tags-wrap a", "ul.tags-wrap a"),
        drop=("[data-module^=related]", ".dantri-widget"),
    ),
    Profile(
        name="cand-old",
        detect=(".titledetail", "div.desnews"),
        title=("h1.titledetail", ".titledetail"),
        lead=("div.desnews",),
        body=("div.post-content",),
        author=("div.aliaspost",),
        date=("div.timepost",),
        caption=("td.note",),
        section=("#BreadCrumbZone a",),
        tags=(".tags a", ".tag a"),
        drop=(".relatednews", ".boxtinlienquan"),
    ),
    Profile(
        name="cand-sub",
        detect=(".detail-timer",),
        title=("h1", ".detail-title"),
        lead=(".detail-sapo", ".sapo"),
        body=(".detail-content",),
        author=(".detail-author", ".author"),
        date=(".detail-timer",),
        section=("#BreadCrumbZone a",),
    ),
    Profile(
        name="congan-hcm",
        detect=("#article_content & .article_head",),
        title=(".article_title", "h1"),
        lead=(".article_head",),
        body=("#article_content",),
        author=(".article_author",),
        date=('[style*="white-space: nowrap"]', '[style*="white-space:nowrap"]'),
        caption=("div.d-imgcaption", "figcaption"),
        section=(".breadcrumb a",),
        tags=(".tags a", ".article_tags a"),
    ),
    Profile(
        name="baothanhhoa-old",
        detect=("#main-detail .pBody", "#main-detail & .sapo_detail"),
        title=("h1", ".title_detail"),
        lead=(".sapo_detail",),
        body=("#main-detail",),
        paragraphs=(".pBody",),
        author=(".pAuthor",),
        date=(".date_news",),
        caption=(".pCaption",),
        section=(".breadcrumb a",),
        tags=(".tags a",),
    ),
    Profile(
        name="baothanhhoa-new",
        detect=("#dcontent & .article__sapo",),
        title=("h1.article__title", "h1"),
        lead=("div.article__sapo", ".sapo"),
        body=("#dcontent", ".article__body"),
        author=(".article__author", ".author"),
        date=(".article__meta time", "time", ".article__date"),
        section=(".breadcrumb a",),
        tags=(".article__tag a", ".tags a"),
    ),
)


def profile_from_selectors(selectors: Mapping[str, str]) -> Profile:
    """A source's selector table as a Profile; unknown keys are ignored (see docstring)."""
    values = {
        key: (value.strip(),)
        for key, value in selectors.items()
        if key in SELECTOR_KEYS and isinstance(value, str) and value.strip()
    }
    return Profile(name="selectors", **values)


def detect_family(root: Element) -> Profile | None:
    for profile in FAMILIES:
        if any(_detected(root, marker) for marker in profile.detect):
            return profile
    return None


def _detected(root: Element, marker: str) -> bool:
    """A marker is a selector, or selectors joined by " & " that must all match."""
    return all(select(root, part.strip()) for part in marker.split(" & "))
