"""Byline parsing for the parse stage (pure).

In:  a byline as printed ("Hà Thu (tổng hợp)", "THUẬN VĂN - LÊ ÁNH", "NHẬT XUÂN;NGHI VŨ",
     "Bài và ảnh: Tố Phương", "Theo CAND", "Nhóm PV").
Out: Byline — author names as printed (all caps kept), and a credit when the line names
     a source rather than a writer ("Theo CAND" → credit "CAND", no author).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapers.text import clean_text

_PREFIX = re.compile(
    r"^(?:bài\s*(?:và|,|/|&)\s*ảnh|bài\s*,?\s*ảnh|tin\s*(?:và|,|/)\s*ảnh|bài|tin|ảnh|"
    r"video|clip|thực hiện|tác giả|người viết|phóng viên|nhóm thực hiện|pv)\s*:\s*",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"^(?:theo|nguồn)\s*:?\s+(?P<src>.+)$", re.IGNORECASE)
_TRAILING_NOTE = re.compile(
    r"\s*[(\[](?:tổng hợp|th|lược dịch|dịch|biên dịch|theo\s+(?P<src>[^)\]]+))[)\]]\s*\.?$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s+[-–—]\s+|\s*[,;&/]\s*|\s+và\s+|\s*[-–—]\s*$")
_GROUP = re.compile(r"^(?:nhóm\s+(?:pv|phóng viên)|pv|ctv)(?:\s.*)?$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\w.'’-]*$|^[A-ZĐ](?:\.[A-ZĐ])*\.?$")


@dataclass(frozen=True, slots=True)
class Byline:
    authors: tuple[str, ...] = ()
    credit: str | None = None


def parse_byline(text: str) -> Byline:
    """Split a byline into author names and a source credit; empty when it is neither."""
    line = clean_text(text).strip(" -–—|")
    credit: str | None = None
    note = _TRAILING_NOTE.search(line)
    if note is not None:
        credit = clean_text(note.group("src")) if note.group("src") else None
        line = line[: note.start()].strip()
    m = _CREDIT.match(line)
    if m is not None:
        return Byline((), clean_text(m.group("src")).strip(" .") or None)
    line = _PREFIX.sub("", line).strip()
    names = [_trim_name(part) for part in _SPLIT.split(line)]
    authors = tuple(dict.fromkeys(n for n in names if is_name(n)))
    return Byline(authors, credit)


def _trim_name(part: str) -> str:
    name = clean_text(part).strip(" -–—:")
    if name.endswith(".") and not re.search(r"(?:^|[.\s])[A-ZĐ]\.$", name):
        name = name.rstrip(".")
    return name


def split_authors(values: list[str]) -> tuple[str, ...]:
    """Author strings from several nodes or a meta value → unique names in order."""
    found: list[str] = []
    for value in values:
        found.extend(parse_byline(value).authors)
    return tuple(dict.fromkeys(found))


def is_name(text: str) -> bool:
    """A plausible person (or reporter group) name: short, capitalised words, no digits."""
    if not text or len(text) > 40 or re.search(r"\d", text):
        return False
    if _GROUP.match(text):
        return True
    words = text.split()
    return 1 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words)


def looks_like_byline(text: str, *, emphasized: bool = False) -> bool:
    """Is this closing line of a body a byline rather than a sentence?"""
    line = clean_text(text)
    if not line or len(line) > 80:
        return False
    parsed = parse_byline(line)
    if parsed.credit and not parsed.authors:
        return len(line.split()) <= 8
    if not parsed.authors:
        return False
    has_prefix = bool(_PREFIX.match(line))
    sentence_like = line.endswith((".", "!", "?")) and not re.search(r"[A-ZĐ]\.$", line)
    return (emphasized or has_prefix or not sentence_like) and not _has_lowercase_words(line)


def _has_lowercase_words(line: str) -> bool:
    """Sentences have lower-case words; bylines only names, joiners and notes."""
    stripped = _TRAILING_NOTE.sub("", _PREFIX.sub("", line))
    words = [w for w in re.split(r"[\s,;&/–—-]+", stripped) if w]
    joiners = {"và", "pv", "ctv"}
    return any(w[0].islower() and w.lower() not in joiners for w in words)
