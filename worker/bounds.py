"""Input bounds at the edges (API parameters and bodies, cursors, query filters): the
integers the database's id columns hold and the text PostgreSQL can store.

In: raw values from a request. Out: the same values, or a ValueError/pydantic error that
the API answers with 422. One definition for every route, so that no value a column cannot
hold ever reaches a query: ids, sequence numbers, revisions, story and case ids are
`Integer` columns (int4 on PostgreSQL; 2**31 there is a DataError, 2**63 overflows
SQLite's driver), and PostgreSQL text cannot hold NUL. (Unpaired surrogates, which a JSON
body can spell as "\\ud800", are already refused by pydantic's str validation.)
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le
from pydantic import AfterValidator

INT_MAX = 2**31 - 1  # Integer columns: int4 on PostgreSQL


def storable_text(value: str) -> str:
    """The text unchanged, or ValueError when it holds a NUL, which PostgreSQL text
    (and its full-text functions) cannot take."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (U+0000), which is not text")
    return value


def checked_id(value: object) -> int:
    """A positive id within the columns' range (for ids read from cursors); ValueError
    otherwise. Booleans and floats are refused, not converted."""
    if type(value) is not int:
        raise ValueError("id is not an integer")
    if not 1 <= value <= INT_MAX:
        raise ValueError(f"id is outside 1..{INT_MAX}")
    return value


# Constraints as annotated_types metadata (not pydantic Field), so that they survive
# FastAPI's Query()/Path() in the same Annotated and apply in models alike.
Id = Annotated[int, Ge(1), Le(INT_MAX)]  # row ids, story/case ids, revision numbers
Seq = Annotated[int, Ge(0), Le(INT_MAX)]  # event sequence numbers; 0 = before the first
# The text check, placed after any length constraint so those keep their own messages:
# Annotated[str, Field(max_length=100), Storable].
Storable = AfterValidator(storable_text)
StoredText = Annotated[str, Storable]
