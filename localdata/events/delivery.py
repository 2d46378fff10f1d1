"""The ``deliver`` job: send one event to one subscriber, at least once, in order, signed.

A delivery is tried by a ``deliver`` job on the library's jobs queue (``localdata.jobs``), run
by ``localdata worker`` and by the worker ``localdata serve`` runs. One try:

1. Skip it unless it is ``pending``; wait (do nothing) while an earlier delivery of the same
   chain (subscription, dataset and organisation) is pending: that one's end queues this one.
2. Claim it until the job's lease ends, so two jobs never send it at once; a worker killed
   mid-send leaves the claim to lapse with its job's lease, and the job is run again by
   another worker, which sends the same event (same id) again: at least once.
3. Check the subscription's key may still see the event (``visibility.py``); if not, the
   delivery is ``withheld``.
4. Before a webhook's first delivery, the CloudEvents validation handshake: ``OPTIONS`` with
   ``WebHook-Request-Origin``, to which the receiver must answer with a matching
   ``WebHook-Allowed-Origin`` (or ``*``).
5. POST the structured CloudEvent, signed (``signing.py``); any 2xx is success. Email
   subscriptions go through GOV.UK Notify instead (``notify.py``).
6. Log the try. On failure, queue the next try after a backoff (``LOCALDATA_WEBHOOK_BACKOFF``
   doubled each time up to 4 hours, jittered); once the next try would fall more than
   ``LOCALDATA_WEBHOOK_RETRY_HOURS`` after the first, the delivery is ``dead`` (the
   dead-letter list). Delivered, dead or withheld, the chain's next delivery is queued.

Webhook URLs pass the same private-address guard as collection, unless
``LOCALDATA_WEBHOOK_ALLOW_PRIVATE`` is set (letting collection reach private addresses does
not let any key holder point webhooks at them).

One try, from looking the receiver up to its answer (the handshake included), has
``LOCALDATA_WEBHOOK_TIMEOUT`` seconds in all (``localdata.collect.deadline``): a receiver that
answers a byte at a time is cut off then, like one that does not answer. Deliveries run on
workers of their own (``localdata.collect.work.worker_pool``), several at once, so a slow
receiver holds up neither other subscribers nor collection and publishing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx
import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.access import keys
from localdata.access.model import Principal
from localdata.collect import deadline
from localdata.collect.addresses import AddressRefused, GuardedBackend
from localdata.errors import UsageError
from localdata.events import visibility
from localdata.events.notify import EmailFailed, send_email
from localdata.events.outbox import StoredEvent, get_event, queue_delivery
from localdata.events.signing import signature_headers
from localdata.events.tables import attempts, deliveries, subscriptions
from localdata.events.webhooks import secret_box
from localdata.jobs.queue import Job
from localdata.jobs.worker import Handler
from localdata.store.library import Library
from localdata.store.metadata import now

MOST_BACKOFF = dt.timedelta(hours=4)
USER_AGENT = "localdata-webhooks (the Local Data Library)"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
MOST_ERROR = 500
log = logging.getLogger(__name__)


class DeliveryBusy(Exception):
    """Another job holds this delivery now; this job is retried after a short wait."""


@dataclass(frozen=True)
class Outcome:
    """What one try did: the HTTP status when there was an answer, and the error if it failed."""

    ok: bool
    http_status: int | None = None
    error: str | None = None
    validated: bool = False


@dataclass(frozen=True)
class _Claimed:
    delivery: sa.Row[Any]
    subscription: sa.Row[Any]
    event: StoredEvent
    secrets: list[str]


def handlers(library: Library) -> dict[str, Handler]:
    """The job handler of deliveries, by job kind.

    The handler keeps one HTTP client (its connections and TLS context) for every delivery;
    it is closed with the process.
    """
    client = http_client(library)

    def deliver_job(job: Job) -> None:
        deliver(library, int(job.payload["delivery_id"]), client)

    return {"deliver": deliver_job}


def deliver(library: Library, delivery_id: int, client: httpx.Client) -> str:
    """Try one delivery if it is its turn; return its state afterwards."""
    claimed = _claim(library, delivery_id)
    if isinstance(claimed, str):
        return claimed
    started = time.monotonic()
    try:
        with deadline.within(library.settings.webhook_timeout):
            outcome = _send(library, client, claimed)
    except Exception as error:  # any failure is a failed try, retried later
        log.exception("Delivery %s failed unexpectedly", delivery_id)
        message = (
            f"A fault on our side ({type(error).__name__}) stopped this delivery; it will be "
            "tried again. The people who run this library can see why."
        )
        outcome = Outcome(False, None, message[:MOST_ERROR])
    elapsed = int((time.monotonic() - started) * 1000)
    with library.database.transaction() as conn:
        return _record(library, conn, claimed, outcome, elapsed)


def _claim(library: Library, delivery_id: int) -> _Claimed | str:
    """The delivery, claimed for this job; or its state when it is not to be sent now."""
    moment = now()
    with library.database.transaction() as conn:
        row = conn.execute(sa.select(deliveries).where(deliveries.c.id == delivery_id)).one()
        if row.state != "pending" or _waiting_behind(conn, row):
            return str(row.state)
        lease = dt.timedelta(seconds=library.settings.job_lease_seconds)
        taken = conn.execute(
            sa.update(deliveries)
            .where(
                deliveries.c.id == delivery_id,
                deliveries.c.state == "pending",
                sa.or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < moment),
            )
            .values(claimed_until=moment + lease)
        )
        if not taken.rowcount:
            raise DeliveryBusy(f"delivery {delivery_id} is being sent by another job")
        subscription = conn.execute(
            sa.select(subscriptions).where(subscriptions.c.id == row.subscription_id)
        ).one()
        if subscription.deleted_at is not None:
            return _end(conn, row, "cancelled")
        event = get_event(conn, row.event_seq)
        principal = _key_principal(conn, subscription.key_id)
        seen = {"dataset": event.event.dataset, "organisation": event.event.organisation}
        today = library.access.today()
        if principal is None or not visibility.may_see(
            conn, principal, library.standards, seen, today
        ):
            return _end(conn, row, "withheld")
        try:
            found = _secrets(library, subscription, moment)
        except ValueError as error:
            # Retrying cannot help, and a delivery left pending would block its chain for good.
            conn.execute(
                sa.update(deliveries).where(deliveries.c.id == row.id).values(last_error=str(error))
            )
            return _end(conn, row, "dead")
        return _Claimed(row, subscription, event, found)


def _waiting_behind(conn: Connection, row: sa.Row[Any]) -> bool:
    """True while an earlier delivery in the same chain is still pending."""
    earlier = sa.select(deliveries.c.id).where(
        deliveries.c.subscription_id == row.subscription_id,
        deliveries.c.chain == row.chain,
        deliveries.c.state == "pending",
        deliveries.c.event_seq < row.event_seq,
    )
    return conn.execute(earlier.limit(1)).first() is not None


def _key_principal(conn: Connection, key_id: str) -> Principal | None:
    """Who the subscription's key is now; None once it is revoked, expired or switched off."""
    try:
        key = keys.get_key(conn, key_id)
    except UsageError:
        return None
    if not key.active(now()):
        return None
    return keys.principal_of(conn, key)


