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

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Executable, bindparam, delete, func, select, union_all
from sqlalchemy.orm import Session

from scrapers.fingerprint import SKETCH_SIZE, similarity
from scrapers.police.cases import case_similarity, same_case
from scrapers.police.model_events import CaseFeatures
from worker.db.models import Article, ArticleFacet, ArticleSketch
from worker.db.rows import execute, insert_rows

SAME_STORY = 0.6  # estimated Jaccard of 5-syllable shingles
MIN_SHARED = SKETCH_SIZE // 4  # candidates must share at least this many sketch values
PER_VALUE = 20  # most recent holders read per sketch value / per case key
MAX_CANDIDATES = 10
MAX_KEYS = 12  # case blocking keys used per lookup

# Statements are built once with bind parameters (building one per call cost several times
# what running it does). Each lookup reads, per value, only its PER_VALUE most recent index
# rows (one short backward range scan each): a value held by more articles than that (a
# stock phrase, a busy province) says nothing about which one is the copy, and the cost
# stays flat however many articles are stored. An IN list ordered by recency instead read
# every matching row before its LIMIT and grew with the table.


def _recent(key: Any, *conditions: Any) -> Any:
    """SELECT of the PER_VALUE most recent `key` ids meeting `conditions`, as a union arm."""
    return (
        select(key.label("holder"))
        .where(*conditions, key != bindparam("me"))
        .order_by(key.desc())
        .limit(PER_VALUE)
        .subquery()
        .select()
    )


@cache
def _candidates_stmt(size: int) -> Executable:
    """Recent holders of at least `need` of `size` sketch values, most values first (the
    most recent first on a tie), counted by the database."""
    sketch = ArticleSketch
    arms = [_recent(sketch.article_id, sketch.hash == bindparam(f"v{i}")) for i in range(size)]
    holders = union_all(*arms).subquery()
    return (
        select(holders.c.holder)
        .group_by(holders.c.holder)
        .having(func.count() >= bindparam("need"))
        .order_by(func.count().desc(), holders.c.holder.desc())
        .limit(MAX_CANDIDATES)
    )


@cache
def _case_keys_stmt(size: int) -> Executable:
    """Recent articles holding any of `size` case keys (the PER_VALUE most recent per key)."""
    facet = ArticleFacet
    case_key = facet.facet == "case_key"
    arms = [
        _recent(facet.article_id, case_key, facet.value == bindparam(f"k{i}")) for i in range(size)
    ]
    return union_all(*arms)


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


def _ids(session: Session, stmt: Executable, **params: Any) -> list[int]:
    """Ids a prebuilt lookup without expanding parameters finds (run as its compiled SQL:
    worker.db.rows.execute)."""
    return [int(value) for value in execute(session, stmt, params).scalars()]


def _candidates(session: Session, article_id: int, values: tuple[int, ...]) -> list[int]:
    """Recent articles sharing at least MIN_SHARED of `values` (all of them for a shorter
    sketch), over the PER_VALUE most recent holders of each value (short index range reads;
    syndicated copies appear within days), at most MAX_CANDIDATES, most shared first."""
    wanted = sorted(set(values))
    if not wanted:
        return []
    params = {f"v{i}": v for i, v in enumerate(wanted)}
    need = min(MIN_SHARED, len(values))
    return _ids(session, _candidates_stmt(len(wanted)), me=article_id, need=need, **params)


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
    params = {f"k{i}": k for i, k in enumerate(strongest)}
    return set(_ids(session, _case_keys_stmt(len(strongest)), me=article_id, **params))


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
