"""Raw page archive codec: the store's zstd parameters (smaller match tables than level 3)
keep every page byte-exact, keep level 3's ratio within 1%, and read pages archived with
plain level 3 before the change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import zstandard
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from worker.db.models import RawPage
from worker.store import _COMPRESSOR, RAW_CODEC, load_raw_page, store_raw_page


def _pages(corpus_pages: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(corpus_pages.glob("*.html"))]


def test_pages_round_trip_with_their_size_in_the_frame(corpus_pages: Path) -> None:
    pages = _pages(corpus_pages)
    assert len(pages) >= 8
    for page in pages:
        frame = _COMPRESSOR.compress(page)
        assert zstandard.get_frame_parameters(frame).content_size == len(page)
        assert zstandard.ZstdDecompressor().decompress(frame) == page


def test_ratio_stays_within_one_percent_of_level_3(corpus_pages: Path) -> None:
    pages = _pages(corpus_pages)
    level_3 = zstandard.ZstdCompressor(level=3)
    ours = sum(len(_COMPRESSOR.compress(page)) for page in pages)
    reference = sum(len(level_3.compress(page)) for page in pages)
    assert ours <= reference * 1.01
    # and it is still level 3's kind of search, not a fast mode that gives up ratio
    assert ours < sum(len(zstandard.ZstdCompressor(level=1).compress(p)) for p in pages)


def test_store_and_load_including_a_page_archived_with_level_3(
    migrated_engine: Engine, corpus_pages: Path
) -> None:
    sessions = sessionmaker(migrated_engine)
    new_page, old_page = _pages(corpus_pages)[:2]
    when = datetime(2026, 11, 28, tzinfo=UTC)
    with sessions.begin() as session:
        digest = store_raw_page(
            session, new_page, url="https://example.vn/a", content_type="text/html",
            fetched_at=when, parser_version="test",
        )  # fmt: skip
        session.add(
            RawPage(
                sha256="0" * 64, body=zstandard.ZstdCompressor(level=3).compress(old_page),
                codec=RAW_CODEC, size=len(old_page), url="https://example.vn/b",
                content_type="text/html", fetched_at=when, parser_version="old",
            )
        )  # fmt: skip
    with sessions() as session:
        assert load_raw_page(session, digest) == new_page
        assert load_raw_page(session, "0" * 64) == old_page
