"""Memory allocator of long-running commands: jemalloc when it is installed.

Under glibc's malloc, a worker that has parsed and stored a few thousand pages builds the
same lxml tree ~20-80% slower than a fresh process (bench/ingest.py prints that
calibration before and after its run): the heap fragments. Under jemalloc it stays flat,
and the parse stage costs ~15% less over a run. The allocator can only be chosen when a
process starts, so `newsworker` re-executes itself once with jemalloc preloaded when the
library is present (Debian/Ubuntu package libjemalloc2, installed in the image) and
NEWSWORKER_ALLOCATOR is not "system".
"""

from __future__ import annotations

import glob
import logging
import os
import sys
from collections.abc import Mapping

logger = logging.getLogger(__name__)

LIBRARY = "libjemalloc.so.2"
_SEARCH = (
    f"/usr/lib/*-linux-gnu/{LIBRARY}",
    f"/usr/lib/{LIBRARY}",
    f"/usr/lib64/{LIBRARY}",
    f"/usr/local/lib/{LIBRARY}",
)
_REEXECUTED = "NEWSWORKER_ALLOCATOR_REEXECUTED"


def jemalloc_path() -> str | None:
    """The installed jemalloc library, if any."""
    for pattern in _SEARCH:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


def active_allocator() -> str:
    """ "jemalloc" when it is mapped into this process, else "system"."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            return "jemalloc" if any("libjemalloc" in line for line in maps) else "system"
    except OSError:
        return "system"


def preload_env(env: Mapping[str, str], library: str) -> dict[str, str]:
    """`env` with `library` first in LD_PRELOAD (other preloads kept)."""
    preload = " ".join(p for p in (library, env.get("LD_PRELOAD", "")) if p)
    return {**env, "LD_PRELOAD": preload, _REEXECUTED: "1"}


def use_jemalloc(wanted: str) -> str:
    """Re-execute this process (same interpreter, same arguments) with jemalloc preloaded,
    unless `wanted` is "system", it is already active, it is not installed, or this process
    is already the re-executed one. Returns (and logs) the allocator in use when it does
    not re-execute."""
    active = active_allocator()
    library = jemalloc_path()
    if wanted == "system" or active == "jemalloc":
        reason = "NEWSWORKER_ALLOCATOR" if wanted == "system" else library or "preloaded"
    elif library is None:
        reason = "jemalloc not installed"
    elif os.environ.get(_REEXECUTED):
        reason = f"{library} could not be preloaded"
    else:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            os.execve(sys.executable, sys.orig_argv, preload_env(os.environ, library))
        except OSError as exc:  # e.g. the interpreter path is gone: go on as we are
            reason = f"re-execution failed: {exc}"
    logger.info("allocator: %s (%s)", active, reason)
    return active
