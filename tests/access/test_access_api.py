"""Access through the JSON API: keys, publishing rights, agreements, audit views, 429s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from localdata.access import accounts, keys
from localdata.access.model import SYSTEM
from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import BUN, HYN, LAN, PEN, agree, restricted_library, spend_file, terms


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = restricted_library(settings)
    yield library
    library.close()


@pytest.fixture
def client(library: Library) -> TestClient:
    return TestClient(create_app(library.settings, library))


def user_key(library: Library, organisation: str, role: str, scopes: list[str]) -> str:
    """A key for a new user holding ``role`` in ``organisation``."""
    log = library.access.log
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, log, name=role, email=None, actor="cli")
        accounts.grant_role(conn, log, user.id, organisation, role, actor="cli")
        _, secret = keys.create_key(
            conn, log, name=role, scopes=scopes, actor="cli", user_id=user.id
        )
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_api_restricted_records_need_a_key_and_an_agreement(
    client: TestClient, library: Library
) -> None:
    agree(library, terms())
    assert client.get("/api/v1/datasets/spend/records").status_code == 401
    pendle = bearer(user_key(library, PEN, "viewer", ["read"]))
    denied = client.get(
        "/api/v1/datasets/spend/records", params={"organisation": LAN}, headers=pendle
    )
    assert denied.status_code == 403
    assert "Ask your information governance officer" in denied.json()["detail"]
    hyndburn = bearer(user_key(library, HYN, "viewer", ["read"]))
    body = client.get(
        "/api/v1/datasets/spend/records",
        headers=hyndburn | {"X-Purpose": "fraud-prevention"},
    ).json()
    assert {r["organisation"] for r in body["records"]} == {LAN}
    assert "supplier-name" not in body["records"][0]
    download = client.get("/api/v1/datasets/spend/records.csv", headers=hyndburn)
    assert download.status_code == 200 and "SUPPLIER" not in download.text


def test_api_bad_authorization_is_401(client: TestClient) -> None:
    for header in ("Basic abc", "Bearer ", "Bearer ldk_000000000000.nope"):
        response = client.get("/api/v1/datasets", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_api_publishing_needs_a_publisher_of_that_organisation(
    client: TestClient, library: Library
) -> None:
    def publish(headers: dict[str, str], organisation: str) -> int:
        files = {"file": ("s.csv", spend_file(organisation, 3), "text/csv")}
        data = {"organisation": organisation}
        response = client.post(
            "/api/v1/datasets/spend/submissions", files=files, data=data, headers=headers
        )
        return response.status_code

    publisher = bearer(user_key(library, HYN, "publisher", ["publish"]))
    viewer = bearer(user_key(library, HYN, "viewer", ["read", "publish"]))
    assert publish({}, HYN) == 401
    assert publish(viewer, HYN) == 403
    assert publish(publisher, BUN) == 403
    assert publish(publisher, HYN) == 201


def test_api_agreements_register_and_lifecycle(client: TestClient, library: Library) -> None:
    lan = bearer(user_key(library, LAN, "information-governance", ["read", "admin"]))
    bun = bearer(user_key(library, BUN, "information-governance", ["read", "admin"]))
    hyn = bearer(user_key(library, HYN, "information-governance", ["read", "admin"]))
    body = terms().model_dump(mode="json")
    assert client.post("/api/v1/agreements", json=body, headers=bun).status_code == 403
    assert client.post("/api/v1/agreements", json=body, headers=lan).status_code == 201
    for org, headers in ((LAN, lan), (BUN, bun), (HYN, hyn)):
        signed = client.post(
            "/api/v1/agreements/lan-fraud/signatures", json={"organisation": org}, headers=headers
        )
        assert signed.status_code == 200, signed.json()
    active = client.post(
        "/api/v1/agreements/lan-fraud/state", json={"state": "active"}, headers=lan
    )
    assert active.json()["status"] == "active"
    register = client.get("/api/v1/agreements").json()
    entry = register["agreements"][0]
    assert (entry["id"], entry["status"], entry["signed_by"]) == (
        "lan-fraud",
        "active",
        [BUN, HYN, LAN],
    )
    assert "signatures" not in entry and "user:" not in str(entry)


def test_api_audit_views_for_information_governance(client: TestClient, library: Library) -> None:
    agree(library, terms())
    reader = bearer(user_key(library, HYN, "viewer", ["read"]))
    page = client.get("/api/v1/datasets/spend/records", params={"_size": "1"}, headers=reader)
    record = page.json()["records"][0]
    record_id = f"{LAN}/{record['provenance']['resource']}/{record['provenance']['row']}"
    officer = bearer(user_key(library, LAN, "information-governance", ["read"]))
    assert (
        client.get("/api/v1/audit", params={"organisation": LAN}, headers=reader).status_code == 403
    )
    log = client.get("/api/v1/audit", params={"organisation": LAN}, headers=officer).json()
    reads = [e for e in log["entries"] if e["action"] == "read"]
    assert reads[0]["agreement"] == "lan-fraud" and reads[0]["purpose"] == "fraud-prevention"
    accesses = client.get(
        "/api/v1/audit/records", params={"dataset": "spend", "record": record_id}, headers=officer
    ).json()
    assert accesses["count"] == 1 and accesses["accesses"][0]["rows"] == 1
    assert client.get("/api/v1/audit/checkpoints").json()["public_key"].startswith("-----BEGIN")


def test_api_rate_limit_answers_429_with_retry_after(library: Library) -> None:
    limited = library.settings.model_copy(update={"anonymous_rate_limit_per_minute": 3})
    client = TestClient(create_app(limited, library))
    library.settings = limited
    library.access.settings = limited
    codes = [client.get("/api/v1/standards").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/standards")
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["content-type"] == "application/problem+json"


def test_api_keys_are_made_listed_and_revoked_by_a_signed_in_user(library: Library) -> None:
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, library.access.log, name="A", email=None, actor="cli")
        accounts.grant_role(conn, library.access.log, user.id, HYN, "viewer", actor="cli")
    dev = library.settings.model_copy(update={"env": "development", "dev_sign_in": True})
    client = TestClient(create_app(dev, library), base_url="https://testserver")
    form = client.get("/auth/dev").text
    csrf = form.split("name=csrf value='")[1].split("'")[0]
    assert client.post("/auth/dev", data={"user": user.id}).status_code == 403  # no CSRF token
    signed_in = client.post(
        "/auth/dev", data={"user": user.id, "csrf": csrf}, follow_redirects=False
    )
    assert signed_in.status_code == 303, signed_in.text
    made = client.post("/api/v1/keys", json={"name": "script", "scopes": ["read"]})
    assert made.status_code == 201
    secret = made.json()["key"]
    listed = client.get("/api/v1/keys").json()
    assert [k["id"] for k in listed["keys"]] == [made.json()["id"]] and secret not in str(listed)
    other = TestClient(create_app(dev, library), base_url="https://testserver")
    assert other.get("/api/v1/datasets", headers=bearer(secret)).status_code == 200
    assert other.get("/api/v1/keys", headers=bearer(secret)).status_code == 401
    revoked = client.delete(f"/api/v1/keys/{made.json()['id']}")
    assert revoked.json()["revoked_at"] is not None
    assert other.get("/api/v1/datasets", headers=bearer(secret)).status_code == 401


def test_api_one_record_passes_the_gate(client: TestClient, library: Library) -> None:
    agree(library, terms())
    resource = library.versions("spend", LAN, principal=SYSTEM)[0].resource
    url = f"/api/v1/datasets/spend/records/{LAN}/{resource}/2"
    assert client.get(url).status_code == 401
    hyndburn = bearer(user_key(library, HYN, "viewer", ["read"]))
    body = client.get(url, headers=hyndburn).json()
    assert body["record"]["amount"] is not None and "supplier-name" not in body["record"]
    pendle = bearer(user_key(library, PEN, "viewer", ["read"]))
    assert client.get(url, headers=pendle).status_code == 404


def test_api_wrong_keys_spend_the_clients_allowance(library: Library) -> None:
    # Issue 6: guessing keys is rate limited like any anonymous request.
    limited = library.settings.model_copy(update={"anonymous_rate_limit_per_minute": 3})
    client = TestClient(create_app(limited, library))
    library.settings = limited
    library.access.settings = limited
    wrong = {"Authorization": "Bearer ldk_guess_0000000000000000"}
    codes = [client.get("/api/v1/standards", headers=wrong).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
