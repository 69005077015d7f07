"""Which crime mentions are offences of the reported case (pure).

In: a prepared text and its crime mentions (scrapers/police/crimes.py). Out: the sentence
contexts, and the mentions with `article` kept, narrowed or withdrawn:

- context per sentence (data/crimes.toml [context]): general → warning → summary → charge
  cue → incident; a mention in a `general` sentence (a statute's text, a law being drafted,
  "có thể bị truy cứu ... các tội như") names no offence of a case;
- per mention ([scope]): a prior conviction before it ("có 2 tiền án về tội trộm cắp tài
  sản") → `prior`; a negation ("không phải là một vụ án mạng") → `negated`; the fight against
  it ("lực lượng chống khủng bố", "Đạo luật chống rửa tiền") → `general`. These keep their
  candidate `articles` but lose `article` (method "none");
- a press term with several candidates takes the one the text names officially ("lừa đảo"
  → 290 when the charge "sử dụng mạng máy tính ... chiếm đoạt tài sản" is named): "resolved".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from scrapers.police.model_events import CrimeContext, CrimeMention
from scrapers.police.rules import Prepared, sentence_index, sentences, table
from scrapers.police.vocab import Vocabulary

# How sure an article chosen by each method is (the mention's `confidence`).
CONFIDENCE = {
    "quoted_charge": 0.95,
    "charge_name": 0.9,
    "frame": 0.85,
    "article_number": 0.85,
    "resolved": 0.8,
    "press_term": 0.7,
}
GUESS_CONFIDENCE = 0.5  # an article picked among several candidates, or from the date alone
_OFFICIAL = frozenset({"quoted_charge", "charge_name", "frame", "article_number"})
_AGAINST_WINDOW = 40
_SENTENCE_ORDER = ("general", "warning", "summary", "charge")
_CASE_CONTEXTS = frozenset({"incident", "charge", "summary", "warning"})


@dataclass(frozen=True, slots=True)
class _Scope:
    context: dict[str, Vocabulary]
    prior: Vocabulary
    prior_reach: int
    negation: Vocabulary
    negation_reach: int
    against: re.Pattern[str]


@cache
def _scope() -> _Scope:
    data: dict[str, Any] = table("crimes")
    scope = data["scope"]
    words = "|".join(re.escape(w) for w in sorted(scope["against"], key=len, reverse=True))
    return _Scope(
        context={k: Vocabulary(v) for k, v in data["context"].items()},
        prior=Vocabulary(scope["prior"]),
        prior_reach=int(scope["prior_reach"]),
        negation=Vocabulary(scope["negation"]),
        negation_reach=int(scope["negation_reach"]),
        against=re.compile(rf"(?:^|[^\w])(?:{words})\s+(?:tội\s+phạm\s+)?$"),
    )


def sentence_contexts(prep: Prepared, units: list[tuple[int, int]]) -> list[CrimeContext]:
    """Context of every sentence from one pass per cue list (cues inside police unit names
    skipped: "Phòng Cảnh sát điều tra tội phạm về ma túy" is no summary)."""
    spans = sentences(prep)
    hits: dict[str, set[int]] = {}
    for name, vocab in _scope().context.items():
        hits[name] = {
            sentence_index(spans, h[0])
            for h in vocab.hits(prep)
            if not any(s <= h[0] < e for s, e in units)
        }
    out: list[CrimeContext] = []
    for idx in range(len(spans)):
        found = next((n for n in _SENTENCE_ORDER if idx in hits[n]), "incident")
        out.append(found)  # type: ignore[arg-type]
    return out


def scoped(prep: Prepared, mentions: list[CrimeMention]) -> list[CrimeMention]:
    """The mentions with prior convictions, negations and "chống X" withdrawn, and press
    terms narrowed to the articles the text names officially."""
    rules = _scope()
    spans = sentences(prep)
    prior = [(s, e) for s, e, _ in rules.prior.hits(prep)]
    negation = [(s, e) for s, e, _ in rules.negation.hits(prep)]
    out: list[CrimeMention] = []
    for m in mentions:
        idx = sentence_index(spans, m.start)
        if m.context == "general":
            out.append(_withdrawn(m, "general"))
        elif _cue_before(m.start, prior, rules.prior_reach, spans, idx):
            out.append(_withdrawn(m, "prior"))
        elif _cue_before(m.start, negation, rules.negation_reach, spans, idx):
            out.append(_withdrawn(m, "negated"))
        elif rules.against.search(prep.key, max(0, m.start - _AGAINST_WINDOW), m.start):
            out.append(_withdrawn(m, "general"))
        else:
            out.append(m)
    return _resolved(out)


def _cue_before(
    start: int, cues: list[tuple[int, int]], reach: int, spans: list[tuple[int, int]], idx: int
) -> bool:
    return any(
        0 <= start - e <= reach and sentence_index(spans, s) == idx for s, e in cues if e <= start
    )


def _withdrawn(m: CrimeMention, context: CrimeContext) -> CrimeMention:
    articles = m.articles or ((m.article,) if m.article else ())
    return replace(
        m, context=context, article=None, articles=articles, method="none", confidence=0.0
    )


def _resolved(mentions: list[CrimeMention]) -> list[CrimeMention]:
    named = {m.article for m in mentions if m.method in _OFFICIAL and m.article}
    if not named:
        return mentions
    return [_narrowed(m, named) for m in mentions]


def _narrowed(m: CrimeMention, named: set[str]) -> CrimeMention:
    """A press term whose usual article the text does not name, narrowed to a candidate it
    names officially (only in the case's own sentences)."""
    if m.method not in ("press_term", "none") or m.context not in _CASE_CONTEXTS:
        return m
    if m.article in named:
        return m
    pick = next((a for a in m.articles if a in named), None)
    if pick is None:
        return m
    return replace(m, article=pick, method="resolved", confidence=CONFIDENCE["resolved"])
