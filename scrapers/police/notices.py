"""Wanted notices and scam warnings (pure): text in, WantedNotice / ScamWarning or None.

Cues, field labels, modus and channel vocabularies are data (data/notices.toml).
- extract_wanted: None unless the text speaks of truy nã. Fields from "Label: value" lines
  (Họ tên, Sinh năm, HKTT, Đặc điểm nhận dạng, ...) and from running text (the first name
  after "truy nã", "SN 1985", the charge via crimes.py, the authority via legal.py, the
  decision number "Quyết định truy nã số 12/QĐ-CSĐT", a contact phone).
- extract_scam: None unless the text warns or speaks of fraud. Modus and channel slugs in
  document order, the impersonated organisation, advice sentences, the largest VND amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from scrapers.police.crimes import extract_crimes
from scrapers.police.figures import extract_figures
from scrapers.police.legal import extract_legal_actions, find_names
from scrapers.police.model_events import ScamWarning, WantedNotice
from scrapers.police.rules import (
    Prepared,
    compile_terms,
    key_of,
    prepare,
    sentence_index,
    sentences,
    squash,
    table,
)
from scrapers.police.vocab import Vocabulary

_PHONE = re.compile(r"(?<![\d.])(?:0\d{2,3}[.\s]?\d{3}[.\s]?\d{3,4}|11[345])(?![\d.]*\d)")
_PHONE_CUE = re.compile(r"(?:điện thoại|đt|sđt|số máy|hotline|đường dây nóng|liên hệ)\W{0,3}")
_DECISION = re.compile(
    r"quyết định(?: truy nã)?\s+số\s*:?\s*(?P<no>\d+[\w/.-]*)"
    r"(?:\s*,?\s*ngày\s+(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{4}))?"
)
_BIRTH_YEAR = re.compile(r"(?:\bsn|sinh năm|năm sinh)\s*:?\s*(?P<y>(?:19|20)\d{2})(?!\d)")
_IMPERSONATE = re.compile(
    r"(?:giả danh|mạo danh|giả mạo)\s+(?:là\s+)?(?P<org>[^,.;:\n()]{2,60}?)"
    r"(?=\s+(?:để|gọi|yêu cầu|liên hệ|nhằm|và|rồi|thông báo|nhắn)\b|[,.;:\n()]|$)"
)


@dataclass(frozen=True, slots=True)
class _Rules:
    wanted: Vocabulary
    scam: Vocabulary
    advice: Vocabulary
    label_re: re.Pattern[str]
    labels: dict[str, str]
    modus_vocab: Vocabulary
    modus: dict[str, str]
    channel_vocab: Vocabulary
    channels: dict[str, str]


def _slugs(groups: dict[str, list[str]]) -> dict[str, str]:
    return {key_of(cue): slug for slug, cues in groups.items() for cue in cues}


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = table("notices")
    labels = {key_of(k): v for k, v in data["wanted_labels"].items()}
    modus, channels = _slugs(data["modus"]), _slugs(data["channels"])
    return _Rules(
        wanted=Vocabulary(data["wanted_cues"]),
        scam=Vocabulary(data["scam_cues"]),
        advice=Vocabulary(data["advice_cues"]),
        label_re=re.compile(compile_terms(labels).pattern + r"\s*:\s*"),
        labels=labels,
        modus_vocab=Vocabulary(modus),
        modus=modus,
        channel_vocab=Vocabulary(channels),
        channels=channels,
    )


def _labelled(prep: Prepared, rules: _Rules) -> dict[str, str]:
    """ "Label: value" fields; a value ends at the next label or a line break."""
    matches = list(rules.label_re.finditer(prep.key))
    fields: dict[str, str] = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(prep.text)
        stop = prep.text.find("\n", m.end(), end)
        value = prep.text[m.end() : end if stop < 0 else stop].strip(" ,.;")
        name = rules.labels[squash(prep.key[m.start() : m.end()].rstrip(": "))]
        if value and name not in fields:
            fields[name] = value
    return fields


def extract_wanted(text: str) -> WantedNotice | None:
    """Structured wanted notice, or None when the text is not about a truy nã."""
    prep = prepare(text)
    rules = _rules()
    cues = rules.wanted.hits(prep)
    if not cues:
        return None
    fields = _labelled(prep, rules)
    names = find_names(prep.text[cues[0][1] : cues[0][1] + 200])
    name = fields.get("name") or (names[0] if names else None)
    birth = _BIRTH_YEAR.search(prep.key)
    year = fields.get("birth_year") or (birth["y"] if birth else None)
    if year is None and fields.get("birth_date"):
        tail = re.search(r"(?:19|20)\d{2}$", fields["birth_date"])
        year = tail.group(0) if tail else None
    crimes = [c for c in extract_crimes(text) if not c.administrative]
    charge = next((c for c in crimes if c.quoted_charge), crimes[0] if crimes else None)
    decision = _DECISION.search(prep.key)
    actions = [a for a in extract_legal_actions(text) if a.action == "truy_na" and a.authority]
    others = fields.get("other_names", "")
    return WantedNotice(
        name=name,
        other_names=tuple(n.strip() for n in re.split(r"[,;]", others) if n.strip()),
        birth_date=fields.get("birth_date"),
        birth_year=int(year) if year and year.isdigit() else None,
        sex=fields.get("sex"),
        residence=fields.get("residence"),
        id_features=fields.get("id_features"),
        charge=charge.label if charge else fields.get("charge"),
        article=charge.article if charge else None,
        decision_no=prep.text[decision.start("no") : decision.end("no")] if decision else None,
        decision_date=decision["date"] if decision and decision["date"] else None,
        issuing_authority=actions[0].authority if actions else None,
        contact_phone=_phone(prep),
    )


def _phone(prep: Prepared) -> str | None:
    """The first phone number after a contact cue, else the first phone number."""
    cue = _PHONE_CUE.search(prep.key)
    m = _PHONE.search(prep.key, cue.end()) if cue else None
    m = m or _PHONE.search(prep.key)
    return prep.text[m.start() : m.end()] if m else None


def extract_scam(text: str) -> ScamWarning | None:
    """Structured scam warning, or None when the text neither warns nor speaks of fraud."""
    prep = prepare(text)
    rules = _rules()
    if not rules.scam.hits(prep):
        return None
    modus = _ordered(rules.modus_vocab, rules.modus, prep)
    channels = _ordered(rules.channel_vocab, rules.channels, prep)
    org = _IMPERSONATE.search(prep.key)
    spans = sentences(prep)
    advice_idx = sorted({sentence_index(spans, h[0]) for h in rules.advice.hits(prep)})
    advice = tuple(prep.text[spans[i][0] : spans[i][1]].strip() for i in advice_idx)
    money = [f.value for f in extract_figures(text) if f.unit == "VND"]
    return ScamWarning(
        modus=modus,
        channels=channels,
        impersonated_org=prep.text[org.start("org") : org.end("org")].strip() if org else None,
        advice=advice,
        amount_lost=max(money) if money else None,
    )


def _ordered(vocab: Vocabulary, slugs: dict[str, str], prep: Prepared) -> tuple[str, ...]:
    out: list[str] = []
    for _, _, key in vocab.hits(prep):
        slug = slugs[key]
        if slug not in out:
            out.append(slug)
    return tuple(out)
