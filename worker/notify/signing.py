"""Standard Webhooks signing (standardwebhooks.com).

Headers on every request:
    webhook-id         the event's stable id (the same on every retry)
    webhook-timestamp  unix seconds of this attempt
    webhook-signature  "v1,<base64 HMAC-SHA256(key, f"{id}.{timestamp}.{body}")>"
The secret is "whsec_" + base64(key); the HMAC key is the decoded bytes. Receivers verify
the signature over the raw body bytes and reject timestamps outside a tolerance window.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from worker.notify.config import NotifyConfigError

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 300


def generate_secret(nbytes: int = 32) -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """ "whsec_<base64>" (the prefix is optional) → HMAC key bytes."""
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw, validate=True)
    except binascii.Error as exc:
        raise NotifyConfigError("webhook secret is not whsec_<base64>") from exc
    if len(key) < 16:
        raise NotifyConfigError("webhook secret key shorter than 16 bytes")
    return key


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret_key(secret), msg_id, timestamp, body),
        "content-type": "application/json",
    }


def verify(
    secret: str,
    headers: dict[str, str],
    body: bytes,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Receiver side: any of the space-separated v1 signatures matches and the timestamp
    is within `tolerance` seconds of `now`."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lower["webhook-id"]
        timestamp = int(lower["webhook-timestamp"])
        offered = lower["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret_key(secret), msg_id, timestamp, body)
    return any(hmac.compare_digest(expected, sig) for sig in offered)