def _secrets(library: Library, subscription: sa.Row[Any], moment: dt.datetime) -> list[str]:
    box = secret_box(library)
    found = [box.open(subscription.secret)]
    if subscription.previous_secret and (subscription.previous_until or moment) > moment:
        found.append(box.open(subscription.previous_secret))
    return found


def _end(conn: Connection, row: sa.Row[Any], state: str) -> str:
    """End a delivery without sending it, and let the next in its chain go."""
    conn.execute(
        sa.update(deliveries)
        .where(deliveries.c.id == row.id)
        .values(state=state, claimed_until=None)
    )
    _queue_next(conn, row)
    return state


def _queue_next(conn: Connection, row: sa.Row[Any]) -> None:
    """Queue the chain's next pending delivery, now that this one has ended."""
    following = conn.execute(
        sa.select(deliveries.c.id, deliveries.c.next_attempt_at)
        .where(
            deliveries.c.subscription_id == row.subscription_id,
            deliveries.c.chain == row.chain,
            deliveries.c.state == "pending",
            deliveries.c.event_seq > row.event_seq,
        )
        .order_by(deliveries.c.event_seq)
        .limit(1)
    ).first()
    if following is not None:
        when = max(following.next_attempt_at, now())
        queue_delivery(conn, int(following.id), f"after:{row.id}:{row.attempts}", when)


def _send(library: Library, client: httpx.Client, claimed: _Claimed) -> Outcome:
    subscription = claimed.subscription
    if subscription.channel == "email":
        try:
            status = send_email(library.settings, subscription.email, claimed.event.event)
        except EmailFailed as failed:
            return Outcome(False, failed.status, failed.message)
        return Outcome(True, status)
    validated = subscription.validated_at is not None
    if not validated:
        refused = _handshake(library, client, subscription.url)
        if refused is not None:
            return refused
    return _post(library, client, subscription.url, claimed, validated=not validated)


def http_client(library: Library) -> httpx.Client:
    """A client for deliveries: no proxies, no redirects, private addresses guarded."""
    settings = library.settings
    transport = httpx.HTTPTransport(trust_env=False)
    # As in collection: rebuild the pool around the guarded backend (no public way to choose it).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=GuardedBackend(allow_private=settings.webhook_allow_private),
    )
    return httpx.Client(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(settings.webhook_timeout),
        headers={"User-Agent": USER_AGENT},
    )


