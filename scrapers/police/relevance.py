"""Police-affairs relevance (pure): title, lead, body and outlet type in; (0..1, bool) out.

score = outlet prior + Σ cue weight × field weight (body hits capped per cue), negative cues
subtract; relevance = 1 - exp(-score / scale). Weights, priors, scale and the threshold are
data (data/relevance.toml). Police portals carry a prior; the per-source keep decision
(threshold in the source TOML) stays with the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from scrapers.police.rules import prepare, table
from scrapers.police.vocab import WeightedCues, add_scores


@dataclass(frozen=True, slots=True)
class _Rules:
    cues: WeightedCues
    weights: dict[str, float]
    prior: dict[str, float]
    scale: float
    threshold: float
    cap: int


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = table("relevance")
    return _Rules(
        cues=WeightedCues({"+": data["cues"], "-": data["negative"]}),
        weights={k: float(v) for k, v in data["field_weights"].items()},
        prior={k: float(v) for k, v in data["outlet_prior"].items()},
        scale=float(data["scale"]),
        threshold=float(data["threshold"]),
        cap=int(data["body_cap"]),
    )


def score_relevance(title: str, lead: str, text: str, *, outlet_type: str) -> tuple[float, bool]:
    """(relevance 0..1, is_police_affairs) for one article."""
    rules = _rules()
    scores: dict[str, float] = {}
    for name, value in (("title", title), ("lead", lead), ("body", text)):
        if value:
            cap = rules.cap if name == "body" else 1_000_000
            add_scores(scores, rules.cues.score(prepare(value), rules.weights[name], cap))
    total = rules.prior.get(outlet_type, 0.0) + sum(scores.values())
    relevance = round(1.0 - math.exp(-max(total, 0.0) / rules.scale), 3)
    return relevance, relevance >= rules.threshold
