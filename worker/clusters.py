"""Story and case clusters. Story: syndicated and near-duplicate copies across URLs and outlets.

Each stored article keeps its bottom-k sketch (scrapers.fingerprint) in article_sketches.
A new or changed article looks up articles sharing sketch values (index on hash), checks
the estimated similarity, and joins the story of the best match; otherwise it starts its
own story (story_id = its own id). The records stay separate; the cluster links them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scrapers.fingerprint import SKETCH_SIZE, similarity
from scrapers.police.cases import case_similarity, same_case
from scrapers.police.model_events import CaseFeatures
from worker.db.models import Article, ArticleFacet, ArticleSketch

SAME_STORY = 0.6  # estimated Jaccard of 5-syllable shingles
MIN_SHARED = SKETCH_SIZE // 4  # candidates must share at least this many sketch values


def _candidates(session: Session, article_id: int, values: tuple[int, ...]) -> list[int]:
    stmt = (
        select(ArticleSketch.article_id)
        .where(ArticleSketch.hash.in_(values), ArticleSketch.article_id != article_id)
        .group_by(ArticleSketch.article_id)
        .having(func.count() >= min(MIN_SHARED, len(values)))
        .order_by(func.count().desc())
        .limit(20)
    )
    return list(session.scalars(stmt))


def _sketch_of(session: Session, article_id: int) -> tuple[int, ...]:
    stmt = select(ArticleSketch.hash).where(ArticleSketch.article_id == article_id)
    return tuple(sorted(session.scalars(stmt)))


def assign_story(session: Session, article: Article, values: tuple[int, ...]) -> int:
    """Store the article's sketch and set its story_id; returns the story id."""
    session.execute(delete(ArticleSketch).where(ArticleSketch.article_id == article.id))
    session.add_all(ArticleSketch(article_id=article.id, hash=h) for h in set(values))
    best: tuple[float, int] | None = None
    for other in _candidates(session, article.id, values):
        score = similarity(values, _sketch_of(session, other))
        if score >= SAME_STORY and (best is None or score > best[0]):
            best = (score, other)
    story = article.id
    if best is not None:
        matched = session.get(Article, best[1])
        story = (matched.story_id if matched and matched.story_id else best[1]) or article.id
    article.story_id = story
    return story


def _features(record: dict[str, Any]) -> CaseFeatures | None:
    case = (record.get("police") or {}).get("case")
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


def assign_case(session: Session, article: Article) -> int | None:
    """Link reports of one case (arrest → prosecution → trial; portal → press): candidates
    share a blocking key (facet "case_key"), then scrapers.police.cases.same_case decides.
    Articles with no case features (ceremonies, summaries) get no case id."""
    mine = _features(article.record)
    if mine is None:
        article.case_id = None
        return None
    stmt = (
        select(ArticleFacet.article_id)
        .where(
            ArticleFacet.facet == "case_key",
            ArticleFacet.value.in_(mine.blocking_keys),
            ArticleFacet.article_id != article.id,
        )
        .distinct()
        .limit(50)
    )
    best: tuple[float, Article] | None = None
    for other in session.scalars(select(Article).where(Article.id.in_(stmt))):
        theirs = _features(other.record)
        if theirs is None or not same_case(mine, theirs):
            continue
        score = case_similarity(mine, theirs)
        if best is None or score > best[0]:
            best = (score, other)
    article.case_id = (best[1].case_id or best[1].id) if best else article.id
    return article.case_id