def _handshake(library: Library, client: httpx.Client, url: str) -> Outcome | None:
    """The CloudEvents webhook validation handshake; None when the receiver accepted it."""
    origin = library.settings.webhook_origin
    try:
        answer = _answer(client, "OPTIONS", url, headers={"WebHook-Request-Origin": origin})
    except (
        httpx.HTTPError,
        httpcore.NetworkError,
        httpcore.TimeoutException,
        AddressRefused,
    ) as error:
        return Outcome(False, None, _network_error(library, url, error))
    allowed = answer.headers.get("WebHook-Allowed-Origin", "").strip()
    if answer.is_success and allowed in (origin, "*"):
        return None
    return Outcome(
        False,
        answer.status_code,
        f"The receiver did not accept the validation handshake: OPTIONS answered "
        f"{answer.status_code} with WebHook-Allowed-Origin '{allowed}', not '{origin}'.",
    )


def _post(
    library: Library, client: httpx.Client, url: str, claimed: _Claimed, *, validated: bool
) -> Outcome:
    event = claimed.event.event
    body = json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
    headers = signature_headers(claimed.secrets, event.id, int(time.time()), body)
    headers["Content-Type"] = CONTENT_TYPE
    try:
        answer = _answer(client, "POST", url, content=body, headers=headers)
    except (
        httpx.HTTPError,
        httpcore.NetworkError,
        httpcore.TimeoutException,
        AddressRefused,
    ) as error:
        return Outcome(False, None, _network_error(library, url, error), validated)
    if answer.is_success:
        return Outcome(True, answer.status_code, None, validated)
    reason = f"{answer.status_code} {answer.reason_phrase}".strip()
    return Outcome(False, answer.status_code, f"The receiver answered {reason}.", validated)


def _answer(client: httpx.Client, method: str, url: str, **request: Any) -> httpx.Response:
    """The receiver's answer, its status and headers only: its body is never read, so a
    receiver cannot fill the worker's memory."""
    with client.stream(method, url, **request) as answer:
        return answer


def _network_error(library: Library, url: str, error: Exception) -> str:
    if isinstance(error, AddressRefused):
        return str(error).replace("collect from it", "deliver to it")[:MOST_ERROR]
    seconds = library.settings.webhook_timeout
    if deadline.expired() or isinstance(error, (httpx.TimeoutException, httpcore.TimeoutException)):
        return (
            f"{url} did not answer within {seconds:g} seconds, from connecting to the end of "
            "its answer. Answer at once, and do the work after answering."
        )[:MOST_ERROR]
    return f"Could not reach {url}: {error or type(error).__name__}."[:MOST_ERROR]


def _record(
    library: Library, conn: Connection, claimed: _Claimed, outcome: Outcome, elapsed_ms: int
) -> str:
    """Log the try and move the delivery on: delivered, retried later, or dead."""
    row, moment = claimed.delivery, now()
    conn.execute(
        sa.insert(attempts).values(
            delivery_id=row.id,
            attempted_at=moment,
            elapsed_ms=elapsed_ms,
            http_status=outcome.http_status,
            error=outcome.error,
        )
    )
    if outcome.validated:
        conn.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == row.subscription_id)
            .values(validated_at=moment)
        )
    tries = row.attempts + 1
    first = row.first_attempt_at or moment
    values: dict[str, Any] = {
        "attempts": tries,
        "first_attempt_at": first,
        "claimed_until": None,
        "last_status": outcome.http_status,
        "last_error": outcome.error,
    }
    retry_at = moment + _backoff(library, tries)
    window = dt.timedelta(hours=library.settings.webhook_retry_hours)
    if outcome.ok:
        values |= {"state": "delivered", "delivered_at": moment}
    elif retry_at > first + window:
        values |= {"state": "dead"}
    else:
        values |= {"next_attempt_at": retry_at}
    conn.execute(
        sa.update(deliveries)
        .where(deliveries.c.id == row.id, deliveries.c.state == "pending")
        .values(values)
    )
    state = str(values.get("state", "pending"))
    if state == "pending":
        queue_delivery(conn, row.id, f"retry:{tries}:{moment.timestamp()}", retry_at)
    else:
        _queue_next(conn, row)
    return state


def _backoff(library: Library, tries: int) -> dt.timedelta:
    """How long to wait before the next try: doubled each time, at most 4 hours, jittered."""
    seconds = library.settings.webhook_backoff * 2 ** min(tries - 1, 30)
    wait = min(dt.timedelta(seconds=seconds), MOST_BACKOFF)
    return wait * random.uniform(0.75, 1.25)  # noqa: S311  # jitter, not secrecy
