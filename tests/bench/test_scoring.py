"""Unit tests for the benchmarks' scoring functions (bench/scoring.py; the real police set's
bench/real_score.py and the sweep's rules in bench/structure_sweep.py), on hand-made inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bench.real_corpus import sentence_of, sentences
from bench.real_score import SplitScore, rank_ok, score_text, year_ok
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
from bench.structure_sweep import cut_syllable, lower_counts, word_kinds

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


# ---- the real police set's scorer (bench/real_score.py) and sweep rules ------------------


def _label(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "t", "relevant": True, "kind": "arrest", "persons": [], "optional_persons": [],
        "crime_articles": [], "provinces": [], "optional_provinces": [], "legal_actions": [],
        "notes": "",
    }  # fmt: skip
    return {**base, **fields}


def _person(name: str, rank: str | None = None, year: int | None = None, role: str = "other"):
    return {"name": name, "rank": rank, "birth_year": year, "age": None, "role": role}


def _mention(name: str | None, **fields: object) -> dict[str, object]:
    base = {"surface": name or "N.V.A.", "name": name, "rank": None, "role": "other"}
    return {**base, "birth_year": None, "name_key": None if name else "nva", **fields}


def _out(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "persons": [], "crimes": [], "places": [], "legal_actions": [],
        "is_police_affairs": True, "relevance": 0.9,
    }  # fmt: skip
    return {**base, **fields}


def _place(province: str, province_2025: str) -> dict[str, str]:
    return {"province": province, "province_2025": province_2025, "surface": f"tỉnh {province}"}


def _score(label: dict[str, object], out: dict[str, object], text: list[str] | None = None):
    split = SplitScore()
    score_text(split, "t", label, out, text or ["Tiêu đề."])
    return split


def test_real_persons_optional_ignored_and_partial_names_not_counted() -> None:
    label = _label(
        persons=[_person("Nguyễn Văn T."), _person("Lê Thị Mai")], optional_persons=["Hoàng Dung"]
    )
    predicted = [
        _mention("nguyễn văn t"),  # case, and the period of a shortened name, ignored
        _mention("Hoàng Dung"),  # a byline: optional, neither credit nor error
        _mention("Trần Văn Bảy"),  # not labelled: FP
        _mention(None),  # initials only: not a person under RULES.md
        _mention("Hùng"),  # a given name alone: not a person either
    ]
    text = ["Tiêu đề.", "Bắt Trần Văn Bảy (SN 1990) tại nhà.", "Lê Thị Mai là nạn nhân."]
    split = _score(label, _out(persons=predicted), text)
    s = split.pr["persons"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert split.ignored == {"initials": 1, "one_syllable": 1}
    found = {(e.kind, e.value, e.sentence) for e in split.errors if e.field == "persons"}
    assert found == {
        ("FP", "Trần Văn Bảy", "Bắt Trần Văn Bảy (SN 1990) tại nhà."),
        ("FN", "Lê Thị Mai", "Lê Thị Mai là nạn nhân."),
    }


def test_real_birth_year_exact_or_age_within_one() -> None:
    assert year_ok(1990, None, {1990})
    assert not year_ok(1990, None, {1991})  # written year: exact
    assert not year_ok(1990, 27, set())  # nothing predicted where the label has one
    for got in (1989, 1990, 1991):  # 27 years old in 2017: born 1990 ± 1
        assert year_ok(None, 27, {got})
    assert not year_ok(None, 27, {1988})
    assert not year_ok(None, 27, set())
    assert year_ok(None, None, set())
    assert not year_ok(None, None, {1990})  # a year nobody wrote


def test_real_rank_and_role_on_matched_persons() -> None:
    assert rank_ok("Đại uý", {"Đại úy"})  # tone placement
    assert rank_ok(None, set())
    assert not rank_ok(None, {"Đại tá"})
    assert not rank_ok("Đại tá", {"Đại tá", "Thượng tá"})
    label = _label(
        persons=[
            {**_person("Phạm Văn Hải", rank="Thượng tá"), "role": ["official", "witness"]},
            {**_person("Đỗ Thị Hoa", year=None), "age": 45, "role": ["victim", "witness"]},
            _person("Vũ Văn Chiến", year=1971, role="accused"),
        ]
    )
    predicted = [
        _mention("Phạm Văn Hải", rank="Thượng tá", role="witness"),  # 2nd accepted role
        _mention("Đỗ Thị Hoa", birth_year=1971, role="suspect"),  # age 45 → 1972 ± 1; wrong role
        _mention("Vũ Văn Chiến", birth_year=1970, role="accused"),  # written 1971: wrong year
    ]
    split = _score(label, _out(persons=predicted))
    rank, year, role = (
        split.acc[f] for f in ("persons.rank", "persons.birth_year", "persons.role")
    )
    assert (rank.right, rank.total, rank.written) == (3, 3, 1)
    assert (year.right, year.total, year.written_right, year.written) == (2, 3, 1, 2)
    assert (role.right, role.total) == (2, 3)
    wrong = sorted((e.field, e.value.split(":")[0]) for e in split.errors)
    assert wrong == [("persons.birth_year", "Vũ Văn Chiến"), ("persons.role", "Đỗ Thị Hoa")]


def test_real_province_pairs_with_optional_provinces() -> None:
    label = _label(
        provinces=[{"province": "Vĩnh Phúc", "province_2025": "Phú Thọ"}],
        optional_provinces=[{"province": "Hà Nội", "province_2025": "Hà Nội"}],
    )
    predicted = [
        _place("Vĩnh Phúc", "Phú Thọ"),
        _place("Hà Nội", "Hà Nội"),  # optional: ignored
        _place("Hà Nam", "Ninh Bình"),  # FP
    ]
    split = _score(label, _out(places=predicted))
    pairs, new = split.pr["provinces"], split.pr["provinces.2025"]
    assert (pairs.tp, pairs.fp, pairs.fn) == (1, 1, 0)
    assert (new.tp, new.fp, new.fn) == (1, 1, 0)
    # A 2017 name right with the wrong 2025 name is a wrong pair, but a right 2025 name.
    split = _score(
        label, _out(places=[_place("Vĩnh Phúc", "Phú Thọ"), _place("Hòa Bình", "Phú Thọ")])
    )
    assert (split.pr["provinces"].fp, split.pr["provinces.2025"].fp) == (1, 0)


def test_real_crimes_legal_actions_and_relevance_confusion() -> None:
    crimes = [
        {
            "article": "251",
            "administrative": False,
            "surface": "mua bán",
            "label": "mua bán ma túy",
        },
        {"article": "321", "administrative": True, "surface": "đánh bạc", "label": "đánh bạc"},
        {"article": None, "administrative": False, "surface": "tín dụng đen", "label": "x"},
    ]
    legal = [{"action": "bat_qua_tang", "surface": "bắt quả tang"}]
    split = SplitScore()
    cases = [(True, True), (True, False), (False, True), (False, False), (False, False)]
    for relevant, kept in cases:
        label = _label(relevant=relevant, crime_articles=[251, 250], legal_actions=["bat_qua_tang"])
        out = _out(crimes=crimes, legal_actions=legal, is_police_affairs=kept)
        score_text(split, "t", label, out, ["Tiêu đề."])
    c, la = split.pr["crime_articles"], split.pr["legal_actions"]
    assert (c.tp, c.fp, c.fn) == (5, 0, 5)  # 250 missed; administrative and no-article not counted
    assert (la.tp, la.fp, la.fn) == (5, 0, 0)
    assert split.confusion == {"tp": 1, "fn": 1, "fp": 1, "tn": 2}
    assert split.acc["relevance"].accuracy == pytest.approx(3 / 5)


def test_real_sentence_of() -> None:
    parts = sentences("Tiêu đề\nCâu một. Bắt Nguyễn Văn A tại Hà Nội. Câu ba!")
    assert parts == ["Tiêu đề", "Câu một.", "Bắt Nguyễn Văn A tại Hà Nội.", "Câu ba!"]
    assert sentence_of(parts, "nguyễn văn a") == "Bắt Nguyễn Văn A tại Hà Nội."
    assert sentence_of(parts, "Nguyen Van A") == "Bắt Nguyễn Văn A tại Hà Nội."  # folded
    assert sentence_of(parts, "Trần B") == ""


def test_sweep_common_word_and_cut_name_rules() -> None:
    assert "place" in word_kinds("Hai Bà Trưng")  # a Hà Nội district
    assert "word" in word_kinds("Trung Quốc")  # starts with a NOT_NAME syllable
    assert word_kinds("Nguyễn Văn Hùng") == []
    assert cut_syllable("Vũ Văn", "bệnh nhân Vũ Văn Chiến (46 tuổi)") == "Chiến"
    assert cut_syllable("Hà Ngọc", "ông Hà Ngọc Chiến – Chủ tịch") == "Chiến"
    assert cut_syllable("Nguyễn Thanh Tuấn", "Nguyễn Thanh Tuấn Theo đó, Tuấn khai") is None
    assert cut_syllable("Vũ Văn", "Vũ Văn Chiến Thắng đến") is None  # a name run goes on
    counts = lower_counts(["Tuy nhiên, tại đây. Tại Đây", "tại đây có"], {"tại đây", "lê lợi"})
    assert counts == {"tại đây": 2}


def test_real_provinces_skip_listed_places_and_count_residences() -> None:
    label = _label(provinces=[{"province": "Vĩnh Phúc", "province_2025": "Phú Thọ"}])
    predicted = [
        {**_place("Vĩnh Phúc", "Phú Thọ"), "role": "residence"},  # the event's own province
        {**_place("Hà Nam", "Ninh Bình"), "role": "listed"},  # named in passing: not counted
        {**_place("Hà Nội", "Hà Nội"), "role": "event"},  # FP
    ]
    split = _score(label, _out(places=predicted))
    pairs, new = split.pr["provinces"], split.pr["provinces.2025"]
    assert (pairs.tp, pairs.fp, pairs.fn) == (1, 1, 0)
    assert (new.tp, new.fp, new.fn) == (1, 1, 0)
