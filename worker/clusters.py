"""Story and case clusters.

Story: syndicated and near-duplicate copies across URLs and outlets. Each stored article
keeps its bottom-k sketch (scrapers.fingerprint) in article_sketches. A new or changed
article looks up the most recent articles holding each of its sketch values (bounded
per value, index on hash), keeps those sharing enough values, checks the estimated
similarity, and joins the story of the best match; otherwise it starts its own story
(story_id = its own id). The records stay separate; the cluster links them.

Case: reports of one case (arrest → prosecution → trial; portal → press). Candidates share
a blocking key (facet "case_key", bounded per key); scrapers.police.cases decides.

Every lookup is one statement reading at most PER_VALUE index rows per value, so the cost
per article stays flat however many articles are stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Executable, TextClause, bindparam, delete, select, text
from sqlalchemy.orm import Session

from scrapers.fingerprint import SKETCH_SIZE, similarity
from scrapers.police.cases import case_similarity, same_case
from scrapers.police.model_events import CaseFeatures
from worker.db.models import Article, ArticleSketch
from worker.db.rows import insert_rows

SAME_STORY = 0.6  # estimated Jaccard of 5-syllable shingles
MIN_SHARED = SKETCH_SIZE // 4  # candidates must share at least this many sketch values
PER_VALUE = 20  # most recent holders read per sketch value / per case key
MAX_CANDIDATES = 10
MAX_KEYS = 12  # case blocking keys used per lookup

# Each lookup reads, per value, only its PER_VALUE most recent index rows (one short
# backward range scan each): a value held by more articles than that (a stock phrase, a busy
# province) says nothing about which one is the copy, and the cost stays flat however many
# articles are stored. An IN list ordered by recency instead read every matching row before
# its LIMIT and grew with the table. The values go in as one JSON array parameter, so each
# lookup is one fixed statement per dialect: PostgreSQL joins each value LATERAL to its
# range scan; SQLite (no LATERAL) reads, per value, the id of its PER_VALUE-th most recent
# holder (a correlated subquery, backward on the same range: 0 when there are fewer), then
# the range from that id up. CROSS JOIN keeps the values first (SQLite otherwise chose to
# read every case key of the facet table).
_CANDIDATES = {
    "postgresql": text(
        """
        SELECT recent.article_id FROM jsonb_array_elements_text(CAST(:values AS JSONB)) AS wanted
        CROSS JOIN LATERAL (
            SELECT s.article_id FROM article_sketches AS s
            WHERE s.hash = CAST(wanted.value AS BIGINT) AND s.article_id <> :me
            ORDER BY s.article_id DESC LIMIT :per_value
        ) AS recent
        GROUP BY recent.article_id HAVING count(*) >= :need
        ORDER BY count(*) DESC, recent.article_id DESC LIMIT :most
        """
    ),
    "sqlite": text(
        """
        SELECT s.article_id FROM json_each(:values) AS wanted CROSS JOIN article_sketches AS s
        WHERE s.hash = wanted.value AND s.article_id <> :me AND s.article_id >= coalesce((
            SELECT r.article_id FROM article_sketches AS r
            WHERE r.hash = wanted.value AND r.article_id <> :me
            ORDER BY r.article_id DESC LIMIT 1 OFFSET :per_value - 1
        ), 0)
        GROUP BY s.article_id HAVING count(*) >= :need
        ORDER BY count(*) DESC, s.article_id DESC LIMIT :most
        """
    ),
}
_CASE_HOLDERS = {
    "postgresql": text(
        """
        SELECT recent.article_id FROM jsonb_array_elements_text(CAST(:values AS JSONB)) AS wanted
        CROSS JOIN LATERAL (
            SELECT f.article_id FROM article_facets AS f
            WHERE f.facet = 'case_key' AND f.value = wanted.value AND f.article_id <> :me
            ORDER BY f.article_id DESC LIMIT :per_value
        ) AS recent
        """
    ),
    "sqlite": text(
        """
        SELECT f.article_id FROM json_each(:values) AS wanted CROSS JOIN article_facets AS f
        WHERE f.facet = 'case_key' AND f.value = wanted.value AND f.article_id <> :me
        AND f.article_id >= coalesce((
            SELECT r.article_id FROM article_facets AS r
            WHERE r.facet = 'case_key' AND r.value = wanted.value AND r.article_id <> :me
            ORDER BY r.article_id DESC LIMIT 1 OFFSET :per_value - 1
        ), 0)
        """
    ),
}


_SKETCHES = select(ArticleSketch.article_id, ArticleSketch.hash).where(
    ArticleSketch.article_id.in_(bindparam("ids", expanding=True))
)
_DROP_SKETCH = delete(ArticleSketch).where(ArticleSketch.article_id == bindparam("me"))
_CASES = select(Article.id, Article.case_id, Article.case_features).where(
    Article.id.in_(bindparam("ids", expanding=True))
)


def _rows(session: Session, stmt: Executable, **params: Any) -> list[tuple[Any, ...]]:
    """Run a prebuilt lookup on the session's connection: plain rows, without the ORM's
    per-row loading)."""
    return [tuple(row) for row in session.connection().execute(stmt, params)]


def _holders(session: Session, lookup: dict[str, TextClause], **params: Any) -> list[int]:
    """Ids a lookup of `_CANDIDATES` / `_CASE_HOLDERS` finds on the session's dialect."""
    connection = session.connection()
    stmt = lookup[connection.dialect.name]
    return [int(value) for value in connection.execute(stmt, params).scalars()]


