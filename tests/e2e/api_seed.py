"""Synthetic Vietnamese police-news records for the API tests and bench: stored through
worker.store.create_article with the real structuring step (scrapers.police.structure)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from scrapers.police.structure import with_police
from scrapers.records import ArticleRecord
from worker.db.engine import transaction
from worker.db.models import Source
from worker.store import PageMeta, create_article

SOURCES = (
    ("bao-a", "Báo A", "newspaper", "Thanh Hóa"),
    ("bao-b", "Báo B", "newspaper", "Hà Nội"),
    ("ca-nghe-an", "Công an Nghệ An", "police_portal", "Nghệ An"),
)
PROVINCES = ("Thanh Hóa", "Nghệ An", "Hà Nội", "Quảng Ninh")
PEOPLE = ("Lê Văn Tám", "Nguyễn Thị Hoa", "Trần Văn Hùng", "Phạm Quốc Bảo", "Đỗ Minh Khang")
CRIMES = (
    ("lừa đảo chiếm đoạt tài sản", "174"),
    ("mua bán trái phép chất ma túy", "251"),
    ("trộm cắp tài sản", "173"),
)
BASE = datetime(2025, 3, 1, tzinfo=UTC)


def ensure_sources(session: Session) -> None:
    for key, name, kind, province in SOURCES:
        if session.get(Source, key) is None:
            session.add(
                Source(key=key, name=name, outlet_type=kind, province=province, enabled=True,
                       consecutive_errors=0)
            )  # fmt: skip
    session.flush()


def police_record(i: int, rng: random.Random) -> ArticleRecord:
    """A case report (most) or a non-police item; some without a publication time."""
    province = PROVINCES[i % len(PROVINCES)]
    person = PEOPLE[rng.randrange(len(PEOPLE))]
    crime, number = CRIMES[i % len(CRIMES)]
    year = 1980 + i % 20
    if i % 7 == 6:
        title = f"Lễ hội hoa xuân số {i} tại {province} thu hút du khách"
        lead = "Hàng nghìn người dân đến tham quan các gian hàng hoa và ẩm thực."
        paras = (f"Chương trình văn nghệ kéo dài {i % 5 + 2} ngày với nhiều tiết mục đặc sắc.",)
    else:
        title = f"Công an tỉnh {province} bắt đối tượng {crime} (vụ {i})"
        lead = f"Đại tá Trần Văn Hùng, Giám đốc Công an tỉnh {province} cho biết vụ việc số {i}."
        paras = (
            f"Ngày {i % 27 + 1}/3, Công an tỉnh {province} đã khởi tố bị can {person} "
            f"(SN {year}) về tội {crime} theo Điều {number} Bộ luật Hình sự.",
            f"Đối tượng chiếm đoạt {i % 9 + 1} tỷ đồng của {i % 13 + 2} người (mã {i * 7919}).",
        )
    published = None if i % 11 == 10 else BASE + timedelta(hours=i * 5 % 900)
    url = f"https://example.vn/bai-{i}.html"
    record = ArticleRecord(
        url=url, canonical_url=url, title=title, lead=lead, paragraphs=paras,
        published_at=published,
    )  # fmt: skip
    return with_police(record, publisher_province=province)


def store(
    sessions: sessionmaker[Session], records: list[tuple[str, ArticleRecord]], seen: datetime
) -> list[int]:
    """Store (source key, record) pairs; first_seen_at is `seen` plus one second each."""
    ids = []
    with transaction(sessions) as session:
        ensure_sources(session)
        for n, (source, record) in enumerate(records):
            fetched = seen + timedelta(seconds=n)
            meta = PageMeta(record.url, None, None, None, None, fetched)
            result = create_article(
                session, source_key=source, identity=f"{source}:{record.url}", record=record,
                meta=meta, parser_version="test",
            )  # fmt: skip
            ids.append(result.article_id)
    return ids


def seed(sessions: sessionmaker[Session], count: int, start: int = 0) -> list[int]:
    rng = random.Random(start)
    pairs: list[tuple[str, ArticleRecord]] = []
    for i in range(start, start + count):
        pairs.append((SOURCES[i % len(SOURCES)][0], police_record(i, rng)))
    seen = BASE + timedelta(days=30, seconds=start)
    ids: list[int] = []
    for chunk in range(0, len(pairs), 100):
        ids += store(sessions, pairs[chunk : chunk + 100], seen + timedelta(seconds=chunk))
    return ids


def summary_of(item: dict[str, Any]) -> int:
    return int(item["id"])
