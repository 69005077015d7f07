"""A fact restated in the title, lead and body is listed once (SYNTHETIC texts)."""

from __future__ import annotations

import pytest

from scrapers.police.legal import extract_legal_actions, find_names
from scrapers.police.structure import structure_article
from scrapers.records import ArticleRecord

TITLE = "Công an tỉnh Thanh Hóa bắt quả tang đối tượng mua bán 2,7 kg heroin"
LEAD = "Công an tỉnh Thanh Hóa vừa bắt quả tang đối tượng mua bán 2,7 kg heroin."
BODY = (
    "Ngày 12-3, Phòng Cảnh sát điều tra tội phạm về ma túy Công an tỉnh Thanh Hóa bắt quả "
    "tang Nguyễn Văn Hùng (SN 1990, trú tại xã Hoằng Quang) đang mua bán trái phép chất ma "
    "túy, thu giữ hơn 2,7 kg heroin.",
    "Công an tỉnh Thanh Hóa đã bắt quả tang Trần Văn Nam tại một địa điểm khác, thu giữ "
    "2,7 kg thuốc phiện.",
)


def _police(title: str, lead: str, body: tuple[str, ...]) -> dict[str, object]:
    record = ArticleRecord(url="https://x.vn/a", canonical_url="https://x.vn/a", title=title,
                           lead=lead, paragraphs=body)  # fmt: skip
    return structure_article(record)


@pytest.mark.unit
def test_a_restated_arrest_is_one_step_with_its_subject_and_the_body_authority() -> None:
    steps = _police(TITLE, LEAD, BODY)["legal_actions"]
    assert isinstance(steps, list)
    assert [(s["action"], s["subjects"]) for s in steps] == [
        ("bat_qua_tang", ["Nguyễn Văn Hùng"]),
        ("bat_qua_tang", ["Trần Văn Nam"]),  # another subject: another step
    ]
    assert (
        steps[0]["authority"] == "Phòng Cảnh sát điều tra tội phạm về ma túy Công an tỉnh Thanh Hóa"
    )
    assert len(extract_legal_actions("\n".join([TITLE, LEAD, *BODY]))) - len(steps) > 0


@pytest.mark.unit
def test_a_restated_quantity_is_one_figure_with_its_qualifier_other_subjects_stay() -> None:
    figures = _police(TITLE, LEAD, BODY)["figures"]
    assert isinstance(figures, list)
    shown = [(f["value"], f["unit"], f["qualifier"], f["subject"]) for f in figures]
    assert shown == [(2.7, "kg", ">", "heroin"), (2.7, "kg", "=", "thuốc phiện")]
    assert figures[0]["surface"] == "hơn 2,7 kg heroin"  # the mention the qualifier is from


@pytest.mark.unit
def test_words_inside_a_police_unit_name_are_neither_crimes_nor_summary_cues() -> None:
    crimes = _police(TITLE, LEAD, BODY)["crimes"]
    assert isinstance(crimes, list)
    # Title, lead and body each name the offence ("mua bán 2,7 kg heroin" in title and lead);
    # the unit name "... tội phạm về ma túy" adds none.
    assert [(c["label"], c["context"]) for c in crimes] == [
        ("mua bán trái phép chất ma túy", "incident")
    ] * 3


@pytest.mark.unit
@pytest.mark.parametrize(
    ("segment", "names"),
    [
        (" Đinh Văn Cường (SN 1979, trú tại xã Thạch Hạ, thành phố Hà Tĩnh)", ("Đinh Văn Cường",)),
        (" Trần Văn Khánh tại một con hẻm trên đường Phạm Thế Hiển", ("Trần Văn Khánh",)),
        (" 12 đối tượng ở huyện Lục Nam", ()),
        (" Huỳnh Thị Mỹ Dung, ngụ TP. Hồ Chí Minh", ("Huỳnh Thị Mỹ Dung",)),
        (" Nguyễn Văn A và Trần Thị B", ("Nguyễn Văn A", "Trần Thị B")),
    ],
)
def test_place_names_after_an_administrative_word_are_not_subjects(
    segment: str, names: tuple[str, ...]
) -> None:
    assert find_names(segment) == names
