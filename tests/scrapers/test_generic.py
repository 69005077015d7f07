"""Generic main-content layer: layout wrappers, <br>-broken text, taxonomy classes."""

from __future__ import annotations

import pytest

from scrapers.article import parse_article
from scrapers.dom import load_tree
from scrapers.layers.generic import find_main_content

SENTENCE = "This is a sentence of the article, long enough to count as real text here."


def _page(body: str, body_class: str = "") -> str:
    head = "<head><title>A title of the page</title></head>"
    return f"<html>{head}<body class='{body_class}'>{body}</body></html>"


@pytest.mark.unit
def test_layout_wrapper_with_a_boilerplate_class_does_not_hide_the_article() -> None:
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(5))
    html = _page(
        "<div class='l-outer l-outer--nav'><div class='story'>"
        f"{paragraphs}</div><div class='sidebar'><p>{SENTENCE}</p></div></div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("class") == "story"


@pytest.mark.unit
def test_a_form_around_the_whole_page_is_a_wrapper() -> None:
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(4))
    html = _page(f"<form id='aspnetForm'><div id='text'>{paragraphs}</div></form>")
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") == "text"


@pytest.mark.unit
def test_a_real_sidebar_still_never_scores() -> None:
    links = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(
        f"<div id='post'><p>{SENTENCE}</p><p>{SENTENCE}</p></div>"
        f"<div class='sidebar'>{links}</div><div class='other-stuff'>{links}{links}</div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") != "sidebar"


@pytest.mark.unit
def test_br_broken_text_counts_line_by_line() -> None:
    lines = "<br><br>".join(f"{SENTENCE} {i}" for i in range(8))
    teasers = "".join(f"<li>{SENTENCE}</li>" for _ in range(6))
    html = _page(
        f"<div id='post'><div class='post-body'>{lines}</div></div>"
        f"<div id='more'><ul id='list'>{teasers}</ul></div>"
    )
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") == "post"


@pytest.mark.unit
def test_article_with_taxonomy_classes_is_not_a_junk_box() -> None:
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(3))
    html = _page(
        f"<article class='post-1 post tag-news category-local'>{paragraphs}</article>",
        body_class="single has-sidebar",
    )
    record = parse_article(html, "https://example.org/a")
    assert record.paragraphs and record.paragraphs[0] == SENTENCE


def _texts(html: str) -> tuple[str, ...]:
    return parse_article(html, "https://example.org/a").paragraphs


@pytest.mark.unit
def test_script_and_style_text_never_scores() -> None:
    script = "<script>var x = {" + ", ".join(f"'k{i}': {i}" for i in range(200)) + "};</script>"
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(3))
    html = _page(f"<div id='ads'>{script}</div><div id='story'>{paragraphs}</div>")
    main = find_main_content(load_tree(html))
    assert main is not None and main.get("id") == "story"


@pytest.mark.unit
def test_text_split_across_sibling_blocks_is_merged() -> None:
    blocks = "".join(
        f"<div class='text-block'><p>{SENTENCE} {i}a</p><p>{SENTENCE} {i}b</p></div>"
        for i in range(3)
    )
    html = _page(f"<div id='story'>{blocks}</div><div id='aside'><a href='/x'>Home</a></div>")
    texts = _texts(html)
    assert f"{SENTENCE} 0a" in texts and f"{SENTENCE} 2b" in texts


@pytest.mark.unit
def test_heading_between_merged_blocks_is_kept() -> None:
    first = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(4))
    second = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(4, 7))
    html = _page(
        f"<div id='story'><div class='part'>{first}</div><h2>A subheading</h2>"
        f"<div class='part2'>{second}</div></div>"
    )
    texts = _texts(html)
    assert "A subheading" in texts and f"{SENTENCE} 6" in texts


@pytest.mark.unit
def test_page_builder_widgets_are_scored_again_without_class_penalties() -> None:
    widgets = "".join(
        f"<div class='elementor-widget-container'><p>{SENTENCE} {i}</p></div>" for i in range(4)
    )
    texts = _texts(_page(f"<div class='elementor-row'>{widgets}</div>"))
    assert f"{SENTENCE} 0" in texts and f"{SENTENCE} 3" in texts


@pytest.mark.unit
def test_generic_body_keeps_the_paragraph_a_description_repeats() -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    head = f"<head><title>A title</title><meta name='description' content='{SENTENCE}'></head>"
    html = f"<html>{head}<body><div id='story'>{paragraphs}</div></body></html>"
    record = parse_article(html, "https://example.org/a")
    assert record.paragraphs[0] == f"{SENTENCE} 0" and record.lead == SENTENCE


