"""Webhook subscriptions: made by an API key, with filters; listed, deleted, secret rotated.

A subscription belongs to the API key that made it, and only that key may see or change it.
It receives the events emitted after it was made that match its filters (event types, a
dataset, an organisation) and that its key may see (``visibility.py``: events about a
restricted dataset only under an agreement in force, checked again at each delivery). It
goes to a ``url`` (signed POSTs, see ``signing.py``) or to an ``email`` address through
GOV.UK Notify.

The signing secret is shown once, when the subscription is made or its secret rotated. After
a rotation the previous secret also signs for ``LOCALDATA_WEBHOOK_ROTATION_HOURS``.

Each delivery's attempts are logged; deliveries whose retries ran out form the dead-letter
list, and can be sent again on demand (``redeliver``). The log shows only deliveries of events
the key may see now: a delivery withheld because its event is about restricted data the key
may not read is left out, as its event's type, time and place in the feed would say what was
published, when.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.access import accounts
from localdata.access.model import Principal
from localdata.collect.fetch import FetchFailed, check_scheme
from localdata.errors import NotSignedIn, SubscriptionNotFound, UsageError
from localdata.events import visibility
from localdata.events.outbox import queue_delivery
from localdata.events.signing import SecretBox, new_secret
from localdata.events.tables import attempts, deliveries, events, subscriptions
from localdata.events.types import EVENT_TYPES
from localdata.store.library import Library
from localdata.store.metadata import now

MOST_PER_KEY = 1000
MAX_URL_LENGTH = 2000


@dataclass(frozen=True)
class Subscription:
    """A subscription as stored: never its secret."""

    id: str
    key_id: str
    channel: str
    url: str | None
    email: str | None
    types: tuple[str, ...]
    dataset: str | None
    organisation: str | None
    validated_at: dt.datetime | None
    created_at: dt.datetime
    deleted_at: dt.datetime | None
    previous_until: dt.datetime | None

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> Subscription:
        """The subscription a ``webhook_subscriptions`` row describes."""
        values = {k: v for k, v in row._mapping.items() if k in cls.__dataclass_fields__}
        return cls(**values | {"types": tuple(values["types"])})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "channel": self.channel,
            "url": self.url,
            "email": self.email,
            "types": list(self.types),
            "dataset": self.dataset,
            "organisation": self.organisation,
            "validated_at": _iso(self.validated_at),
            "created_at": _iso(self.created_at),
            "deleted_at": _iso(self.deleted_at),
            "previous_secret_until": _iso(self.previous_until),
        }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def owner(principal: Principal) -> str:
    """The API key a subscription is made by: subscriptions belong to keys."""
    if principal.kind != "key" or principal.id is None:
        raise NotSignedIn(
            "Subscriptions belong to an API key: send one as 'Authorization: Bearer <key>'."
        )
    return principal.id


def secret_box(library: Library) -> SecretBox:
    """The box that seals this library's webhook secrets."""
    return SecretBox(library.cursor_key)


def create_subscription(
    library: Library,
    principal: Principal,
    *,
    url: str | None = None,
    email: str | None = None,
    types: Sequence[str] = (),
    dataset: str | None = None,
    organisation: str | None = None,
) -> tuple[Subscription, str]:
    """Subscribe the principal's key to events; return the subscription and its secret."""
    key_id = owner(principal)
    channel = _check_target(url, email)
    wanted = sorted({t.strip() for t in types if t.strip()})
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise UsageError(
            f"There is no event type {', '.join(unknown)}. Use one of: {', '.join(EVENT_TYPES)}."
        )
    secret = new_secret()
    values = {
        "id": f"whs_{secrets.token_hex(8)}",
        "key_id": key_id,
        "channel": channel,
        "url": url.strip() if url else None,
        "email": email.strip() if email else None,
        "types": wanted,
        "dataset": library.standards.get(dataset).name if dataset else None,
        "organisation": library.organisation(organisation) if organisation else None,
        "secret": secret_box(library).seal(secret),
        "created_at": now(),
    }
    with library.database.transaction() as conn:
        if channel == "email":
            _check_own_address(conn, principal, str(values["email"]))
        live = sa.select(sa.func.count()).where(
            subscriptions.c.key_id == key_id, subscriptions.c.deleted_at.is_(None)
        )
        if int(conn.execute(live).scalar_one()) >= MOST_PER_KEY:
            raise UsageError(f"A key may have at most {MOST_PER_KEY} subscriptions.")
        conn.execute(sa.insert(subscriptions).values(values))
        return _get(conn, key_id, str(values["id"])), secret


def _check_own_address(conn: Connection, principal: Principal, email: str) -> None:
    """Refuse email to any address but the key's own user's (signed in, so confirmed).

    Otherwise anybody with a key could have the library email whoever they liked.
    """
    user = accounts.get_user(conn, principal.user_id) if principal.user_id else None
    if user is None or (user.email or "").lower() != email.lower():
        raise UsageError(
            "Events can be emailed only to the address of the person the key belongs to. "
            "Use a key of your own, made when signed in, and your own email address."
        )


def _check_target(url: str | None, email: str | None) -> str:
    if (url is None) == (email is None):
        raise UsageError("Give either a url to POST events to, or an email address.")
    if email is not None:
        if "@" not in email.strip() or len(email) > 320 or any(c.isspace() for c in email.strip()):
            raise UsageError(f"'{email}' is not an email address.")
        return "email"
    assert url is not None
    if len(url) > MAX_URL_LENGTH:
        raise UsageError(f"The address is longer than {MAX_URL_LENGTH} characters.")
    try:
        check_scheme(url.strip())
    except FetchFailed as error:
        raise UsageError(error.message) from error
    return "webhook"


