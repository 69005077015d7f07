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


# Real-article families (issue 15): a title names the event rather than the procedure;
# accidents, bodies found and border work are police affairs; law-making, banking, health,
# sport and myth texts that cite crimes are not.
@pytest.mark.parametrize(
    ("title", "lead", "body"),
    [
        (
            "Trộm táo tợn đột nhập nhà dân lấy xe máy",
            "Tên trộm bẻ khóa xe rồi tẩu thoát trong 30 giây.",
            "Camera ghi lại cảnh kẻ trộm dắt xe ra ngoài rồi tẩu thoát.",
        ),
        (
            "Xe đầu kéo đâm nát taxi trên đại lộ",
            "Tài xế xe đầu kéo không làm chủ tốc độ, đâm vào taxi đang rẽ phải.",
            "Vụ tai nạn khiến tài xế taxi bị thương nặng. Xe mang biển kiểm soát 51C-603.70.",
        ),
        (
            "Phát hiện thi thể người đàn ông trên quốc lộ",
            "Người đi đường phát hiện thi thể nạn nhân nằm giữa đường.",
            "Khám nghiệm hiện trường, nhà chức trách xác định nạn nhân bị tai nạn.",
        ),
        (
            "Các tay súng tấn công trường học, bắt nhiều con tin",
            "Nhóm khủng bố nổ súng rồi rút vào khu rừng gần đó.",
            "",
        ),
        (
            "Bộ đội biên phòng ngăn chặn nhóm người vượt biên",
            "Lực lượng biên phòng phát hiện 12 người xuất cảnh trái phép.",
            "",
        ),
    ],
)
def test_event_titles_are_police_affairs(title: str, lead: str, body: str) -> None:
    assert score_relevance(title, lead, body, outlet_type="newspaper")[1] is True


@pytest.mark.parametrize(
    ("title", "lead", "body"),
    [
        (
            "Sửa đổi Bộ luật Hình sự: còn nhiều ý kiến",
            "Quốc hội thảo luận dự án luật sửa đổi, bổ sung một số điều của Bộ luật Hình sự.",
            "Đại biểu Quốc hội đề nghị không xử lý hình sự trẻ em phạm tội ít nghiêm trọng. "
            "Nhiều ĐBQH cho rằng dự thảo còn nặng với người chưa thành niên phạm tội.",
        ),
        (
            "24 người có nguy cơ phơi nhiễm HIV khi cấp cứu",
            "Nhân viên y tế cấp cứu nạn nhân tai nạn giao thông nhiễm HIV.",
            "Sở Y tế cấp thuốc điều trị phơi nhiễm HIV cho 24 người.",
        ),
        (
            "Thống đốc giải trình về nợ xấu",
            "Thống đốc trả lời Quốc hội về xử lý nợ xấu của các TCTD.",
            "Một số cán bộ ngân hàng bị khởi tố vì vi phạm quy định cho vay.",
        ),
        (
            "5 quái vật biển trong thần thoại",
            "Truyền thuyết kể quái vật giết người và cướp tàu.",
            "Thần thoại Bắc Âu kể về quái vật giết người trên biển.",
        ),
    ],
)
def test_crime_words_in_other_topics_are_not(title: str, lead: str, body: str) -> None:
    assert score_relevance(title, lead, body, outlet_type="newspaper")[1] is False
