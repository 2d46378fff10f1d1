"""Sessions kept on the server (issue 15): signing out ends them everywhere.

A copied session cookie used to keep reading restricted records after its user signed out,
because the cookie alone was the session. Now the cookie carries a token the server checks on
every request, and signing out ends every session of the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from localdata.access import accounts
from localdata.access.tables import sessions
from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import HYN, agree, restricted_library, terms

BASE = "https://testserver"  # the session cookie is Secure
RECORDS = "/api/v1/datasets/spend/records"
EMAIL = "viewer.hyn@example.org"


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = restricted_library(settings)
    agree(library, terms())
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, library.access.log, name="V", email=EMAIL, actor="t")
        accounts.grant_role(conn, library.access.log, user.id, HYN, "viewer", actor="t")
    yield library
    library.close()


def browser(library: Library) -> TestClient:
    development = library.settings.model_copy(update={"env": "development", "dev_sign_in": True})
    return TestClient(create_app(development, library), base_url=BASE)


def sign_in(library: Library) -> TestClient:
    client = browser(library)
    token = re.search(r"name=csrf value='([^']+)'", client.get("/auth/dev").text)
    assert token is not None
    done = client.post("/auth/dev", data={"user": EMAIL, "csrf": token.group(1)})
    assert done.status_code == 200
    return client


def copy_of(library: Library, client: TestClient) -> TestClient:
    """Another browser holding a copy of the client's session cookie."""
    thief = browser(library)
    thief.cookies.set("localdata_session", client.cookies["localdata_session"])
    return thief


def sign_out(client: TestClient) -> None:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None
    done = client.post("/auth/logout", data={"csrf": found.group(1)}, follow_redirects=False)
    assert done.status_code == 303


def test_sessions_sign_out_ends_a_copied_cookie(library: Library) -> None:
    owner = sign_in(library)
    thief = copy_of(library, owner)
    assert thief.get(RECORDS).status_code == 200
    sign_out(owner)
    assert thief.get(RECORDS).status_code == 401
    assert "Signed in as" not in thief.get("/").text
    assert owner.get(RECORDS).status_code == 401


def test_sessions_sign_out_ends_every_session_of_the_user(library: Library) -> None:
    laptop, phone = sign_in(library), sign_in(library)
    assert phone.get(RECORDS).status_code == 200
    sign_out(laptop)
    assert phone.get(RECORDS).status_code == 401
    with library.access.transaction() as conn:
        rows = conn.execute(sa.select(sessions.c.id, sessions.c.ended_at)).all()
    assert len(rows) == 2 and all(r.ended_at is not None for r in rows)
    cookie = laptop.cookies.get("localdata_session") or ""
    assert all(r.id not in cookie for r in rows)  # the table keeps digests, not tokens


def test_sessions_end_on_the_server_when_they_expire(library: Library) -> None:
    client = sign_in(library)
    past = datetime.now(UTC) - timedelta(seconds=1)
    with library.access.transaction() as conn:
        conn.execute(sa.update(sessions).values(expires_at=past))
    assert client.get(RECORDS).status_code == 401
