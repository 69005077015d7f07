"""Peak memory of one `newsworker ingest` process per hostile input (issue 14, item 5).

Each input is generated in memory (nothing big is written to the repository), served by the
loopback fixture site (tests/fixtures/site.py) and ingested by its own child process
`python -m worker.cli ingest --json` (what the `newsworker` script runs) with a temporary
CONFIG_DIR holding one source that points at it, SQLite in a temporary DATA_DIR and the
loopback network allowed. Per input it prints the child's peak RSS (ru_maxrss from
os.wait4), wall time, exit code, the run's counts and what the database holds afterwards
(articles: text characters and police truncation; failures: stage and kind).

Run:    LD_PRELOAD=libjemalloc.so.2 PYTHONPATH=$PWD python bench/hostile.py [input name ...]
(the children inherit the preload: jemalloc, as the image runs them).
Target: every peak RSS under 300 MB.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.site import FixtureSite

TARGET_MB = 300
CHILD_TIMEOUT_S = 600
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
SHARED = Path(os.environ.get("NEWSWORKER_SHARED_DIR", Path(__file__).parents[2] / "shared"))
POLICE_TEXTS = SHARED / "corpus/police-texts/baomoi-2017.jsonl.gz"
FALLBACK_PARAGRAPH = (
    "Ngày 19/6, Phòng Cảnh sát hình sự Công an tỉnh Thanh Hóa đã khởi tố vụ án, khởi tố bị "
    "can, bắt tạm giam Nguyễn Văn Hùng (SN 1990, trú tại xã Quảng Phú) về tội trộm cắp tài sản."
)


@dataclass(frozen=True, slots=True)
class Hostile:
    name: str
    kind: str  # discover kind of the source
    setup: Callable[[FixtureSite], str]  # serves the input, returns the discover URL


def _article_html(title: str, body: bytes) -> bytes:
    head = f"<!doctype html><html><head><title>{title}</title></head><body><article>"
    return head.encode() + f"<h1>{title}</h1>".encode() + body + b"</article></body></html>"


def _feed_to(site: FixtureSite, path: str) -> str:
    """A one-item RSS feed linking to `path`; returns the feed URL."""
    item = (
        f"<item><title>Tin</title><link>{site.url(path)}</link>"
        "<pubDate>Sat, 07 Mar 2026 08:00:00 +0700</pubDate></item>"
    )
    site.add("/rss.xml", f'<rss version="2.0"><channel><title>x</title>{item}</channel></rss>', RSS)
    return site.url("/rss.xml")


def _sitemap_gz(site: FixtureSite) -> str:
    """850k URLs (every tenth with a <lastmod>), gzipped as a file (not Content-Encoding):
    ~2.4 MB, inflating to ~47 MB, under the 50 MB sitemaps.org limit."""
    rnd = random.Random(14)
    parts = [b'<?xml version="1.0" encoding="UTF-8"?>\n']
    parts.append(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    base = site.url("/t")
    for i in range(850_000):
        when = f"2025-{1 + i % 12:02d}-{1 + rnd.randrange(28):02d}"
        lastmod = f"<lastmod>{when}</lastmod>" if i % 10 == 0 else ""
        parts.append(f"<url><loc>{base}/{i}</loc>{lastmod}</url>".encode())
    parts.append(b"</urlset>\n")
    data = gzip.compress(b"".join(parts), compresslevel=9, mtime=0)
    site.add("/sitemap.xml.gz", data, "application/x-gzip")
    return site.url("/sitemap.xml.gz")


def _sitemap_bomb(site: FixtureSite) -> str:
    """A gzipped sitemap file of ~1 MB inflating to 1 GiB (a <urlset> then spaces)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')]
    chunk = b" " * (1024 * 1024)
    parts += [comp.compress(chunk) for _ in range(1024)]
    parts.append(comp.flush())
    site.add("/bomb.xml.gz", b"".join(parts), "application/x-gzip")
    return site.url("/bomb.xml.gz")


def _invalid_utf8(site: FixtureSite) -> str:
    """9.4 MB of random bytes (no markup characters) inside <p>, served without a charset."""
    rnd = random.Random(14)
    blob = rnd.randbytes(9_400_000).translate(bytes.maketrans(b"<>&", b"   "))
    site.add("/bad.html", _article_html("Trang lỗi", b"<p>" + blob + b"</p>"), "text/html")
    return _feed_to(site, "/bad.html")


def _police_paragraphs() -> list[str]:
    if not POLICE_TEXTS.exists():
        return [FALLBACK_PARAGRAPH]
    with gzip.open(POLICE_TEXTS, "rt", encoding="utf-8") as lines:
        texts = [json.loads(line) for line in lines]
    return [p for t in texts if t["filter"] == "police-cues" for p in t["body"].splitlines() if p]


