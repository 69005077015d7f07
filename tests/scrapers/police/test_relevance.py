"""Police-affairs relevance."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.police.relevance import score_relevance
from tests.scrapers.police.seed import seed_parts

pytestmark = pytest.mark.unit


def test_seed_relevant_everywhere() -> None:
    for outlet in ("police_portal", "national_press"):
        score, keep = score_relevance(*seed_parts(), outlet_type=outlet)
        assert keep and score >= 0.9


@pytest.mark.parametrize(
    ("title", "lead", "relevant"),
    [
        ("Khởi tố bị can lừa đảo chiếm đoạt tài sản", "Cơ quan CSĐT Công an tỉnh khởi tố.", True),
        ("Bắt quả tang đối tượng mua bán ma túy", "Công an huyện bắt quả tang.", True),
        ("Cháy lớn tại xưởng gỗ", "Cảnh sát PCCC đã khống chế vụ cháy, 2 người tử vong.", True),
        ("Giá vàng hôm nay tăng mạnh", "Giá vàng SJC tăng, chứng khoán giảm.", False),
        ("Đội tuyển bóng đá thắng 3-1", "Ca sĩ biểu diễn trước trận đấu.", False),
        ("Thời tiết miền Bắc chuyển lạnh", "Không khí lạnh tràn về.", False),
    ],
)
def test_general_press(title: str, lead: str, relevant: bool) -> None:
    score, keep = score_relevance(title, lead, "", outlet_type="national_press")
    assert keep is relevant
    assert 0.0 <= score <= 1.0


def test_police_portal_prior() -> None:
    general, _ = score_relevance("Thông báo lịch tiếp dân", "", "", outlet_type="national_press")
    portal, keep = score_relevance("Thông báo lịch tiếp dân", "", "", outlet_type="police_portal")
    assert portal > general and keep


def test_one_passing_mention_is_not_enough() -> None:
    body = "Bài viết về du lịch biển. " * 40 + "Có công an hướng dẫn giao thông."
    assert score_relevance("Mùa du lịch biển", "", body, outlet_type="national_press")[1] is False


def test_nfd_and_case() -> None:
    title = "KHỞI TỐ BỊ CAN VỀ TỘI GIẾT NGƯỜI"
    a = score_relevance(title, "", "", outlet_type="national_press")
    b = score_relevance(
        unicodedata.normalize("NFD", title.lower()), "", "", outlet_type="national_press"
    )
    assert a == b and a[1]
