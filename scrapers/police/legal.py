"""Legal actions (pure): text in, LegalAction records out.

Verb phrases come from data/legal.toml (one alternation pass). For each action:
- subjects: person names (a known family name + capitalised syllables) or anonymised
  initials ("N.V.A.", "Nguyễn Văn T.") after the verb, in the same sentence, up to the next
  action and within a window; initials are kept as written, never expanded;
- authority: the authority phrase (Cơ quan CSĐT …, VKSND …, TAND …) opening the sentence
  before its first action, cut before "đã", "vừa", "ra quyết định", …
- steps announced, requested, negated or hypothetical ("sẽ khởi tố", "kêu gọi ra đầu thú",
  "có khởi tố … hay không") are dropped, and so is a verb chained to such a step;
- bare "khởi tố" is read from what follows ("khởi tố vụ …" → khoi_to_vu_an; a person or
  named subject, or "bị <authority> khởi tố" → khoi_to_bi_can); left bare (khoi_to) only when
  the text names neither step anywhere;
- method: "phrase" when the verb phrase names the step, "context" when the step is read
  from around a general verb or from a mention that implies it ("theo cáo trạng"),
  "bare" for a khoi_to whose step the text does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from scrapers.police.model_events import LegalAction, LegalMethod
from scrapers.police.rules import (
    Prepared,
    compile_terms,
    key_of,
    memoised,
    prepare,
    sentence_index,
    sentences,
    table,
)
from scrapers.police.vocab import Vocabulary

# Upper-case Vietnamese letters (A-Z, Đ and every precomposed capital with marks).
_UPPER = "".join(ch for ch in map(chr, range(0x41, 0x1EFA)) if ch.isalpha() and ch.isupper())
_CAP = rf"[{_UPPER}][^\W\d_]*"
_INITIALS = rf"(?<![^\W_])[{_UPPER}]\.(?:\s?[{_UPPER}]\.){{1,3}}"
# Authority phrase ends before these words (key form).
_AUTH_CUT = re.compile(
    r"\s+(?:đã|vừa|đang|ra|tiến hành|quyết định|có quyết định|ban hành|tiếp tục|phối hợp)\b|[,;:(]"
)

# A person's name (or initials) right after a bare "khởi tố": "khởi tố Vũ Thị Nhàn".
_NAME_NEXT = re.compile(rf"\s+(?:đối với\s+)?[{_UPPER}]")

# Text allowed between two chained verbs ("khởi tố vụ án, khởi tố bị can và bắt tạm giam").
_CHAIN = re.compile(r"[\s,;]*(?:(?:và|đồng thời|rồi)\s+)?(?:ra\s+)?(?:quyết định\s+)?")


@dataclass(frozen=True, slots=True)
class _Rules:
    action_vocab: Vocabulary
    slugs: dict[str, str]
    ignore_vocab: Vocabulary
    name_re: re.Pattern[str]
    authority_re: re.Pattern[str]
    window: int
    max_authority: int
    subject_before: frozenset[str]
    no_subjects: frozenset[str]
    counted_accused_re: re.Pattern[str]
    case_re: re.Pattern[str]
    sentence_re: re.Pattern[str]
    seized_re: re.Pattern[str]
    context: frozenset[str]
    requires: frozenset[str]
    required_re: re.Pattern[str]
    excludes: frozenset[str]
    excluded_re: re.Pattern[str]
    modal_before: re.Pattern[str]
    modal_after: re.Pattern[str]
    near: re.Pattern[str]
    statute: re.Pattern[str]
    modal_window: int
    passive_re: re.Pattern[str]


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = table("legal")
    slugs = {key_of(p): slug for slug, phrases in data["actions"].items() for p in phrases}
    surnames = "|".join(sorted(map(re.escape, data["subjects"]["surnames"]), key=len, reverse=True))
    name = rf"(?<![^\W_])(?:{surnames})(?:\s+(?:{_CAP}|[{_UPPER}]\.))" + r"{1,4}"
    # Every match begins with a family name's first letter or a capital (initials): that set
    # test spares the word-start look-behind at every other position.
    heads = re.escape("".join(sorted({*_UPPER, *(s[0] for s in data["subjects"]["surnames"])})))
    return _Rules(
        action_vocab=Vocabulary(slugs),
        slugs=slugs,
        ignore_vocab=Vocabulary(data["ignore"]),
        name_re=re.compile(rf"(?=[{heads}])(?:{name}|{_INITIALS})"),
        authority_re=compile_terms(data["authority"]["heads"]),
        window=int(data["subjects"]["window"]),
        max_authority=int(data["authority"]["max_length"]),
        subject_before=frozenset(data["subjects"]["subject_before"]),
        no_subjects=frozenset(data["subjects"]["no_subjects"]),
        counted_accused_re=_after_count(data["refine"]["counted_accused"], optional=True),
        case_re=_after_count(data["refine"]["case_words"], optional=None),
        sentence_re=_words(data["refine"]["sentence_words"]),
        seized_re=_after_count(data["refine"]["seized_objects"], optional=True),
        context=frozenset(key_of(p) for p in data["context"]["phrases"]),
        requires=frozenset(key_of(p) for p in data["requires"]["phrases"]),
        required_re=_words(data["requires"]["words"]),
        excludes=frozenset(key_of(p) for p in data["excludes"]["phrases"]),
        excluded_re=_words(data["excludes"]["words"]),
        modal_before=_words(data["modality"]["before"]),
        modal_after=_words(data["modality"]["after"]),
        near=re.compile(rf"{_words(data['modality']['near']).pattern}(?:\s+\S+)?\s*$"),
        statute=_words(data["modality"]["statute"]),
        modal_window=int(data["modality"]["window"]),
        passive_re=_passive(data["authority"]["heads"]),
    )


def _alternation(words: list[str]) -> str:
    return "|".join(sorted((re.escape(key_of(w)) for w in words), key=len, reverse=True))


def _words(words: list[str]) -> re.Pattern[str]:
    """Any of the words, whole (key form); punctuation marks ("?") match anywhere."""
    marks = [w for w in words if not w[0].isalnum()]
    alts = [rf"(?<![^\W_])(?:{_alternation([w for w in words if w[0].isalnum()])})(?![^\W_])"]
    return re.compile("|".join(alts + ([_alternation(marks)] if marks else [])))


def _passive(heads: list[str]) -> re.Pattern[str]:
    """ "bị <authority> …" ending the clause before a bare "khởi tố": the subject was charged."""
    return re.compile(rf"(?<![^\W_])bị\s+(?:{_alternation(heads)})(?![^\W_])[^,;:.!?]*$")


def _after_count(words: list[str], *, optional: bool | None) -> re.Pattern[str]:
    """Matches right after a verb: " [number] [chiếc] <word>" (key form); optional=None:
    no number allowed."""
    count = "" if optional is None else r"(?:\s+\d[\d.,]*)" + ("?" if optional else "")
    return re.compile(rf"{count}\s+(?:chiếc\s+|các\s+)?(?:{_alternation(words)})(?![^\W_])")


def extract_legal_actions(text: str) -> tuple[LegalAction, ...]:
    """Legal actions in document order, with subjects and authority where stated."""
    return memoised(prepare(text), "legal", _legal_actions)


def _legal_actions(prep: Prepared) -> tuple[LegalAction, ...]:
    rules = _rules()
    ignored = [(h[0], h[1]) for h in rules.ignore_vocab.hits(prep)]
    matches = [
        h for h in rules.action_vocab.hits(prep) if not any(s <= h[0] < e for s, e in ignored)
    ]
    spans = sentences(prep)
    authorities: dict[int, str | None] = {}
    out: list[LegalAction] = []
    dropped = -1  # index of the last match dropped as not taken
    for i, (start, end, key) in enumerate(matches):
        idx = sentence_index(spans, start)
        if _not_taken(prep, rules, key, spans[idx], (start, end)) or (
            dropped == i - 1 and i and _CHAIN.fullmatch(prep.key, matches[i - 1][1], start)
        ):
            dropped = i
            continue
        action, method, before = _step(prep, rules, key, spans[idx], (start, end))
        if action == "tam_giu" and rules.seized_re.match(prep.key, end):
            continue  # "tạm giữ 870 xe mô tô": things seized, not a person in custody
        if idx not in authorities:
            authorities[idx] = _authority(prep, rules, spans[idx][0], start)
        if action in rules.no_subjects or method == "bare" or key in rules.context:
            subjects: tuple[str, ...] = ()  # a mention ("theo cáo trạng"), not a verb + object
        elif before:  # "X bị khởi tố", "Trần Văn B ra đầu thú"
            lo = max(spans[idx][0], matches[i - 1][1] if i else 0, start - rules.window)
            subjects = _subjects(prep, rules, lo, start)
        else:
            hi = min(spans[idx][1], end + rules.window)
            hi = min(hi, matches[i + 1][0]) if i + 1 < len(matches) else hi
            subjects = _subjects(prep, rules, end, hi)
        text = prep.text[start:end]
        out.append(LegalAction(action, text, subjects, authorities[idx], start, end, method))
    return tuple(_settle_bare(_share_subjects(prep, out, rules.no_subjects)))


def _not_taken(
    prep: Prepared, rules: _Rules, key: str, sentence: tuple[int, int], span: tuple[int, int]
) -> bool:
    """A step announced, requested, negated or asked about ("sẽ khởi tố", "kêu gọi … ra
    đầu thú", "có khởi tố … hay không"), judged in its clause; a weak phrase with no police
    body in its sentence; any verb of a sentence quoting the Criminal Code."""
    start, end = span
    if key in rules.requires and not rules.required_re.search(prep.key, *sentence):
        return True
    if key in rules.excludes and rules.excluded_re.search(prep.key, *sentence):
        return True
    lo = max(sentence[0], start - rules.modal_window)
    clause = prep.key[lo:start]
    cut = max(clause.rfind(","), clause.rfind(";"), clause.rfind(":"))
    if rules.modal_before.search(clause, cut + 1) is not None:
        return True
    if rules.near.search(clause, cut + 1) is not None:
        return True
    if rules.statute.search(prep.key, sentence[0], sentence[1]) is not None:
        return True
    return rules.modal_after.search(prep.key, end, sentence[1] + 1) is not None


def _step(
    prep: Prepared, rules: _Rules, key: str, sentence: tuple[int, int], span: tuple[int, int]
) -> tuple[str, LegalMethod, bool]:
    """(action, method, subject stands before the verb) of one verb phrase."""
    start, end = span
    action = rules.slugs[key]
    method: LegalMethod = "context" if key in rules.context else "phrase"
    before = action in rules.subject_before or key.startswith("bị ")
    if key == "xử phạt" and rules.sentence_re.search(prep.key, end, sentence[1]):
        return "xet_xu", "context", False  # "xử phạt bị cáo 10 năm tù"
    if action != "khoi_to":
        return action, method, before
    if rules.case_re.match(prep.key, end):
        return "khoi_to_vu_an", "context", False  # "khởi tố vụ hỗn chiến"
    if rules.counted_accused_re.match(prep.key, end) or _NAME_NEXT.match(prep.text, end):
        return "khoi_to_bi_can", "context", False  # "khởi tố 12 bị can", "khởi tố tài xế"
    lo = max(sentence[0], start - 2 * rules.max_authority)
    if rules.passive_re.search(prep.key[lo:start]) is not None:
        return "khoi_to_bi_can", "context", True  # "bị Cơ quan CSĐT … khởi tố"
    return action, "bare", False


def _settle_bare(actions: list[LegalAction]) -> list[LegalAction]:
    """A bare "khởi tố" naming subjects charged them (khoi_to_bi_can); one naming none is
    dropped when the text says which step elsewhere (it is that step again)."""
    out = [
        replace(a, action="khoi_to_bi_can", method="context")
        if a.action == "khoi_to" and a.subjects
        else a
        for a in actions
    ]
    if any(a.action in ("khoi_to_vu_an", "khoi_to_bi_can") for a in out):
        out = [a for a in out if a.action != "khoi_to"]
    return out


def _share_subjects(
    prep: Prepared, actions: list[LegalAction], no_subjects: frozenset[str]
) -> list[LegalAction]:
    """ "khởi tố bị can, bắt tạm giam Nguyễn Văn A": chained verbs share the subjects."""
    for i in range(len(actions) - 2, -1, -1):
        cur, nxt = actions[i], actions[i + 1]
        if cur.subjects or not nxt.subjects or cur.action in no_subjects:
            continue
        if _CHAIN.fullmatch(prep.key, cur.end, nxt.start):
            actions[i] = replace(cur, subjects=nxt.subjects)
    return actions


def _subjects(prep: Prepared, rules: _Rules, start: int, end: int) -> tuple[str, ...]:
    return find_names(prep.text[start:end])


# A capitalised run right after one of these is a place ("xã Thạch Hạ", "thành phố Hà
# Tĩnh"), however much it looks like family name + given name.
_PLACE_BEFORE = re.compile(
    r"(?:^|[\s(,;])(?:xã|phường|thị trấn|thị xã|huyện|quận|thành phố|tp\.?|tỉnh|thôn|xóm|ấp|bản|"
    r"làng|tổ dân phố|khu phố|đường|phố|ngõ|khu|cụm|khối)\s*$",
    re.IGNORECASE,
)


def find_names(segment: str) -> tuple[str, ...]:
    """Person names (known family name + capitalised syllables) and initials, as written;
    not place names after an administrative word ("trú tại xã Thạch Hạ")."""
    found: list[str] = []
    text = _unquoted(segment)
    for m in _rules().name_re.finditer(text):
        name = m.group(0).strip()
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        if _PLACE_BEFORE.search(text, max(0, start - 20), start):
            continue
        if name not in found:
            found.append(name)
    return tuple(found)


def _unquoted(segment: str) -> str:
    """Blank quoted charge names so "tội “Giết người”" is not read as a person."""
    return re.sub(r"[“\"«][^”\"»]*[”\"»]", lambda m: " " * len(m.group(0)), segment)


def _authority(prep: Prepared, rules: _Rules, sent_start: int, action_start: int) -> str | None:
    lo = max(sent_start, action_start - rules.max_authority)
    m = rules.authority_re.search(prep.key, lo, action_start)
    if m is None:
        return None
    cut = _AUTH_CUT.search(prep.key, m.end(), action_start)
    end = cut.start() if cut is not None else action_start
    surface = prep.text[m.start() : end].strip(" ,;")
    return surface or None
