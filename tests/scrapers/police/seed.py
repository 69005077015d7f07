"""The seed article (../shared/corpus/seeds/000_678036b57beabb10.txt) split into title, lead
and body, for the police structuring tests. Skips when the shared corpus is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[4] / "shared/corpus/seeds/000_678036b57beabb10.txt"


def seed_parts() -> tuple[str, str, str]:
    if not SEED.exists():
        pytest.fail("shared seed corpus not available")
    paras = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    title = paras[0].removeprefix("date 2020-06").strip()
    return title, paras[1], "\n\n".join(paras[2:])
