"""Place mentions on real-article patterns (issue 15): names resolved inside the article's
area, chains closed by bare names, proper names / bylines / persons that are not places,
and the role of each place (event, residence, listed)."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers.police.model import PlaceMention
from scrapers.police.places import extract_places

D2017 = date(2017, 6, 30)
pytestmark = pytest.mark.unit


def _places(text: str, publisher: str | None = None) -> tuple[PlaceMention, ...]:
    return extract_places(text, as_of=D2017, publisher_province=publisher)


def _provinces(text: str, publisher: str | None = None) -> set[str | None]:
    return {p.province for p in _places(text, publisher) if p.role != "listed"}


# ---- ambiguous names: the article's area decides, never a nationwide default -------------


def test_commune_named_alone_resolved_in_the_articles_area() -> None:
    # "Quảng Tâm" is a commune of Thanh Hóa and of Đắk Nông: the article is about TP Thanh Hóa.
    text = (
        "Hai anh em đã gây ra 7 vụ trộm trên địa bàn xã Quảng Tâm, phường Đông Hải, TP. Thanh Hóa."
    )
    found = {p.commune: p for p in _places(text)}
    assert found["Phường Quảng Tâm"].province == "Thanh Hóa"
    assert found["Phường Quảng Tâm"].method == "context"


def test_commune_named_alone_outside_the_area_is_left_out() -> None:
    # The only "Thạch Hà" is in Hà Tĩnh; an article about Thạch Thất (Hà Nội) means its own.
    text = "Đội Cảnh sát môi trường Công an huyện Thạch Thất, Công an xã Thạch Hà dừng xe tải."
    assert _provinces(text) == {"Hà Nội"}


def test_no_2025_guess_for_a_2017_name_with_several_candidates() -> None:
    # Legacy "Nhân Hòa" is a ward of Bắc Ninh and of Hưng Yên; the 2025 list has a single
    # "Xã Nhân Hòa" (Nghệ An), which a 2017 article cannot mean.
    assert _provinces("Hai nạn nhân cùng trú tại xã Nhân Hòa bị thương nặng.") == set()
    text = "Vụ tai nạn xảy ra tại huyện Quế Võ, tỉnh Bắc Ninh. Nạn nhân trú tại xã Nhân Hòa."
    assert _provinces(text) == {"Bắc Ninh"}


def test_bare_district_and_province_close_a_chain() -> None:
    text = "Người dân phát hiện tử thi tại cầu Thuần Xuyên (xã Bắc Sơn, Ân Thi, Hưng Yên)."
    (place,) = _places(text)
    assert (place.surface, place.commune, place.province) == (
        "xã Bắc Sơn, Ân Thi, Hưng Yên",
        "Xã Bắc Sơn",
        "Hưng Yên",
    )
    (district,) = _places("Nắng nóng tại huyện Tương Dương (Nghệ An) lên tới 40 độ C.")
    assert (district.district, district.province) == ("Huyện Tương Dương", "Nghệ An")


def test_a_list_of_cities_is_not_a_chain() -> None:
    text = "Tại TP Cần Thơ, Tiền Giang, Sóc Trăng băng nhóm này đã gây ra 7 vụ."
    assert _provinces(text) == {"Cần Thơ", "Tiền Giang", "Sóc Trăng"}


def test_names_in_a_list_of_communes_are_not_provinces() -> None:
    text = (
        "Nắng nóng tại một số xã, thị trấn như Hòa Bình, Tam Quang, Xá Lượng của huyện Tương Dương."
    )
    assert "Hòa Bình" not in _provinces(text)
    assert "Hòa Bình" not in _provinces("Lực lượng tuần tra các xã Tam Quang, Hòa Bình.")


def test_press_aliases() -> None:
    assert _provinces("TAND TPHCM chuẩn bị đưa vụ án ra xét xử.") == {"Hồ Chí Minh"}
    assert _provinces("Hồ Ea Soup Hạ 90% (Đăk Lăk).") == {"Đắk Lắk"}


# ---- names that are not places ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hai đối tượng thuê phòng tại nhà nghỉ Lạng Sơn trên đường Trần Phú.",
        "Ban Chỉ đạo yêu cầu Công ty Thủy điện Tuyên Quang mở thêm 1 cửa xả đáy.",
        "Theo nguồn tin của báo Pháp Luật TP.HCM, nghi can đã bị tạm giữ.",
        "Theo luật sư Trần Tuấn Anh, Đoàn luật sư Hà Nội, hành vi này có dấu hiệu tội phạm.",
        "Duy nói tài xế rẽ qua siêu thị trên xa lộ Hà Nội để đón bạn.",
        "Rạng sáng nay (24/6) theo giờ Hà Nội, an ninh Saudi Arabia phá âm mưu khủng bố.",
        "Ảnh cưới của vợ chồng nạn nhân. Ảnh: Công an TP.HCM",
        "Điển hình là doanh nghiệp tư nhân số 1 tỉnh Điện Biên làm chủ đầu tư.",
    ],
)
def test_place_inside_another_proper_name_is_dropped(text: str) -> None:
    assert _provinces(text) == set()


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("Công an TP.HCM đã bắt giữ nghi can.", "Hồ Chí Minh"),
        ("Công ty Hoàng Long ở Hà Nội bị khám xét.", "Hà Nội"),
        ("Cơ quan công an đã thông báo Hà Nội sẽ cấm đường.", "Hà Nội"),
    ],
)
def test_place_after_a_name_but_not_in_it_is_kept(text: str, province: str) -> None:
    assert _provinces(text) == {province}


@pytest.mark.parametrize(
    "text",
    [
        "Theo Chánh án TAND Tối cao Nguyễn Hòa Bình, trẻ em phạm tội được xử lý riêng.",
        "Thông tin được ông Võ Thái Nguyên, Chủ nhiệm Ủy ban Kiểm tra, xác nhận.",
        "Kỹ sư Đỗ Thái Bình cho biết bản thân rất quan tâm đến vụ việc.",
        "Trung ương Đoàn TNCS Hồ Chí Minh tổ chức hội thi.",
    ],
)
def test_given_name_equal_to_a_province_is_a_person(text: str) -> None:
    assert _provinces(text) == set()


@pytest.mark.parametrize(
    "ending",
    ["Thái Bình", "Theo Thái Bình (VNN)", "Trần Nhân-Hải Dương"],
)
def test_closing_byline_is_not_a_place(ending: str) -> None:
    text = f"Công an tỉnh Cao Bằng đang chuẩn bị kết thúc điều tra. {ending}"
    assert _provinces(text) == {"Cao Bằng"}


def test_last_sentence_naming_a_province_is_not_a_byline() -> None:
    text = "Công an tỉnh Cao Bằng đã bàn giao đối tượng cho Công an tỉnh Thái Bình"
    assert _provinces(text) == {"Cao Bằng", "Thái Bình"}


# ---- roles -------------------------------------------------------------------------------


def test_residences_are_marked() -> None:
    text = (
        "Công an tỉnh Bà Rịa - Vũng Tàu đã tạm giữ Nguyễn Văn Hoàng (38 tuổi, ngụ TP.HCM) và "
        "Trần Văn Nam (SN 1990, trú tại thôn 3, xã Cổ Đô, huyện Ba Vì, Hà Nội)."
    )
    roles = {p.province: p.role for p in _places(text)}
    assert roles == {
        "Bà Rịa - Vũng Tàu": "event",
        "Hồ Chí Minh": "residence",
        "Hà Nội": "residence",
    }


def test_one_place_as_event_and_as_residence() -> None:
    text = (
        "Ngày 15/6, tại xã Hoằng Quỳ, huyện Hoằng Hóa bắt Lê Văn Tuấn (trú tại xã Hoằng Quỳ, "
        "huyện Hoằng Hóa)."
    )
    assert sorted(p.role for p in _places(text)) == ["event", "residence"]


LIST = "các văn bản gửi các tỉnh, thành phố: Hà Nội, Bắc Ninh, Hưng Yên, Hải Dương và Hải Phòng."


def test_long_list_of_provinces_in_the_body_is_listed() -> None:
    text = (
        f"Mưa lũ gây thiệt hại\nMưa lũ tại tỉnh Lào Cai làm 3 người chết.\nBan Chỉ đạo đã có {LIST}"
    )
    roles = {p.province: p.role for p in _places(text)}
    assert roles["Lào Cai"] == "event"
    assert {roles[n] for n in ("Hà Nội", "Bắc Ninh", "Hưng Yên", "Hải Dương", "Hải Phòng")} == {
        "listed"
    }


def test_list_in_the_lead_is_where_the_story_is() -> None:
    text = f"Mưa lũ gây thiệt hại\nMưa lũ tại {LIST}\nBan Chỉ đạo họp."
    assert {p.role for p in _places(text)} == {"event"}
    short = "Tiêu đề\nMở đầu\nBăng nhóm gây ra 7 vụ tại Hà Nội, Bắc Ninh và Hưng Yên."
    assert {p.role for p in _places(short)} == {"event"}  # 3 provinces: no long list
