"""Webhook signatures the Standard Webhooks way, and signing secrets kept encrypted.

A subscription's secret looks like ``whsec_`` followed by 32 random bytes in base64. It is
shown once, when the subscription is made (and when it is rotated). Each delivery carries:

- ``webhook-id``: the event's id, the same on every retry, so receivers can de-duplicate;
- ``webhook-timestamp``: seconds since 1970 when this attempt was signed;
- ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256, keyed with the secret's decoded
  bytes, of ``{webhook-id}.{webhook-timestamp}.{body}``. After a rotation, the old and new
  secrets both sign for a while, space-separated, so receivers can switch over.

Secrets are stored encrypted with Fernet (AES-128-CBC and HMAC-SHA256) under a key derived
from the library's secret key (``LOCALDATA_SECRET_KEY``, or the key kept in the data folder):
a copy of the database alone does not reveal them. Changing the secret key makes existing
secrets unreadable, so rotate every subscription's secret after changing it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


class BadSignature(Exception):
    """A delivery's signature does not match its body, or it is too old."""


def new_secret() -> str:
    """A new signing secret: ``whsec_`` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of a delivery."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(
    secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every secret given."""
    signatures = " ".join(sign(s, message_id, timestamp, body) for s in secrets_)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: int) -> None:
    """Raise ``BadSignature`` unless one of the signatures was made with ``secret``."""
    try:
        message_id = headers["webhook-id"]
        timestamp = int(headers["webhook-timestamp"])
        offered = headers["webhook-signature"].split()
    except (KeyError, ValueError) as error:
        raise BadSignature("the webhook headers are missing or malformed") from error
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature("the timestamp is too far from now")
    expected = sign(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, o) for o in offered):
        raise BadSignature("no signature matches")


class SecretBox:
    """Encrypts signing secrets for storage, and decrypts them to sign."""

    def __init__(self, library_key: bytes) -> None:
        derived = hashlib.sha256(b"localdata webhook secrets\x00" + library_key).digest()
        self.fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str) -> str:
        """The secret, encrypted."""
        return self.fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        """The secret a sealed value holds."""
        try:
            return self.fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            raise ValueError(
                "A webhook secret cannot be decrypted: the library's secret key changed. "
                "Rotate the subscription's secret."
            ) from error
