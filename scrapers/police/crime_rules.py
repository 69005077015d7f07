"""The crime vocabulary of data/crimes.toml, loaded once (pure): official offence names and
press terms with their Criminal Code 2015 articles, charge-name cues, administrative cues,
the chapters of the 2015 Code. Used by scrapers/police/crimes.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from scrapers.police.rules import alternation, compile_terms, key_of, table
from scrapers.police.vocab import Vocabulary

_DIGITS = re.compile(r"\d+")

OPEN, CLOSE = '“"«', '”"»'
QUOTE = re.compile(rf"[{OPEN}]([^{OPEN}{CLOSE}\n]{{2,200}})[{CLOSE}]")


@dataclass(frozen=True, slots=True)
class Term:
    label: str
    articles: tuple[str, ...]
    primary: str | None
    chapter: str | None
    official: bool  # an official offence name ([charges]), not a press term


@dataclass(frozen=True, slots=True)
class CrimeRules:
    terms: dict[str, Term]
    charges: dict[str, str]  # key of official name → article
    term_vocab: Vocabulary
    term_re: re.Pattern[str]  # for the inside of a quote only (short strings)
    intro_re: re.Pattern[str]
    more_quoted_re: re.Pattern[str]
    admin_vocab: Vocabulary
    chapters: tuple[tuple[str, int, int], ...]
    label_of: dict[str, str]  # article → its official name (first listed)


@lru_cache(maxsize=1024)
def chapter_of(article: str | None) -> str | None:
    """BLHS 2015 chapter of an article number ("256a" → "XX")."""
    if not article:
        return None
    digits = _DIGITS.match(article)
    if digits is None:
        return None
    number = int(digits.group(0))
    for roman, first, last in crime_rules().chapters:
        if first <= number <= last:
            return roman
    return None


@cache
def crime_rules() -> CrimeRules:
    data: dict[str, Any] = table("crimes")
    charges = {key_of(name): art for name, art in data["charges"].items()}
    terms: dict[str, Term] = {}
    for name, art in data["charges"].items():
        terms[key_of(name)] = Term(name, (art,), art, None, True)
    for name, spec in data["terms"].items():
        arts = tuple(spec["articles"])
        terms[key_of(name)] = Term(
            spec["label"], arts, spec.get("primary"), spec.get("chapter"), False
        )
    names = list(data["charges"]) + list(data["terms"])
    return CrimeRules(
        terms=terms,
        charges=charges,
        term_vocab=Vocabulary(names),
        term_re=compile_terms(names),
        intro_re=re.compile("(?:" + alternation(data["charge_intro"]) + r")\s*$"),
        more_quoted_re=re.compile(
            rf"\s*(?:,|;|và|hoặc)\s*(?:tội\s*)?[{OPEN}]([^{CLOSE}\n]{{2,200}})[{CLOSE}]"
        ),
        admin_vocab=Vocabulary(data["administrative"]),
        chapters=tuple((c[0], int(c[1]), int(c[2])) for c in data["chapters"]),
        label_of={art: name for name, art in reversed(data["charges"].items())},
    )


@cache
def citation_switch() -> date:
    return date.fromisoformat(table("crimes")["citations"]["code_2015_from"])
