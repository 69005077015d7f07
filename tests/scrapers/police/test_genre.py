# ruff: noqa: E501  (test sentences are real-length Vietnamese text)
"""Genre and topics from cue rules."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.police.genre import classify, classify_article
from tests.scrapers.police.seed import seed_parts

pytestmark = pytest.mark.unit


def test_seed_is_event_report_about_awards_and_force_building() -> None:
    genre, confidence, topics = classify(*seed_parts())
    assert genre == "event_report"
    assert confidence >= 0.6
    assert [slug for slug, _ in topics[:2]] == ["thi_dua_khen_thuong", "xay_dung_luc_luong"]
    assert all(0.0 < c <= 1.0 for _, c in topics)


@pytest.mark.parametrize(
    ("title", "lead", "body", "genre", "topic"),
    [
        ("Khởi tố, bắt tạm giam đối tượng lừa đảo qua mạng",
         "Cơ quan CSĐT vừa khởi tố bị can, bắt tạm giam Nguyễn Văn A về tội “Lừa đảo chiếm đoạt tài sản”.",
         "", "case_progress", "cong_nghe_cao"),
        ("Cháy lớn tại xưởng gỗ, 2 người tử vong", "Khoảng 22h30 ngày 15/6, vụ cháy xảy ra.",
         "Lực lượng PCCC đã cứu nạn 3 người mắc kẹt.", "incident_report", "pccc_cnch"),
        ("Cảnh báo thủ đoạn giả danh công an gọi điện", "Công an khuyến cáo người dân cảnh giác.",
         "", "warning", "canh_bao"),
        ("Quyết định truy nã đối với Lê Văn B", "Cơ quan CSĐT ra quyết định truy nã.",
         "Đặc điểm nhận dạng: cao 1m65. Ai phát hiện báo công an.", "wanted_notice",
         "truy_na_truy_tim"),
        ("Thông báo tìm bị hại trong vụ lừa đảo", "Công an tỉnh thông báo tìm người bị hại.", "",
         "search_notice", "truy_na_truy_tim"),
        ("Công an tỉnh sơ kết 6 tháng đầu năm", "Từ đầu năm, khởi tố 175 vụ, 385 bị can ma túy.",
         "So với cùng kỳ năm trước, tội phạm giảm.", "summary_report", None),
        ("Hỏi đáp: Nồng độ cồn bị xử phạt như thế nào?", "Hỏi: Tôi uống bia rồi lái xe...",
         "Trả lời: Theo quy định tại Nghị định 100...", "legal_explainer", "giao_thong"),
        ("Lịch cấp căn cước lưu động cuối tuần", "Công an huyện thông báo lịch cấp căn cước.", "",
         "admin_notice", "quan_ly_hanh_chinh"),
        ("Người tốt việc tốt: chiến sĩ trả lại tài sản", "Gương sáng người tốt việc tốt.", "",
         "feature", None),
    ],
)  # fmt: skip
def test_genres(title: str, lead: str, body: str, genre: str, topic: str | None) -> None:
    got_genre, confidence, topics = classify(title, lead, body)
    assert got_genre == genre
    assert 0.0 < confidence <= 1.0
    if topic is not None:
        assert topics and topics[0][0] == topic


def test_no_cues_default_genre_low_confidence() -> None:
    assert classify("Giá vàng hôm nay", "", "") == ("feature", 0.1, ())


def test_tone_case_and_nfd_agree() -> None:
    title = "KHỞI TỐ BỊ CAN VỀ TỘI TRỘM CẮP"
    nfd = unicodedata.normalize("NFD", title.lower())
    assert classify(title, "", "")[0] == classify(nfd, "", "")[0] == "case_progress"
    assert (
        classify("Tổ chức hội nghị tổng kết công tác hoà giải", "", "")[0]
        == classify("Tổ chức hội nghị tổng kết công tác hòa giải", "", "")[0]
    )


def test_classify_article_record() -> None:
    record = classify_article(*seed_parts(), outlet_type="police_portal")
    assert record.genre == "event_report"
    assert record.is_police_affairs
