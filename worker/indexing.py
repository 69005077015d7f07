"""Index stage: the derived, queryable data of a stored article, rewritten with each new
revision in the same transaction — search text, story cluster, facets.

In: a flushed Article whose `record` is current. Out: articles.search_text / story_id /
genre / relevance / is_police_affairs / case_features / case_id, and article_facets rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.orm import Session

from scrapers.fingerprint import sketch
from scrapers.police.structure import STRUCTURE_MAX_CHARS
from scrapers.text import fold_key, strip_diacritics, text_prefix, tone_key
from worker.clusters import assign_case, assign_story
from worker.db.models import Article, ArticleFacet
from worker.db.rows import insert_rows

MAX_FACET = 300
# The search text (and so the full-text index and the near-duplicate sketch) covers the
# part of an article structuring reads: real articles whole, a hostile 10 MB page its
# first 200k characters (PostgreSQL's tsvector holds at most 1 MB).
SEARCH_TEXT_MAX_CHARS = STRUCTURE_MAX_CHARS
_DROP_FACETS = delete(ArticleFacet).where(ArticleFacet.article_id == bindparam("me"))


def record_text(record: dict[str, Any]) -> str:
    parts = [record.get("title") or "", record.get("lead") or ""]
    parts.extend(record.get("paragraphs") or [])
    return "\n".join(parts)


def _place_facets(police: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for place in police.get("places") or []:
        for key in ("province", "province_2025", "commune"):
            if place.get(key):
                yield key, str(place[key])


def _crime_facets(police: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for crime in police.get("crimes") or []:
        numbers = crime.get("articles") or ([crime["article"]] if crime.get("article") else [])
        for number in numbers:
            yield "crime_article", str(number)


def _people_facets(police: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for person in police.get("persons") or []:
        if person.get("name"):
            yield "person", fold_key(str(person["name"]))
        if person.get("rank"):
            yield "rank", str(person["rank"])
    for unit in police.get("units") or []:
        if unit.get("code"):
            yield "unit_code", str(unit["code"])


def _other_facets(police: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for topic in police.get("topics") or []:
        yield "topic", str(topic["topic"] if isinstance(topic, dict) else topic)
    for key in (police.get("case") or {}).get("blocking_keys") or []:
        yield "case_key", str(key)
    if police.get("genre"):
        yield "genre", str(police["genre"])


def facets_of(record: dict[str, Any]) -> set[tuple[str, str]]:
    """(facet, value) pairs the API filters on, from the record's structured fields."""
    police = record.get("police") or {}
    found: set[tuple[str, str]] = set()
    for extract in (_place_facets, _crime_facets, _people_facets, _other_facets):
        found.update(extract(police))
    return {(f, v[:MAX_FACET]) for f, v in found if v}


def index_columns(article: Article, text_key: str | None = None) -> None:
    """Set the article's derived columns from its record (no database access).
    `text_key`: tone_key(record_text(record)) when known (dedup.ContentKey.spaced)."""
    record = article.record
    if text_key is None:
        text_key = tone_key(record_text(record))
    # = fold_key(record_text(record)) up to SEARCH_TEXT_MAX_CHARS
    article.search_text = strip_diacritics(text_prefix(text_key, SEARCH_TEXT_MAX_CHARS)[0])
    police = record.get("police") or {}
    article.genre = police.get("genre")
    article.relevance = police.get("relevance")
    article.is_police_affairs = police.get("is_police_affairs")
    article.case_features = police.get("case") or None


def index_article(
    session: Session, article: Article, *, fresh: bool = False, text_key: str | None = None
) -> None:
    """Rewrite the article's derived data: columns, facet rows, story and case clusters.
    `fresh`: inserted in this transaction after index_columns() ran (no rows to replace);
    `text_key`: see index_columns."""
    if not fresh:
        index_columns(article, text_key)
        session.connection().execute(_DROP_FACETS, {"me": article.id})
    rows = [
        {"article_id": article.id, "facet": f, "value": v} for f, v in facets_of(article.record)
    ]
    insert_rows(session, ArticleFacet, rows)
    with session.no_autoflush:  # the lookups read other articles; one UPDATE at the end
        values = sketch(article.search_text or "", folded=True)
        assign_story(session, article, values, fresh=fresh)
        assign_case(session, article)
