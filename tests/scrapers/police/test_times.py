# ruff: noqa: E501  (test sentences are real-length Vietnamese text)
"""Event times resolved against the publish date."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest

from scrapers.dates import VN_TZ
from scrapers.police.times import extract_event_times
from tests.scrapers.police.seed import seed_parts

pytestmark = pytest.mark.unit

PUB = datetime(2020, 6, 19, 10, 30, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("text", "surface", "start", "precision", "part_of_day"),
    [
        ("Sáng 19-6, Công an tỉnh tổ chức hội nghị", "Sáng 19-6", "2020-06-19", "part_of_day",
         "sáng"),
        ("Khoảng 22h30 ngày 15/6, xảy ra vụ án", "Khoảng 22h30 ngày 15/6",
         "2020-06-15T22:30:00+07:00", "minute", None),
        ("Vào lúc 23h25’ ngày 26/5, tổ công tác", "Vào lúc 23h25’ ngày 26/5",
         "2020-05-26T23:25:00+07:00", "minute", None),
        ("Ngày 27.7, Công an phường", "Ngày 27.7", "2020-07-27", "day", None),
        ("trưa 14/6, cháy nhà", "trưa 14/6", "2020-06-14", "part_of_day", "trưa"),
        ("lúc 22 giờ 30 phút ngày 15/6/2020", "lúc 22 giờ 30 phút ngày 15/6/2020",
         "2020-06-15T22:30:00+07:00", "minute", None),
        ("8h sáng 19/6", "8h sáng 19/6", "2020-06-19T08:00:00+07:00", "hour", "sáng"),
        ("khoảng 3h chiều 18/6", "khoảng 3h chiều 18/6", "2020-06-18T15:00:00+07:00", "hour",
         "chiều"),
        ("ngày 19 tháng 6 năm 2020", "ngày 19 tháng 6 năm 2020", "2020-06-19", "day", None),
        ("TỐI 18-6", "TỐI 18-6", "2020-06-18", "part_of_day", "tối"),
    ],
)  # fmt: skip
def test_forms(
    text: str, surface: str, start: str, precision: str, part_of_day: str | None
) -> None:
    first = extract_event_times(text, published=PUB)[0]
    assert (first.surface, first.start, first.precision, first.part_of_day) == (
        surface, start, precision, part_of_day,
    )  # fmt: skip


def test_year_inferred_flag() -> None:
    inferred = extract_event_times("Sáng 19-6", published=PUB)[0]
    explicit = extract_event_times("ngày 19/6/2020", published=PUB)[0]
    assert inferred.year_inferred and not explicit.year_inferred


def test_relative_to_previous_time() -> None:
    text = "Khoảng 22h30 ngày 15/6, xảy ra án mạng. Rạng sáng cùng ngày, đối tượng bị bắt. 3h chiều hôm sau, khám nghiệm."
    got = [(t.start, t.relative) for t in extract_event_times(text, published=PUB)]
    assert got == [
        ("2020-06-15T22:30:00+07:00", False),
        ("2020-06-15", True),
        ("2020-06-16T15:00:00+07:00", True),
    ]


@pytest.mark.parametrize(
    ("text", "published", "start"),
    [
        ("Tối 30-12, xảy ra vụ cháy", datetime(2021, 1, 2), "2020-12-30"),
        ("Sáng 2-1, xảy ra vụ cháy", datetime(2020, 12, 30), "2021-01-02"),
    ],
)
def test_year_rollover(text: str, published: datetime, start: str) -> None:
    assert extract_event_times(text, published=published)[0].start == start


def test_without_publish_date_year_less_is_unresolved() -> None:
    (time,) = extract_event_times("Sáng 19-6", published=None)
    assert time.start is None
    assert extract_event_times("ngày 19/6/2020", published=None)[0].start == "2020-06-19"


@pytest.mark.parametrize(
    "text",
    [
        "Quyết định số 12/2020/QĐ-UBND",
        "giai đoạn 2015-2020",
        "đội nhà thắng 3-1",
        "chiếm 1/2 số vụ",
        "gọi 0693.187.200",
        "Km 12/3 QL1A",
        "trong 24 giờ",
        "Sáng 31-2",
    ],
)
def test_false_positives(text: str) -> None:
    assert extract_event_times(text, published=PUB) == ()


def test_nfd() -> None:
    text = unicodedata.normalize("NFD", "Chiều 18/6, tại xã Hoằng Quỳ")
    assert extract_event_times(text, published=PUB)[0].part_of_day == "chiều"


def test_seed_event_time() -> None:
    _, lead, body = seed_parts()
    times = extract_event_times(lead + "\n\n" + body, published=PUB)
    assert [(t.surface, t.start, t.year_inferred) for t in times] == [
        ("Sáng 19-6", "2020-06-19", True)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("từ tháng 10/2023, Hoa lập trang web", [("tháng 10/2023", "2023-10-01")]),
        ("thực hiện từ tháng 3 đến tháng 8/2022.",
         [("tháng 3", "2022-03-01"), ("tháng 8/2022", "2022-08-01")]),
        ("từ tháng 1/2023 đến tháng 3/2024, Lan đăng tin",
         [("tháng 1/2023", "2023-01-01"), ("tháng 3/2024", "2024-03-01")]),
        ("bị truy nã từ tháng 5 năm 2016", [("tháng 5 năm 2016", "2016-05-01")]),
        ("lịch cấp căn cước trong tháng 7", []),
        ("6 tháng đầu năm 2021", []),
    ],
)  # fmt: skip
def test_month_periods(text: str, expected: list[tuple[str, str]]) -> None:
    times = extract_event_times(text, published=PUB)
    assert [(t.surface, t.start) for t in times] == expected
    assert all(t.precision == "month" and not t.year_inferred for t in times)
