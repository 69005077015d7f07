"""Lead (sapo) and title cleanup for the parse stage (pure).

In:  a lead or title string as printed.
Out: the lead without its outlet marker ("(PLO)- ", "(Dân trí) - ", "TPO - ", "ANTĐ - ",
     "(CAO) ", "Lời tòa soạn: "), or the title without the site suffix ("… - Tuổi Trẻ
     Online", "… | Báo Dân trí").
"""

from __future__ import annotations

import re

from scrapers.text import clean_text, fold_key

# "(PLO)-", "(NLĐO)-", "(Dân trí) - ", "(Chinhphu.vn) - ", "(CAO)", "(Baothanhhoa.vn) - "
_PAREN_MARKER = re.compile(r"^\(\s*(?P<m>[^()]{1,30}?)\s*\)\s*(?:[-–—:]\s*)?")
# "TPO - ", "ANTĐ - ", "VOV.VN - ", "TP - ", "ANTV - "
_BARE_MARKER = re.compile(r"^(?P<m>[A-ZĐ][A-ZĐ0-9]{1,9}(?:\.(?:VN|vn|COM|com))?)\s*[-–—]\s*")
_EDITORIAL = re.compile(r"^(?:Lời tòa soạn|Lời toà soạn|LTS)\s*:\s*", re.IGNORECASE)
_KNOWN_PAREN = frozenset(
    fold_key(name)
    for name in ("Dân trí", "Dân Việt", "Tổ Quốc", "Chinhphu.vn", "Baothanhhoa.vn", "VTC News")
)
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+")
_HOST_NOISE = frozenset({"www", "m", "amp", "vn", "com", "net", "org", "gov", "edu"})
_SITE_WORDS = re.compile(
    r"(?i)\b(?:báo|tạp chí|online|news|tin tức|cổng thông tin|trang thông tin|"
    r"điện tử|vnexpress|\.vn|\.com)\b|\.vn$|\.com$"
)


def strip_outlet_marker(lead: str) -> str:
    """Drop the outlet marker at the start of a lead; other text is left as printed."""
    text = clean_text(lead)
    for _ in range(2):  # "(PLO) - LTS: …"
        before = text
        text = _strip_once(text)
        if text == before:
            break
    return text


def _strip_once(text: str) -> str:
    m = _EDITORIAL.match(text)
    if m:
        return text[m.end() :].lstrip()
    m = _PAREN_MARKER.match(text)
    if m and _is_outlet(m.group("m")):
        return text[m.end() :].lstrip(" -–—:")
    m = _BARE_MARKER.match(text)
    if m and len(text) > m.end():
        return text[m.end() :]
    return text


def _is_outlet(marker: str) -> bool:
    """An outlet marker: an acronym (PLO, NLĐO, CAO), a domain, or a known outlet name."""
    compact = marker.replace(" ", "")
    if re.fullmatch(r"[A-ZĐ][A-ZĐ0-9.]{1,11}", compact):
        return True
    if re.search(r"(?i)\.(?:vn|com|net)$", compact):
        return True
    return fold_key(marker) in _KNOWN_PAREN


def strip_title_suffix(title: str, site_names: tuple[str, ...] = (), host: str = "") -> str:
    """Drop trailing "- Site" segments that name the site (or look like a site name)."""
    text = clean_text(title)
    keys = {fold_key(n) for n in site_names if n}
    labels = [x for x in host.lower().split(".") if x and x not in _HOST_NOISE]
    while True:
        parts = _TITLE_SEPARATORS.split(text)
        if len(parts) < 2 or not _names_site(parts[-1], keys, labels):
            return text
        text = re.sub(r"\s+[-|–—:»]\s*$", "", text[: text.rfind(parts[-1])]).strip()


def _names_site(segment: str, keys: set[str], labels: list[str]) -> bool:
    key = fold_key(segment)
    if not key:
        return False
    if any(k and (k in key or key in k) for k in keys):
        return True
    compact = key.replace(" ", "")
    if labels and all(label in compact for label in labels):
        return True
    return len(segment.split()) <= 6 and bool(_SITE_WORDS.search(segment))
