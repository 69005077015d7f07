"""Story candidates: recent articles sharing enough sketch values, counted by the database
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from worker.clusters import MAX_CANDIDATES, MIN_SHARED, _candidates
from worker.db.engine import transaction
from worker.db.models import Article, ArticleSketch, Source
from worker.db.rows import insert_rows

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _article(session: object, n: int) -> None:
    session.add(  # type: ignore[attr-defined]
        Article(
            id=n, identity=f"x#{n}", source_key="s", url=f"https://x.vn/{n}",
            canonical_url=f"https://x.vn/{n}", title=f"t{n}", content_hash=str(n), revision=1,
            status="active", record={}, parser_version="t", first_seen_at=T0, fetched_at=T0,
            checked_at=T0, updated_at=T0,
        )
    )  # fmt: skip


@pytest.mark.db
def test_candidates_share_enough_values_most_shared_first_then_most_recent(
    migrated_engine: Engine,
) -> None:
    sessions = sessionmaker(migrated_engine)
    mine = tuple(range(1000, 1032))  # a full 32-value sketch
    holdings = {  # article id -> how many of my values it holds
        1: 32, 2: MIN_SHARED, 3: MIN_SHARED - 1, 4: 20, 5: MIN_SHARED, 6: 0,
        **{100 + i: 9 for i in range(4)}, **{200 + i: 3 for i in range(6)},
    }  # fmt: skip
    with transaction(sessions) as session:
        session.add(Source(key="s", name="s", outlet_type="newspaper"))
        session.flush()
        for n in [*holdings, 999]:
            _article(session, n)
        session.flush()
        rows = [
            {"article_id": n, "hash": h} for n, k in holdings.items() for h in (*mine[:k], 5000 + n)
        ]
        insert_rows(session, ArticleSketch, rows)
        insert_rows(session, ArticleSketch, [{"article_id": 999, "hash": h} for h in mine])
    with transaction(sessions) as session:
        found = _candidates(session, 999, mine)
    # 1 (32 shared), 4 (20), the nine-sharers newest first, then 5 and 2 (MIN_SHARED);
    # 3 shares one too few, 6 none, 999 is the article itself.
    assert MIN_SHARED == 8
    assert found == [1, 4, 103, 102, 101, 100, 5, 2]
    with transaction(sessions) as session:
        short = _candidates(session, 999, mine[:3])  # a 3-value sketch needs all 3
    # every holder of >= 3 values (all but 6) ties at 3: the most recent MAX_CANDIDATES
    holders_of_three = sorted((n for n, k in holdings.items() if k >= 3), reverse=True)
    assert len(holders_of_three) > MAX_CANDIDATES
    assert short == holders_of_three[:MAX_CANDIDATES]
    with transaction(sessions) as session:
        assert _candidates(session, 999, ()) == []
