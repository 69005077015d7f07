"""The parser version stored with every record and raw page; bump it when output changes."""

from __future__ import annotations

PARSER_VERSION = "1.3.0"
