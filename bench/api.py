"""Read API benchmark: 100k synthetic structured records on PostgreSQL (.ci/services.sh),
`newsworker serve` on loopback, then p50/p99 latency of GET /articles per filter and of
full-text search (sequential requests), and requests/s of 8 concurrent clients (threads,
one httpx client each) over the same mix. With --flood: CLIENTS concurrent asyncio clients
(default 200) for SECONDS (default 60) against `serve --workers N`, counting answers by status
(only 200 and 503-with-Retry-After are allowed) with the latency of the default /articles
page, then a check that the server answers normally right after (bench/api_flood.py).

Rows are built in Python (record JSON with a police block, search_text = fold_key of the
text, facets, story/case ids) and loaded with COPY, then ANALYZE.

    python bench/api.py [--records 100000] [--requests 200] [--seconds 10] [--keep]
    python bench/api.py --flood [--clients 200] [--seconds 60] [--workers 1] [--no-wait]
                        [--keep | --db URL]

The server gets this environment's NEWSWORKER_API_* settings (defaults otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapers.text import fold_key
from tests.pg import fresh_pg_database
from worker.db.engine import make_engine
from worker.db.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
PROVINCES = ("Thanh Hóa", "Nghệ An", "Hà Nội", "Quảng Ninh", "Đà Nẵng", "Cần Thơ", "Huế",
             "Lào Cai", "Gia Lai", "Sơn La", "An Giang", "Bắc Ninh")  # fmt: skip
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Minh", "Quốc", "Đức", "Thanh", "Hữu", "Ngọc")
GIVEN = ("Tám", "Hoa", "Hùng", "Bảo", "Khang", "Lan", "Tuấn", "Dũng", "Hải", "Linh", "Sơn",
         "Phúc", "Trang", "Nam", "Long", "Quân", "Vy", "Yến", "Thắng", "Tú")  # fmt: skip
CRIMES = (("lừa đảo chiếm đoạt tài sản", "174", "cong_nghe_cao"),
          ("mua bán trái phép chất ma túy", "251", "ma_tuy"),
          ("trộm cắp tài sản", "173", "trat_tu_xa_hoi"),
          ("cố ý gây thương tích", "134", "trat_tu_xa_hoi"),
          ("đánh bạc", "321", "co_bac"), ("buôn lậu", "188", "kinh_te"))  # fmt: skip
GENRES = ("case_progress", "event_report", "arrest", "trial", "notice", "ceremony")
SOURCES = [(f"src-{n:02d}", "police_portal" if n % 4 == 0 else "newspaper") for n in range(20)]
BASE = datetime(2024, 1, 1, tzinfo=UTC)


def service_pg() -> str:
    key = "NEWSWORKER_TEST_PG_URL"
    if not os.environ.get(key):
        script = f"source {REPO / '.ci' / 'services.sh'} >&2 && env"
        out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True)
        os.environ.update(dict(ln.split("=", 1) for ln in out.stdout.splitlines() if "=" in ln))
    return os.environ[key]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def synthetic(i: int, rng: random.Random) -> tuple[tuple[Any, ...], list[tuple[str, str]]]:
    """One articles row (COPY column order below) and its facets."""
    province, person = rng.choice(PROVINCES), _person(rng)
    crime, number, topic = rng.choice(CRIMES)
    police = rng.random() > 0.15
    title = f"Công an tỉnh {province} bắt đối tượng {crime}" if police else (
        f"Lễ hội hoa xuân tại {province} thu hút du khách")  # fmt: skip
    lead = f"Đại tá {_person(rng)}, Giám đốc Công an tỉnh {province} thông tin vụ việc số {i}."
    body = (f"Ngày {i % 28 + 1}/{i % 12 + 1}, cơ quan điều tra đã khởi tố bị can {person} "
            f"(SN {1970 + i % 35}) về tội {crime} theo Điều {number} Bộ luật Hình sự. "
            f"Mã hồ sơ {i * 7919 % 1000003}.")  # fmt: skip
    source, _ = SOURCES[i % len(SOURCES)]
    published = None if i % 50 == 0 else BASE + timedelta(minutes=rng.randrange(700 * 24 * 60))
    seen = BASE + timedelta(days=700, seconds=i * 3)
    genre = rng.choice(GENRES) if police else "ceremony"
    record = {"title": title, "lead": lead, "paragraphs": [body], "url": f"https://{source}.vn/{i}",
              "police": {"genre": genre, "is_police_affairs": police,
                         "persons": [{"name": person, "role": "accused"}]}}  # fmt: skip
    url = record["url"]
    row = (i, f"{source}:{url}", source, url, url, title, published, f"{i:064x}", 1, "active",
           json.dumps(record, ensure_ascii=False), "bench", seen, seen, seen, seen,
           i // 3 + 1, (i // 5 + 1) if police else None, genre, 0.9 if police else 0.1, police,
           fold_key(f"{title}\n{lead}\n{body}"))  # fmt: skip
    facets = [("province", province), ("province_2025", province), ("person", fold_key(person)),
              ("genre", genre)]  # fmt: skip
    if police:
        facets += [("topic", topic), ("crime_article", number)]
    return row, facets


COLUMNS = (
    "id, identity, source_key, url, canonical_url, title, published_at, content_hash, "
    "revision, status, record, parser_version, first_seen_at, fetched_at, checked_at, "
    "updated_at, story_id, case_id, genre, relevance, is_police_affairs, search_text"
)


def load(url: str, count: int) -> float:
    started = time.perf_counter()
    rng = random.Random(7)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy("COPY sources (key, name, outlet_type, enabled, consecutive_errors) "
                      "FROM STDIN") as copy:  # fmt: skip
            for key, kind in SOURCES:
                copy.write_row((key, key, kind, True, 0))
        facet_rows: list[tuple[int, str, str]] = []
        with cur.copy(f"COPY articles ({COLUMNS}) FROM STDIN") as copy:
            for i in range(1, count + 1):
                row, facets = synthetic(i, rng)
                copy.write_row(row)
                facet_rows += [(i, f, v) for f, v in set(facets)]
        with cur.copy("COPY article_facets (article_id, facet, value) FROM STDIN") as copy:
            for facet_row in facet_rows:
                copy.write_row(facet_row)
        cur.execute("SELECT setval('articles_id_seq', %s)", (count,))
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE articles")
        cur.execute("VACUUM ANALYZE article_facets")
    return time.perf_counter() - started


@contextmanager
def database(admin_url: str, keep: bool) -> Iterator[str]:
    """A fresh, migrated database for the bench (kept with --keep)."""
    with fresh_pg_database(admin_url, "nw_bench_api", keep=keep) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        if keep:
            print(f"kept database {url}")


class Server:
    """`newsworker serve` in a subprocess on a free loopback port."""

    def __init__(self, db_url: str, tmp: Path, workers: int = 1) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("NEWSWORKER_") or k.startswith("NEWSWORKER_API_")}  # fmt: skip
        env.update(NEWSWORKER_DATABASE_URL=db_url, NEWSWORKER_DATA_DIR=str(tmp),
                   NEWSWORKER_CONFIG_DIR=str(tmp), NEWSWORKER_LOG_LEVEL="WARNING")  # fmt: skip
        cmd = [sys.executable, "-m", "worker.cli", "serve", "--port", str(self.port),
               "--workers", str(workers)]  # fmt: skip
        self.proc = subprocess.Popen(cmd, env=env, cwd=REPO)
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> str:
        for _ in range(300):
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return self.base
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def scenarios(client: httpx.Client) -> dict[str, dict[str, Any]]:
    page2 = client.get("/articles", params={"limit": 50}).json()["next_cursor"]
    return {
        "no filter": {},
        "page 2 (cursor)": {"cursor": page2},
        "sort first_seen_at": {"sort": "first_seen_at"},
        "source": {"source": "src-03"},
        "province": {"province": "thanh hoa"},
        "outlet_type": {"outlet_type": "police_portal"},
        "since/until": {"since": "2025-03-01", "until": "2025-03-15"},
        "topic": {"topic": "ma_tuy"},
        "genre": {"genre": "trial"},
        "crime_article": {"crime_article": "188"},
        "person (full)": {"person": "Nguyễn Văn Tám"},
        "person (partial)": {"person": "van tam"},
        "story_id": {"story_id": 1234},
        "case_id": {"case_id": 777},
        "is_police_affairs": {"is_police_affairs": "false"},
        "combined": {"province": "Hà Nội", "genre": "arrest", "since": "2024-06-01"},
        "search: cong an": {"q": "cong an"},
        "search: dai ta": {"q": "dai ta"},
        "search: rare phrase": {"q": "ma ho so 4242"},
        "search: le hoi hoa xuan": {"q": "le hoi hoa xuan"},
        "search + province": {"q": "danh bac", "province": "Huế"},
    }


def latency(client: httpx.Client, params: dict[str, Any], n: int) -> tuple[float, float, int]:
    times = []
    count = 0
    for _ in range(n):
        started = time.perf_counter()
        response = client.get("/articles", params={"limit": 50, **params})
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        count = len(response.json()["items"])
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], count


def throughput(base: str, mix: list[dict[str, Any]], seconds: float, clients: int = 8) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def run(slot: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            k = slot
            while time.perf_counter() < stop:
                client.get(
                    "/articles", params={"limit": 50, **mix[k % len(mix)]}
                ).raise_for_status()
                done[slot] += 1
                k += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def sequential(base: str, client: httpx.Client, args: argparse.Namespace) -> None:
    cases = scenarios(client)
    for params in cases.values():  # warm-up
        latency(client, params, 3)
    print(f"{'scenario':<24} {'p50 ms':>8} {'p99 ms':>8} {'rows':>5}")
    for name, params in cases.items():
        p50, p99, rows = latency(client, params, args.requests)
        target = 300 if name.startswith("search") else 100
        flag = "" if p99 < target else f"  OVER {target} ms"
        print(f"{name:<24} {p50:8.1f} {p99:8.1f} {rows:5d}{flag}")
    rps = throughput(base, list(cases.values()), args.seconds or 10.0)
    print(f"8 concurrent clients, mixed scenarios: {rps:.0f} requests/s")


def flood(base: str, client: httpx.Client, args: argparse.Namespace) -> None:
    from bench.api_flood import run

    mix = [("/articles", p) for p in scenarios(client).values() if p]
    first = client.get("/articles", params={"limit": 5}).json()["items"]
    mix += [(f"/articles/{item['id']}", {}) for item in first]
    print(f"flood: {args.clients} clients for {args.seconds or 60:.0f} s, serve --workers "
          f"{args.workers}, clients {'ignore' if args.no_wait else 'wait'} Retry-After, "
          f"{os.cpu_count()} cores shared with the clients")  # fmt: skip
    for line in run(base, mix, args.clients, args.seconds or 60.0, not args.no_wait):
        print(line)


@contextmanager
def _loaded(args: argparse.Namespace) -> Iterator[str]:
    """A database loaded with --records rows, or the one --db names (from --keep)."""
    if args.db:
        yield args.db
        return
    with database(service_pg(), args.keep) as url:
        print(f"loaded {args.records} records in {load(url, args.records):.1f} s (COPY)")
        yield url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, help="throughput: 10; flood: 60")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--db", help="use this loaded database (kept by --keep), no load")
    parser.add_argument("--flood", action="store_true", help="the crowd test instead")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument("--no-wait", action="store_true", help="flood clients skip Retry-After")
    args = parser.parse_args()
    import tempfile

    with (
        _loaded(args) as url,
        tempfile.TemporaryDirectory() as tmp,
        Server(url, Path(tmp), args.workers) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        (flood if args.flood else sequential)(base, client, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
