"""Crime mentions (pure): text (and the article date) in, CrimeMention records out.

Rules live in data/crimes.toml (loaded by crime_rules.py). Order of evidence:
1. quoted charge names after tội / hành vi (tội “Lừa đảo chiếm đoạt tài sản” → 174),
   including lists (tội “A” và “B”) and joined offences inside one quote (“Mua bán, vận
   chuyển trái phép chất ma túy” → 251, 250); a quote not in the table keeps its text;
2. joined offences in running text (crime_phrases.py frames: one article per verb);
3. official names (2015 and 1999 Code wordings) and press terms in running text, one
   alternation pass, longest first ("tín dụng đen" → 201 with its other candidates);
4. cited article numbers ("Điều 194 BLHS", the code from its year or the article date),
   only in sentences that name no offence otherwise;
5. administrative violations (xử phạt hành chính …) are kept as `administrative` mentions,
   and crime terms in the same sentence are flagged administrative.
Context per sentence: general (statute, draft law) → else quoted → charge; else warning,
summary, charge cues; else incident. crime_scope.py then withdraws the article of prior
convictions, negated and "chống X" mentions and narrows press terms to the officially named
article. Every mention says how its article was chosen (`method`) and how sure (`confidence`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from scrapers.police.crime_phrases import PhraseHit, citation_hits, frame_hits
from scrapers.police.crime_rules import (
    QUOTE,
    CrimeRules,
    Term,
    chapter_of,
    citation_switch,
    crime_rules,
)
from scrapers.police.crime_scope import CONFIDENCE, GUESS_CONFIDENCE, scoped, sentence_contexts
from scrapers.police.model_events import CrimeContext, CrimeMention, CrimeMethod
from scrapers.police.rules import (
    Prepared,
    memoised,
    prepare,
    sentence_index,
    sentences,
    squash,
)

# Police unit names hold summary words ("Phòng Cảnh sát điều tra tội phạm về ma túy",
# "Cục Cảnh sát phòng, chống tội phạm ..."): cues inside them say nothing of the sentence.
_UNIT_NAME = re.compile(
    r"(?:phòng|cục|đội|trại|trung tâm|bộ tư lệnh)\s+cảnh sát(?:,?\s+[^\s,.;:()\"“”«»]+){1,8}"
)


def extract_crimes(text: str, published: date | None = None) -> tuple[CrimeMention, ...]:
    """Crime mentions in document order; each term occurrence once (first per sentence).
    `published` (the article date) decides which Criminal Code a bare "Điều N BLHS" cites."""
    prep = prepare(text)
    code = "1999" if published is not None and published < citation_switch() else "2015"
    return memoised(prep, f"crimes:{code}", lambda p: _crimes(p, published))


def _crimes(prep: Prepared, published: date | None) -> tuple[CrimeMention, ...]:
    rules = crime_rules()
    spans = sentences(prep)
    units = _unit_names(prep)
    contexts = sentence_contexts(prep, units)
    admin_sentences = {sentence_index(spans, h[0]) for h in rules.admin_vocab.hits(prep)}
    out: list[CrimeMention] = []
    covered: list[tuple[int, int]] = list(units)  # "... tội phạm về ma túy" names a unit
    frames = frame_hits(prep)
    for start, end in _quoted(prep, rules):
        covered.append((start, end))
        idx = sentence_index(spans, start)
        inside = [f for f in frames if start <= f.start and f.end <= end]
        context: CrimeContext = "general" if contexts[idx] == "general" else "charge"
        out.extend(_quoted_mentions(prep, (start, end), inside, context, idx in admin_sentences))
    for f in frames:
        if not any(s <= f.start < e for s, e in covered):
            idx = sentence_index(spans, f.start)
            out.append(_phrase_mention(prep, f, "frame", contexts[idx], idx in admin_sentences))
    covered.extend((f.start, f.end) for f in frames)
    seen: set[tuple[int, str]] = set()
    for start, end, key in rules.term_vocab.hits(prep):
        if any(s <= start < e for s, e in covered):
            continue
        idx = sentence_index(spans, start)
        if (idx, key) in seen:
            continue
        seen.add((idx, key))
        term = rules.terms[key]
        out.append(
            _term_mention(prep, (start, end, key), term, contexts[idx], idx in admin_sentences)
        )
    out.extend(_citation_mentions(prep, published, out, contexts, admin_sentences))
    out.extend(_admin_mentions(prep, rules, spans, contexts))
    out.sort(key=lambda c: c.start)
    return tuple(scoped(prep, out))


def _citation_mentions(
    prep: Prepared,
    published: date | None,
    found: list[CrimeMention],
    contexts: list[CrimeContext],
    admin_sentences: set[int],
) -> list[CrimeMention]:
    """Cited article numbers, for sentences that name no offence with an article."""
    spans = sentences(prep)
    named = {sentence_index(spans, m.start) for m in found if m.article or m.articles}
    out = []
    for hit in citation_hits(prep, published, lambda n: chapter_of(n) is not None):
        idx = sentence_index(spans, hit.start)
        if idx not in named:
            out.append(
                _phrase_mention(prep, hit, "article_number", contexts[idx], idx in admin_sentences)
            )
    return out


def _phrase_mention(
    prep: Prepared, hit: PhraseHit, method: CrimeMethod, context: CrimeContext, admin: bool
) -> CrimeMention:
    rules = crime_rules()
    article = hit.primary
    sure = hit.explicit and article is not None and len(hit.articles) == 1
    confidence = CONFIDENCE[method] if sure else (GUESS_CONFIDENCE if article else 0.0)
    return CrimeMention(
        surface=prep.text[hit.start : hit.end],
        label=rules.label_of.get(article or hit.articles[0], prep.text[hit.start : hit.end]),
        article=article,
        articles=hit.articles,
        chapter=chapter_of(article or hit.articles[0]),
        context=context,
        quoted_charge=False,
        administrative=admin,
        start=hit.start,
        end=hit.end,
        method=method if article else "none",
        confidence=confidence,
    )


def _quoted(prep: Prepared, rules: CrimeRules) -> list[tuple[int, int]]:
    """Spans (inside the quotes) of quoted charge names, lists included."""
    found: list[tuple[int, int]] = []
    for m in QUOTE.finditer(prep.key):
        if found and m.start(1) < found[-1][1]:
            continue
        if rules.intro_re.search(prep.key, max(0, m.start() - 16), m.start()) is None:
            continue
        found.append((m.start(1), m.end(1)))
        pos = m.end()
        while (more := rules.more_quoted_re.match(prep.key, pos)) is not None:
            found.append((more.start(1), more.end(1)))
            pos = more.end()
    return found


def _quoted_mentions(
    prep: Prepared,
    span: tuple[int, int],
    frames: list[PhraseHit],
    context: CrimeContext,
    administrative: bool,
) -> list[CrimeMention]:
    """A quoted charge name: the official name, else its joined offences ("Mua bán, vận
    chuyển trái phép chất ma túy" → 251, 250), else the press term inside it."""
    rules = crime_rules()
    start, end = span
    key = squash(prep.key[start:end])
    article = rules.charges.get(key)
    if article is None and frames:
        return [
            replace(_phrase_mention(prep, f, "frame", context, administrative), quoted_charge=True)
            for f in frames
        ]
    articles: tuple[str, ...] = (article,) if article else ()
    surface = prep.text[start:end].strip()
    chapter = chapter_of(article)
    if article is None:
        inner = rules.term_re.search(key)
        if inner is not None:
            term = rules.terms[squash(inner.group(0))]
            article, articles = term.primary, term.articles
            chapter = term.chapter or chapter_of(term.primary)
    confidence = CONFIDENCE["quoted_charge"] if len(articles) == 1 else GUESS_CONFIDENCE
    return [
        CrimeMention(
            surface=surface,
            label=surface,
            article=article,
            articles=articles,
            chapter=chapter,
            context=context,
            quoted_charge=True,
            administrative=administrative,
            start=start,
            end=end,
            method="quoted_charge" if article else "none",
            confidence=confidence if article else 0.0,
        )
    ]


def _term_mention(
    prep: Prepared,
    hit: tuple[int, int, str],
    term: Term,
    context: CrimeContext,
    administrative: bool,
) -> CrimeMention:
    start, end, key = hit
    # "tội phạm tín dụng đen": keep the category word in the surface, as written.
    if prep.key.endswith("tội phạm ", 0, start) and not key.startswith("tội phạm"):
        start -= len("tội phạm ")
    chapters = {chapter_of(a) for a in term.articles}
    chapter = term.chapter or chapter_of(term.primary)
    if chapter is None and len(chapters) == 1:
        chapter = chapters.pop()
    method: CrimeMethod = "charge_name" if term.official else "press_term"
    confidence = CONFIDENCE[method] if len(term.articles) == 1 else GUESS_CONFIDENCE
    return CrimeMention(
        surface=prep.text[start:end],
        label=term.label,
        article=term.primary,
        articles=term.articles,
        chapter=chapter,
        context=context,
        quoted_charge=False,
        administrative=administrative,
        start=start,
        end=end,
        method=method if term.primary else "none",
        confidence=confidence if term.primary else 0.0,
    )


def _admin_mentions(
    prep: Prepared, rules: CrimeRules, spans: list[tuple[int, int]], contexts: list[CrimeContext]
) -> list[CrimeMention]:
    out: list[CrimeMention] = []
    seen: set[int] = set()
    for start, end, _ in rules.admin_vocab.hits(prep):
        idx = sentence_index(spans, start)
        if idx in seen:
            continue
        seen.add(idx)
        context = contexts[idx] if contexts[idx] != "charge" else "incident"
        out.append(
            CrimeMention(
                surface=prep.text[start:end],
                label="vi phạm hành chính",
                article=None,
                articles=(),
                chapter=None,
                context=context,
                quoted_charge=False,
                administrative=True,
                start=start,
                end=end,
                method="none",
                confidence=0.0,
            )
        )
    return out


def _unit_names(prep: Prepared) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _UNIT_NAME.finditer(prep.key)]
