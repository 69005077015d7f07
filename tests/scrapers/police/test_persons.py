"""Unit tests for person mentions (scrapers.police.persons): ranks, names, titles, details."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from scrapers.police.lexicon import RANKS
from scrapers.police.model import PersonMention
from scrapers.police.persons import extract_persons

SEED = Path(__file__).resolve().parents[4] / "shared/corpus/seeds/000_678036b57beabb10.txt"
D2020 = date(2020, 6, 19)


def _one(text: str) -> PersonMention:
    found = extract_persons(text, published=D2020, publisher_province="Thanh Hóa")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.unit
def test_seed_article_official() -> None:
    if not SEED.exists():
        pytest.fail("shared seed corpus not available")
    text = SEED.read_text(encoding="utf-8")
    found = extract_persons(text, published=D2020, publisher_province="Thanh Hóa")
    assert len(found) == 1  # three mentions of one person, merged
    p = found[0]
    assert (p.rank, p.name, p.titles, p.role) == (
        "Đại tá", "Trần Phú Hà", ("Giám đốc Công an tỉnh",), "official",
    )  # fmt: skip
    assert p.surface == "Đại tá Trần Phú Hà, Giám đốc Công an tỉnh"
    assert p.name_key == "tran phu ha"
    assert p.unit is not None
    assert p.unit.canonical_name == "Công an tỉnh Thanh Hóa"
    assert p.unit.implicit


@pytest.mark.unit
@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize("case", [str, str.lower, str.upper])
def test_all_ranks_any_case(rank: str, case: Callable[[str], str]) -> None:
    text = f"Dự buổi lễ có {case(rank)} Nguyễn Văn Hùng, Phó Giám đốc Công an tỉnh."
    p = _one(text)
    assert p.rank == rank
    assert p.name == "Nguyễn Văn Hùng"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "rank", "name", "titles"),
    [
        ("Thiếu uý Lê Thị Hoà, Cán bộ Công an phường Hàm Rồng cho biết.", "Thiếu úy",
         "Lê Thị Hoà", ("Cán bộ Công an phường Hàm Rồng",)),
        ("Đại uý Đặng Văn Đức, Điều tra viên đã lấy lời khai.", "Đại úy", "Đặng Văn Đức",
         ("Điều tra viên",)),
        ("thượng tá Nguyễn Hữu Mạnh, Trưởng phòng Cảnh sát hình sự (PC02) Công an tỉnh Nghệ An "
         "thông tin.", "Thượng tá", "Nguyễn Hữu Mạnh",
         ("Trưởng phòng Cảnh sát hình sự (PC02) Công an tỉnh Nghệ An",)),
        ("Thiếu tướng Trần Phú Hà, Ủy viên Ban Thường vụ Tỉnh ủy, Giám đốc Công an tỉnh Thanh "
         "Hóa chủ trì hội nghị.", "Thiếu tướng", "Trần Phú Hà",
         ("Ủy viên Ban Thường vụ Tỉnh ủy", "Giám đốc Công an tỉnh Thanh Hóa")),
        ("Đại tá, TS. Nguyễn Văn A, Phó Giám đốc Công an tỉnh kiêm Thủ trưởng Cơ quan CSĐT "
         "Công an tỉnh phát biểu.", "Đại tá", "Nguyễn Văn A",
         ("Phó Giám đốc Công an tỉnh", "Thủ trưởng Cơ quan CSĐT Công an tỉnh")),
        ("Đồng chí Trung tá Tô Anh Dũng trao quà.", "Trung tá", "Tô Anh Dũng", ()),
    ],
)  # fmt: skip
def test_officials(text: str, rank: str, name: str, titles: tuple[str, ...]) -> None:
    p = _one(text)
    assert (p.rank, p.name, p.titles, p.role) == (rank, name, titles, "official")


@pytest.mark.unit
def test_nfd_input_and_old_tone_placement() -> None:
    text = unicodedata.normalize("NFD", "Đại uý Trần Văn Thuỷ, Giám đốc Công an tỉnh Khánh Hoà.")
    p = _one(text)
    assert p.rank == "Đại úy"
    assert p.name == "Trần Văn Thuỷ"  # as written (NFC)
    assert p.name_key == "tran van thuy"
    assert p.unit is not None
    assert p.unit.canonical_name == "Công an tỉnh Khánh Hòa"
    assert not p.unit.implicit


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "name", "role", "birth", "age", "residence"),
    [
        ("Công an đã bắt giữ đối tượng Lê Văn Tuấn (SN 1990, trú tại xã Hoằng Quỳ, huyện Hoằng "
         "Hóa) về hành vi trộm cắp.", "Lê Văn Tuấn", "suspect", 1990, None,
         "xã Hoằng Quỳ, huyện Hoằng Hóa"),
        ("Khởi tố bị can Phạm Văn Long, sinh năm 1985, ngụ phường Hàm Rồng, TP. Thanh Hóa về "
         "tội trộm cắp tài sản.", "Phạm Văn Long", "accused", 1985, None,
         "phường Hàm Rồng, TP. Thanh Hóa"),
        ("Bị cáo Hoàng Thị Mai (35 tuổi, HKTT: thôn 3, xã Quảng Phong) bị tuyên phạt 5 năm tù.",
         "Hoàng Thị Mai", "defendant", 1985, 35, "thôn 3, xã Quảng Phong"),
        ("Nạn nhân là chị Nguyễn Thị Lan (SN 1995, trú tại Hà Nội).", "Nguyễn Thị Lan", "victim",
         1995, None, "Hà Nội"),
        ("Công an phát lệnh truy nã Vũ Văn Nam (SN 1980, nơi ở: xã Nghi Sơn).", "Vũ Văn Nam",
         "wanted", 1980, None, "xã Nghi Sơn"),
    ],
)  # fmt: skip
def test_suspects_and_victims(
    text: str, name: str, role: str, birth: int, age: int | None, residence: str
) -> None:
    p = _one(text)
    assert (p.name, p.role, p.birth_year, p.age, p.residence) == (
        name, role, birth, age, residence,
    )  # fmt: skip
    assert p.rank is None


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "surface", "name"),
    [
        ("Nạn nhân là cháu N.V.A. (12 tuổi) bị thương.", "cháu N.V.A. (12 tuổi)", None),
        ("Theo lời khai của anh H., sự việc xảy ra lúc 22h.", "anh H.", None),
        ("Bị cáo Nguyễn Văn A. (35 tuổi) khai nhận.", "Bị cáo Nguyễn Văn A. (35 tuổi)",
         "Nguyễn Văn A."),
    ],
)  # fmt: skip
def test_anonymised_initials_are_kept(text: str, surface: str, name: str | None) -> None:
    p = _one(text)
    assert p.anonymised
    assert p.surface == surface
    assert p.name == name


@pytest.mark.unit
def test_name_does_not_run_into_next_words() -> None:
    found = extract_persons(
        "Đại tá Trần Phú Hà Giám đốc Công an tỉnh và Trung tá Lê Văn Bình dự hội nghị.",
        published=D2020,
        publisher_province=None,
    )
    assert [p.name for p in found] == ["Trần Phú Hà", "Lê Văn Bình"]


@pytest.mark.unit
def test_given_name_mention_joins_full_name() -> None:
    found = extract_persons(
        "Đại tá Trần Phú Hà phát biểu. Theo ông Hà, phong trào đạt nhiều kết quả.",
        published=D2020,
        publisher_province=None,
    )
    assert [p.name for p in found] == ["Trần Phú Hà"]


@pytest.mark.unit
def test_no_persons_in_plain_text() -> None:
    text = "Công an tỉnh tổ chức hội nghị điển hình tiên tiến trong phong trào thi đua."
    assert extract_persons(text, published=D2020, publisher_province=None) == ()


def _people(text: str) -> list[tuple[str | None, str, int | None]]:
    found = extract_persons(text, published=D2020, publisher_province=None)
    return [(p.name, p.role, p.birth_year) for p in found]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cue never reads a name across the title / lead line break
        ("Triệt phá sới bạc, bắt quả tang 12 đối tượng\nKhoảng 15h ngày 8/11, tổ công tác", []),
        # a capitalised honorific that begins a place name
        ("vận chuyển từ tỉnh Bà Rịa - Vũng Tàu đi tiêu thụ", []),
        # unranked officials with a role noun before the name
        ("liên hệ Điều tra viên Thái Văn Lực, số điện thoại", [("Thái Văn Lực", "official", None)]),
        ("trinh sát Nguyễn Văn Hùng phát hiện", [("Nguyễn Văn Hùng", "official", None)]),
        ("cán bộ Trung đoàn Cảnh sát cơ động", []),
        # nested parentheses in the details
        ("đã bắt giữ Đỗ Văn Long (SN 2001, trú tại xã Hoằng Tiến (huyện Hoằng Hóa cũ)) để điều tra",
         [("Đỗ Văn Long", "suspect", 2001)]),
        # roles stated after the name, and after "nạn nhân là" / "nghi phạm là"
        ("vụ án mạng khiến anh Lê Văn Dũng (32 tuổi, trú tại cùng xã) tử vong.",
         [("Lê Văn Dũng", "victim", 1988)]),
        ("Nạn nhân là Lê Văn Dũng (SN 1989).", [("Lê Văn Dũng", "victim", 1989)]),
        ("vụ án Trần Thị Lan (SN 1992, trú tại phường Hưng Dũng) bị khởi tố về tội “Lừa đảo”",
         [("Trần Thị Lan", "accused", 1992)]),
        # no victim role from a cue in the previous sentence
        ("anh Phan Văn Đức tử vong tại chỗ. Tài xế xe khách là Nguyễn Hữu Thắng (SN 1979).",
         [("Phan Văn Đức", "victim", None), ("Nguyễn Hữu Thắng", "other", 1979)]),
        # a bare given name tells the full name's role
        ("bà Nguyễn Thị Hạnh (62 tuổi) nhận cuộc gọi. Sau đó, bà Hạnh bị chiếm đoạt 1,2 tỷ đồng.",
         [("Nguyễn Thị Hạnh", "victim", 1958)]),
    ],
)  # fmt: skip
def test_issue6_person_fixes(text: str, expected: list[tuple[str | None, str, int | None]]) -> None:
    assert _people(text) == expected


@pytest.mark.unit
def test_one_person_one_birth_year_across_roles() -> None:
    text = (
        "Nghi phạm là Hoàng Văn Thắng (SN 1993, trú tại xã Quỳnh Bá). "
        "Cơ quan CSĐT đã khởi tố bị can Hoàng Văn Thắng về tội “Giết người”."
    )
    assert _people(text) == [
        ("Hoàng Văn Thắng", "suspect", 1993),
        ("Hoàng Văn Thắng", "accused", 1993),
    ]
