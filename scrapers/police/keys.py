"""Search keys (pure): text in, (tone-normalised key, folded key) out.

Both keys are for matching only, never stored as display text: the tone key keeps
diacritics with one tone placement ("Thanh Hoá" = "Thanh Hóa"), the folded key drops them
(đ→d) so "cong an thanh hoa" finds "Công an tỉnh Thanh Hoá". Typographic quotes, dashes and
ellipses are unified first (domain notes §4.1 step 6).
"""

from __future__ import annotations

import re

from scrapers.police.prep import prepare
from scrapers.text import strip_diacritics

_PUNCT_CHARS = re.compile("[“”„‘’–—−…]")
_PUNCT = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "−": "-", "…": "..."}
)


def search_keys(text: str) -> tuple[str, str]:
    """(tone_key, fold_key) of `text`, punctuation variants unified."""
    # Same as scrapers.text.tone_key(text.translate(_PUNCT)); prepare() is shared and cached.
    tone = prepare(text).norm.lower()
    if _PUNCT_CHARS.search(tone) is not None:
        tone = tone.translate(_PUNCT)
    return tone, strip_diacritics(tone)
