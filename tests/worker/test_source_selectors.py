"""A source's `[selectors]` table takes the keys of a CMS profile (scrapers.layers.cms),
`paragraphs` and `drop` included, and they are applied to a real page (tuoitre, from the
shared corpus); discovery kinds are the registry's (scrapers.discover_kinds)."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from scrapers.article import parse_article
from scrapers.discover_kinds import DISCOVER_PARSERS
from scrapers.encoding import decode_html
from scrapers.layers.cms import SELECTOR_KEYS
from scrapers.records import ArticleRecord, DiscoverKind
from worker.errors import SourceConfigError
from worker.sources import load_source

pytestmark = pytest.mark.unit

PAGE = "tuoitre_article_20260307075519174.html"
URL = "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"
HEADING = "Hoa nhập khẩu thiếu hàng"  # an <h2> of the body
BOXED = "Trong bối cảnh hoa nhập khẩu khan hiếm"  # a paragraph inside a div[type=content]

SOURCE = """
name = "Tuổi Trẻ"
outlet_type = "newspaper"
[[discover]]
kind = "rss"
url = "https://tuoitre.vn/rss/phap-luat.rss"
[selectors]
body = "[data-role=content]"
"""


def _source(tmp_path: Path, extra: str) -> dict[str, str]:
    path = tmp_path / "tuoitre.toml"
    path.write_text(SOURCE + extra, encoding="utf-8")
    return load_source(path).selector_map()


def _parse(corpus_pages: Path, selectors: dict[str, str]) -> ArticleRecord:
    page = decode_html((corpus_pages / PAGE).read_bytes(), None)
    return parse_article(page.text, URL, selectors=selectors)


def test_selector_keys_are_the_profile_fields() -> None:
    assert "paragraphs" in SELECTOR_KEYS and "drop" in SELECTOR_KEYS
    assert not {"name", "detect"} & SELECTOR_KEYS


def test_paragraphs_selects_the_body_paragraphs(tmp_path: Path, corpus_pages: Path) -> None:
    selectors = _source(tmp_path, 'paragraphs = "p"\n')
    assert selectors == {"body": "[data-role=content]", "paragraphs": "p"}
    whole = _parse(corpus_pages, {"body": "[data-role=content]"})
    chosen = _parse(corpus_pages, selectors)
    assert chosen.extraction["paragraphs"] == "selectors"
    assert HEADING in whole.paragraphs and HEADING not in chosen.paragraphs
    assert set(chosen.paragraphs) < set(whole.paragraphs)
    assert any(p.startswith(BOXED) for p in chosen.paragraphs)  # a <p> in a box: kept


def test_drop_removes_boxes_from_the_body(tmp_path: Path, corpus_pages: Path) -> None:
    selectors = _source(tmp_path, 'drop = "[type=content]"\n')
    whole = _parse(corpus_pages, {"body": "[data-role=content]"})
    dropped = _parse(corpus_pages, selectors)
    assert any(p.startswith(BOXED) for p in whole.paragraphs)
    assert not any(p.startswith(BOXED) for p in dropped.paragraphs)
    assert HEADING in dropped.paragraphs
    assert len(dropped.captions) < len(whole.captions)  # the boxes' figure went too


def test_paragraphs_and_drop_need_body(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(SOURCE.replace('body = "[data-role=content]"', 'drop = ".ads"'), "utf-8")
    with pytest.raises(SourceConfigError, match=r"selectors: .*drop select inside the body"):
        load_source(path)


def test_an_unknown_selector_key_names_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(SOURCE + 'paragraph = "p"\n', encoding="utf-8")
    with pytest.raises(SourceConfigError) as caught:
        load_source(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "unknown selector key 'paragraph'" in message
    assert "paragraphs" in message  # the known keys are listed


def test_every_discovery_kind_has_a_parser_and_only_those_load(tmp_path: Path) -> None:
    assert set(DISCOVER_PARSERS) == set(get_args(DiscoverKind))
    for kind in DISCOVER_PARSERS:
        path = tmp_path / "k.toml"
        path.write_text(SOURCE.replace('kind = "rss"', f'kind = "{kind}"'), encoding="utf-8")
        assert load_source(path).discover[0].kind == kind
    path.write_text(SOURCE.replace('kind = "rss"', 'kind = "graphql"'), encoding="utf-8")
    with pytest.raises(SourceConfigError, match=r"discover\.0\.kind: .*'graphql'"):
        load_source(path)
