"""Instructions per ingested article: bench/ingest.py under callgrind, at two sizes.

Timings on a shared or throttled machine drift (this project's reference box: up to 2x in
a day), so comparing two commits by articles/s needs interleaved runs and still leaves a
few percent of noise. Instruction counts do not drift. This runs `bench/ingest.py` under
valgrind's callgrind for a small and a large site (both at once, one per core) and prints
the ingest process's instructions per article: the difference of the two totals divided
by the difference in articles, so start-up, migrations, the warm-up and the lxml reference
cancel out. The fixture site's process is counted apart and not reported.

    python bench/ingest_instructions.py [--small 60] [--large 180] [--dense]

Needs valgrind (`apt-get install valgrind`). Runs on the C library's malloc (LD_PRELOAD
is removed from the child's environment).
Takes about 5-10 minutes on two cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def _start(articles: int, dense: bool, out: Path) -> subprocess.Popen[bytes]:
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.%p",
        sys.executable, str(ROOT / "bench/ingest.py"), "--articles", str(articles),
    ]  # fmt: skip
    if dense:
        command.append("--dense")
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    log = (out / "log").open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _ingest_total(out: Path) -> int:
    """Instructions of the ingest process: the first process started (the lowest pid; the
    fixture site's process is forked from it later)."""
    files = sorted(out.glob("cg.*"), key=lambda f: int(f.suffix[1:]))
    if not files:
        raise SystemExit(f"no callgrind output in {out}; see {out}/log")
    found = _TOTAL.search(files[0].read_text(errors="replace"))
    if found is None:
        raise SystemExit(f"no instruction total in {files[0]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=60)
    parser.add_argument("--large", type=int, default=180)
    parser.add_argument("--dense", action="store_true")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        outs = {n: Path(tmp) / str(n) for n in (args.small, args.large)}
        runs = []
        for n, out in outs.items():
            out.mkdir()
            runs.append(_start(n, args.dense, out))
        if any(run.wait() != 0 for run in runs):
            raise SystemExit(f"a callgrind run failed; logs in {tmp} are removed, rerun by hand")
        small, large = (_ingest_total(outs[n]) for n in (args.small, args.large))
    per_article = (large - small) / (args.large - args.small)
    print(f"ingest process instructions: {small:,} ({args.small} articles), "
          f"{large:,} ({args.large} articles)")  # fmt: skip
    print(f"instructions per ingested article: {per_article / 1e6:.2f}M")


if __name__ == "__main__":
    main()
