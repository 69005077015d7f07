"""Pure parsing stage: bytes and a URL in, typed frozen dataclasses out.

Nothing in this package does network, database or Celery I/O, so every parser can be
tested from a saved page alone.
"""
