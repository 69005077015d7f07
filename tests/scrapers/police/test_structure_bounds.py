"""Structuring a huge article reads a bounded prefix (issue 14): a 10 MB text of real police
news is structured as its first STRUCTURE_MAX_CHARS would be, the record keeps every
paragraph, and police.truncated_at says how many characters were read."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from scrapers.police.structure import (
    STRUCTURE_MAX_CHARS,
    article_text,
    structure_article,
    with_police,
)
from scrapers.records import ArticleRecord
from tests.conftest import shared_dir

pytestmark = pytest.mark.unit

TEXTS = shared_dir() / "corpus" / "police-texts" / "baomoi-2017.jsonl.gz"


def _police_paragraphs() -> list[str]:
    with gzip.open(TEXTS, "rt", encoding="utf-8") as lines:
        texts = [json.loads(line) for line in lines]
    picked = [t for t in texts if t["filter"] == "police-cues"]
    return [p.strip() for t in picked for p in t["body"].splitlines() if p.strip()]


def _record(paragraphs: tuple[str, ...]) -> ArticleRecord:
    return ArticleRecord(
        url="https://bao.example.vn/a.html", canonical_url="https://bao.example.vn/a.html",
        title="Công an tỉnh Thanh Hóa bắt giữ nhóm đối tượng trộm cắp tài sản",
        lead="Ngày 7-3, Công an tỉnh Thanh Hóa cho biết đã bắt giữ 5 đối tượng.",
        paragraphs=paragraphs, published_at=datetime(2026, 3, 7, 1, 0, tzinfo=UTC),
    )  # fmt: skip


def test_a_10_mb_text_is_structured_from_its_first_200k_characters() -> None:
    corpus = _police_paragraphs()
    paragraphs: list[str] = []
    size = 0
    while size < 10_000_000:
        paragraphs.append(corpus[len(paragraphs) % len(corpus)])
        size += len(paragraphs[-1].encode("utf-8"))
    record = _record(tuple(paragraphs))
    structured = with_police(record)
    assert structured.paragraphs == record.paragraphs  # the record keeps its whole text
    assert structured.police is not None
    read = structured.police["truncated_at"]
    assert STRUCTURE_MAX_CHARS - 1000 <= read <= STRUCTURE_MAX_CHARS
    # The same structure as an article whose whole text is the prefix that was read.
    prefix = article_text(record)[:read]
    head = f"{record.title}\n{record.lead}\n"
    short = _record(tuple(prefix[len(head) :].split("\n")))
    assert article_text(short) == prefix
    expected = structure_article(short)
    assert "truncated_at" not in expected
    assert {k: v for k, v in structured.police.items() if k != "truncated_at"} == expected
    assert expected["persons"] and expected["crimes"]  # real police news: something found
