"""Admin-place chains (pure; used by places.py): article text in, chains of parts out.

A chain is the admin-prefixed mentions written one after another, lowest level first ("xã
Hoằng Quỳ, huyện Hoằng Hóa, tỉnh Thanh Hóa", "xã X (huyện Y cũ)"), closed by the bare
district and province names that follow ("xã Bắc Sơn, Ân Thi, Hưng Yên", "huyện Tương
Dương (Nghệ An)"), but not after "các xã A" (what follows are more communes) nor after a
centrally-run city ("TP Cần Thơ, Tiền Giang": a list of provinces).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from scrapers.police.gazetteer import gazetteer
from scrapers.police.lexicon import CAP_RUN
from scrapers.police.place_names import after_plural
from scrapers.police.prep import Prepared, WordCues, finditer_from

_LEVEL = {
    "tỉnh": "province", "thành phố": "city", "tp": "city", "tp.": "city",
    "huyện": "district", "quận": "district", "thị xã": "district", "tx": "district",
    "tx.": "district", "xã": "commune", "phường": "commune", "thị trấn": "commune",
    "đặc khu": "commune",
}  # fmt: skip
_MENTION = re.compile(
    r"(?=[TtHhQqXxPpĐđ])(?<![\w.])"
    r"(?P<pre>(?i:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|tx\.?|xã|phường|thị trấn|đặc khu))"
    rf"(?:\s+|(?<=\.)|(?=HCM\b))(?P<name>\d{{1,2}}(?!\d)|HCM\b|{CAP_RUN})(?P<old> \(?cũ\)?)?"
)
# Where a _MENTION can begin (single words: a literal pre-check on the lowered text).
_MENTION_STARTS = WordCues(
    ("tỉnh", "thành", "tp", "huyện", "quận", "thị", "tx", "xã", "phường", "đặc")
)
_CHAIN_GAP = re.compile(r"\s*[,(\-–]?\s*")
_RANK_ORDER = {"commune": 0, "district": 1, "city": 2, "province": 3}


class Part(NamedTuple):
    """One admin-prefixed piece of a chain (a named tuple: built several times per place
    mention, ~4x cheaper than a frozen dataclass; only its fields are read)."""

    level: str  # province | city | district | commune
    prefix: str
    name: str
    start: int
    end: int
    old: bool


def chains_of(prep: Prepared) -> list[list[Part]]:
    norm, clean = prep.norm, prep.clean
    chains: list[list[Part]] = []
    for m in finditer_from(_MENTION, norm, _MENTION_STARTS.starts(prep)):
        level = _LEVEL[m["pre"].lower()]
        name = clean[m.start("name") : m.end("name")]  # as written: decides "exact"
        part = Part(level, m["pre"], name, m.start(), m.end(), m["old"] is not None)
        prev = chains[-1][-1] if chains else None
        if (
            prev is not None
            and _CHAIN_GAP.fullmatch(norm, prev.end, m.start()) is not None
            and _RANK_ORDER[level] > _RANK_ORDER[prev.level]
        ):
            chains[-1].append(part)
        else:
            chains.append([part])
    for i, chain in enumerate(chains):
        limit = chains[i + 1][0].start if i + 1 < len(chains) else len(norm)
        _extend(chain, norm, clean, limit)
    return chains


# A bare name after a chain: "xã Bắc Sơn, Ân Thi, Hưng Yên", "huyện Tương Dương (Nghệ An)".
_TRAIL = re.compile(rf", (?P<name>{CAP_RUN})| \((?P<paren>{CAP_RUN})\)")


def _extend(chain: list[Part], norm: str, clean: str, limit: int) -> None:
    """Append the bare district / province names written right after a chain (not after
    "các xã A": what follows are more communes)."""
    for _ in range(2):
        m = _TRAIL.match(norm, chain[-1].end)
        if m is None or m.end() > limit or after_plural(norm, chain[0].start):
            return
        group = "name" if m["name"] else "paren"
        name = clean[m.start(group) : m.end(group)]
        if chain[-1].level == "city" and gazetteer().province(chain[-1].name, "legacy"):
            return  # "TP Cần Thơ, Tiền Giang": a list of provinces, not a chain
        level = _trail_level(name, norm, m.end(), limit)
        if level is None or _RANK_ORDER[level] <= _RANK_ORDER[chain[-1].level]:
            return
        chain.append(Part(level, "", name, m.start(group), m.end(), False))


def _trail_level(name: str, norm: str, end: int, limit: int) -> str | None:
    g = gazetteer()
    province = g.province(name, "legacy") or g.province(name, "2025")
    district = bool(g.units_named(name, "legacy", "district")[0])
    if province and district:  # "Hòa Bình": the district when a province follows it
        after = _TRAIL.match(norm, end)
        follows = after is not None and after.end() <= limit
        if follows and after is not None and g.province(after["name"] or "", "legacy"):
            return "district"
    return "province" if province else "district" if district else None
