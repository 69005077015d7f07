# ruff: noqa: E501  (test sentences are real-length Vietnamese text)
"""Case-key features and the comparison rule."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers.police.cases import case_key_features, case_similarity, person_key, same_case
from scrapers.police.crimes import extract_crimes
from scrapers.police.figures import extract_figures

pytestmark = pytest.mark.unit

ARREST = "Bắt quả tang Nguyễn Văn Hùng (SN 1990) vận chuyển hơn 2,7 kg heroin về tội “Vận chuyển trái phép chất ma túy”."
TRIAL = "TAND tỉnh xét xử bị cáo Nguyễn Văn Hùng (sinh năm 1990) về tội “Vận chuyển trái phép chất ma tuý”, tang vật hơn 2,7 kg heroin."
OTHER = "Bắt quả tang Trần Văn Nam (SN 1985) mua bán 1.500 viên ma túy tổng hợp về tội “Mua bán trái phép chất ma túy”."


def features(text: str, name: str, year: int | None, day: date | None, province: str = "38"):  # type: ignore[no-untyped-def]
    return case_key_features(
        event_date=day, province=province, persons=[(name, year)],
        crimes=extract_crimes(text), figures=extract_figures(text),
    )  # fmt: skip


def test_features_are_normalised() -> None:
    f = features(ARREST, "Nguyễn Văn Hùng", 1990, date(2023, 5, 2))
    assert f.event_date == "2023-05-02"
    assert f.person_keys == ("nguyen van hung|1990",)
    assert f.articles == ("250",)
    assert f.quantities == ("2.7|kg|heroin",)
    assert "p:nguyen van hung|1990" in f.blocking_keys
    assert "pa:38:250" in f.blocking_keys


def test_arrest_and_trial_link_across_tone_placement() -> None:
    arrest = features(ARREST, "Nguyễn Văn Hùng", 1990, date(2023, 5, 2))
    trial = features(TRIAL, "Nguyễn Văn Hùng", 1990, date(2024, 1, 10))
    assert set(arrest.blocking_keys) & set(trial.blocking_keys)
    assert same_case(arrest, trial)


def test_different_case_not_linked() -> None:
    a = features(ARREST, "Nguyễn Văn Hùng", 1990, date(2023, 5, 2))
    b = features(OTHER, "Trần Văn Nam", 1985, date(2023, 5, 2))
    assert not same_case(a, b)


def test_different_province_never_links() -> None:
    a = features(ARREST, "Nguyễn Văn Hùng", 1990, date(2023, 5, 2))
    b = features(ARREST, "Nguyễn Văn Hùng", 1990, date(2023, 5, 2), province="01")
    assert case_similarity(a, b) == 0.0


def test_same_common_name_without_birth_year_is_weak() -> None:
    a = features("khởi tố bị can về tội “Trộm cắp tài sản”", "Nguyễn Văn Hùng", None, None)
    b = features("khởi tố bị can về tội “Cướp tài sản”", "Nguyễn Văn Hùng", None, None)
    assert not same_case(a, b)


def test_person_key() -> None:
    assert (
        person_key("Nguyễn Văn Hoà", None)
        == person_key("nguyễn văn hòa", None)
        == "nguyen van hoa|?"
    )
    assert person_key("N.V.A.", 2005) == "n.v.a.|2005"


def _structured(title: str, lead: str, paragraphs: list[str], publisher: str | None) -> dict:  # type: ignore[type-arg]
    from datetime import datetime

    from scrapers.dates import VN_TZ
    from scrapers.police.structure import structure_article
    from scrapers.records import ArticleRecord

    record = ArticleRecord(
        url="https://example.invalid/a", canonical_url="https://example.invalid/a", title=title,
        lead=lead, paragraphs=tuple(paragraphs),
        published_at=datetime(2020, 6, 25, 8, 0, tzinfo=VN_TZ),
    )  # fmt: skip
    return structure_article(record, publisher_province=publisher)


@pytest.mark.unit
def test_case_province_is_where_the_event_happened() -> None:
    title = "Khởi tố đối tượng vận chuyển heroin từ Nghệ An về Thanh Hóa"
    lead = "Cơ quan CSĐT Công an tỉnh Thanh Hóa đã khởi tố bị can Lê Văn Tuấn (SN 1988)."
    body = ["Ngày 15/6, tổ công tác bắt quả tang Tuấn tại huyện Hoằng Hóa, tỉnh Thanh Hóa."]
    # no publisher province: the province named most in lead and body, not the title's first
    assert _structured(title, lead, body, None)["case"]["province"] == "38"
    # the publisher's province when the text names it
    assert _structured(title, "", [], "Nghệ An")["case"]["province"] == "40"
    assert _structured(title, "", [], "Hà Nội")["case"]["province"] == "40"  # first named


@pytest.mark.unit
def test_wanted_birth_year_and_roles_from_legal_steps() -> None:
    out = _structured(
        "Thông báo truy nã đối tượng Trần Văn Nam",
        "Cơ quan CSĐT ra Quyết định truy nã đối với bị can Trần Văn Nam về tội “Cố ý gây thương tích”.",
        [
            "Họ tên: Trần Văn Nam",
            "Sinh năm: 1985",
            "Kiểm tra xe tải do Tạ Văn Hưng (SN 1990) điều khiển.",
            "Công an tỉnh đã tạm giữ hình sự Tạ Văn Hưng.",
        ],
        "Nghệ An",
    )
    people = {(p["name"], p["role"], p["birth_year"]) for p in out["persons"]}
    assert ("Trần Văn Nam", "accused", 1985) in people
    assert ("Tạ Văn Hưng", "suspect", 1990) in people  # role from "tạm giữ hình sự Tạ Văn Hưng"
    assert "tran van nam|1985" in out["case"]["person_keys"]
    assert "tran van nam|?" not in out["case"]["person_keys"]