def _get(conn: Connection, key_id: str, subscription_id: str) -> Subscription:
    row = conn.execute(
        sa.select(subscriptions).where(
            subscriptions.c.id == subscription_id, subscriptions.c.key_id == key_id
        )
    ).first()
    if row is None:
        raise SubscriptionNotFound(f"Your key has no subscription {subscription_id}.")
    return Subscription.from_row(row)


def get_subscription(library: Library, principal: Principal, subscription_id: str) -> Subscription:
    """One of the principal's key's subscriptions."""
    with library.database.engine.connect() as conn:
        return _get(conn, owner(principal), subscription_id)


def list_subscriptions(library: Library, principal: Principal) -> list[Subscription]:
    """The principal's key's subscriptions that are not deleted, oldest first."""
    key_id = owner(principal)
    query = (
        sa.select(subscriptions)
        .where(subscriptions.c.key_id == key_id, subscriptions.c.deleted_at.is_(None))
        .order_by(subscriptions.c.created_at, subscriptions.c.id)
    )
    with library.database.engine.connect() as conn:
        return [Subscription.from_row(r) for r in conn.execute(query)]


def delete_subscription(library: Library, principal: Principal, subscription_id: str) -> None:
    """Stop a subscription: nothing more is sent, and its pending deliveries are cancelled."""
    with library.database.transaction() as conn:
        found = _get(conn, owner(principal), subscription_id)
        if found.deleted_at is not None:
            return
        conn.execute(
            sa.update(subscriptions).where(subscriptions.c.id == found.id).values(deleted_at=now())
        )
        conn.execute(
            sa.update(deliveries)
            .where(deliveries.c.subscription_id == found.id, deliveries.c.state == "pending")
            .values(state="cancelled")
        )


def rotate_secret(
    library: Library, principal: Principal, subscription_id: str
) -> tuple[Subscription, str]:
    """Give a subscription a new secret; the old one also signs for the rotation period."""
    secret = new_secret()
    box = secret_box(library)
    overlap = dt.timedelta(hours=library.settings.webhook_rotation_hours)
    with library.database.transaction() as conn:
        found = _get(conn, owner(principal), subscription_id)
        if found.deleted_at is not None:
            raise UsageError(f"The subscription {subscription_id} is deleted.")
        current = conn.execute(
            sa.select(subscriptions.c.secret).where(subscriptions.c.id == found.id)
        ).scalar_one()
        conn.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == found.id)
            .values(
                secret=box.seal(secret), previous_secret=current, previous_until=now() + overlap
            )
        )
        return _get(conn, found.key_id, found.id), secret


def delivery_log(
    library: Library,
    principal: Principal,
    subscription_id: str,
    *,
    state: str | None = None,
    limit: int = 50,
    before: int | None = None,
) -> list[dict[str, Any]]:
    """A subscription's deliveries, newest first, each with its attempts; ``state="dead"``
    gives the dead-letter list."""
    with library.database.engine.connect() as conn:
        found = _get(conn, owner(principal), subscription_id)
        seen = visibility.condition(conn, principal, library.standards, library.access.today())
        query = (
            sa.select(deliveries, events.c.id.label("event_id"), events.c.type)
            .join(events, events.c.seq == deliveries.c.event_seq)
            .where(deliveries.c.subscription_id == found.id, seen)
            .order_by(deliveries.c.id.desc())
            .limit(limit)
        )
        if state is not None:
            query = query.where(deliveries.c.state == state)
        if before is not None:
            query = query.where(deliveries.c.id < before)
        rows = conn.execute(query).all()
        tries = _attempts(conn, [r.id for r in rows])
    return [_delivery(r, tries.get(r.id, [])) for r in rows]


def _attempts(conn: Connection, delivery_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    if not delivery_ids:
        return found
    query = (
        sa.select(attempts).where(attempts.c.delivery_id.in_(delivery_ids)).order_by(attempts.c.id)
    )
    for row in conn.execute(query):
        found.setdefault(row.delivery_id, []).append(
            {
                "at": row.attempted_at.isoformat(),
                "elapsed_ms": row.elapsed_ms,
                "http_status": row.http_status,
                "error": row.error,
            }
        )
    return found


def _delivery(row: sa.Row[Any], tries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row.id,
        "event_id": row.event_id,
        "event_type": row.type,
        "seq": row.event_seq,
        "state": row.state,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.state == "pending" else None,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "delivered_at": _iso(row.delivered_at),
        "log": tries,
    }


def redeliver(
    library: Library, principal: Principal, subscription_id: str, delivery_id: int | None = None
) -> int:
    """Send dead-lettered deliveries again (one, or all of the subscription's); return how many."""
    moment = now()
    with library.database.transaction() as conn:
        found = _get(conn, owner(principal), subscription_id)
        if found.deleted_at is not None:
            raise UsageError(f"The subscription {subscription_id} is deleted.")
        query = sa.select(deliveries.c.id).where(
            deliveries.c.subscription_id == found.id, deliveries.c.state == "dead"
        )
        if delivery_id is not None:
            query = query.where(deliveries.c.id == delivery_id)
        dead = [int(i) for i in conn.execute(query.order_by(deliveries.c.event_seq)).scalars()]
        if delivery_id is not None and not dead:
            raise UsageError(f"Delivery {delivery_id} is not in the dead-letter list.")
        for dead_id in dead:
            conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.id == dead_id)
                .values(state="pending", first_attempt_at=None, next_attempt_at=moment)
            )
            queue_delivery(conn, dead_id, f"redeliver:{secrets.token_hex(4)}", moment)
    return len(dead)
