"""Personal names by their shape (pure): the name vocabulary of data/names.toml, the names
written with no cue word before them, and the end of a name.

In: the prepared article text (`prep.norm`, tone-normalised, case kept). Out: name spans.
A full name with no cue ("Lý Văn Hà nhờ anh ...", "gồm: A, B và C") is a run of three to
five capitalised syllables led by a family name, outside a place, street, school or
business name ("quận Hai Bà Trưng", "đường Lê Duẩn", "công ty Hoàng Long") and not a
country or landmark ("Thái Lan", "Hồ Gươm"). A name ends before a capitalised syllable that
starts a glued sentence or a title with the word after it ("bà H Nạn nhân ...", "Tỉnh ủy").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache

from scrapers.police.gazetteer import gazetteer
from scrapers.police.lexicon import CAP_SYL, LOW, RANK_RE, UP
from scrapers.police.prep import cached_tone_key
from scrapers.police.rules import table

# Capitalised words that start a title, unit or clause, never a personal name (anywhere in
# a name). "Chiến", "Sáng", "Tỉnh", "Viện", "Trinh", "Chánh", "Hiệu" are given names too:
# they may end a name (see `trim_end`), never begin one.
HARD_STOP = (
    "Giám|Phó|Trưởng|Thủ|Đội|Cục|Bộ|Thứ|Chủ|Bí|Ủy|Chỉ|Công an|Phòng|Huyện|Quận|Xã|Phường|"
    "Đồn|Trạm|Cơ quan|Tổng|Người|Điều|Cán|Ban|Ngày|Tháng|Tại|Theo|Khi|Sau|Trong|Ngoài|Với|Và|"
    "Của|Các|Những|Ông|Bà|Đồng chí"
)
SOFT_STOP = "Chiến|Sáng|Tỉnh|Viện|Trinh|Chánh|Hiệu|Chiều|Tối|Trưa|Đêm"
_TIME_WORDS = frozenset(["sáng", "chiều", "tối", "trưa", "đêm", "ngày", "tháng", "năm"])
# Two or more capitalised syllables (the look-behind of a run start is tested in Python:
# a regex look-behind at every upper-case letter makes the scan twice as slow).
_RUN = re.compile(
    rf"[{UP}][{LOW}]*(?:'[{LOW}]+)?(?: [{UP}][{LOW}]*(?:'[{LOW}]+)?)+(?![{UP}{LOW}\d])"
)
_NOT_BEFORE = frozenset(".'’/-")
_HARD = re.compile(rf"(?:{HARD_STOP}|{RANK_RE})(?![\w])")
_PUNCT = re.compile(r"[,;:()\"“”]")
_ADMIN = frozenset(
    [
        "tỉnh",
        "thành phố",
        "tp",
        "huyện",
        "quận",
        "thị xã",
        "thị trấn",
        "xã",
        "phường",
        "thôn",
        "ấp",
        "bản",
        "làng",
        "xóm",
    ]
)
_NUMBER = re.compile(r"\d[\d/.,-]*[a-zA-Z]?")
MAX_SYLLABLES = 5


@dataclass(frozen=True, slots=True)
class Names:
    surnames: frozenset[str]
    weak: frozenset[str]  # surnames that also begin common place or country names
    not_persons: frozenset[str]  # tone keys
    place_words: frozenset[str]  # lower case, one to three words
    sentence_words: dict[str, tuple[str, ...]]  # first syllable → the rest of each word
    places: frozenset[str]  # tone keys of province and district names
    any_place: frozenset[str]  # tone/folded keys of every gazetteer name


def _words(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"[|\n]", text) if w.strip()]


@cache
def names() -> Names:
    data = table("names")
    sentence: dict[str, list[str]] = {}
    for word in _words(data["sentence_words"]):
        first, _, rest = word.partition(" ")
        sentence.setdefault(first, []).append(" " + rest)
    gaz = gazetteer()
    places = {cached_tone_key(p.short) for t in gaz.provinces.values() for p in t.values()}
    places |= {cached_tone_key(u.short) for u in gaz.units.get(("legacy", "district"), {}).values()}
    places |= set(gaz.aliases)
    return Names(
        surnames=frozenset(data["surnames"].split()),
        weak=frozenset(data["weak_surnames"].split()),
        not_persons=frozenset(cached_tone_key(n) for n in data["not_persons"]),
        place_words=frozenset(_words(data["place_words"])),
        sentence_words={k: tuple(v) for k, v in sentence.items()},
        places=frozenset(places),
        any_place=gaz.bare_keys,
    )


def ends_word(norm: str, pos: int, syllable: str) -> bool:
    """True when `syllable` + the text at `pos` begins a common word that starts a sentence
    or a title ("Nạn" + " nhân", "Luật" + " sư"), or a time word is followed by a date."""
    low = syllable.lower()
    after = norm[pos : pos + 24].lower()
    for rest in names().sentence_words.get(low, ()):
        if after.startswith(rest) and not after[len(rest) : len(rest) + 1].isalnum():
            return True
    return low in _TIME_WORDS and after[:1] == " " and after[1:2].isdigit()


def trim_end(norm: str, start: int, end: int) -> int:
    """The end of a name found at [start, end): syllables that begin a glued sentence or a
    title with the word after them are dropped ("Cao Toàn Mỹ Luật sư hỏi" → "Cao Toàn Mỹ")."""
    while True:
        last = norm.rfind(" ", start, end) + 1
        if last <= start:
            return end
        word = norm[last:end].rstrip(".")
        if not ends_word(norm, last + len(word), word):
            return end
        end = last - 1


def _before_words(norm: str, pos: int) -> list[str]:
    """The (up to three) lower-cased words right before `pos` in its clause, nearest last
    (string operations: a regex search over the window is several times slower)."""
    if pos < 2 or norm[pos - 1] != " ":
        return []
    words: list[str] = []
    for token in reversed(norm[max(0, pos - 40) : pos - 1].split(" ")[-3:]):
        _, bracket, word = token.rpartition("(")
        if not word or _PUNCT.search(word) is not None:
            break
        words.append(word.lower())
        if bracket:
            break
    words.reverse()
    return words


def after_place_word(norm: str, pos: int) -> bool:
    """A place, street, school or business word (or a house number) right before `pos`."""
    if pos >= 1 and norm[pos - 1] in ".":
        return True  # "TP.Vinh"
    words = _before_words(norm, pos)
    if not words:
        return False
    if _NUMBER.fullmatch(words[-1]):
        return True  # "số 12 Trần Hưng Đạo", "hẻm 56 Ngô Quyền"
    table_ = names().place_words
    return any(" ".join(words[-n:]) in table_ for n in (1, 2, 3) if len(words) >= n)


def after_admin_word(norm: str, pos: int) -> bool:
    """An administrative unit word right before `pos` ("tỉnh", "TP", "xã"): what follows
    it is a unit name of the gazetteer, or not a place at all ("HĐND TP Nguyễn Thị A")."""
    words = _before_words(norm, pos)
    return bool(words) and (words[-1] in _ADMIN or " ".join(words[-2:]) in _ADMIN)


_JOINED = re.compile(rf"(?<![\w.'’/-])({CAP_SYL}(?: {CAP_SYL})*) - $")


def _placed(norm: str, start: int) -> bool:
    """A place word before the run, or before the street it is joined to ("ngã tư Hùng
    Vương - Ngô Gia Tự", "nút giao thông Tố Hữu - Khuất Duy Tiến")."""
    if after_place_word(norm, start):
        return True
    if norm[start - 3 : start] != " - ":
        return False
    joined = _JOINED.search(norm, max(0, start - 40), start)
    return joined is not None and after_place_word(norm, joined.start())


def uncued_names(norm: str, breaks: tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """Spans of full names written with no cue word, in text order; a name never runs
    across a line break (`breaks`: offsets of the spaces that stand for one)."""
    out: list[tuple[int, int]] = []
    for run in _RUN.finditer(norm):
        if not _has_surname(run.group()):
            continue  # most runs: "Công an", "Hà Nội", "Việt Nam"
        start, end = run.span()
        if start and (norm[start - 1].isalnum() or norm[start - 1] in _NOT_BEFORE):
            start = norm.find(" ", start) + 1  # "TP.Hồ Chí Minh": the run starts after
            if norm.find(" ", start, end) < 0:
                continue
        if norm[end : end + 1] == ".":
            end += 1  # "Nguyễn Văn T."
        for cut in breaks[bisect_left(breaks, start) : bisect_left(breaks, end)]:
            out.extend(_names_in_run(norm, start, cut))
            start = cut + 1
        out.extend(_names_in_run(norm, start, end))
    return out


@lru_cache(maxsize=4096)
def _has_surname(run: str) -> bool:
    """A family name with two more syllables after it: a name may be in the run."""
    surnames = names().surnames
    words = run.split(" ")
    return any(word in surnames for word in words[:-2])


def _syllables(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for part in norm[start:end].split(" "):
        spans.append((pos, pos + len(part)))
        pos += len(part) + 1
    return spans


def _names_in_run(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    syl = _syllables(norm, start, end)
    placed = _placed(norm, start)
    i = _skip_place(norm, syl, 0, placed)
    if i is None and after_admin_word(norm, start):
        i = 0  # "Chủ tịch HĐND TP Nguyễn Thị Bích Ngọc": no unit named, a name follows
    if i is None:
        return []
    vocab = names()
    out: list[tuple[int, int]] = []
    while i < len(syl):
        word = norm[syl[i][0] : syl[i][1]]
        if word not in vocab.surnames:
            if _HARD.match(word) is None and out == []:
                return out  # a run led by another capitalised word: not a name
            i += 1
            continue
        j = _name_end(norm, syl, i)
        span = (syl[i][0], trim_end(norm, syl[i][0], syl[j - 1][1]))
        if _plausible(norm, span, word):
            out.append(span)
        i = j
    return out


def _skip_place(
    norm: str, syl: list[tuple[int, int]], i: int, placed: bool
) -> int | None:  # fmt: skip
    """Index after a place name that leads the run (None: the whole run is a place)."""
    vocab = names()
    for n in (4, 3, 2, 1):
        if i + n > len(syl):
            continue
        key = cached_tone_key(norm[syl[i][0] : syl[i + n - 1][1]].rstrip("."))
        if (n > 1 and key in vocab.places) or (placed and key in vocab.any_place):
            return i + n
    return None if placed else i


def _name_end(norm: str, syl: list[tuple[int, int]], i: int) -> int:
    """Index after the name that starts at syllable `i` of a capitalised run."""
    vocab = names()
    j = i + 1
    while j < len(syl) and j - i < MAX_SYLLABLES:
        word = norm[syl[j][0] : syl[j][1]]
        if _HARD.match(word) is not None:
            break
        if j + 2 < len(syl) and j - i >= 2:
            pair = cached_tone_key(norm[syl[j][0] : syl[j + 1][1]])
            if pair in vocab.places:
                break  # "Hoàng Anh Gia Lai Đoàn Nguyên Đức": a place inside the run
        if j - i >= 3 and word in vocab.surnames and len(syl) - i > 4:
            break  # two names glued: "Lê Thanh Thản Lê Thị Hoàng Yến"
        j += 1
    return j


def _plausible(norm: str, span: tuple[int, int], first: str) -> bool:
    """A name with no cue: three to five syllables, not a known non-person phrase."""
    text = norm[span[0] : span[1]].rstrip(".")
    parts = text.split(" ")
    if len(parts) < 3:
        return False
    key = cached_tone_key(text)
    vocab = names()
    if any(" ".join(key.split(" ")[:n]) in vocab.not_persons for n in (2, 3, 4)):
        return False
    if first in vocab.weak:  # "Hà Đông ...", "Hồ Dầu Tiếng": a place, not a person
        rest = cached_tone_key(" ".join(parts[1:]))
        return cached_tone_key(" ".join(parts[:2])) not in vocab.any_place and (
            rest not in vocab.places
        )
    return True
