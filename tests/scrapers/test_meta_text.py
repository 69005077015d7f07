"""<meta> values are cleaned through a memo (values up to 1,000 characters): read_metadata
gives the same texts as entity-decoding and cleaning each value, on pages read once or
again, with short and long values."""

from __future__ import annotations

import html
import random

import lxml.html
import pytest

from scrapers.dom import unescape_twice
from scrapers.layers.metadata import read_metadata
from scrapers.text import clean_text

pytestmark = pytest.mark.unit

_PIECES = ("Hà Nội", "  ", "&amp;", "&amp;#7871;", "\u200b", "\u00a0", "x", "&lt;b&gt;", "\t")


def _values(seed: int) -> list[str]:
    rng = random.Random(seed)
    values = ["".join(rng.choices(_PIECES, k=rng.randint(0, 8))) for _ in range(60)]
    return [*values, "Công an " * 200, "a  b " * 300]  # longer than the memo takes


@pytest.mark.parametrize("seed", range(20))
def test_meta_values_are_the_cleaned_values(seed: int) -> None:
    values = _values(seed)
    metas = "".join(
        f'<meta name="k{i}" content="{html.escape(v, quote=True)}">' for i, v in enumerate(values)
    )
    page = f"<html><head>{metas}</head><body><p>x</p></body></html>"
    for _ in range(2):
        meta = read_metadata(lxml.html.document_fromstring(page), "http://x.test/").meta
        for i, value in enumerate(values):
            assert meta[f"k{i}"] == [clean_text(unescape_twice(value))], value