@pytest.mark.unit
def test_select_skips_selectors_naming_absent_classes_but_still_matches() -> None:
    from scrapers.dom import select

    root = load_tree(_page("<div class='Story main' id='x'><p class='a'>One</p></div>"))
    assert select(root, ".sidebar") == []
    assert [el.tag for el in select(root, ".sidebar, p.a")] == ["p"]
    assert [el.tag for el in select(root, "div.story")] == []  # class match is exact
    assert [el.tag for el in select(root, "div.Story")] == ["div"]
    assert [el.tag for el in select(root, "p:not(.b)")] == ["p"]
    assert [el.tag for el in select(root, "#x > p")] == ["p"]
    body = root.find("body")
    assert body is not None and [el.tag for el in select(body, "p.a")] == ["p"]


@pytest.mark.unit
def test_elements_are_html_elements_with_text_content() -> None:
    root = load_tree(_page("<form><input name='q'><p>Some <b>bold</b> text</p></form>"))
    paragraph = root.find(".//p")
    assert paragraph is not None and paragraph.text_content() == "Some bold text"


def _described(body: str) -> str:
    head = f"<head><title>A title</title><meta name='description' content='{SENTENCE}'></head>"
    return f"<html>{head}<body>{body}</body></html>"


@pytest.mark.unit
def test_a_plain_paragraph_repeating_the_description_stays_in_the_body() -> None:
    html = _described(f"<div id='story'><p>{SENTENCE}</p></div><div id='x'>Menu</div>")
    record = parse_article(html, "https://example.org/a")
    assert record.paragraphs == (SENTENCE,) and record.lead == SENTENCE


@pytest.mark.unit
def test_a_sapo_box_repeating_the_description_is_the_lead_not_the_body() -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _described(f"<div id='story'><div class='sapo'>{SENTENCE}</div>{paragraphs}</div>")
    record = parse_article(html, "https://example.org/a")
    assert SENTENCE not in record.paragraphs and record.paragraphs[0] == f"{SENTENCE} 0"
    assert record.lead == SENTENCE


@pytest.mark.unit
def test_wordpress_post_with_tag_classes_is_not_a_tag_widget() -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(
        "<div id='blogcontent'><div id='blog_post' class='post-12 post type-post hentry "
        f"tag-sports tag-news'>{paragraphs}</div><div class='tags'>Tags: a</div></div>"
    )
    texts = _texts(html)
    assert f"{SENTENCE} 0" in texts and f"{SENTENCE} 2" in texts


@pytest.mark.unit
def test_a_form_or_junk_box_holding_most_of_the_text_is_a_wrapper() -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(4))
    html = _page(
        f"<div id='story'><form id='pageForm'>{paragraphs}</form>"
        f"<div class='share'>Share this on Facebook and Twitter</div></div>"
    )
    texts = _texts(html)
    assert f"{SENTENCE} 0" in texts and f"{SENTENCE} 3" in texts
    assert not any("Share this" in t for t in texts)


@pytest.mark.unit
def test_a_list_of_teasers_is_never_a_wrapper() -> None:
    teasers = "".join(f"<li>{SENTENCE} {SENTENCE} teaser {i}</li>" for i in range(6))
    html = _page(
        f"<div id='story'><p>{SENTENCE} 0</p><p>{SENTENCE} 1</p>"
        f"<ul class='related_post'>{teasers}</ul></div>"
    )
    assert not any("teaser" in t for t in _texts(html))


@pytest.mark.unit
def test_cookie_and_consent_boxes_never_hold_the_article() -> None:
    settings = "".join(f"<p>{SENTENCE} cookie purpose {i}</p>" for i in range(12))
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(4))
    html = _page(
        f"<div class='sp-dsgvo sp-dsgvo-popup-overlay'>{settings}</div>"
        f"<article><div class='m159-cookies-info'><p>{SENTENCE} cookie notice</p></div>"
        f"{paragraphs}</article>"
    )
    texts = _texts(html)
    assert f"{SENTENCE} 0" in texts and not any("cookie" in t for t in texts)


