"""Seed data for the downstream tests (exports, operator page): a few structured
Vietnamese records stored the real way (create/update → revisions, facets, clusters,
outbox events), a failing source and a re-ingest request. SYNTHETIC texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from scrapers.police.structure import with_police
from scrapers.records import ArticleRecord, Caption
from worker.db.engine import transaction
from worker.db.models import ReingestRequest, Source
from worker.store import PageMeta, create_article, update_article

T0 = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
THANH_HOA_TITLE = "Công an tỉnh Thanh Hóa bắt quả tang đối tượng mua bán 2,7 kg heroin"
ARREST = (
    "Ngày 12-3, Phòng Cảnh sát điều tra tội phạm về ma túy (PC04) Công an tỉnh Thanh Hóa bắt "
    "quả tang Nguyễn Văn Hùng (SN 1990, trú tại xã Hoằng Quang, huyện Hoằng Hóa) đang mua bán "
    "trái phép chất ma túy, thu giữ hơn 2,7 kg heroin.",
    "Đại tá Trần Phú Hà, Giám đốc Công an tỉnh, đã chỉ đạo mở rộng điều tra.",
)
SCAM = (
    "Công an TP Hà Nội cảnh báo thủ đoạn lừa đảo qua mạng, giả danh cán bộ công an gọi điện "
    "yêu cầu chuyển tiền; một phụ nữ đã bị mất 1,2 tỷ đồng.",
)
CEREMONY = (
    "Sáng 19-6, Công an tỉnh Nghệ An tổ chức hội nghị điển hình tiên tiến, khen thưởng 75 "
    "tập thể, cá nhân.",
)


def _record(slug: str, title: str, paragraphs: tuple[str, ...], day: int) -> ArticleRecord:
    url = f"https://bao.example.vn/{slug}.html"
    return ArticleRecord(
        url=url,
        canonical_url=url,
        title=title,
        lead=f"{title}: tin từ phóng viên.",
        paragraphs=paragraphs,
        captions=(Caption("Tang vật thu giữ", f"https://bao.example.vn/{slug}.jpg"),),
        authors=("Lê Thị Mai",),
        section="Pháp luật",
        sections=("Pháp luật", "An ninh trật tự"),
        tags=("ma túy", "Thanh Hóa") if "Thanh" in title else ("lừa đảo",),
        published_at=T0 + timedelta(days=day),
        published_raw=f"{12 + day}/03/2026 15:00",
        extraction={"title": "jsonld", "paragraphs": "selectors"},
    )


def _meta(url: str, at: datetime) -> PageMeta:
    return PageMeta(url=url, raw_sha256=None, etag=None, last_modified=None,
                    feed_hint=None, fetched_at=at)  # fmt: skip


def _store(session: Session, source: str, record: ArticleRecord, *, police: bool) -> int:
    if police:
        record = with_police(record, publisher_province="Thanh Hóa")
    result = create_article(session, source_key=source, identity=record.url, record=record,
                            meta=_meta(record.url, T0), parser_version="test")  # fmt: skip
    return result.article_id


def _sources(session: Session) -> None:
    session.add(Source(key="cand", name="Báo Công an nhân dân", outlet_type="police_press",
                       province=None, consecutive_errors=0, last_success_at=T0))  # fmt: skip
    session.add(Source(key="catp", name="Công an tỉnh Thanh Hóa", outlet_type="police_portal",
                       province="Thanh Hóa", consecutive_errors=3, last_error_kind="server_error",
                       last_error="HTTP 503 từ máy chủ", last_error_at=T0))  # fmt: skip
    session.flush()


def seed(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Stores the records; returns ids by name (thanh_hoa has two revisions)."""
    ids: dict[str, int] = {}
    with transaction(sessions) as session:
        _sources(session)
        ids["thanh_hoa"] = _store(session, "catp", _record("bat-qua-tang", THANH_HOA_TITLE,
                                                           ARREST[:1], 0), police=True)  # fmt: skip
        ids["scam"] = _store(session, "cand", _record("canh-bao-lua-dao",
            "Cảnh báo thủ đoạn giả danh công an lừa đảo", SCAM, 1), police=True)  # fmt: skip
        ids["plain"] = _store(session, "cand", _record("hoi-nghi", "Hội nghị điển hình tiên tiến",
                                                       CEREMONY, 2), police=False)  # fmt: skip
        session.add(ReingestRequest(idempotency_key="seed-1", kind="source",
            params={"source": "catp", "since": "2026-03-01"}, status="running",
            progress_done=3, progress_total=10, created_at=T0, started_at=T0))  # fmt: skip
    with transaction(sessions) as session:
        from worker.db.models import Article

        article = session.get(Article, ids["thanh_hoa"])
        assert article is not None
        newer = with_police(_record("bat-qua-tang", THANH_HOA_TITLE, ARREST, 0),
                            publisher_province="Thanh Hóa")  # fmt: skip
        update_article(session, article, record=newer, parser_version="test",
                       meta=_meta(newer.url, T0 + timedelta(hours=2)))  # fmt: skip
    return ids
