"""Person names on real-style sentences (issue 15 families): names with no cue word, names
in lists and after "và", given names that are also common words, glued sentence starts,
place/street/business names, shortened names, bare-bracket birth years, and the
method / role_method fields that say how each person and role were found."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers.police.model import PersonMention
from scrapers.police.persons import extract_persons

pytestmark = pytest.mark.unit
D2017 = date(2017, 6, 20)


def _persons(text: str) -> tuple[PersonMention, ...]:
    return extract_persons(text, published=D2017, publisher_province=None)


def _names(text: str) -> list[str | None]:
    """Full names found (a given name alone, "anh Tuấn", is no full name)."""
    return [p.name for p in _persons(text) if p.name is None or " " in p.name]


def _by_name(text: str) -> dict[str | None, PersonMention]:
    return {p.name: p for p in _persons(text)}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Lý Văn Hà nhờ anh Tuấn chở về nhà.", ["Lý Văn Hà"]),
        ("Công an huyện đã khởi tố Trương Văn Hòa và Trương Văn Hoan về hành vi cưỡng đoạt.",
         ["Trương Văn Hòa", "Trương Văn Hoan"]),
        ("Những người bị kỷ luật gồm: Phan Thành Mai, Hoàng Đình Quyết và Mai Hữu Khương, "
         "cùng là cán bộ ngân hàng.", ["Phan Thành Mai", "Hoàng Đình Quyết", "Mai Hữu Khương"]),
        ("Hai em bị thương là Nguyễn Tiến Đạt và Nguyễn Văn Minh đang được điều trị.",
         ["Nguyễn Tiến Đạt", "Nguyễn Văn Minh"]),
        ("Giám đốc Sở Tư pháp Đồng Nai Viên Hồng Tiến nhấn mạnh nhiệm vụ.", ["Viên Hồng Tiến"]),
        ("Chủ tịch UBND xã Châu Lộc Nguyễn Duy Hưng cho biết.", ["Nguyễn Duy Hưng"]),
    ],
)  # fmt: skip
def test_names_without_a_cue_word(text: str, names: list[str]) -> None:
    assert _names(text) == names
    assert all(p.method == "surname" for p in _persons(text) if p.name in names)


@pytest.mark.parametrize(
    "text",
    [
        "Vụ việc xảy ra trên đường Trần Hưng Đạo, quận Hai Bà Trưng, Hà Nội.",
        "Chiếc xe dừng ở ngã tư Hùng Vương - Ngô Gia Tự thì bị kiểm tra.",
        "Nhóm này thuê phòng tại nhà nghỉ Lạng Sơn và công ty Hoàng Long Phát.",
        "Nạn nhân trú tại số 12 Nguyễn Văn Cừ, phường Nguyễn Trãi.",
        "Hàng được đưa sang Thái Lan rồi về Hồ Chí Minh.",
        "Chi nhánh Trần Hưng Đạo của ngân hàng tiếp nhận hồ sơ vay.",
    ],
)
def test_places_streets_and_businesses_are_not_persons(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Bị cáo Ngô Văn Chiến (37 tuổi) khai nhận.", "Ngô Văn Chiến"),
        ("Ông Vũ Xuân Sáng cho biết đã gặp đoàn công tác.", "Vũ Xuân Sáng"),
        ("Đối tượng Lê Văn Tỉnh (SN 1980) bị bắt quả tang.", "Lê Văn Tỉnh"),
        ("Anh Huỳnh Chiến Thắng đi tuần tra cùng công an viên.", "Huỳnh Chiến Thắng"),
    ],
)
def test_given_names_that_are_also_common_words(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Luật sư hỏi ông Cao Toàn Mỹ Luật sư hỏi tiếp về lá đơn.", "Cao Toàn Mỹ"),
        ("Gia đình đang lo hậu sự cho bà Phan Thị Hoa Nạn nhân được đưa về quê.", "Phan Thị Hoa"),
        ("Bắt giữ Trần Văn Long Sáng 6/2, tổ công tác kiểm tra xe.", "Trần Văn Long"),
    ],
)
def test_a_glued_sentence_start_is_not_part_of_the_name(text: str, name: str) -> None:
    assert _names(text) == [name]


def test_shortened_names_keep_their_period_and_details() -> None:
    p = _by_name("Nạn nhân là bà Nguyễn Thị Bích Ng. (45 tuổi, trú tại xã Yên Mông).")
    person = p["Nguyễn Thị Bích Ng."]
    assert person.anonymised and person.age == 45


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Nguyễn Thanh Thu (1952), đối tượng dùng súng bắn người, vừa bị bắt.", 1952),
        ("Tàu của Nguyễn Thị Tâm (1978, trú tại xã Châu Hóa) bị bắt giữ.", 1978),
        ("Lệnh bắt Lưu Văn Châu (sinh 1991 ở thị trấn Phù Mỹ) đã được phê chuẩn.", 1991),
        ("Qua kiểm tra lái xe là Đàm Viết Thành sinh ngày 01/11/1983, trú tại Hoài Đức.", 1983),
    ],
)
def test_birth_years_in_bare_brackets_and_after_sinh(text: str, year: int) -> None:
    assert [p.birth_year for p in _persons(text)] == [year]


def test_a_bracketed_year_that_is_no_birth_year() -> None:
    (p,) = _persons("Vụ án Phạm Công Danh (2016) được đưa ra xét xử lại.")
    assert p.birth_year is None


def test_list_shares_the_role_cue_and_the_common_details() -> None:
    people = _by_name(
        "Công an quận bắt 3 nghi phạm gồm Lê Minh Tuấn (20 tuổi), Lê Văn Tùng và Lê Văn Tuấn "
        "(cùng 21 tuổi, quê Quảng Ngãi)."
    )
    assert {n: (p.role, p.age) for n, p in people.items()} == {
        "Lê Minh Tuấn": ("suspect", 20),
        "Lê Văn Tùng": ("suspect", 21),
        "Lê Văn Tuấn": ("suspect", 21),
    }
    assert people["Lê Minh Tuấn"].role_method == "cue"
    assert people["Lê Văn Tùng"].role_method == "list"


def test_official_title_before_a_name_with_no_cue() -> None:
    (p,) = _persons(
        "Thứ trưởng Bộ NN&PTNT Vũ Văn Tám cho biết trách nhiệm thuộc cơ quan đăng kiểm."
    )
    assert (p.name, p.role, p.role_method, p.method) == (
        "Vũ Văn Tám",
        "official",
        "title",
        "surname",
    )


def test_a_business_title_does_not_make_an_official() -> None:
    (p,) = _persons("Phí Thái Bình - Chủ tịch HĐQT công ty ký hợp đồng.")
    assert p.role == "other" and p.role_method == "none"


def test_a_weak_role_guess_is_marked_as_context() -> None:
    (p,) = _persons("Sau khi bắt giữ, cơ quan điều tra làm việc với Nguyễn Văn Hải về nguồn hàng.")
    assert (p.role, p.role_method) == ("suspect", "context")


def test_two_syllable_given_name_joins_the_full_name() -> None:
    people = _persons(
        "Bị cáo Phương Nga giữ quyền im lặng. Tòa xét xử Trương Hồ Phương Nga về tội lừa đảo."
    )
    assert [p.name for p in people] == ["Trương Hồ Phương Nga"]
    assert people[0].role == "defendant"


def test_two_syllable_given_name_alone_is_no_full_name() -> None:
    (p,) = _persons("Bị cáo Thùy Dung trả lời rằng cô không nhớ.")
    assert p.name is None and p.name_key == "thuy dung" and p.role == "defendant"


def test_a_repeated_name_with_a_guessed_role_is_one_person() -> None:
    people = _persons(
        "Bị can Trần Văn Khánh (SN 1990) bị tạm giam. Tại cơ quan điều tra, Trần Văn Khánh "
        "khai nhận hành vi."
    )
    assert [(p.name, p.role) for p in people] == [("Trần Văn Khánh", "accused")]


def test_dan_ong_is_no_honorific() -> None:
    assert _persons("Cảnh sát bắt giữ ba người đàn ông Việt Nam nghi trộm cắp.") == ()


def test_a_capitalised_honorific_inside_a_place_name() -> None:
    assert _persons("Vụ việc xảy ra ở quận Hai Bà Trưng, Hà Nội.") == ()
