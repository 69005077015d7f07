"""Random HTML pages for the tests that compare a fast path with its plain definition:
nested elements, each drawn by a test-specific Shape (tags, opening and closing markup,
what may follow the children), from a seed (the same seed gives the same page)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


def _nothing(rng: random.Random) -> str:
    return ""


@dataclass(frozen=True)
class Shape:
    tags: tuple[str, ...]
    opening: Callable[[random.Random, str], str]  # start tag and leading text
    closing: Callable[[random.Random, str], str]  # end tag and tail text
    max_depth: int = 5
    after_children: Callable[[random.Random], str] = _nothing  # e.g. a comment, or ""
    void: frozenset[str] = frozenset()  # tags without children or end tag
    wrapper: tuple[str, str] = ("<html><body>", "</body></html>")


def random_page(seed: int, shape: Shape) -> str:
    rng = random.Random(seed)
    parts: list[str] = []

    def grow(depth: int) -> None:
        for _ in range(rng.randint(1, 4)):
            tag = rng.choice(shape.tags)
            parts.append(shape.opening(rng, tag))
            if tag in shape.void:
                continue
            if depth < shape.max_depth and rng.random() < 0.7:
                grow(depth + 1)
            parts.append(shape.after_children(rng))
            parts.append(shape.closing(rng, tag))

    grow(0)
    return shape.wrapper[0] + "".join(parts) + shape.wrapper[1]
