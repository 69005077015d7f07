"""dedup.ContentKey: one tone_key of a record's text gives both the content hash and the
search text's key. Its newline-joined key (spaced) equals tone_key of the parts joined with
newlines, and the search text index_columns derives from it equals fold_key(record_text),
on random parts over the characters that matter at a part boundary: whitespace of every
kind, invisibles, combining marks, o/u before toned vowels and q, final sigma, dotted I,
empty parts, and parts holding U+241E themselves (no derived key then)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from scrapers.records import ArticleRecord
from scrapers.serialize import record_to_dict
from scrapers.text import fold_key, text_prefix, tone_key
from worker.db.models import Article
from worker.dedup import ContentKey, content_hash, content_summary
from worker.indexing import index_columns, record_text

pytestmark = pytest.mark.unit

_UNIT = "\u241e"

_ALPHABET = [
    *"aAoOuUqQyYđx1.,",
    *"òóỏõọùúủũụýỳàé",
    "Σ",
    "σ",
    "İ",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u2000",
    "\u3000",
    "\u200b",
    "\ufeff",
    "\u00ad",
    "\u0301",
    "\u0300",
    "\u0323",
    "\u1100",
    "\u1161",
    "\u241e",
]


def _part(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return ""
    weights = [rng.random() for _ in _ALPHABET]
    weights[-1] *= 0.05  # U+241E inside a part: rare
    return "".join(rng.choices(_ALPHABET, weights, k=rng.randint(1, 12)))


def _records(count: int) -> list[ArticleRecord]:
    rng = random.Random(5)
    records = []
    for _ in range(count):
        lead = None if rng.random() < 0.2 else _part(rng)
        paragraphs = tuple(_part(rng) for _ in range(rng.randint(0, 4)))
        records.append(
            ArticleRecord(
                url="https://x.vn/a", canonical_url="https://x.vn/a", title=_part(rng),
                lead=lead, paragraphs=paragraphs,
            )
        )  # fmt: skip
    return records


def _article(data: dict[str, Any]) -> Article:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return Article(record=data, first_seen_at=now, updated_at=now)


def test_spaced_key_is_the_tone_key_of_the_newline_join() -> None:
    derived = 0
    for record in _records(6000):
        data = record_to_dict(record)
        content = ContentKey.of(record)
        parts = [record.title, record.lead or "", *record.paragraphs]
        plain = tone_key(_UNIT.join(parts))
        assert content.key == plain
        assert content.digest == hashlib.sha256(plain.encode("utf-8")).hexdigest()
        assert content_hash(record) == content.digest
        spaced = content.spaced()
        if any(_UNIT in part for part in parts):
            assert spaced is None
            continue
        derived += 1
        assert spaced == tone_key(record_text(data))
        with_key, without = _article(data), _article(data)
        index_columns(with_key, spaced)
        index_columns(without)
        assert with_key.search_text == without.search_text == fold_key(record_text(data))
    assert derived > 3000


def test_content_summary_is_the_content_key_made_piece_by_piece() -> None:
    """content_summary (used by the store) hashes tone_key_pieces and keeps the key's head
    only: the same hash as ContentKey, and its spaced key cut by text_prefix, on records
    with parts long enough to be keyed piece by piece (over 256k characters)."""
    rng = random.Random(8)
    for short in _records(10):
        long_part = "".join(_part(rng) + " " for _ in range(rng.choice([10, 20_000])))
        record = replace(short, paragraphs=(*short.paragraphs, long_part * 3))
        content = ContentKey.of(record)
        spaced = content.spaced()
        for limit in (200_000, 500):
            digest, search_key = content_summary(record, limit)
            assert digest == content.digest
            assert search_key == (None if spaced is None else text_prefix(spaced, limit)[0])
