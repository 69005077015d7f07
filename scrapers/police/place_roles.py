"""Roles of place mentions (pure; used by places.py): event place, residence or list item.

In: the place mentions of one text, `Prepared.norm` and the text's line breaks (title /
lead / paragraph boundaries). Out: the same mentions, each with a `role`:

- "residence": a person's address or home town: the place follows "trú (tại)", "ngụ",
  "quê (quán)", "thường trú", "tạm trú", "HKTT", "cư trú", or "ở" after a person's birth
  year or age ("(SN 1990, ở xã A)"), with only address parts between ("trú tại thôn 3,
  xã A, huyện B").
- "listed": a province named in a long enumeration of provinces (at least 4 within a few
  words of each other: a directive's addressees, a table of figures per province, a ranking)
  after the title and lead. The title and lead say where the story is; a province named only
  in such a list in the body is named in passing.
- "event": every other mention — where the events happened, the acting authority's
  province. A text's event provinces are those of its "event" mentions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from scrapers.police.lexicon import UP
from scrapers.police.model import PlaceMention, PlaceRole

_LIST_MIN = 4  # distinct provinces
_LIST_GAP = 40  # characters between two neighbours of a list
_WINDOW = 90
_CUE = re.compile(
    r"(?:(?<![\w])(?:trú|ngụ|quê|hktt|cư trú|sinh sống|nơi ở)(?: quán)?"
    r"|(?:sn|sinh năm|sinh)\s*\d{4}\s*,\s*(?:cùng )?ở|tuổi\s*,\s*(?:cùng )?ở)(?![\w])"
)
_CUE_WORDS = ("trú", "ngụ", "quê", "hktt", "sinh sống", "nơi ở", "sn", "sinh", "tuổi")
_ADDRESS_WORD = (
    r"(?:thôn|xóm|ấp|bản|buôn|làng|khu|khóm|khối|tổ|số|đường|phố|ngõ|ngách|hẻm|kiệt|tdp"
    r"|xã|phường|thị trấn|huyện|quận|thị xã|tp\.?|tỉnh|thành phố)"
)
# What may stand between a residence cue and the place: "tại", then address parts.
_ADDRESS = re.compile(
    rf"(?:\s+(?:tại|ở))?\s*:?\s*(?:(?:(?i:{_ADDRESS_WORD})(?![\w])|[{UP}\d])[^,;()]{{0,30}},\s*)*"
)
_CUT = re.compile(r"[();]|[.!?]\s")


def assign_roles(
    mentions: Sequence[PlaceMention], norm: str, breaks: Sequence[int]
) -> list[PlaceMention]:
    """The mentions (sorted by span) with their roles."""
    opening = breaks[1] if len(breaks) > 1 else len(norm)
    listed = _listed(mentions, opening)
    out = []
    for i, m in enumerate(mentions):
        role: PlaceRole = "listed" if i in listed else "event"
        if _residence(norm, m.span[0]):
            role = "residence"
        out.append(m if role == m.role else replace(m, role=role))
    return out


def _listed(mentions: Sequence[PlaceMention], opening: int) -> set[int]:
    """Indexes of the province mentions that are items of a long list after the opening."""
    out: set[int] = set()
    group: list[int] = []
    provinces = [
        i for i, m in enumerate(mentions) if m.kind == "province" and m.method != "implicit"
    ]
    for i in [*provinces, -1]:
        prev = mentions[group[-1]] if group else None
        if i >= 0 and prev is not None and mentions[i].span[0] - prev.span[1] <= _LIST_GAP:
            group.append(i)
            continue
        if len({mentions[j].province_code for j in group}) >= _LIST_MIN:
            out.update(j for j in group if mentions[j].span[0] >= opening)
        group = [i]
    return out


def _residence(norm: str, start: int) -> bool:
    window = norm[max(0, start - _WINDOW) : start]
    lowered = window.lower()
    if not any(word in lowered for word in _CUE_WORDS):
        return False  # a substring pre-check
    cuts = [m.end() for m in _CUT.finditer(window)]
    window = window[cuts[-1] if cuts else 0 :]
    cues = list(_CUE.finditer(window.lower()))
    if not cues:
        return False
    return _ADDRESS.fullmatch(window, cues[-1].end()) is not None
