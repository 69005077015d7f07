"""Crime phrases beyond single terms (pure): joined offences and cited article numbers.

In: a prepared text (and the article date for citations). Out: `PhraseHit`s, each one
offence with its 2015 article(s), for scrapers/police/crimes.py to turn into mentions.

- Frames (data/crimes.toml [frames]): a list of verbs before one object names one offence
  per verb: "mua bán, vận chuyển trái phép chất ma túy" → 251 and 250; "tàng trữ, vận
  chuyển, mua bán hơn 1.300 viên ma túy tổng hợp" → 249, 250, 251. Found from the object
  (shared cue scan), then a verb list anchored just before it.
- Citations ([citations]): "Điều 194 BLHS", "khoản 3, Điều 230a-BLHS", "điều 162 Bộ luật
  Hình sự năm 1999". The year written after the code's name picks the code; with none the
  article date does (before 2018-01-01 a bare "Điều N BLHS" is the 1999 Code). A 1999 article
  is mapped to the 2015 article of the same offence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from scrapers.police.rules import Prepared, alternation, key_of, table
from scrapers.police.vocab import Vocabulary

_WINDOW = 120  # characters before an object searched for its verb list
_LIST_SEP = r"(?:\s*,\s*(?:(?:và|hoặc)\s+)?|\s+(?:và|hoặc)\s+)"
_CITE = re.compile(
    r"điều\s+(\d{1,3}[a-z]?)\s*(?:,\s*|-\s*|\s+của\s+)?"
    r"(?:blhs|bộ\s+luật\s+hình\s+sự|bộ\s+luật\s+hs)"
    r"(?:\s+(?:hiện\s+hành|(?:sửa\s+đổi,?\s+bổ\s+sung\s+)?(?:năm\s+)?(\d{4})))?"
)


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """One offence found by a frame or a citation."""

    start: int
    end: int
    articles: tuple[str, ...]  # candidates, most likely first
    primary: str | None
    explicit: bool  # citation: the code's year was written; frame: always True


@dataclass(frozen=True, slots=True)
class _Frames:
    objects: Vocabulary
    frame_of: dict[str, str]  # object key → frame name
    verbs: dict[str, dict[str, str]]  # frame name → verb key → article
    tail: re.Pattern[str]  # a verb list and gap words ending the window
    verb: re.Pattern[str]


@cache
def _frames() -> _Frames:
    data: dict[str, Any] = table("crimes")["frames"]
    frames = {name: spec for name, spec in data.items() if isinstance(spec, dict)}
    frame_of = {key_of(o): name for name, spec in frames.items() for o in spec["objects"]}
    verbs = {
        name: {key_of(v): a for v, a in spec["verbs"].items()} for name, spec in frames.items()
    }
    verb_src = alternation({v for spec in frames.values() for v in spec["verbs"]})
    one = rf"{verb_src}(?:\s+trái\s+phép)?"
    gap = alternation(data["gap"])
    tail = rf"({one}(?:{_LIST_SEP}{one})*)(?:\s+(?:{gap}|\d[\d.,]*))" + r"{0,4}\s+$"
    return _Frames(
        objects=Vocabulary(list(frame_of)),
        frame_of=frame_of,
        verbs=verbs,
        tail=re.compile(tail),
        verb=re.compile(verb_src),
    )


def frame_hits(prep: Prepared) -> list[PhraseHit]:
    """One hit per verb of every verb list standing before a frame object."""
    rules = _frames()
    out: list[PhraseHit] = []
    for start, end, key in rules.objects.hits(prep):
        lo = max(0, start - _WINDOW)
        m = rules.tail.search(prep.key, lo, start)
        if m is None:
            continue
        verbs = rules.verbs[rules.frame_of[key]]
        named: set[str] = set()  # "tàng trữ, sử dụng trái phép vũ khí quân dụng": one 304
        for v in rules.verb.finditer(prep.key, m.start(1), m.end(1)):
            article = verbs.get(" ".join(v.group(0).split()))
            if article is not None and article not in named:
                named.add(article)
                out.append(PhraseHit(v.start(), end, (article,), article, True))
    return out


@dataclass(frozen=True, slots=True)
class _Citations:
    switch: date
    years_1999: frozenset[str]
    years_2015: frozenset[str]
    code_1999: dict[str, tuple[str, ...]]
    no_primary: frozenset[str]


@cache
def _citations() -> _Citations:
    data: dict[str, Any] = table("crimes")["citations"]
    return _Citations(
        switch=date.fromisoformat(data["code_2015_from"]),
        years_1999=frozenset(data["years_1999"]),
        years_2015=frozenset(data["years_2015"]),
        code_1999={k: tuple(v) for k, v in data["code_1999"].items()},
        no_primary=frozenset(data["no_primary"]),
    )


def citation_hits(prep: Prepared, published: date | None, is_article: Any) -> list[PhraseHit]:
    """Offence articles cited by number; `is_article(n)` tells a 2015 offence article."""
    rules = _citations()
    out: list[PhraseHit] = []
    pos = prep.key.find("điều ")
    while pos >= 0:
        m = _CITE.match(prep.key, pos)
        if m is not None and (pos == 0 or not prep.key[pos - 1].isalnum()):
            hit = _citation(rules, m, published, is_article)
            if hit is not None:
                out.append(hit)
        pos = prep.key.find("điều ", pos + 5)
    return out


def _citation(
    rules: _Citations, m: re.Match[str], published: date | None, is_article: Any
) -> PhraseHit | None:
    number, year = m.group(1), m.group(2)
    if year in rules.years_1999:
        code = "1999"
    elif year in rules.years_2015:
        code = "2015"
    elif year is None:
        code = "1999" if published is not None and published < rules.switch else "2015"
    else:
        return None  # another code's year ("Bộ luật Hình sự 1985")
    explicit = year is not None
    if code == "2015":
        if not is_article(number):
            return None
        return PhraseHit(m.start(), m.end(), (number,), number, explicit)
    articles = rules.code_1999.get(number)
    if articles is None:
        return None
    primary = None if number in rules.no_primary else articles[0]
    return PhraseHit(m.start(), m.end(), articles, primary, explicit)
