"""A loopback news site with a poisoned article among good ones, for the containment tests.

The poison is served at a path holding POISON, so NEWSWORKER_FAULT_AT="<stage>:<POISON>"
(worker/crashpoints.py) or a database trigger on that URL can make it fail in one stage.
One of the good articles carries the page of issue 14 (a control character and a
reference to one after a script in its first paragraph): it must be stored like the others.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from tests.fixtures import discovery_docs
from tests.fixtures.corpus_site import RSS, ArticleSpec, make_spec, render
from tests.fixtures.site import FixtureSite

POISON = "bai-doc-hai"
CONTROL_TAIL = "<script>x</script>\x01&#2;Sau đó"


@dataclass(frozen=True, slots=True)
class PoisonedFeed:
    good: list[ArticleSpec]
    poison: ArticleSpec
    feed_url: str
    control_page: ArticleSpec  # the good article with issue 14's control characters


def _with_control_tail(spec: ArticleSpec) -> bytes:
    page = render(spec)
    first = html.escape(spec.paragraphs[0]).encode()
    assert first in page
    return page.replace(first, first + CONTROL_TAIL.encode(), 1)


def poisoned_feed(
    site: FixtureSite, *, prefix: str = "/tin-tuc", good: int = 20, seed: int = 0
) -> PoisonedFeed:
    """`good` articles and one poisoned one (in the middle of the feed), as RSS."""
    specs = [make_spec(prefix, site.base_url, i, seed) for i in range(good + 1)]
    poison_path = f"{prefix}/{POISON}-{specs[good].article_id}.html"
    poison = replace(specs[good], path=poison_path, url=site.url(poison_path))
    good_specs = specs[:good]
    for spec in good_specs[1:]:
        site.add(spec.path, render(spec))
    site.add(good_specs[0].path, _with_control_tail(good_specs[0]))
    site.add(poison.path, render(poison))
    middle = good // 2
    listed = [*good_specs[:middle], poison, *good_specs[middle:]]
    site.add(f"{prefix}/rss.xml", discovery_docs.rss(site, prefix, listed), RSS)
    return PoisonedFeed(good_specs, poison, site.url(f"{prefix}/rss.xml"), good_specs[0])