def _police_10mb(site: FixtureSite) -> str:
    """A valid UTF-8 page of ~10 MB of real police-news paragraphs (under the 10 MiB cap)."""
    paragraphs, body, size, i = _police_paragraphs(), [], 0, 0
    while size < 10_000_000:
        chunk = f"<p>{paragraphs[i % len(paragraphs)]}</p>\n".encode()
        body.append(chunk)
        size, i = size + len(chunk), i + 1
    site.add("/police.html", _article_html("Công an tỉnh bắt giữ", b"".join(body)))
    return _feed_to(site, "/police.html")


def _gzip_bomb(site: FixtureSite) -> str:
    """An article answered with Content-Encoding: gzip inflating to 1 GiB."""
    return _feed_to(site, "/fault/gzip-bomb")


def _deflate_bomb(site: FixtureSite) -> str:
    """An article answered with Content-Encoding: deflate (zlib) inflating to 1 GiB."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 15)
    chunk = bytes(1024 * 1024)
    data = b"".join([comp.compress(chunk) for _ in range(1024)] + [comp.flush()])
    site.add("/deflate.html", data, HTML, headers={"Content-Encoding": "deflate"})
    return _feed_to(site, "/deflate.html")


def _huge_rss(site: FixtureSite) -> str:
    """An RSS feed of ~9.5 MB (under the 10 MiB cap): 22k items with descriptions."""
    items = [
        f"<item><title>Tin an ninh số {i}</title><link>{site.url(f'/rss/{i}.html')}</link>"
        f"<guid>g{i}</guid><pubDate>Sat, 07 Mar 2026 08:00:00 +0700</pubDate>"
        f"<description>{FALLBACK_PARAGRAPH}</description></item>"
        for i in range(22_000)
    ]
    body = '<rss version="2.0"><channel><title>x</title>' + "".join(items) + "</channel></rss>"
    site.add("/huge.xml", body, RSS)
    return site.url("/huge.xml")


def _rss_empty_items(site: FixtureSite) -> str:
    """An RSS feed of ~10 MB holding 1.4 million empty <item/> elements."""
    body = b'<rss version="2.0"><channel><title>x</title>' + b"<item/>" * 1_400_000
    site.add("/empty.xml", body + b"</channel></rss>", RSS)
    return site.url("/empty.xml")


def _listing_200k(site: FixtureSite) -> str:
    """A listing page with 200k article links with headline-like text (~8 MB)."""
    links = "".join(
        f"<a href=/a-{100_000 + i}>Tin an ninh {100_000 + i}</a>" for i in range(200_000)
    )
    site.add("/list.html", f"<html><body><ul>{links}</ul></body></html>")
    return site.url("/list.html")


def _json_objects(site: FixtureSite) -> str:
    """A JSON API answer of ~10 MB: 2.5 million empty objects under ListData."""
    body = b'{"ListData": [' + b",".join([b"{}"] * 2_500_000) + b"]}"
    site.add("/api.json", body, "application/json")
    return site.url("/api.json")


def _attr_5mb(site: FixtureSite) -> str:
    """An article whose <div> carries a 5 MB attribute."""
    attr = b'<div data-blob="' + b"x" * 5_000_000 + b'">'
    body = attr + f"<p>{FALLBACK_PARAGRAPH}</p>".encode() * 5 + b"</div>"
    site.add("/attr.html", _article_html("Thuộc tính lớn", body))
    return _feed_to(site, "/attr.html")


def _deep_nesting(site: FixtureSite) -> str:
    """An article nested 400k <div> deep (~4.4 MB)."""
    depth = 400_000
    body = b"<div>" * depth + f"<p>{FALLBACK_PARAGRAPH}</p>".encode() + b"</div>" * depth
    site.add("/deep.html", _article_html("Lồng sâu", body))
    return _feed_to(site, "/deep.html")


INPUTS = (
    Hostile("sitemap-850k-gz", "sitemap", _sitemap_gz),
    Hostile("sitemap-gzip-bomb", "sitemap", _sitemap_bomb),
    Hostile("invalid-utf8-9.4MB", "rss", _invalid_utf8),
    Hostile("police-text-10MB", "rss", _police_10mb),
    Hostile("gzip-bomb", "rss", _gzip_bomb),
    Hostile("deflate-bomb", "rss", _deflate_bomb),
    Hostile("rss-22k-items", "rss", _huge_rss),
    Hostile("rss-1.4M-empty-items", "rss", _rss_empty_items),
    Hostile("listing-200k-links", "html_list", _listing_200k),
    Hostile("json-api-2.5M-objects", "json_api", _json_objects),
    Hostile("attribute-5MB", "rss", _attr_5mb),
    Hostile("nesting-400k", "rss", _deep_nesting),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    peak_mb: float
    wall_s: float
    exit_code: int
    summary: dict[str, object]
    stored: str


def _write_source(config: Path, kind: str, url: str) -> None:
    (config / "sources").mkdir(parents=True)
    (config / "sources" / "hostile.toml").write_text(
        'name = "Hostile"\noutlet_type = "newspaper"\nmin_delay_seconds = 0\n'
        f'max_articles_per_run = 3\n[[discover]]\nkind = "{kind}"\nurl = "{url}"\n',
        encoding="utf-8",
    )


# The child is started by a small launcher process: a process forked from this one (which
# holds every generated input) would report this process's RSS as its own peak, as Linux
# carries the forking image's high-water mark across exec.
LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "worker.cli", "ingest", "--json"])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"maxrss_kb": usage.ru_maxrss, "exit": os.waitstatus_to_exitcode(status)}, f)
"""