@pytest.mark.unit
def test_ruby_annotations_are_not_text() -> None:
    ruby = "<ruby>子<rt>こ</rt></ruby>どもが学校に行きます、とても大切なことです。"
    paragraphs = "".join(f"<p>{ruby}{i}</p>" for i in range(3))
    html = _page(f"<div id='story'>{paragraphs}</div>")
    assert _texts(html)[0] == "子どもが学校に行きます、とても大切なことです。0"


@pytest.mark.unit
def test_a_form_is_a_block_not_inline_text() -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(f"<div id='story'><form id='aspnetForm'>{paragraphs}</form></div>")
    assert _texts(html) == tuple(f"{SENTENCE} {i}" for i in range(3))


@pytest.mark.unit
def test_text_inside_a_header_left_open_is_still_found() -> None:
    def paragraphs(tag: str, n: int) -> str:
        return "".join(f"<p>{SENTENCE} {tag}{i}</p>" for i in range(n))

    html = _page(
        f"<nav><div>{paragraphs('n', 2)}</div></nav>"
        f"<header class='message'><div class='post'>{paragraphs('h', 3)}</div></header>"
        f"<footer><div>{paragraphs('f', 2)}</div></footer>"
    )
    assert f"{SENTENCE} h2" in _texts(html)


@pytest.mark.unit
def test_article_split_into_many_small_nested_blocks_is_widened() -> None:
    main = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(6))
    small = "".join(
        f"<div class='box'><div><p>A short line of text number {i}.</p></div></div>"
        for i in range(7)
    )
    html = _page(
        f"<div id='page'><div class='main'>{main}</div>{small}</div>"
        "<div id='side'><a href='/a'>Home</a> <a href='/b'>News</a></div>"
    )
    texts = _texts(html)
    assert f"{SENTENCE} 0" in texts and "A short line of text number 6." in texts


@pytest.mark.unit
@pytest.mark.parametrize(
    "line",
    [
        "Read more: Looted colonial art goes back",
        "Lesen Sie auch:",
        "Das könnte Sie auch interessieren!",
        "Zobacz również",
        "Veja Também:",
        "LE PUEDE INTERESAR: La ficha del caso",
        "Weitere Informationen",
        "Follow us on Twitter and Facebook for live updates",
    ],
)
def test_see_also_share_and_follow_lines_are_not_text(line: str) -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(f"<div id='story'>{paragraphs}<p>{line}</p><p>{SENTENCE} end</p></div>")
    texts = _texts(html)
    assert line not in texts and f"{SENTENCE} end" in texts


@pytest.mark.unit
def test_a_cue_word_opening_a_long_sentence_is_text() -> None:
    long = "Kommentare: " + " ".join(["die Leser schrieben viel zu diesem Thema"] * 4)
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    html = _page(f"<div id='story'>{paragraphs}<p>{long}</p></div>")
    assert long in _texts(html)


@pytest.mark.unit
def test_a_previous_article_link_is_not_text() -> None:
    paragraphs = "".join(f"<p>{SENTENCE} {i}</p>" for i in range(3))
    nav = "<div>Previous article<a href='/x'>Plans to turn an eyesore into a beauty spot</a></div>"
    html = _page(f"<div id='story'>{paragraphs}{nav}</div>")
    assert not any("eyesore" in t for t in _texts(html))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("body", "family"),
    [
        ("<div class='post-content'><p>x</p></div>", None),  # WordPress, not cand.com.vn
        ("<div id='article_content'><p>x</p></div>", None),
        ("<div data-role='content'><p>x</p></div>", None),
        ("<div class='detail__content'><p>x</p></div>", None),
        ("<div id='main-detail'><p>x</p></div>", None),
        ("<div id='main_detail'><p>x</p></div>", None),
        ("<div id='dcontent'><p>x</p></div>", None),
        ("<div data-slot='content'><p>x</p></div>", None),
        ("<h1 class='titledetail'>T</h1><div class='post-content'>x</div>", "cand-old"),
        ("<div class='article_head'>L</div><div id='article_content'>x</div>", "congan-hcm"),
        ("<div class='detail-content afcbc-body'>x</div>", "detail"),
        ("<div id='main-detail'><p class='pBody'>x</p></div>", "baothanhhoa-old"),
        ("<div class='article__sapo'>L</div><div id='dcontent'>x</div>", "baothanhhoa-new"),
    ],
)
def test_cms_families_are_detected_only_by_their_own_markers(body: str, family: str | None) -> None:
    from scrapers.layers.cms import detect_family

    found = detect_family(load_tree(_page(body)))
    assert (found.name if found is not None else None) == family
