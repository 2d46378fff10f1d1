"""Headers that keep restricted answers out of caches, and HTTPS on in production (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import BUN, LAN, agree, restricted_library, terms
from tests.events.conftest import make_key


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    found = restricted_library(settings.model_copy(update={"secret_key": "a key for cursors"}))
    agree(found, terms())
    yield found
    found.close()


def test_restricted_downloads_are_not_stored_by_caches(library: Library) -> None:
    secret, _ = make_key(library, BUN)
    client = TestClient(create_app(library.settings, library))
    answer = client.get(
        "/api/v1/datasets/spend/records.csv", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200 and LAN in answer.text
    assert answer.headers["cache-control"] == "no-store"
    page = client.get(
        "/api/v1/datasets/spend/records", headers={"Authorization": f"Bearer {secret}"}
    )
    assert page.headers["cache-control"] == "no-store"


def test_production_answers_send_hsts(library: Library) -> None:
    production = library.settings.model_copy(update={"env": "production"})
    answer = TestClient(create_app(production, library)).get("/api/v1/standards")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
    test = TestClient(create_app(library.settings, library)).get("/api/v1/standards")
    assert "strict-transport-security" not in test.headers