def _run_child(env: dict[str, str], tmp: Path) -> tuple[int, float, float, str]:
    """(exit code, peak RSS MB, wall seconds, stdout) of one `ingest --json` process."""
    started = time.monotonic()
    with open(tmp / "stderr.log", "wb") as err, tempfile.TemporaryFile() as out:
        launcher = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(tmp / "usage.json")],
            env=env, stdout=out, stderr=err,
        )  # fmt: skip
        try:
            launcher.wait(CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    usage = json.loads((tmp / "usage.json").read_text()) if (tmp / "usage.json").exists() else {}
    peak = usage.get("maxrss_kb", 0) / 1024
    return usage.get("exit", -1), peak, time.monotonic() - started, stdout


def _stored(db: Path) -> str:
    """Articles (text chars, police truncation) and failures (stage/kind) in the database."""
    if not db.exists():
        return "no database"
    con = sqlite3.connect(db)
    try:
        parts = []
        for (record,) in con.execute("SELECT record FROM articles"):
            rec = json.loads(record)
            chars = sum(len(p) for p in rec.get("paragraphs") or ())
            truncated = (rec.get("police") or {}).get("truncated_at")
            parts.append(
                f"article {chars} chars" + (f", police read {truncated}" if truncated else "")
            )
        for stage, kind, message in con.execute("SELECT stage, kind, message FROM failures"):
            parts.append(f"failure {stage}/{kind}: {message[:60]}")
        return "; ".join(parts) or "nothing"
    finally:
        con.close()


def run_one(hostile: Hostile) -> Outcome:
    with FixtureSite() as site, tempfile.TemporaryDirectory() as tmp:
        url = hostile.setup(site)
        _write_source(Path(tmp) / "config", hostile.kind, url)
        env = {
            **os.environ,
            "NEWSWORKER_DATA_DIR": str(Path(tmp) / "data"),
            "NEWSWORKER_CONFIG_DIR": str(Path(tmp) / "config"),
            "NEWSWORKER_ALLOWED_NETWORKS": "127.0.0.1/32",
            "NEWSWORKER_POLITENESS": "false",
            "NEWSWORKER_DATABASE_URL": "",
        }
        code, peak, wall, stdout = _run_child(env, Path(tmp))
        if code != 0:
            tail = (Path(tmp) / "stderr.log").read_text(encoding="utf-8", errors="replace")
            print(f"--- {hostile.name} stderr (last lines)\n" + "\n".join(tail.splitlines()[-8:]))
        lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
        stored = _stored(Path(tmp) / "data" / "newsworker.sqlite3")
        return Outcome(peak, wall, code, lines[0] if lines else {}, stored)


def _counts(summary: dict[str, object]) -> str:
    keys = ("discovered", "fetched", "created", "failed")
    text = " ".join(f"{k}={summary.get(k)}" for k in keys if k in summary)
    errors = summary.get("discovery_errors")
    return text + (f" discovery_error={str(errors[0])[-70:]!r}" if errors else "")  # type: ignore[index]


def main(names: list[str]) -> int:
    chosen = [h for h in INPUTS if not names or h.name in names]
    print(f"{'input':<22} {'peak RSS':>9} {'wall':>7} {'exit':>4}  counts / stored")
    worst = 0.0
    for hostile in chosen:
        outcome = run_one(hostile)
        worst = max(worst, outcome.peak_mb)
        print(
            f"{hostile.name:<22} {outcome.peak_mb:>6.0f} MB {outcome.wall_s:>6.1f}s "
            f"{outcome.exit_code:>4}  {_counts(outcome.summary)} | {outcome.stored}",
            flush=True,
        )
    verdict = "under" if worst < TARGET_MB else "OVER"
    print(f"worst peak RSS {worst:.0f} MB: {verdict} the {TARGET_MB} MB target")
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
