"""A one-line progress display for terminals (the CLI uses it only when stderr is a tty)."""

from __future__ import annotations

from typing import TextIO


class ProgressLine:
    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width

    def update(self, key: str, done: int, total: int) -> None:
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{key[:24]:<24} [{bar}] {done}/{total}")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r" + " " * (self.width + 40) + "\r")
        self.stream.flush()
