"""Warm-up: the structuring tables are built and the heap is frozen before ingesting."""

from __future__ import annotations

import gc

import pytest

from worker.warmup import warm_up


@pytest.mark.unit
def test_warm_up_freezes_the_heap_with_the_structuring_tables_in_it() -> None:
    from scrapers.police.gazetteer import gazetteer

    gc.unfreeze()
    gazetteer.cache_clear()
    try:
        warm_up()
        assert gazetteer.cache_info().currsize == 1  # built by the warm-up, not by article 1
        tables = gazetteer()
        assert gc.get_freeze_count() > 0
        tracked = {id(o) for o in gc.get_objects()}
        assert id(tables) not in tracked  # frozen: no longer scanned by collections
    finally:
        gc.unfreeze()
