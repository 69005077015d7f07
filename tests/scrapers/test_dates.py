"""Table-driven tests for the Vietnamese date parser (scrapers.dates)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scrapers.dates import VN_TZ, parse_vn_datetime

NOW = datetime(2026, 3, 7, 9, 0, tzinfo=VN_TZ)

# (raw, expected ISO with offset, precision)
PARSED = [
    # machine markup: meta, JSON-LD, <time datetime>, APIs
    ("2026-03-07T00:05:00+07:00", "2026-03-07T00:05:00+07:00", "second"),
    ("2026-03-07T07:38:56+07:00", "2026-03-07T07:38:56+07:00", "second"),
    ("2025-10-11T10:02:08+0700", "2025-10-11T10:02:08+07:00", "second"),
    ("2025-10-09T17:55:47+0700", "2025-10-09T17:55:47+07:00", "second"),
    ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00", "minute"),
    ("2026-03-07T08:07:18", "2026-03-07T08:07:18+07:00", "second"),
    ("2026-03-06T12:20:50+07:00", "2026-03-06T12:20:50+07:00", "second"),
    ("2024-05-04T14:54:00.000 +07:00", "2024-05-04T14:54:00+07:00", "second"),
    ("2024-05-04T14:54:00.000+07:00", "2024-05-04T14:54:00+07:00", "second"),
    ("2026-01-19T08:50:00Z", "2026-01-19T08:50:00+00:00", "second"),
    ("2026-01-19T08:50:00", "2026-01-19T08:50:00+07:00", "second"),
    ("2020-06-19", "2020-06-19T00:00:00+07:00", "day"),
    ("2020-06-19T10:30:00+00:00", "2020-06-19T10:30:00+00:00", "second"),
    ("  2026-03-07T08:01:53+07:00 ", "2026-03-07T08:01:53+07:00", "second"),
    # RFC 822 feed dates
    ("Thu, 06 Feb 2025 20:30:48 +0700", "2025-02-06T20:30:48+07:00", "second"),
    ("Sat, 07 Mar 2026 01:05:00 GMT", "2026-03-07T01:05:00+00:00", "second"),
    ("06 Feb 2025 20:30:48 +0700", "2025-02-06T20:30:48+07:00", "second"),
    ("Fri, 19 Jun 2020 10:30:00 +0700", "2020-06-19T10:30:00+07:00", "second"),
    # visible stamps on article pages
    ("Thứ Sáu, 19/06/2020 - 10:30", "2020-06-19T10:30:00+07:00", "minute"),
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00+07:00", "minute"),
    ("Thứ bảy, 07/03/2026 - 08:07", "2026-03-07T08:07:00+07:00", "minute"),
    ("Thứ Bảy, 07/03/2026 - 08:52", "2026-03-07T08:52:00+07:00", "minute"),
    ("07/03/2026 08:01 GMT+7", "2026-03-07T08:01:00+07:00", "minute"),
    ("09/10/2025 17:55", "2025-10-09T17:55:00+07:00", "minute"),
    ("11/10/2025 10:02", "2025-10-11T10:02:00+07:00", "minute"),
    ("- 07/03/2026 08:47", "2026-03-07T08:47:00+07:00", "minute"),
    ("11:10 18/07/2022", "2022-07-18T11:10:00+07:00", "minute"),
    ("08:42 04/03/2018", "2018-03-04T08:42:00+07:00", "minute"),
    ("15/04/2014 16:46", "2014-04-15T16:46:00+07:00", "minute"),
    ("19/6/2020 10:30 (GMT+7)", "2020-06-19T10:30:00+07:00", "minute"),
    ("10:30 19/06/2020", "2020-06-19T10:30:00+07:00", "minute"),
    ("Thứ Bảy, 04/05/2024 14:54:00 +07:00", "2024-05-04T14:54:00+07:00", "second"),
    ("Cập nhật: 19/06/2020 10:30", "2020-06-19T10:30:00+07:00", "minute"),
    ("Cập nhật lúc 10:30 ngày 19/06/2020", "2020-06-19T10:30:00+07:00", "minute"),
    ("Chủ Nhật, ngày 28/03/2021", "2021-03-28T00:00:00+07:00", "day"),
    ("Thứ 6, 19/06/2020 | 10:30", "2020-06-19T10:30:00+07:00", "minute"),
    ("T6, 19/06/2020", "2020-06-19T00:00:00+07:00", "day"),
    ("CN, 28/03/2021 07:15", "2021-03-28T07:15:00+07:00", "minute"),
    ("01/03/2026 09:51", "2026-03-01T09:51:00+07:00", "minute"),
    ("19.06.2020", "2020-06-19T00:00:00+07:00", "day"),
    ("19-06-2020", "2020-06-19T00:00:00+07:00", "day"),
    ("19.06.2020 10:30", "2020-06-19T10:30:00+07:00", "minute"),
    ("2020/06/19 10:30", "2020-06-19T10:30:00+07:00", "minute"),
    ("Ngày 19 tháng 6 năm 2020", "2020-06-19T00:00:00+07:00", "day"),
    ("ngày 19 tháng 06 năm 2020", "2020-06-19T00:00:00+07:00", "day"),
    ("19 tháng 6, 2020", "2020-06-19T00:00:00+07:00", "day"),
    ("lúc 22 giờ 30 phút ngày 30/12/2020", "2020-12-30T22:30:00+07:00", "minute"),
    ("22h30 ngày 30/12/2020", "2020-12-30T22:30:00+07:00", "minute"),
    ("17g30 30/12/2020", "2020-12-30T17:30:00+07:00", "minute"),
    ("0h15 ngày 1/1/2021", "2021-01-01T00:15:00+07:00", "minute"),
    ("Đăng lúc 06:00 - 01/01/2021", "2021-01-01T06:00:00+07:00", "minute"),
    ("07/03/2026 08:01:53 GMT+07:00", "2026-03-07T08:01:53+07:00", "second"),
    ("07/03/2026 08:01 UTC+7", "2026-03-07T08:01:00+07:00", "minute"),
    ("29/02/2024", "2024-02-29T00:00:00+07:00", "day"),
    ("Thứ hai, 31/12/2018 - 23:59", "2018-12-31T23:59:00+07:00", "minute"),
]

REJECTED = [
    "12/2020/QĐ-UBND",  # document number
    "202/2025/QH15",
    "11/2025/TT-BCA",
    "2015-2020",  # year range
    "giai đoạn 2015-2020",
    "0693.187.200",  # phone number
    "0912 345 678",
    "2020",  # bare year
    "Năm 2020",
    "3-1",  # a score, no cue
    "1/2",  # a fraction
    "Km 12/3",
    "31/02/2020",  # impossible day
    "32/01/2020",
    "19/13/2020",  # impossible month
    "25:10 19/06/2020",  # impossible hour
    "10:61 19/06/2020",
    "",
    "   ",
    "không rõ ngày",
    "Thứ Sáu",
    "10:30",  # a time alone
    "3/5/2026 3:34:00 PM",  # US order: only with prefer="mdy"
    "2 giờ",  # no "trước"
    "7' trước",  # relative without `now`
    "Sáng 19-6",  # no year, no reference
    "19/06/1820",  # out of range
    "2020-13-01T10:00:00+07:00",
    "2020-06-19T10:30:00+25:00",
    "Theo Nghị định 100/2019/NĐ-CP",
]


@pytest.mark.unit
@pytest.mark.parametrize(("raw", "iso", "precision"), PARSED)
def test_parses(raw: str, iso: str, precision: str) -> None:
    parsed = parse_vn_datetime(raw)
    assert parsed is not None, raw
    assert parsed.value.isoformat() == iso
    assert parsed.value.utcoffset() is not None
    assert parsed.precision == precision
    assert parsed.raw == raw
    assert not parsed.relative


@pytest.mark.unit
@pytest.mark.parametrize("raw", REJECTED)
def test_rejects(raw: str) -> None:
    assert parse_vn_datetime(raw) is None


RELATIVE = [
    ("7' trước", timedelta(minutes=7), "minute"),
    ("7’ trước", timedelta(minutes=7), "minute"),
    ("30 phút trước", timedelta(minutes=30), "minute"),
    ("2 giờ trước", timedelta(hours=2), "hour"),
    ("1 tiếng trước", timedelta(hours=1), "hour"),
    ("3 ngày trước", timedelta(days=3), "day"),
    ("cách đây 2 ngày", timedelta(days=2), "day"),
    ("1 tuần trước", timedelta(days=7), "day"),
    ("vừa xong", timedelta(0), "minute"),
    ("Vừa mới", timedelta(0), "minute"),
    ("hôm qua", timedelta(days=1), "day"),
]


@pytest.mark.unit
@pytest.mark.parametrize(("raw", "ago", "precision"), RELATIVE)
def test_relative_against_now(raw: str, ago: timedelta, precision: str) -> None:
    parsed = parse_vn_datetime(raw, now=NOW)
    assert parsed is not None
    assert parsed.relative
    assert parsed.value == NOW - ago
    assert parsed.precision == precision


@pytest.mark.unit
def test_relative_with_naive_now_uses_default_zone() -> None:
    parsed = parse_vn_datetime("2 giờ trước", now=datetime(2026, 3, 7, 9, 0))
    assert parsed is not None
    assert parsed.value.isoformat() == "2026-03-07T07:00:00+07:00"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("3/5/2026 3:34:00 PM", "2026-03-05T15:34:00+07:00"),
        ("12/31/2025 11:59:00 PM", "2025-12-31T23:59:00+07:00"),
        ("3/5/2026 12:05:00 AM", "2026-03-05T00:05:00+07:00"),
    ],
)
def test_us_order_only_when_asked(raw: str, iso: str) -> None:
    parsed = parse_vn_datetime(raw, prefer="mdy")
    assert parsed is not None
    assert parsed.value.isoformat() == iso


@pytest.mark.unit
def test_unambiguous_day_first_with_am_pm() -> None:
    parsed = parse_vn_datetime("19/06/2020 10:30 AM")
    assert parsed is not None
    assert parsed.value.isoformat() == "2020-06-19T10:30:00+07:00"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("raw", "reference", "iso"),
    [
        ("Sáng 19-6", datetime(2020, 6, 19, 12, 0), "2020-06-19T00:00:00+07:00"),
        ("ngày 30-12", datetime(2021, 1, 2, 8, 0), "2020-12-30T00:00:00+07:00"),
        ("chiều 18/6", datetime(2020, 6, 19, 8, 0), "2020-06-18T00:00:00+07:00"),
        ("Ngày 27.7", datetime(2024, 7, 28, 8, 0), "2024-07-27T00:00:00+07:00"),
        ("22h30 ngày 15/6", datetime(2020, 6, 16, 8, 0), "2020-06-15T22:30:00+07:00"),
    ],
)
def test_year_inferred_from_reference(raw: str, reference: datetime, iso: str) -> None:
    parsed = parse_vn_datetime(raw, reference=reference)
    assert parsed is not None
    assert parsed.value.isoformat() == iso
    assert parsed.year_inferred


@pytest.mark.unit
def test_default_zone_is_applied_without_offset() -> None:
    parsed = parse_vn_datetime("19/06/2020 10:30", default_tz=UTC)
    assert parsed is not None
    assert parsed.value.isoformat() == "2020-06-19T10:30:00+00:00"
    assert not parsed.explicit_offset


@pytest.mark.unit
def test_explicit_offset_wins_over_default_zone() -> None:
    parsed = parse_vn_datetime("2020-06-19T10:30:00+07:00", default_tz=UTC)
    assert parsed is not None
    assert parsed.explicit_offset
    assert parsed.value.astimezone(UTC).hour == 3


@pytest.mark.unit
def test_weekday_contradicting_the_date_is_rejected() -> None:
    # 19/06/2020 was a Friday; a page saying Monday is not trusted.
    assert parse_vn_datetime("Thứ Hai, 19/06/2020 - 10:30") is None


@pytest.mark.unit
def test_table_size() -> None:
    assert len(PARSED) + len(REJECTED) + len(RELATIVE) >= 60
