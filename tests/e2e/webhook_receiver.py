"""Loopback webhook receiver for tests: a ThreadingHTTPServer whose paths misbehave on
purpose, recording every request it answers (headers and raw body).

Paths:
  /flaky/<name>  a deterministic request counter n decides: n % 10 == 3 → 500 (10%),
                 n % 50 == 7 → sleep past the client timeout (2%), n % 25 == 11 → drop the
                 connection without an answer (4%); otherwise 200
  /ok/<name>     200
  /gone/<name>   410
  /down/<name>   500 always
  /switch/<name> 503 while `receiver.down` is set (an endpoint in an outage), else 200
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True, slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    outcome: str  # ok | 500 | 503 | timeout | drop | 410


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        kind = self.path.split("/")[1]
        outcome = self.server.receiver.decide(kind)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.receiver.record(Received(self.path, headers, body, outcome))
        if outcome == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if outcome == "timeout":
            time.sleep(self.server.receiver.stall_seconds)
        code = {"ok": 200, "500": 500, "503": 503, "410": 410, "timeout": 200}[outcome]
        try:
            self.send_response(code)
            self.send_header("content-length", "0")
            self.end_headers()
        except OSError:
            return  # the client gave up (timeout): nothing to answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver


class Receiver:
    def __init__(self, stall_seconds: float = 1.0) -> None:
        self.stall_seconds = stall_seconds
        self.down = threading.Event()  # /switch/ paths answer 503 while set
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._counter = itertools.count()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.receiver = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def decide(self, kind: str) -> str:
        if kind == "gone":
            return "410"
        if kind == "down":
            return "500"
        if kind == "switch":
            return "503" if self.down.is_set() else "ok"
        if kind != "flaky":
            return "ok"
        with self._lock:
            n = next(self._counter)
        if n % 10 == 3:
            return "500"
        if n % 50 == 7:
            return "timeout"
        if n % 25 == 11:
            return "drop"
        return "ok"

    def record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def for_path(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
