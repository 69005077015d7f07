"""create_article serializes the record once (worker.db.engine.JsonText) for the article
row and its first revision: the driver gets what it got when each of them serialized its
own dict (same SQL, same parameters, JSON compared as text), on SQLite and PostgreSQL, and
the rows and the article.created event read back as the record's dict, on random records
(quotes, backslashes, control and non-BMP characters, nested and non-string keys)."""

from __future__ import annotations

import random
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from scrapers.records import ArticleRecord, Caption
from scrapers.serialize import record_to_dict
from tests.worker.driver_calls import Calls, captured
from worker import store
from worker.db.engine import JsonText, dump_json, transaction
from worker.db.models import Article, ArticleRevision, Event, Source

T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
_CHARS = [*"aZ09 .:/-_", *"ôếạđỳ", '"', "\\", "\n", "\t", "\x01", "\x7f", "\u2028", "😀", "\u241e"]


def _text(rng: random.Random, most: int = 12, *, nul: bool = False) -> str:
    chars = [*_CHARS, "\x00"] if nul else _CHARS
    return "".join(rng.choices(chars, k=rng.randint(0, most)))


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 2 else 5)
    if kind == 0:
        return _text(rng)
    if kind == 1:
        return rng.choice([None, True, False, 0, -7, 2**40, 1.5, -0.25])
    if kind == 2:
        return [_text(rng) for _ in range(rng.randrange(3))]
    if kind in (3, 4):
        return rng.randrange(-5, 5)
    if kind == 5:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {_text(rng, 6): _value(rng, depth + 1) for _ in range(rng.randrange(4))}


def _record(rng: random.Random, n: int) -> ArticleRecord:
    police = None
    if rng.random() < 0.7:
        police = {_text(rng, 8): _value(rng) for _ in range(rng.randrange(6))}
        police["case"] = {"blocking_keys": [f"p:{rng.randrange(3)}"], "province": _text(rng)}
    return ArticleRecord(
        url=f"https://x.vn/a/{n}", canonical_url=f"https://x.vn/a/{n}?{_text(rng, 4)}",
        title=_text(rng, 40) or "t", lead=rng.choice([None, _text(rng, 80)]),
        paragraphs=tuple(_text(rng, 200) for _ in range(rng.randrange(1, 6))),
        captions=(Caption(_text(rng), rng.choice([None, "https://x.vn/i.jpg"])),),
        authors=(_text(rng),), published_at=rng.choice([None, T0]), police=police,
    )  # fmt: skip


def _record_dict(rng: random.Random) -> dict[Any, Any]:
    record: dict[Any, Any] = {_text(rng, 8, nul=True): _value(rng) for _ in range(8)}
    record[rng.randrange(9)] = {1.5: _text(rng, nul=True), None: [], True: {"": None}}
    return record


@pytest.mark.unit
def test_dump_json_returns_the_text_of_a_json_text() -> None:
    rng = random.Random(4)
    for _ in range(200):
        record = _record_dict(rng)
        assert dump_json(JsonText.of(record)) == dump_json(record)


def _plain_params(value: Any) -> Any:
    """Driver parameters with psycopg's Jsonb wrappers serialized and event ids masked."""
    if isinstance(value, dict):
        return {k: _plain_params(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain_params(v) for v in value)
    if hasattr(value, "obj"):
        return type(value).__name__, dump_json(value.obj)
    if isinstance(value, str) and value.startswith("evt_"):
        return "<event id>"
    return value


def _captured(engine: Engine) -> AbstractContextManager[Calls]:
    return captured(engine, _plain_params)


class _Dicts:
    """Stand-in for JsonText in worker.store: the record stays the dict it was before."""

    @staticmethod
    def of(value: Any) -> Any:
        return value


def _create(engine: Engine, record: ArticleRecord, n: int) -> tuple[Calls, list[Any]]:
    """What create_article sends to the driver, and the JSON of the rows it wrote read
    back, in a transaction rolled back after (the next article gets the same id)."""
    meta = store.PageMeta(
        url=record.url, raw_sha256=None, etag=None, last_modified=None, feed_hint=None,
        fetched_at=T0 + timedelta(seconds=n),
    )  # fmt: skip
    with Session(engine) as session:
        with _captured(engine) as calls:
            made = store.create_article(
                session, source_key="s", identity=f"x#{n}", record=record, meta=meta,
                parser_version="t",
            )  # fmt: skip
        session.expire_all()
        stored = [
            session.scalar(select(Article.record).where(Article.id == made.article_id)),
            session.scalar(select(ArticleRevision.record)),
            session.scalar(select(Event.payload)),
        ]
        session.rollback()
        if engine.dialect.name == "postgresql":  # a sequence does not roll back
            restart = "SELECT setval(pg_get_serial_sequence('articles', 'id'), 1, false)"
            session.execute(text(restart))
            session.commit()
    return calls, stored


@pytest.mark.db
def test_created_rows_send_and_store_what_plain_dicts_do(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with transaction(lambda: Session(migrated_engine)) as session:  # type: ignore[arg-type]
        session.add(Source(key="s", name="s", outlet_type="newspaper"))
    rng = random.Random(6)
    for n in range(25):
        record = _record(rng, n)
        fast_calls, fast_rows = _create(migrated_engine, record, n)
        monkeypatch.setattr(store, "JsonText", _Dicts)
        plain_calls, plain_rows = _create(migrated_engine, record, n)
        monkeypatch.undo()
        assert fast_calls == plain_calls
        data = record_to_dict(record)
        assert fast_rows == plain_rows
        assert fast_rows[:2] == [data, data]
        assert fast_rows[2]["article"]["record"] == data


@pytest.mark.unit
def test_a_large_json_text_escapes_characters_beyond_the_bmp() -> None:
    """Over 1 MB, characters beyond U+FFFF are written as surrogate-pair escapes (so the
    text is held in 2 bytes a character, not 4): the same JSON value read back."""
    rng = random.Random(7)
    astral = ["😀", "\U00010000", "\U0010ffff", "𝔸"]
    big = {
        "paragraphs": ["".join(rng.choice(["Công an ", "x", *astral]) for _ in range(300_000))],
        "title": "😀",
    }
    text = dump_json(big)
    assert orjson.loads(text) == big
    assert max(text) <= "\uffff" and "\\ud83d\\ude00" in text
    small = {"title": "😀 Công an"}
    assert dump_json(small) == orjson.dumps(small).decode("utf-8")  # below 1 MB: as is
