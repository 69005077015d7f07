"""Errors raised by the pure parsing stage.

ScrapeError
├── FeedError          a feed / sitemap / listing body that cannot be read as one
├── ArticleParseError  an article page with no usable title or body
└── ParseTimeout       a parser ran past its time limit (raised by the caller's guard)
"""

from __future__ import annotations


class ScrapeError(ValueError):
    """Base class: the input bytes could not be turned into a record."""


class FeedError(ScrapeError):
    """A discovery document (RSS/Atom/sitemap/listing) is malformed or of the wrong kind."""


class ArticleParseError(ScrapeError):
    """An article page yielded no usable title or body."""


class ParseTimeout(ScrapeError):
    """Parsing exceeded its time budget."""
