"""Genre and topics (pure): title, lead, body in; genre, confidence, topics out.

Cue rules and weights are data (data/genre.toml, documented there). Title and lead hits
weigh more than body hits; body hits per cue are capped. Crime topics seen only in the body
of a conference or summary report are background and damped ("đấu tranh với tội phạm ma
túy" in an awards ceremony does not make it a drugs story).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from scrapers.police.model_events import Classification
from scrapers.police.relevance import score_relevance
from scrapers.police.rules import Prepared, prepare, table
from scrapers.police.vocab import WeightedCues, add_scores


@dataclass(frozen=True, slots=True)
class _Rules:
    genres: WeightedCues
    topics: WeightedCues
    weights: dict[str, float]
    default: str
    scale: float
    topic_min: float
    cap: int
    background_genres: frozenset[str]
    background_topics: frozenset[str]
    background_factor: float


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = table("genre")
    return _Rules(
        genres=WeightedCues(data["genres"]),
        topics=WeightedCues(data["topics"]),
        weights={k: float(v) for k, v in data["field_weights"].items()},
        default=str(data["default_genre"]),
        scale=float(data["topic_scale"]),
        topic_min=float(data["topic_min"]),
        cap=int(data["body_cap"]),
        background_genres=frozenset(data["background_genres"]),
        background_topics=frozenset(data["background_topics"]),
        background_factor=float(data["background_factor"]),
    )


def classify(title: str, lead: str, text: str) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """(genre, confidence 0..1, topics as (slug, confidence) best first)."""
    rules = _rules()
    fields = {"title": title, "lead": lead, "body": text}
    keys = {name: prepare(value) for name, value in fields.items()}
    genre, confidence = _genre(rules, keys)
    return genre, confidence, _topics(rules, keys, genre)


def _genre(rules: _Rules, keys: dict[str, Prepared]) -> tuple[str, float]:
    scores: dict[str, float] = {}
    for name, key in keys.items():
        cap = rules.cap if name == "body" else 1_000_000
        add_scores(scores, rules.genres.score(key, rules.weights[name], cap))
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] <= 0:
        return rules.default, 0.1
    best_label, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = (best / (best + second)) * (1.0 - math.exp(-best / rules.scale))
    return best_label, round(min(1.0, confidence), 3)


def _topics(rules: _Rules, keys: dict[str, Prepared], genre: str) -> tuple[tuple[str, float], ...]:
    head: dict[str, float] = {}
    for name in ("title", "lead"):
        add_scores(head, rules.topics.score(keys[name], rules.weights[name]))
    body = rules.topics.score(keys["body"], rules.weights["body"], rules.cap)
    damp = genre in rules.background_genres
    scores = dict(head)
    for label, value in body.items():
        background = damp and label in rules.background_topics and label not in head
        add_scores(scores, {label: value}, rules.background_factor if background else 1.0)
    out = [
        (label, round(1.0 - math.exp(-value / rules.scale), 3)) for label, value in scores.items()
    ]
    out = [t for t in out if t[1] >= rules.topic_min]
    return tuple(sorted(out, key=lambda t: (-t[1], t[0])))


def classify_article(title: str, lead: str, text: str, *, outlet_type: str) -> Classification:
    """Relevance, genre and topics in one record."""
    relevance, is_police = score_relevance(title, lead, text, outlet_type=outlet_type)
    genre, confidence, topics = classify(title, lead, text)
    return Classification(
        relevance=relevance,
        is_police_affairs=is_police,
        genre=genre,
        genre_confidence=confidence,
        topics=topics,
    )
