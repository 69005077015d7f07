"""Dedup stage: article identity, content hash, and lookup of an already-stored article.

Identity is the canonical URL (or site article id) — feed GUIDs are hints only.
The content hash covers normalized title + lead + body, so date-only churn is no change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from scrapers.records import ArticleRecord, FeedItem
from scrapers.text import text_prefix, tone_key, tone_key_pieces
from scrapers.urls import article_identity, canonicalize_url, fold_host
from worker.db.models import Article, ArticleUrl

_UNIT_SEP = "\u241e"  # ␞: not whitespace, so clean_text keeps paragraph boundaries


@dataclass(frozen=True, slots=True)
class ContentKey:
    """tone_key of a record's title, lead and paragraphs joined with U+241E (`key`), and
    whether no part holds a U+241E itself (`separable`)."""

    key: str
    separable: bool

    @classmethod
    def of(cls, record: ArticleRecord) -> ContentKey:
        parts = [record.title, record.lead or "", *record.paragraphs]
        text = _UNIT_SEP.join(parts)
        return cls(tone_key(text), text.count(_UNIT_SEP) == len(parts) - 1)

    @property
    def digest(self) -> str:
        """The content hash (see content_hash)."""
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()

    def spaced(self) -> str | None:
        """tone_key of the same parts joined with newlines (indexing.record_text), without
        normalizing the text again; None when a part holds a U+241E.

        Each step of tone_key treats a U+241E between two parts as it treats the
        whitespace between them: NFC composes neither with its neighbours, clean_text
        keeps the one and turns the other into a space next to any spaces of the parts,
        the tone regex and lower-casing see a non-letter, non-mark, uncased character
        either way. So the newline-joined key is the pieces between the separators,
        stripped of their spaces, the empty ones left out, joined with single spaces."""
        if not self.separable:
            return None
        pieces = (piece.strip(" ") for piece in self.key.split(_UNIT_SEP))
        return " ".join(piece for piece in pieces if piece)


def content_summary(record: ArticleRecord, search_chars: int) -> tuple[str, str | None]:
    """(the content hash, ContentKey.spaced() cut by text_prefix to `search_chars`), the
    key made and hashed piece by piece (scrapers.text.tone_key_pieces), so a huge text's
    whole key never exists: only its first `search_chars` (and a margin) are kept."""
    parts = [record.title, record.lead or "", *record.paragraphs]
    text = _UNIT_SEP.join(parts)
    separable = text.count(_UNIT_SEP) == len(parts) - 1
    digest = hashlib.sha256()
    head: list[str] = []
    kept = 0
    for index, piece in enumerate(tone_key_pieces(text)):
        digest.update(piece.encode("utf-8") if index == 0 else b" " + piece.encode("utf-8"))
        if kept <= search_chars + _SEARCH_MARGIN:
            head.append(piece)
            kept += len(piece) + 1
    spaced = ContentKey(" ".join(head), separable).spaced()
    return digest.hexdigest(), None if spaced is None else text_prefix(spaced, search_chars)[0]


# Key characters kept past the search prefix: spaced() drops the spaces around paragraph
# separators, so its first `search_chars` come from a little more of the key.
_SEARCH_MARGIN = 2000


def content_hash(record: ArticleRecord) -> str:
    """sha256 over tone-normalized title, lead and paragraphs (NFC, whitespace, tone, case).
    Parts are joined with U+241E so a moved paragraph break is a change too."""
    return ContentKey.of(record).digest


def feed_hint(item: FeedItem) -> str:
    """Fingerprint of what the feed says about an item; a change triggers a revisit."""
    updated = item.updated_at.isoformat() if item.updated_at else ""
    summary = tone_key(item.summary or "")
    return hashlib.sha256(f"{updated}\n{summary}".encode()).hexdigest()[:32]


def record_identity(record: ArticleRecord, fetched_url: str) -> str:
    """Identity of a parsed page: its rel=canonical when that is on the same site and is
    not a bare home page, else the URL it was fetched from."""
    canonical = urlsplit(record.canonical_url)
    fetched = urlsplit(fetched_url)
    same_site = fold_host(canonical.hostname or "") == fold_host(fetched.hostname or "")
    if same_site and canonical.path not in ("", "/"):
        return article_identity(record.canonical_url)
    return article_identity(fetched_url)


# Built once (see worker.clusters): an identity match first, else a URL alias.
_FIND = (
    union_all(
        select(literal(0).label("rank"), Article.id.label("id")).where(
            Article.identity == bindparam("identity")
        ),
        select(literal(1).label("rank"), ArticleUrl.article_id.label("id")).where(
            ArticleUrl.url.in_(bindparam("urls", expanding=True))
        ),
    )
    .order_by("rank")
    .limit(1)
)


def find_article(session: Session, identity: str, urls: list[str]) -> Article | None:
    """The stored article with this identity, or one already reached through any of `urls`
    (one statement)."""
    canon = sorted({canonicalize_url(u) for u in urls})
    found = session.connection().execute(_FIND, {"identity": identity, "urls": canon}).first()
    return None if found is None else session.get(Article, found.id)


def find_for_item(session: Session, item: FeedItem) -> Article | None:
    """Before fetching: is the item's URL one we already store?"""
    return find_article(session, article_identity(item.url), [item.url])
