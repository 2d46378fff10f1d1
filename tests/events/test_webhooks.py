"""Webhooks: signed, validated, retried, in order, dead-lettered, gated (issue 7).

Every delivery goes over real HTTP to a receiver on 127.0.0.1, from a real worker thread.
"""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.collect.work import BackgroundWorker
from localdata.events import webhooks
from localdata.events.signing import BadSignature, verify
from localdata.events.tables import deliveries, subscriptions
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import BUN, LAN, PEN, agree, restricted_library, spend_file, terms
from tests.events.conftest import (
    APRIL,
    BROKEN,
    MARCH,
    event_settings,
    make_key,
    publish,
    wait_until,
    worker,
)
from tests.events.receiver import Receiver, free_port, running_dripper, running_receiver


def states(library: Library, principal: object, subscription_id: str) -> list[str]:
    log = webhooks.delivery_log(library, principal, subscription_id)  # type: ignore[arg-type]
    return [d["state"] for d in reversed(log)]


def stored_states(library: Library, subscription_id: str) -> list[str]:
    """The deliveries' states as stored, oldest first, whoever may see them."""
    query = (
        sa.select(deliveries.c.state)
        .where(deliveries.c.subscription_id == subscription_id)
        .order_by(deliveries.c.id)
    )
    with library.database.engine.connect() as conn:
        return [str(state) for state in conn.execute(query).scalars()]


def tried(library: Library, principal: object, subscription_id: str) -> bool:
    log = webhooks.delivery_log(library, principal, subscription_id)  # type: ignore[arg-type]
    return bool(log and log[0]["log"])


def test_webhook_delivery_is_validated_signed_and_verifiable(
    library: Library, receiver: Receiver
) -> None:
    _, principal = make_key(library)
    made, secret = webhooks.create_subscription(library, principal, url=receiver.url)
    with worker(library):
        publish(library, MARCH)
        [post] = receiver.wait_for(1)
    assert receiver.handshakes[0]["webhook-request-origin"] == library.settings.webhook_origin
    body = json.loads(post.body)
    assert body["type"] == "version-published" and post.headers["webhook-id"] == body["id"]
    assert post.headers["content-type"].startswith("application/cloudevents+json")
    verify(secret, post.headers, post.body, int(time.time()))
    with pytest.raises(BadSignature):
        verify(secret, post.headers, post.body.replace(b'"rows":2', b'"rows":3'), int(time.time()))
    with pytest.raises(BadSignature):
        verify(webhooks.new_secret(), post.headers, post.body, int(time.time()))
    assert webhooks.get_subscription(library, principal, made.id).validated_at is not None


def test_receiver_refusing_the_handshake_gets_no_events(
    library: Library, receiver: Receiver
) -> None:
    receiver.allow_handshake = False
    _, principal = make_key(library)
    made, _ = webhooks.create_subscription(library, principal, url=receiver.url)
    with worker(library):
        publish(library, MARCH)
        wait_until(lambda: len(receiver.handshakes) >= 2)
    assert receiver.posts == []
    [delivery] = webhooks.delivery_log(library, principal, made.id)
    assert delivery["state"] == "pending" and "validation handshake" in delivery["last_error"]


def test_receiver_down_for_the_first_attempts_gets_the_event_later(library: Library) -> None:
    _, principal = make_key(library)
    down = Receiver(port=free_port())
    made, _ = webhooks.create_subscription(library, principal, url=down.url)
    with worker(library):
        publish(library, MARCH)

        def tried_twice() -> bool:
            log = webhooks.delivery_log(library, principal, made.id)
            return bool(log) and log[0]["attempts"] >= 2

        wait_until(tried_twice)
        with running_receiver(down) as up:
            [post] = up.wait_for(1)
            wait_until(lambda: states(library, principal, made.id) == ["delivered"])
    [delivery] = webhooks.delivery_log(library, principal, made.id)
    assert delivery["event_id"] == post.headers["webhook-id"]
    assert delivery["attempts"] >= 3 and delivery["log"][0]["http_status"] is None
    assert "Could not reach" in delivery["log"][0]["error"]
    assert delivery["log"][-1]["http_status"] == 200


