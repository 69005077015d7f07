"""Generic main-content layer: layout wrappers, <br>-broken text, taxonomy classes."""

from __future__ import annotations

from scrapers.article import parse_article
from scrapers.dom import load_tree
from scrapers.layers.generic import find_main_content

SENTENCE = "This is a sentence of the article, long enough to count as real text here."


def _page(body: str, body_class: str = "") -> str:
    head = "<head><title>A title of the page</title></head>"
    return f"<html>{head}<body class='{body_class}'>{body}</body></html>"


def test_layout_wrapper_with_a_boilerplate_class_does_not_hide_the_article() -> None:
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(5))
    html = _page(
        "<div class='l-outer l-outer--nav'><div class='story'>"
        f"{paragraphs}</div><div class='sidebar'><p>{SENTENCE}</p></div></div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("class") == "story"


def test_a_form_around_the_whole_page_is_a_wrapper() -> None:
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(4))
    html = _page(f"<form id='aspnetForm'><div id='text'>{paragraphs}</div></form>")
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") == "text"


def test_a_real_sidebar_still_never_scores() -> None:
    links = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(
        f"<div id='post'><p>{SENTENCE}</p><p>{SENTENCE}</p></div>"
        f"<div class='sidebar'>{links}</div><div class='other-stuff'>{links}{links}</div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") != "sidebar"


def test_br_broken_text_counts_line_by_line() -> None:
    lines = "<br><br>".join(f"{SENTENCE} {i}" for i in range(8))
    teasers = "".join(f"<li>{SENTENCE}</li>" for _ in range(6))
    html = _page(
        f"<div id='post'><div class='post-body'>{lines}</div></div>"
        f"<div id='more'><ul id='list'>{teasers}</ul></div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") == "post"


def test_article_with_taxonomy_classes_is_not_a_junk_box() -> None:
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(3))
    html = _page(
        f"<article class='post-1 post tag-news category-local'>{paragraphs}</article>",
        body_class="single has-sidebar",
    )
    record = parse_article(html, "https://example.org/a")
    assert record.paragraphs and record.paragraphs[0] == SENTENCE
