"""Fast paths of the police extractors give what their plain definitions give, on random
texts built from the pieces the patterns care about."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from scrapers.police import repeats
from scrapers.police.figures import _rules, figure_matches
from scrapers.police.model_events import Figure, LegalAction
from scrapers.police.persons import _CUED_STARTS
from scrapers.police.place_chains import _MENTION_STARTS
from scrapers.police.prep import (
    _OLD_TONE,
    WordCues,
    _collapse_lines,
    _trie,
    _trie_source,
    line_breaks,
    prepare,
)
from scrapers.police.repeats import merge_figures, merge_legal_actions
from scrapers.police.rules import anchored_regions
from scrapers.text import normalize_tone_placement

pytestmark = pytest.mark.unit

_PIECES = (
    "hơn", "trên", "lên tới", "chưa  đến", "khoảng", "ước tính", "xấp xỉ", "tối\nđa", "gần",
    "kg", "tỷ", "triệu", "đồng", "viên", "ma túy", "trở lên", "người", "vụ", "%", "tháng",
    "Điều", "điều", "năm", "SN", "Km", "loại", "heroin", "bị can", "a", "xhơn", "hơnx",
    "1", "12", "2,7", "1.500", "2.000.000", "19/6", "12:30", "2015-2020", "0693.187.200",
    "3-4", "5:6", "7.", ",8", "/9", "1 tỷ 200", "٣", "_", ".", ",", "(", ")", "-", ":", "/",
    "\n", "\t", "  ", " ", " ", " ", " ",
)  # fmt: skip


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 60)))


def test_figure_matches_equal_the_windowed_scan() -> None:
    rng = random.Random(7)
    rules = _rules()
    for _ in range(3000):
        key = prepare(_random_text(rng)).key
        plain = [
            m.span()
            for lo, hi in anchored_regions(key, 16, 64)
            for m in rules.figure_re.finditer(key, lo, hi)
        ]
        assert [m.span() for m in figure_matches(key, rules)] == plain, key


_CUE_TEXT = (
    "đại tá", "Thượng úy", "bị can", "bà", "Bà Rịa", "đ/c", "đ/", "đồng chí", "ông", "em",
    "xem", "anh", "thanh", "tỉnh", "thị xã", "tp.", "TP", "xã", "phường", "đặc khu", "huyện",
    "quận", "a", "_", "1", "-", "(", ".", "\n", "\t", " ", " ", " ", "ß",
)  # fmt: skip


def _plain_word_starts(words: WordCues, low: str) -> list[int]:
    """The definition: 0 when a cue begins there, and every offset after a non-word
    character where one begins (finditer of "\\W" + cue)."""
    alts = _trie_source(_trie(words.words))
    out = [0] if re.match(alts, low) else []
    out.extend(m.start() + 1 for m in re.finditer(rf"\W(?:{alts})", low))
    return out


def assert_word_cue_starts(
    cues: WordCues, pieces: tuple[str, ...], *, seed: int, rounds: int, longest: int
) -> None:
    """cues.starts on random texts of `pieces` equals the gap-scan definition."""
    rng = random.Random(seed)
    for _ in range(rounds):
        prep = prepare("".join(rng.choice(pieces) for _ in range(rng.randint(1, longest))))
        low = prep.low()
        expected = None if low is None else _plain_word_starts(cues, low)
        assert cues.starts(prep) == expected, prep.text


@pytest.mark.parametrize("cues", [_CUED_STARTS, _MENTION_STARTS])
def test_word_cue_starts_equal_the_gap_scan(cues: WordCues) -> None:
    assert_word_cue_starts(cues, _CUE_TEXT, seed=11, rounds=3000, longest=40)


def test_word_cues_not_safe_on_case_traps() -> None:
    assert _CUED_STARTS.starts(prepare("ông Bıg")) is None


_LINE_TEXT = (
    "a",
    "bc",
    "Đại",
    " ",
    "  ",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\u2028",
    "\x0c",
    "\u00a0",
    ".",
)


def _plain_line_breaks(visible: str) -> tuple[int, ...]:
    """The definition: the collapsed lines with text, joined by one space each."""
    lengths = [
        len(" ".join(w)) for line in visible.replace("\r", "\n").split("\n") if (w := line.split())
    ]
    out: list[int] = []
    pos = -1
    for length in lengths[:-1]:
        pos += length + 1
        out.append(pos)
    return tuple(out)


def test_collapse_lines_equals_the_line_by_line_definition() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        visible = "".join(rng.choice(_LINE_TEXT) for _ in range(rng.randint(0, 30)))
        clean, breaks = _collapse_lines(visible)
        assert clean == " ".join(visible.split()), repr(visible)
        assert breaks == _plain_line_breaks(visible), repr(visible)
        assert line_breaks(prepare(visible)) == (
            breaks if "\n" in visible or "\r" in visible else ()
        )


def _plain_merged(mentions: list[Any], same: Any, join: Any) -> tuple[Any, ...]:
    """The definition: each mention compared with every kept one, in order."""
    kept: list[Any] = []
    for mention in mentions:
        found = next((i for i, k in enumerate(kept) if same(k, mention)), None)
        if found is None:
            kept.append(mention)
        else:
            kept[found] = join(kept[found], mention)
    return tuple(sorted(kept, key=lambda m: m.start))


def test_merged_repeats_equal_the_pairwise_definition() -> None:
    rng = random.Random(3)
    subjects = (None, "heroin", "Heroin", "ma túy", "xe máy")
    names = ((), ("Nguyễn Văn A",), ("nguyễn văn a",), ("Trần B", "Lê C"), ("Lê C", "Trần B"))
    for _ in range(500):
        figures = [
            Figure(f"f{i}", rng.choice((1.0, 2.0, 2.7, -0.0, 0.0)), rng.choice(("kg", "vụ")),
                   rng.choice(("=", ">", "~")), rng.choice(subjects), rng.randint(0, 99), 100)
            for i in range(rng.randint(0, 25))
        ]  # fmt: skip
        assert merge_figures(tuple(figures)) == _plain_merged(
            figures, repeats._same_figure, repeats._joined_figure
        )
        steps = [
            LegalAction(rng.choice(("tam_giu", "truy_to", "xet_xu")), f"s{i}", rng.choice(names),
                        rng.choice((None, "Công an A", "VKS B")), rng.randint(0, 99), 100)
            for i in range(rng.randint(0, 25))
        ]  # fmt: skip
        assert merge_legal_actions(tuple(steps)) == _plain_merged(
            steps, repeats._same_step, repeats._joined_step
        )


def test_word_cues_reject_words_the_shared_scan_could_not_find() -> None:
    with pytest.raises(ValueError):
        WordCues(["a/b"])  # the scan would consume "/", a word start could follow it


_TONE_TEXT = (
    "hoà", "Hoà", "quá", "qua", "khoẻ", "thuý", "Thuỵ", "uý", "oá", "oáx", "Ð", "ð", "\u00a0",
    "\u202f", "\u200b", " ", "  ", "\n", "q", "Q", "a", "1", "_", ".",
)  # fmt: skip


def test_norm_is_clean_with_every_old_tone_syllable_moved() -> None:
    rng = random.Random(9)
    for _ in range(3000):
        prep = prepare("".join(rng.choice(_TONE_TEXT) for _ in range(rng.randint(1, 30))))
        moved = _OLD_TONE.sub(lambda m: normalize_tone_placement(m.group()), prep.clean)
        assert prep.norm == moved, repr(prep.text)
