"""Containment policy: which exceptions one article, or one source's run, absorbs.

In: an exception caught at the article boundary (worker.article_ingest) or at the source
boundary (worker.pipeline, worker.discover). Out: whether it is that input's fault, to be
recorded as a failure row while the run goes on (DESIGN §7: one bad article costs that
article, never the run), or a fault of the process or its surroundings, to propagate.

Only `Exception` is ever caught: KeyboardInterrupt, SystemExit and GeneratorExit are not.
Among Exceptions, these propagate:

- Celery's time limits. billiard's SoftTimeLimitExceeded and TimeLimitExceeded derive from
  Exception; the task must stop at its soft limit (worker.tasks logs it and re-raises).
- The database being unreachable: sqlalchemy OperationalError (connection refused or
  lost, SQLite locked, PostgreSQL shutting down or cancelling a statement), InterfaceError,
  the pool's TimeoutError, and any driver error that invalidated the connection. No row
  could record it anyway; the Celery task retries (autoretry_for OperationalError) and
  `newsworker ingest` stops with exit code 1 ("could not run").

Everything else is the input's fault: an IntegrityError or DataError of one record (a
value the column refuses), a ValueError, TypeError, RecursionError or MemoryError from a
parser given a hostile page.
"""

from __future__ import annotations

from billiard.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    SoftTimeLimitExceeded,
    TimeLimitExceeded,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

_PROPAGATE: tuple[type[Exception], ...] = (
    SoftTimeLimitExceeded,
    TimeLimitExceeded,
    OperationalError,
    InterfaceError,
    PoolTimeout,
)


def is_input_fault(exc: Exception) -> bool:
    """True when `exc` is the article's (or the discovery document's) own fault: record
    it and go on. False when it must propagate (time limit, database unreachable)."""
    if isinstance(exc, _PROPAGATE):
        return False
    return not (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def error_kind(exc: Exception) -> str:
    """What a failure row's `kind` says: the typed errors' own kind (fetch errors), else
    the exception's class name, within the column's 40 characters."""
    return str(getattr(exc, "kind", type(exc).__name__))[:40]
