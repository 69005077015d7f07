"""Generic body rules measured on the generic-eval set (bench/extract.py --part b): each
test is a small synthetic page that the rule fixes."""

from __future__ import annotations

import pytest

from scrapers.article import parse_article
from scrapers.dom import load_tree
from scrapers.layers.generic import find_main_content

SENTENCE = "This is a sentence of the article, long enough to count as real text here."
URL = "https://example.org/a"


def _page(body: str) -> str:
    return f"<html><head><title>A title of the page</title></head><body>{body}</body></html>"


def _texts(html: str) -> tuple[str, ...]:
    return parse_article(html, URL).paragraphs


@pytest.mark.unit
def test_a_page_whose_text_is_only_inside_noscript_is_read() -> None:
    # raised ArticleParseError("no body text") before: <noscript> never scored
    paragraphs = _paragraphs(4)
    html = _page(
        "<div id='header'><a href='/'>Home</a></div>"
        f"<noscript><div id='page'><div id='text'>{paragraphs}</div></div></noscript>"
        "<script>render()</script>"
    )
    assert f"{SENTENCE} 0" in _texts(html) and f"{SENTENCE} 3" in _texts(html)


@pytest.mark.unit
def test_a_post_body_rendered_from_noscript_wins_over_the_header() -> None:
    paragraphs = _paragraphs(4)
    html = _page(
        "<div class='header'><p>The latest news and insights from our team, every week.</p>"
        "</div><div class='post'><div class='post-body'><script>load()</script>"
        f"<noscript>{paragraphs}</noscript></div></div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and f"{SENTENCE} 3" in main.text_content()


@pytest.mark.unit
def test_a_javascript_warning_in_noscript_is_not_the_article() -> None:
    paragraphs = _paragraphs(4)
    html = _page(
        "<noscript><p>Please enable JavaScript in your browser to use this site.</p></noscript>"
        f"<div id='story'>{paragraphs}</div>"
    )
    assert not any("JavaScript" in t for t in _texts(html))


@pytest.mark.unit
def test_a_plain_paragraph_after_an_image_is_text() -> None:
    line = "The bar cabinet from the fifties is the highlight of the living room."
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(f"<div id='story'>{paragraphs}<p><img src='/a.jpg'></p><p>{line}</p></div>")
    assert line in _texts(html)


@pytest.mark.unit
@pytest.mark.parametrize(
    "line",
    [
        "Marco Odermatt, ski star from Switzerland. © AFP / MARCO BERTORELLO",
        "Bild: Jahr Media",
        "(crédito: Minervino Júnior/CB/D.A.Press)",
    ],
)
def test_a_credit_line_under_an_image_is_its_caption(line: str) -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(f"<div id='story'>{paragraphs}<p><img src='/a.jpg'></p><p>{line}</p></div>")
    record = parse_article(html, URL)
    assert line not in record.paragraphs and [c.text for c in record.captions] == [line]


@pytest.mark.unit
def test_a_short_line_printed_in_the_image_box_is_its_caption() -> None:
    line = "The new fire station opened on Monday"
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(f"<div id='story'>{paragraphs}<p><img src='/a.jpg'><br>{line}</p></div>")
    record = parse_article(html, URL)
    assert [c.text for c in record.captions] == [line]


INTRO = "The coalition has done more in its first year than any before it, the association says."


def _with_description(body: str) -> str:
    head = (
        "<head><title>A title of the page</title>"
        "<meta name='description' content='An SEO summary of the page.'></head>"
    )
    return f"<html>{head}<body>{body}</body></html>"


def _paragraphs(count: int) -> str:
    return "".join(f"<p>{SENTENCE} {i}</p>" for i in range(count))


@pytest.mark.unit
def test_an_intro_printed_above_the_container_is_the_lead() -> None:
    paragraphs = _paragraphs(4)
    html = _with_description(
        "<div class='article'><h1>A title of the page</h1>"
        f"<div class='article-teaser'><p>{INTRO}</p></div>"
        f"<div class='news-text'>{paragraphs}</div></div>"
    )
    record = parse_article(html, URL)
    assert record.lead == INTRO and record.paragraphs[0] == f"{SENTENCE} 0"


@pytest.mark.unit
@pytest.mark.parametrize(
    "box",
    [
        pytest.param(f"<div class='teaser'><a href='/other'>{INTRO}</a></div>", id="teaser-card"),
        pytest.param(
            f"<div class='intro'><h1>A title of the page</h1><time>Monday</time>{INTRO}</div>",
            id="header-with-headline",
        ),
    ],
)
def test_boxes_that_only_look_like_an_intro_are_not_the_lead(box: str) -> None:
    """Teaser cards of other articles, and a header box holding the headline and date."""
    html = _with_description(
        f"<div class='article'>{box}<div class='news-text'>{_paragraphs(4)}</div></div>"
    )
    assert parse_article(html, URL).lead == "An SEO summary of the page."


@pytest.mark.unit
def test_sections_wrapped_one_by_one_with_their_heading_are_all_read() -> None:
    def section(name: str, count: int) -> str:
        paragraphs = "".join(f"<p>{SENTENCE} {name}{i}</p>" for i in range(count))
        heading = f"<h2>Part {name}: what the measurements really show</h2>"
        return f"<div class='wrap'>{heading}<div class='section'>{paragraphs}</div></div>"

    html = _page(
        f"<article>{section('a', 2)}{section('b', 5)}{section('c', 2)}</article>"
        "<div id='side'><a href='/x'>Home</a></div>"
    )
    texts = _texts(html)
    assert f"{SENTENCE} a0" in texts and f"{SENTENCE} b4" in texts and f"{SENTENCE} c1" in texts


@pytest.mark.unit
def test_css_inside_an_inline_element_never_scores() -> None:
    css = "<style>" + ", ".join(f".sk{i}{{color:#eee;width:{i}px}}" for i in range(60)) + "</style>"
    skeleton = f"<div class='loading'><span>{css}<span>Read the next story</span></span></div>"
    paragraphs = _paragraphs(4)
    html = _page(f"{skeleton}<div id='story'>{paragraphs}</div>")
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") == "story"


@pytest.mark.unit
def test_a_sidebar_with_more_text_than_a_short_article_is_not_a_wrapper() -> None:
    article = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    sidebar = "".join(
        f"<p>About us: a long text on the party, {SENTENCE} {i}</p>" for i in range(6)
    )
    html = _page(
        "<header id='top'><nav><a href='/'>Home</a></nav></header>"
        "<div id='container'><section id='content'><article class='post'>"
        f"<header><h1>A title of the page</h1></header><div class='text'>{article}</div>"
        f"</article></section><section id='sidebar'><aside class='widget widget-sidebar'>"
        f"<div class='widget-inner'>{sidebar}</div></aside></section></div>"
    )
    texts = _texts(html)
    assert f"{SENTENCE} 0" in texts and not any("About us" in t for t in texts)


@pytest.mark.unit
def test_a_blogger_post_inside_the_blog_widget_is_read() -> None:
    lines = "<br>".join(f"{SENTENCE} {i}" for i in range(5))
    archive = "".join(
        f"<li><a href='/{i}'>An older post of this blog, number {i}</a></li>" for i in range(16)
    )
    html = _page(
        "<div id='header'><h1>My blog</h1></div>"
        "<div class='widget Blog' id='Blog1'><div class='post hentry'>"
        f"<h3 class='post-title'>A post</h3><div class='post-body entry-content'>{lines}</div>"
        "</div></div><div class='widget BlogArchive' id='BlogArchive1'>"
        f"<div class='widget-content'><ul class='hierarchy'>{archive}</ul></div></div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and f"{SENTENCE} 4" in main.text_content()
