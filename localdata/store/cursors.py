"""Cursors: the opaque, signed ``_next`` value that says where the previous page ended.

A page ends at a record; the next page starts just after it in the query's order (keyset
pagination, never an offset). The cursor holds that record's sort-key values and identity
(organisation, resource, row), the ``_sort`` it was made for and the dataset's name, as
compact JSON::

    {"d":"spend","s":[["amount",true]],"k":["1234.50","E06000001","<sha256>",17]}

written as ``<payload>.<signature>``: both URL-safe base64 without padding, the signature an
HMAC-SHA256 of the payload under the library's cursor key. A client can read a cursor but
cannot make or change one: anything that does not verify is refused with ``InvalidQuery``.
Dates, date-times and money travel as ISO text and decimal strings; the page that reads a
cursor turns them back into the column's type.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from localdata.errors import InvalidQuery

Key = str | int | float | bool | None

_REFUSED = (
    "The _next value is not one this service made. Use the next link from the previous page "
    "exactly as it was given, or leave _next out to start from the first page."
)


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the dataset, the ``_sort`` it followed and the last record's keys."""

    dataset: str
    sort: tuple[tuple[str, bool], ...]
    keys: tuple[Key, ...]


def write_cursor(cursor: Cursor, key: bytes) -> str:
    """The cursor as a signed, URL-safe token."""
    body = {"d": cursor.dataset, "s": [list(pair) for pair in cursor.sort], "k": cursor.keys}
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return f"{_encode(payload)}.{_encode(_sign(payload, key))}"


def read_cursor(token: str, key: bytes) -> Cursor:
    """The cursor a token holds; ``InvalidQuery`` when it is malformed or not signed by us."""
    payload_text, dot, signature_text = token.partition(".")
    try:
        payload, signature = _decode(payload_text), _decode(signature_text)
    except (binascii.Error, ValueError):
        raise InvalidQuery(_REFUSED) from None
    if not dot or not hmac.compare_digest(signature, _sign(payload, key)):
        raise InvalidQuery(_REFUSED)
    try:
        return _cursor(json.loads(payload))
    except (ValueError, TypeError, KeyError):
        raise InvalidQuery(_REFUSED) from None


def _cursor(body: Any) -> Cursor:
    sort = tuple((str(name), bool(descending)) for name, descending in body["s"])
    keys = tuple(body["k"])
    if not isinstance(body["d"], str) or not all(_is_key(k) for k in keys):
        raise ValueError("unexpected cursor contents")
    return Cursor(body["d"], sort, keys)


def _is_key(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _sign(payload: bytes, key: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