def test_a_secret_that_cannot_be_read_dead_letters_without_blocking_the_chain(
    library: Library, receiver: Receiver
) -> None:
    # Issue 7: a delivery that can never be signed must end, not stay pending for good.
    _, principal = make_key(library)
    made, _ = webhooks.create_subscription(library, principal, url=receiver.url)
    with library.database.transaction() as conn:
        conn.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == made.id)
            .values(secret="not-a-sealed-secret")
        )
    publish(library, MARCH)
    publish(library, APRIL)
    with worker(library):
        wait_until(lambda: states(library, principal, made.id) == ["dead", "dead"])
    assert receiver.posts == []
    [latest, _] = webhooks.delivery_log(library, principal, made.id)
    assert "cannot be decrypted" in latest["last_error"]


def test_deliveries_of_one_dataset_and_organisation_arrive_in_order(
    library: Library, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    _, principal = make_key(library)
    webhooks.create_subscription(library, principal, url=receiver.url)
    publish(library, MARCH)
    publish(library, BROKEN)
    publish(library, APRIL)
    with worker(library):
        posts = receiver.wait_for(5)
    order = [json.loads(p.body)["type"] for p in posts]
    ids = [p.headers["webhook-id"] for p in posts]
    assert order == ["version-published"] * 3 + ["submission-failed", "version-published"]
    assert ids[0] == ids[1] == ids[2] and len(set(ids)) == 3


def test_failed_deliveries_are_dead_lettered_and_redelivered_on_demand(
    settings: Settings, receiver: Receiver
) -> None:
    library = Library(event_settings(settings, webhook_retry_hours=0.5 / 3600))
    try:
        receiver.status = 500
        _, principal = make_key(library)
        made, _ = webhooks.create_subscription(library, principal, url=receiver.url)
        with worker(library):
            publish(library, MARCH)
            wait_until(lambda: states(library, principal, made.id) == ["dead"])
            dead = webhooks.delivery_log(library, principal, made.id, state="dead")
            assert len(dead) == 1 and dead[0]["last_status"] == 500
            receiver.status = 200
            assert webhooks.redeliver(library, principal, made.id) == 1
            wait_until(lambda: states(library, principal, made.id) == ["delivered"])
        assert len({p.headers["webhook-id"] for p in receiver.posts}) == 1
    finally:
        library.close()


def test_rotated_secret_signs_beside_the_old_one(library: Library, receiver: Receiver) -> None:
    _, principal = make_key(library)
    made, old = webhooks.create_subscription(library, principal, url=receiver.url)
    _, new = webhooks.rotate_secret(library, principal, made.id)
    with worker(library):
        publish(library, MARCH)
        [post] = receiver.wait_for(1)
    assert len(post.headers["webhook-signature"].split()) == 2
    for secret in (old, new):
        verify(secret, post.headers, post.body, int(time.time()))


def test_private_addresses_are_refused_unless_allowed(
    settings: Settings, receiver: Receiver
) -> None:
    guarded = event_settings(settings, webhook_allow_private=False, collect_allow_private=False)
    library = Library(guarded)
    try:
        _, principal = make_key(library)
        made, _ = webhooks.create_subscription(library, principal, url=receiver.url)
        with worker(library):
            publish(library, MARCH)
            wait_until(lambda: bool(webhooks.delivery_log(library, principal, made.id)[0]["log"]))
        [delivery] = webhooks.delivery_log(library, principal, made.id)
        assert "private" in delivery["last_error"] and receiver.handshakes == []
    finally:
        library.close()


def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_webhook_timeout(
    settings: Settings,
) -> None:
    # Issue 15: one try has the webhook timeout in all, not per read.
    library = Library(event_settings(settings, webhook_timeout=1.0))
    try:
        _, principal = make_key(library)
        with running_dripper() as dripper:
            made, _ = webhooks.create_subscription(library, principal, url=dripper.url)
            with worker(library):
                publish(library, MARCH)
                wait_until(lambda: tried(library, principal, made.id), seconds=15)
        [delivery] = webhooks.delivery_log(library, principal, made.id)
        [attempt] = delivery["log"][:1]
        assert "did not answer within 1 seconds" in delivery["last_error"]
        assert attempt["elapsed_ms"] < 2000, attempt
    finally:
        library.close()


def test_a_dripping_receiver_does_not_delay_another_subscribers_delivery(
    settings: Settings, receiver: Receiver
) -> None:
    # Issue 15: deliveries run on workers of their own, several at once, as `serve` runs them.
    library = Library(event_settings(settings, webhook_timeout=5.0))
    try:
        _, principal = make_key(library)
        with running_dripper() as dripper:
            slow, _ = webhooks.create_subscription(library, principal, url=dripper.url)
            webhooks.create_subscription(library, principal, url=receiver.url)  # after: queued 2nd
            pool = BackgroundWorker(library).start()
            try:
                started = time.monotonic()
                publish(library, MARCH)
                [post] = receiver.wait_for(1, seconds=20)
                wait_until(lambda: tried(library, principal, slow.id), seconds=15)
            finally:
                pool.stop()
        assert dripper.requests >= 1
        assert post.at - started < 2.5, f"delivered {post.at - started:.1f} s after publishing"
        [dripped] = webhooks.delivery_log(library, principal, slow.id)
        assert "did not answer within 5 seconds" in dripped["last_error"]
        assert dripped["log"][0]["elapsed_ms"] < 6500
    finally:
        library.close()


def test_restricted_events_reach_a_subscriber_only_under_an_active_agreement(
    settings: Settings, receiver: Receiver
) -> None:
    library = restricted_library(event_settings(settings))
    try:
        _, bun = make_key(library, BUN)
        _, pen = make_key(library, PEN)
        versions = ["version-published"]  # agreement-changed events are public
        to_bun, _ = webhooks.create_subscription(
            library, bun, url=receiver.url + "/bun", types=versions
        )
        to_pen, _ = webhooks.create_subscription(
            library, pen, url=receiver.url + "/pen", types=versions
        )
        with worker(library):
            library.publish(spend_file(LAN, rows=2), "spend", LAN, filename="a.csv")
            wait_until(lambda: stored_states(library, to_bun.id) == ["withheld"])
            wait_until(lambda: stored_states(library, to_pen.id) == ["withheld"])
            assert states(library, bun, to_bun.id) == []  # issue 15: not even that it happened
            agree(library, terms())
            library.publish(spend_file(LAN, rows=3), "spend", LAN, filename="b.csv")
            receiver.wait_for(1)
            wait_until(lambda: stored_states(library, to_pen.id) == ["withheld", "withheld"])
        # Under the agreement Burnley may see both events now; Pendle sees none in its log.
        assert states(library, bun, to_bun.id) == ["withheld", "delivered"]
        assert webhooks.delivery_log(library, pen, to_pen.id) == []
        [post] = receiver.posts
        assert json.loads(post.body)["organisation"] == LAN
    finally:
        library.close()


def test_webhooks_api_creates_lists_rotates_and_deletes(
    library: Library, receiver: Receiver
) -> None:
    client = TestClient(create_app(library.settings, library))
    secret, _ = make_key(library)
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/webhooks", json={"url": receiver.url}).status_code == 401
    made = client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "types": ["version-published"], "dataset": "spend"},
        headers=auth,
    )
    assert made.status_code == 201
    body = made.json()
    assert body["secret"].startswith("whsec_")
    subscription = body["subscription"]
    assert subscription["types"] == ["version-published"]
    listed = client.get("/api/v1/webhooks", headers=auth).json()
    assert [s["id"] for s in listed["subscriptions"]] == [subscription["id"]]
    assert "secret" not in json.dumps(listed).replace("previous_secret_until", "")
    rotated = client.post(f"/api/v1/webhooks/{subscription['id']}/rotate", headers=auth).json()
    assert rotated["secret"] != body["secret"]
    assert rotated["subscription"]["previous_secret_until"]
    log = client.get(f"/api/v1/webhooks/{subscription['id']}/deliveries", headers=auth).json()
    assert log == {"deliveries": [], "count": 0, "next": None}
    other, _ = make_key(library)
    hidden = client.get(
        f"/api/v1/webhooks/{subscription['id']}", headers={"Authorization": f"Bearer {other}"}
    )
    assert hidden.status_code == 404
    assert client.delete(f"/api/v1/webhooks/{subscription['id']}", headers=auth).status_code == 204
    assert client.get("/api/v1/webhooks", headers=auth).json()["count"] == 0
    bad = client.post("/api/v1/webhooks", json={"url": "ftp://x", "types": []}, headers=auth)
    assert bad.status_code == 400 and "http or https" in bad.json()["detail"]
    both = client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "email": "a@b.example"}, headers=auth
    )
    assert both.status_code == 400
