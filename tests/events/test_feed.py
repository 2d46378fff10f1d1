"""The feed at /api/v1/events: cursor, filters, long-polling, Atom, access (issue 7)."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import BUN, LAN, PEN, agree, restricted_library, spend_file, terms
from tests.events.conftest import APRIL, BROKEN, MARCH, event_settings, make_key, publish

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client(library: Library) -> TestClient:
    return TestClient(create_app(library.settings, library))


def types_of(body: dict[str, object]) -> list[str]:
    return [e["type"] for e in body["events"]]  # type: ignore[index, union-attr]


def test_feed_pages_with_a_cursor_and_filters(client: TestClient, library: Library) -> None:
    publish(library, MARCH)
    publish(library, BROKEN)
    publish(library, APRIL, "local-authority:LDS")
    first = client.get("/api/v1/events", params={"limit": 2}).json()
    assert types_of(first) == ["version-published", "submission-failed"]
    rest = client.get("/api/v1/events", params={"after": first["next"]}).json()
    assert [(e["type"], e["organisation"]) for e in rest["events"]] == [
        ("version-published", "local-authority:LDS")
    ]
    empty = client.get("/api/v1/events", params={"after": rest["next"]}).json()
    assert empty == {"events": [], "count": 0, "next": rest["next"]}
    failed = client.get("/api/v1/events", params={"type": "submission-failed"}).json()
    assert types_of(failed) == ["submission-failed"]
    leeds = client.get("/api/v1/events", params={"organisation": "LDS"}).json()
    assert [e["organisation"] for e in leeds["events"]] == ["local-authority:LDS"]
    both = client.get(
        "/api/v1/events", params=[("type", "version-published"), ("dataset", "spend")]
    ).json()
    assert both["count"] == 2
    event = first["events"][0]
    assert {"specversion", "id", "source", "type", "time", "subject", "data"} <= set(event)


def test_feed_refuses_unknown_filters_plainly(client: TestClient) -> None:
    answer = client.get("/api/v1/events", params={"type": "everything"})
    assert answer.status_code == 400
    assert "version-published" in answer.json()["detail"]
    assert client.get("/api/v1/events", params={"wait": 31}).status_code == 400
    assert client.get("/api/v1/events", params={"dataset": "nope"}).status_code == 404


def test_feed_long_poll_answers_when_an_event_arrives(client: TestClient, library: Library) -> None:
    publisher = threading.Timer(0.5, publish, args=(library, MARCH))
    started = time.monotonic()
    publisher.start()
    body = client.get("/api/v1/events", params={"wait": 10}).json()
    elapsed = time.monotonic() - started
    publisher.join()
    assert types_of(body) == ["version-published"]
    assert 0.4 < elapsed < 5


def test_feed_long_poll_gives_up_after_wait(client: TestClient) -> None:
    started = time.monotonic()
    body = client.get("/api/v1/events", params={"wait": 0.5}).json()
    assert body["count"] == 0 and 0.4 < time.monotonic() - started < 5


def test_feed_as_atom_lists_the_newest_events(client: TestClient, library: Library) -> None:
    publish(library, MARCH)
    publish(library, BROKEN)
    answer = client.get("/api/v1/events.atom")
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}category").get("term") for e in entries] == [  # type: ignore[union-attr]
        "submission-failed",
        "version-published",
    ]
    assert entries[0].findtext(f"{ATOM}id", "").startswith("urn:uuid:")
    link = entries[1].find(f"{ATOM}link")
    assert link is not None and "/api/v1/datasets/spend/versions/" in link.get("href", "")


def test_asyncapi_document_lists_every_event_type(client: TestClient) -> None:
    body = client.get("/api/v1/asyncapi.json").json()
    assert body["asyncapi"] == "3.0.0"
    messages = body["components"]["messages"]
    assert "version-published" in messages and len(messages) == 8
    assert body["operations"]["deliverEvent"]["action"] == "send"


def test_feed_shows_restricted_events_only_under_an_agreement(settings: Settings) -> None:
    library = restricted_library(event_settings(settings))
    try:
        client = TestClient(create_app(library.settings, library))
        library.publish(spend_file(LAN, rows=3), "spend", LAN, filename="spend.csv")
        bun, _ = make_key(library, BUN)
        pen, _ = make_key(library, PEN)

        def seen(secret: str | None) -> set[str]:
            headers = {"Authorization": f"Bearer {secret}"} if secret else {}
            params = {"type": "version-published"}  # agreement events are public
            body = client.get("/api/v1/events", params=params, headers=headers).json()
            return {e["organisation"] for e in body["events"]}

        assert seen(None) == set()
        assert seen(pen) == {PEN}
        assert seen(bun) == {BUN}
        agree(library, terms())
        assert seen(bun) == {BUN, LAN}
        assert seen(pen) == {PEN}
        public = client.get("/api/v1/events", params={"type": "agreement-changed"}).json()
        assert {e["data"]["change"] for e in public["events"]} >= {"proposed", "active"}
    finally:
        library.close()


def test_feed_filters_by_unknown_organisation_plainly(client: TestClient) -> None:
    answer = client.get("/api/v1/events", params={"organisation": "Nowhere Council"})
    assert answer.status_code in (400, 404)
    assert answer.json()["detail"].startswith("No organisation matches 'Nowhere Council'")