def _candidates(session: Session, article_id: int, values: tuple[int, ...]) -> list[int]:
    """Recent articles sharing at least MIN_SHARED of `values` (all of them for a shorter
    sketch), over the PER_VALUE most recent holders of each value (short index range reads;
    syndicated copies appear within days), at most MAX_CANDIDATES, most shared first."""
    wanted = sorted(set(values))
    if not wanted:
        return []
    need = min(MIN_SHARED, len(values))
    return _holders(
        session, _CANDIDATES, values=json.dumps(wanted), me=article_id, per_value=PER_VALUE,
        need=need, most=MAX_CANDIDATES,
    )  # fmt: skip


def _sketches(session: Session, ids: list[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {i: [] for i in ids}
    for article_id, value in _rows(session, _SKETCHES, ids=ids):
        found[article_id].append(value)
    return {i: tuple(sorted(v)) for i, v in found.items()}


def assign_story(
    session: Session, article: Article, values: tuple[int, ...], *, fresh: bool = False
) -> int:
    """Store the article's sketch and set its story_id; returns the story id. `fresh`: the
    article was inserted in this transaction (no sketch rows to replace)."""
    if not fresh:
        session.connection().execute(_DROP_SKETCH, {"me": article.id})
    insert_rows(
        session, ArticleSketch, [{"article_id": article.id, "hash": h} for h in set(values)]
    )
    ids = _candidates(session, article.id, values)
    best: tuple[float, int] | None = None
    for other, sketch in _sketches(session, ids).items() if ids else ():
        score = similarity(values, sketch)
        if score >= SAME_STORY and (best is None or score > best[0]):
            best = (score, other)
    story = article.id
    if best is not None:
        matched = session.get(Article, best[1])
        story = (matched.story_id if matched and matched.story_id else best[1]) or article.id
    article.story_id = story
    return story


def _features(case: dict[str, Any] | None) -> CaseFeatures | None:
    if not case or not case.get("blocking_keys"):
        return None
    return CaseFeatures(
        event_date=case.get("event_date"),
        province=case.get("province"),
        person_keys=tuple(case.get("person_keys") or ()),
        articles=tuple(case.get("articles") or ()),
        quantities=tuple(case.get("quantities") or ()),
        blocking_keys=tuple(case["blocking_keys"]),
    )


def _case_candidates(session: Session, article_id: int, keys: Iterable[str]) -> set[int]:
    """Recent articles sharing a blocking key (the strongest MAX_KEYS keys, the PER_VALUE
    most recent holders of each)."""
    strongest = sorted(set(keys), key=_key_strength)[:MAX_KEYS]
    if not strongest:
        return set()
    found = _holders(
        session, _CASE_HOLDERS, values=json.dumps(strongest), me=article_id, per_value=PER_VALUE
    )
    return set(found)


def _key_strength(key: str) -> tuple[int, str]:
    """Person with birth year first, then person in province, then province + article."""
    rank = {"p": 0, "pp": 1, "pa": 2}.get(key.split(":", 1)[0], 3)
    return rank, key


def assign_case(session: Session, article: Article) -> int | None:
    """Link this article to the case of the most similar earlier report, if any is the
    same case; articles with no case features (ceremonies, summaries) get no case id."""
    mine = _features((article.record.get("police") or {}).get("case"))
    if mine is None:
        article.case_id = None
        return None
    ids = _case_candidates(session, article.id, mine.blocking_keys)
    best: tuple[float, int] | None = None
    cases = _rows(session, _CASES, ids=list(ids)) if ids else ()
    for other_id, other_case, features in cases:
        theirs = _features(features)
        if theirs is None or not same_case(mine, theirs):
            continue
        score = case_similarity(mine, theirs)
        if best is None or score > best[0]:
            best = (score, other_case or other_id)
    article.case_id = best[1] if best else article.id
    return article.case_id
