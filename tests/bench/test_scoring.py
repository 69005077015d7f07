"""Unit tests for the benchmark's scoring functions (bench/scoring.py), on hand-made inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bench.scoring import (
    PRF,
    SegmentCounts,
    exact,
    multiset_prf,
    normalize,
    paragraph_f1,
    prf,
    same_day,
    same_minute,
    same_set,
    score_segments,
    split_authors,
    split_paragraphs,
    token_f1,
    tokens,
)

VN = timezone(timedelta(hours=7))

pytestmark = pytest.mark.unit


def test_normalize_collapses_whitespace_and_composes() -> None:
    decomposed = "Ha\u0300 No\u0302\u0323i"  # "Hà Nội" with combining marks
    assert normalize(f"  {decomposed}\n\t ") == "Hà Nội"
    assert normalize(None) == ""


def test_prf_counts() -> None:
    assert prf(2, 4, 2) == PRF(0.5, 1.0, 2 * 0.5 / 1.5)
    assert prf(0, 0, 0) == PRF(1.0, 1.0, 1.0)  # nothing expected, nothing found
    assert prf(0, 0, 3) == PRF(0.0, 0.0, 0.0)  # empty output
    assert prf(0, 3, 0) == PRF(0.0, 0.0, 0.0)  # output where nothing was expected
    assert prf(0, 2, 2).f1 == 0.0


def test_paragraph_f1_exact_units_after_whitespace() -> None:
    gold = ["Một đoạn.", "Hai  đoạn.", "Ba đoạn."]
    assert paragraph_f1(["Một đoạn.", "Hai đoạn.\n", "Ba đoạn."], gold).f1 == 1.0
    partial = paragraph_f1(["Một đoạn.", "Ba đoạn", "Quảng cáo"], gold)
    assert partial.precision == pytest.approx(1 / 3)
    assert partial.recall == pytest.approx(1 / 3)
    assert partial.f1 == pytest.approx(1 / 3)


def test_paragraph_f1_duplicates_count_as_multiset() -> None:
    gold = ["A b.", "C d."]
    doubled = paragraph_f1(["A b.", "A b.", "C d."], gold)
    assert doubled.precision == pytest.approx(2 / 3)
    assert doubled.recall == 1.0
    assert paragraph_f1(["A b."], ["A b.", "A b."]).recall == 0.5


def test_paragraph_f1_empty_outputs() -> None:
    assert paragraph_f1([], []).f1 == 1.0
    assert paragraph_f1(["", "  "], []).f1 == 1.0  # blank paragraphs are not units
    assert paragraph_f1([], ["A."]).f1 == 0.0
    assert paragraph_f1(["A."], []).f1 == 0.0


def test_tokens_are_syllables_without_punctuation() -> None:
    assert tokens("Giá vàng giảm, vẫn cao (SJC).") == [
        "Giá",
        "vàng",
        "giảm",
        "vẫn",
        "cao",
        "SJC",
    ]
    assert tokens("") == []


def test_token_f1_multiset_over_paragraphs() -> None:
    gold = ["giá vàng giảm", "giá vàng tăng"]
    assert token_f1(["giá vàng giảm giá vàng tăng"], gold).f1 == 1.0  # split is irrelevant
    missing = token_f1(["giá vàng giảm"], gold)
    assert missing.precision == 1.0
    assert missing.recall == 0.5
    extra = token_f1(["giá vàng giảm", "giá vàng tăng", "xem thêm"], gold)
    assert extra.precision == pytest.approx(6 / 8)
    assert token_f1([], []).f1 == 1.0
    assert token_f1([], gold).f1 == 0.0


def test_multiset_prf_duplicates() -> None:
    result = multiset_prf(["x", "x", "y"], ["x", "y", "y"])
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(2 / 3)


def test_split_paragraphs_drops_blank_lines() -> None:
    assert split_paragraphs("A.\n\n  B.  \n") == ["A.", "B."]
    assert split_paragraphs(None) == []


def test_exact_treats_none_and_empty_alike() -> None:
    assert exact("Tiêu đề  bài", "Tiêu đề bài")
    assert exact(None, "")
    assert not exact("Tiêu đề", "Tiêu đề - Báo X")
    assert not exact(None, "Tiêu đề")


def test_same_set_ignores_order_and_duplicates() -> None:
    assert same_set(["NHẬT XUÂN", "NGHI VŨ"], ["NGHI VŨ", "NHẬT XUÂN"])
    assert same_set(["A", "A"], ["A"])
    assert same_set([], [])
    assert not same_set(["A"], ["A", "B"])
    assert not same_set([], ["A"])


def test_split_authors_semicolons() -> None:
    assert split_authors("TUOI TRE; NHẬT XUÂN ;") == ["TUOI TRE", "NHẬT XUÂN"]
    assert split_authors(None) == []


def test_same_minute() -> None:
    base = datetime(2026, 3, 7, 8, 1, 53, tzinfo=VN)
    assert same_minute(base, base.replace(second=0))
    assert same_minute(base, base.astimezone(UTC))  # same instant, other offset
    assert not same_minute(base, base + timedelta(minutes=1))
    assert not same_minute(base, base.replace(tzinfo=None).replace(tzinfo=UTC))
    assert same_minute(None, None)
    assert not same_minute(base, None)
    assert not same_minute(None, base)


def test_same_day() -> None:
    assert same_day(date(2026, 3, 7), date(2026, 3, 7))
    assert not same_day(date(2026, 3, 7), date(2026, 3, 6))
    assert same_day(None, None)
    assert not same_day(None, date(2026, 3, 7))


def test_score_segments_rule() -> None:
    body = "Die GEMA dreht völlig am Zeiger!\nMehr unter http://www.openpetition.de"
    counts = score_segments(
        body,
        ["Die GEMA dreht völlig am Zeiger!", "http://www.openpetition.de", "fehlt"],
        ["Impressum", "Mehr unter"],
    )
    assert counts == SegmentCounts(tp=2, fn=1, fp=1, tn=1)


def test_score_segments_failed_extraction() -> None:
    assert score_segments(None, ["a", "b"], ["c"]) == SegmentCounts(tp=0, fn=2, fp=0, tn=1)
    assert score_segments("", [], []) == SegmentCounts()


def test_segment_counts_aggregate_metrics() -> None:
    total = SegmentCounts()
    total.add(SegmentCounts(tp=3, fn=1, fp=1, tn=3))
    total.add(SegmentCounts(tp=1, fn=1, fp=0, tn=2))
    assert total == SegmentCounts(tp=4, fn=2, fp=1, tn=5)
    assert total.precision == pytest.approx(4 / 5)
    assert total.recall == pytest.approx(4 / 6)
    assert total.f1 == pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6))
    assert total.accuracy == pytest.approx(9 / 12)


def test_segment_counts_empty() -> None:
    empty = SegmentCounts()
    assert (empty.precision, empty.recall, empty.f1, empty.accuracy) == (0.0, 0.0, 0.0, 0.0)
