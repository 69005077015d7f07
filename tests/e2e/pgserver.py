"""A PostgreSQL server of one test's own (initdb, own free port), which the test may stop
and start again: outages are never played on the shared server other sessions use.

Its data directory is made with mkdtemp under the system temp dir, not in pytest's
tmp_path: that tree is private to root (mode 700), and PostgreSQL runs as `postgres`
when the tests run as root (`runuser -u postgres --`, as .ci/services.sh does).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.procs import free_port

_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class PgServer:
    def __init__(self) -> None:
        if not _BIN:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = Path(_BIN[-1])
        self.root = Path(tempfile.mkdtemp(prefix="nw-test-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def _run(self, tool: str, *args: str) -> None:
        argv = _as_postgres([str(self.bin / tool), *args])
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "pg.log"), "-w",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        """Fast shutdown: sessions are disconnected, as in a restart or a crash-stop."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def new_database(self) -> str:
        name = f"nw_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url(name)

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.SubprocessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def private_pg() -> Iterator[PgServer]:
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.destroy()
