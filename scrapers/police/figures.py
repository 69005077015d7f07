"""Figures (pure): text in, Figure records out (domain notes §5.3).

One regex pass: [qualifier] number [scale [number scale]] unit [trở lên] [subject].
Vietnamese number style: thousands dot ("1.500 viên", "2.000.000 đồng"), decimal comma
("2,7 kg"); a dot followed by other than three digits is an English decimal ("2.5 kg").
A figure needs a unit from data/figures.toml, except money with a scale word ("1,2 tỷ" →
VND). Guards: no digit/dot/slash touching the number (dates "19/6", document numbers
"12/2020/QĐ-UBND", phone numbers "0693.187.200", ranges "2015-2020"), and no reference word
right before it ("Điều 174", "SN 1990", "năm 2020", "Km 12").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from scrapers.police.model_events import Figure, Qualifier
from scrapers.police.rules import (
    Prepared,
    alternation,
    anchored_regions,
    digit_runs,
    key_of,
    memoised,
    prepare,
    squash,
    table,
)

_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_MONEY_SCALES = frozenset({1e6, 1e9})
# After "N tháng": a date ("19 tháng 6") or a reporting period ("6 tháng đầu năm").
_DATE_AFTER = re.compile(r"\s*(?:\d|năm\s+\d|đầu năm|cuối năm)")
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


@dataclass(frozen=True, slots=True)
class _Rules:
    figure_re: re.Pattern[str]
    blocked_re: re.Pattern[str]
    qualifiers: dict[str, Qualifier]
    post: dict[str, Qualifier]
    scales: dict[str, float]
    units: dict[str, str]
    qualifier_words: int  # most words in one qualifier
    last_words: frozenset[str]  # the last word of every qualifier, reversed
    # On the reversed text: whitespace, then up to qualifier_words words (group i: the i-th
    # word before the whitespace) separated by whitespace.
    words_before: re.Pattern[str]
    not_money: re.Pattern[str]  # a counted thing right after a unit-less scaled number


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = table("figures")
    scales = alternation(data["scales"])
    # A match starts at a qualifier or a digit: the lookahead rejects other places cheaply.
    firsts = re.escape("".join(sorted({key_of(q)[0] for q in data["qualifiers"] if q.strip()})))
    pattern = (
        rf"(?=[\d{firsts}])(?:(?P<q>{alternation(data['qualifiers'])})\s+)?"
        rf"(?<![\d.,/])(?P<num>{_NUMBER})(?![.,/-]?\d)"
        rf"(?:\s*(?P<scale>{scales})(?:\s+(?P<num2>\d{{1,3}})\s*(?P<scale2>{scales}))?)?"
        rf"(?:\s*(?P<unit>{alternation(data['units'], left_bound=False)}))?"
        rf"(?:\s+(?P<post>{alternation(data['post_qualifiers'])}))?"
        rf"(?:\s+(?:loại\s+)?(?P<subj>{alternation(data['subjects'])}))?"
    )
    blocked = alternation(data["blocked_before"])
    # _match_starts looks for qualifiers as words (letters) separated by whitespace.
    most_words = max(len(key_of(q).split()) for q in data["qualifiers"] if q.strip())
    if not all(ch.isalpha() or ch == " " for q in data["qualifiers"] for ch in key_of(q)):
        raise ValueError("figures.toml: a qualifier must be words of letters")
    words_before = ""
    for _ in range(most_words):
        words_before = r"\s+(\w+)" + (f"(?:{words_before})?" if words_before else "")
    return _Rules(
        figure_re=re.compile(pattern),
        blocked_re=re.compile(blocked + r"\s*[:.]?\s*$"),
        qualifiers={key_of(k): cast(Qualifier, v) for k, v in data["qualifiers"].items()},
        post={key_of(k): cast(Qualifier, v) for k, v in data["post_qualifiers"].items()},
        scales={key_of(k): float(v) for k, v in data["scales"].items()},
        units={key_of(k): v for k, v in data["units"].items()},
        qualifier_words=most_words,
        last_words=frozenset(key_of(q).split()[-1][::-1] for q in data["qualifiers"] if q.strip()),
        words_before=re.compile(words_before),
        not_money=re.compile(r"\s+" + alternation(data["not_money_after"])),
    )


def _dispatch_verb(prep: Prepared, blocked: re.Match[str]) -> bool:
    """A lower-case "điều" is the verb "to dispatch" ("đã điều 6 xe"); statutory article
    references are written "Điều 174" (and take no unit after the number anyway)."""
    return blocked.group().startswith("điều") and prep.text[blocked.start()] == "đ"


def parse_number(raw: str) -> float:
    """'1.500' → 1500, '2,7' → 2.7, '2.000.000' → 2e6, '2.5' → 2.5 (English decimal)."""
    if _GROUPED.fullmatch(raw):
        return float(raw.replace(".", "").replace(",", "."))
    return float(raw.replace(",", "."))


def extract_figures(text: str) -> tuple[Figure, ...]:
    """Figures in document order."""
    return memoised(prepare(text), "figures", _figures)


def _figures(prep: Prepared) -> tuple[Figure, ...]:
    rules = _rules()
    out: list[Figure] = []
    for m in figure_matches(prep.key, rules):
        figure = _figure(prep, rules, m)
        if figure is not None:
            out.append(figure)
    return tuple(out)


# Windows around each digit run: before it for a qualifier, after it for scale, unit, subject.
_BEFORE, _AFTER = 16, 64


def figure_matches(key: str, rules: _Rules) -> Iterator[re.Match[str]]:
    """The matches of `figure_re.finditer(key, lo, hi)` over every window around a digit
    run (`anchored_regions(key, 16, 64)`), the regex tried only where one can begin: at a
    number start or at a qualifier right before one (see `_match_starts`)."""
    runs = digit_runs(key)
    regions = anchored_regions(key, _BEFORE, _AFTER, runs)
    backwards = key[::-1]
    region = 0
    end = 0
    for start, stop in runs:
        while regions[region][1] <= start:
            region += 1
        lo, hi = regions[region]
        for pos in _match_starts(key, backwards, (start, stop), lo, rules):
            if pos >= end and (m := rules.figure_re.match(key, pos, hi)) is not None:
                yield m
                end = m.end()


def _match_starts(
    key: str, backwards: str, run: tuple[int, int], lo: int, rules: _Rules
) -> list[int]:
    """Ascending offsets >= lo where a figure with its number in the digit run `run` can
    begin (`backwards` = key reversed). A number begins the run or follows a ":" or "-" in
    it (the regex rejects one after a digit, ".", "," or "/"). A qualifier ends in
    whitespace right before the number, begins a word, and is one or more words separated
    by whitespace: the last few words before the run, read from `backwards`."""
    start, stop = run
    out = [start]
    if ":" in (digits := key[start:stop]) or "-" in digits:
        out.extend(i for i in range(start + 1, stop) if key[i - 1] in ":-")
    size = len(key)
    words = rules.words_before.match(backwards, size - start, size - lo)
    # A qualifier ends with the word right before the number (group 1, reversed).
    if words is not None and words.group(1) in rules.last_words:
        last_end = size - words.start(1)
        for group in range(1, rules.qualifier_words + 1):
            if words.start(group) >= 0:
                begin = size - words.end(group)
                if squash(key[begin:last_end]) in rules.qualifiers:
                    out.insert(0, begin)
    return out


def _figure(prep: Prepared, rules: _Rules, m: re.Match[str]) -> Figure | None:
    value = parse_number(m["num"])
    scale = rules.scales[m["scale"]] if m["scale"] else 1.0
    unit = rules.units[squash(m["unit"])] if m["unit"] else None
    if unit == "tháng" and _DATE_AFTER.match(prep.key, m.end()):
        return None  # "19 tháng 6", "6 tháng đầu năm": not a duration
    if unit is None:
        if scale not in _MONEY_SCALES or rules.not_money.match(prep.key, m.end()):
            return None  # "1,5 triệu thùng dầu": a count, no money
        unit = "VND"  # "thiệt hại 1,2 tỷ": money is the only unit-less scaled amount
    blocked = rules.blocked_re.search(prep.key, max(0, m.start("num") - 24), m.start("num"))
    if blocked is not None and not _dispatch_verb(prep, blocked):
        return None
    value *= scale
    if m["num2"] and m["scale2"]:
        value += float(m["num2"]) * rules.scales[m["scale2"]]
    qualifier: Qualifier = rules.qualifiers[squash(m["q"])] if m["q"] else "="
    if m["post"]:
        qualifier = rules.post[squash(m["post"])]
    start = m.start("q") if m["q"] else m.start("num")
    return Figure(
        surface=prep.text[start : m.end()],
        value=value,
        unit=unit,
        qualifier=qualifier,
        subject=squash(m["subj"]) if m["subj"] else None,
        start=start,
        end=m.end(),
    )
