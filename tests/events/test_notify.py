"""Event emails through GOV.UK Notify, sent to a local server that checks them (issue 7).

The server stands in for the Notify API over real HTTP: it checks the JWT the client signs
with the API key (HS256, ``iss`` the service id, ``iat`` now) and the request's shape, and
answers as Notify does. No real Notify call is made.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from localdata.access import accounts, keys
from localdata.access.model import Principal
from localdata.errors import UsageError
from localdata.events import webhooks
from localdata.settings import Settings
from localdata.store.library import Library
from tests.events.conftest import (
    HYNDBURN,
    MARCH,
    event_settings,
    make_key,
    publish,
    wait_until,
    worker,
)

SERVICE = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"localdata_test-{SERVICE}-{SECRET}"
TEMPLATE = str(uuid.uuid4())


class FakeNotify:
    """What the local Notify server received, and the problems it found with it."""

    def __init__(self) -> None:
        self.emails: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.status = 201


def _handler(notify: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            problem = self._problem(body)
            if problem:
                notify.problems.append(problem)
                self._answer(403, {"errors": [{"error": "AuthError", "message": problem}]})
                return
            notify.emails.append(body)
            self._answer(
                notify.status,
                {"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {}},
            )

        def _problem(self, body: dict[str, Any]) -> str | None:
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            try:
                claims = jwt.decode(token, SECRET, algorithms=["HS256"])
            except jwt.PyJWTError as error:
                return f"bad token: {error}"
            if scheme != "Bearer" or claims.get("iss") != SERVICE:
                return "wrong issuer"
            if abs(time.time() - claims["iat"]) > 30:
                return "stale token"
            if self.path != "/v2/notifications/email":
                return f"wrong path {self.path}"
            if set(body) - {"email_address", "template_id", "personalisation", "reference"}:
                return "unexpected fields"
            if body["template_id"] != TEMPLATE or "@" not in body["email_address"]:
                return "bad template or address"
            if set(body["personalisation"]) != {"subject", "body"}:
                return "bad personalisation"
            return None

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def notify() -> Iterator[tuple[FakeNotify, str]]:
    found = FakeNotify()
    http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield found, f"http://127.0.0.1:{http.server_address[1]}"
    http.shutdown()
    http.server_close()
    thread.join()


@pytest.fixture
def emailing(settings: Settings, notify: tuple[FakeNotify, str]) -> Iterator[Library]:
    values = {"notify_api_key": API_KEY, "notify_template_id": TEMPLATE}
    library = Library(event_settings(settings, notify_base_url=notify[1], **values))
    yield library
    library.close()


ADDRESS = "data@hyndburn.example"


def user_principal(library: Library, email: str = ADDRESS) -> Principal:
    """The principal of a read key of a Hyndburn user with this email address."""
    with library.access.transaction() as conn:
        log = library.access.log
        user = accounts.create_user(conn, log, name="Data team", email=email, actor="test")
        accounts.grant_role(conn, log, user.id, HYNDBURN, "viewer", actor="test")
        secret = keys.create_key(
            conn, log, name="email", scopes=["read"], actor="test", user_id=user.id
        )[1]
    return library.access.key_principal(secret)


def test_email_goes_only_to_the_address_of_the_keys_own_user(emailing: Library) -> None:
    # Issue 7: otherwise any key holder could have the library email whoever they liked.
    _, organisation_key = make_key(emailing)
    with pytest.raises(UsageError, match="only to the address of the person the key belongs to"):
        webhooks.create_subscription(emailing, organisation_key, email=ADDRESS)
    principal = user_principal(emailing)
    with pytest.raises(UsageError, match="only to the address"):
        webhooks.create_subscription(emailing, principal, email="someone@else.example")
    made, _ = webhooks.create_subscription(emailing, principal, email=ADDRESS.upper())
    assert made.channel == "email"


def test_email_subscription_sends_the_event_through_notify(
    emailing: Library, notify: tuple[FakeNotify, str]
) -> None:
    server, _ = notify
    principal = user_principal(emailing)
    made, _ = webhooks.create_subscription(emailing, principal, email=ADDRESS)
    with worker(emailing):
        publish(emailing, MARCH)
        wait_until(lambda: bool(server.emails) or bool(server.problems))
        wait_until(
            lambda: webhooks.delivery_log(emailing, principal, made.id)[0]["state"] == "delivered"
        )
    assert server.problems == []
    [email] = server.emails
    assert email["email_address"] == "data@hyndburn.example"
    assert email["reference"].startswith("evt_")
    assert email["personalisation"]["subject"] == f"Version published: spend, {HYNDBURN}"
    assert "datasets/spend/versions/" in email["personalisation"]["body"]


def test_email_refused_by_notify_is_logged_and_retried(
    emailing: Library, notify: tuple[FakeNotify, str]
) -> None:
    server, _ = notify
    server.status = 400
    principal = user_principal(emailing)
    made, _ = webhooks.create_subscription(emailing, principal, email=ADDRESS)
    with worker(emailing):
        publish(emailing, MARCH)
        wait_until(lambda: len(server.emails) >= 2)
    [delivery] = webhooks.delivery_log(emailing, principal, made.id)
    assert delivery["log"][0]["http_status"] == 400
    assert delivery["log"][0]["error"] == "GOV.UK Notify answered 400."
