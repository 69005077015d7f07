"""Speed of the event side of police structuring (relevance, genre/topics, crimes, legal
actions, figures, event times, notices) on a ~5 KB article built from the seed article.

Prints CPU ms per article (best of 5 runs, process time: the bench box is shared).
Run: python bench/police_events.py [path-to-seed]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from scrapers.police.crimes import extract_crimes
from scrapers.police.figures import extract_figures
from scrapers.police.genre import classify_article
from scrapers.police.legal import extract_legal_actions
from scrapers.police.notices import extract_scam, extract_wanted
from scrapers.police.times import extract_event_times

SEED = Path(__file__).resolve().parents[2] / "shared/corpus/seeds/000_678036b57beabb10.txt"
EXTRA = (
    "\n\nKhoảng 22h30 ngày 15/6, Cơ quan CSĐT Công an tỉnh đã khởi tố vụ án, khởi tố bị can, "
    "bắt tạm giam Nguyễn Văn Hùng (SN 1990) về tội “Mua bán trái phép chất ma túy”, thu giữ "
    "hơn 2,7 kg heroin và 1.500 viên ma túy tổng hợp, 1,2 tỷ đồng."
)
PUBLISHED = datetime(2020, 6, 19, 10, 30)


def article(path: Path) -> tuple[str, str, str]:
    paras = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return paras[0].removeprefix("date 2020-06").strip(), paras[1], "\n\n".join(paras[2:]) + EXTRA


def best_ms(fn: Callable[[int], object], n: int = 300) -> float:
    best, counter = float("inf"), 0
    for _ in range(5):
        start = time.process_time()
        for _ in range(n):
            counter += 1
            fn(counter)
        best = min(best, (time.process_time() - start) / n)
    return best * 1000


def main() -> None:
    title, lead, body = article(Path(sys.argv[1]) if len(sys.argv) > 1 else SEED)

    def run(i: int) -> None:
        text = f"{body} {i}"  # a new text each time: no cache hits across articles
        classify_article(title, lead, text, outlet_type="police_portal")
        extract_crimes(text)
        extract_legal_actions(text)
        extract_figures(text)
        extract_event_times(text, published=PUBLISHED)
        extract_wanted(text)
        extract_scam(text)

    for i in range(50):
        run(-i)
    ms = best_ms(run)
    print(f"body {len(body.encode())} bytes: {ms:.3f} ms/article, {1000 / ms:.0f} articles/s")


if __name__ == "__main__":
    main()
