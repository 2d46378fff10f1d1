"""Separation of duties (issue 15): a library administrator runs the service, not the councils.

An administrator minted a key for Lancashire and read its restricted data, proposed, signed
for both parties and activated an agreement alone, and saw restricted cell values in issue
reports unaudited. Here each of those is refused, or waits for the organisation's own
information governance officer, and every administrative action is in the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from localdata.access import accounts, agreements, audit, keys
from localdata.access.demo import homelessness_standard
from localdata.app import create_app
from localdata.errors import Forbidden, NoAgreement, UsageError
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import (
    BUN,
    HYN,
    LAN,
    PEN,
    administrator,
    member,
    officer,
    officer_key,
    restricted_library,
    spend_file,
    terms,
)

BASE = "https://testserver"  # the session cookie is Secure


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = restricted_library(settings)
    yield library
    library.close()


def signed_in(library: Library, email: str, organisation: str, role: str) -> TestClient:
    """A browser signed in (development sign-in) as a new user with ``role`` there."""
    log = library.access.log
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, log, name=email, email=email, actor="test")
        accounts.grant_role(conn, log, user.id, organisation, role, actor="test")
    development = library.settings.model_copy(update={"env": "development", "dev_sign_in": True})
    client = TestClient(create_app(development, library), base_url=BASE)
    token = re.search(r"name=csrf value='([^']+)'", client.get("/auth/dev").text)
    assert token is not None
    done = client.post("/auth/dev", data={"user": email, "csrf": token.group(1)})
    assert done.status_code == 200, done.text
    return client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def actions(library: Library, actor: str | None = None) -> list[str]:
    with library.access.transaction() as conn:
        return [e["action"] for e in reversed(audit.entries(conn, actor=actor, limit=1000))]


def test_duties_administrator_key_for_another_organisation_waits_for_its_officer(
    library: Library,
) -> None:
    admin = signed_in(library, "admin@library.example", "*", "admin")
    asked = admin.post("/api/v1/keys", json={"name": "x", "scopes": ["read"], "organisation": LAN})
    assert asked.status_code == 202, asked.json()
    body = asked.json()
    assert "key" not in body and (body["status"], body["waiting_for"]) == (
        "waiting-for-approval",
        [LAN],
    )
    key_id = body["id"]
    approval = {"organisation": LAN}
    url = f"/api/v1/keys/{key_id}/approval"
    assert admin.post(url, json=approval).status_code == 403  # not Lancashire's officer
    stranger = bearer(officer_key(library, BUN))
    assert admin.post(url, json=approval, headers=stranger).status_code == 403
    officer_session = signed_in(library, "ig@lancashire.example", LAN, "information-governance")
    waiting = officer_session.get("/api/v1/keys").json()["waiting_for_your_approval"]
    assert [k["id"] for k in waiting] == [key_id]
    lancashire = bearer(officer_key(library, LAN))
    approved = admin.post(url, json=approval, headers=lancashire)
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    secret = approved.json()["key"]  # shown to the approving officer, never to the admin
    records = admin.get("/api/v1/datasets/spend/records", headers=bearer(secret))
    assert {r["organisation"] for r in records.json()["records"]} == {LAN}
    assert admin.post(url, json=approval, headers=lancashire).status_code == 400
    logged = actions(library)
    assert logged.index("key-created") < logged.index("key-approved")


def test_duties_administrator_reads_no_restricted_data_of_its_own(library: Library) -> None:
    with pytest.raises(NoAgreement):
        library.page("spend", [("organisation", LAN)], principal=administrator())
    admin = signed_in(library, "admin@library.example", "*", "admin")
    assert admin.get("/api/v1/datasets/spend/records").status_code == 403


def test_duties_administrator_user_keys_wait_for_every_organisation_of_the_user(
    library: Library,
) -> None:
    log = library.access.log
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, log, name="Ana", email=None, actor="test")
        accounts.grant_role(conn, log, user.id, HYN, "viewer", actor="test")
        accounts.grant_role(conn, log, user.id, PEN, "viewer", actor="test")
        loner = accounts.create_user(conn, log, name="Bo", email=None, actor="test")
        made, secret = keys.request_key(
            conn, log, by=administrator(), name="x", scopes=["read"], user=user.id
        )
        assert secret is None and made.waiting_for == [HYN, PEN]
        with pytest.raises(UsageError, match="belongs to no organisation"):
            keys.request_key(
                conn, log, by=administrator(), name="x", scopes=["read"], user=loner.id
            )
        with pytest.raises(Forbidden):  # refused before looking the user up: no one learns who is
            keys.request_key(conn, log, by=member(HYN), name="x", scopes=["read"], user="nobody")
        _, secret = keys.approve_key(conn, log, made.id, HYN, by=officer(HYN))
        assert secret is None
    with pytest.raises(Exception, match="waiting for approval"):
        library.access.key_principal(f"{made.id}.anything")
    with library.access.transaction() as conn:
        _, secret = keys.approve_key(conn, log, made.id, PEN, by=officer(PEN))
    assert secret is not None
    assert library.access.key_principal(secret).reader_for() == {HYN, PEN}


def test_duties_administrator_cannot_propose_sign_or_activate_an_agreement(
    library: Library,
) -> None:
    admin = signed_in(library, "admin@library.example", "*", "admin")
    body = terms().model_dump(mode="json")
    assert admin.post("/api/v1/agreements", json=body).status_code == 403
    lancashire = bearer(officer_key(library, LAN))
    assert admin.post("/api/v1/agreements", json=body, headers=lancashire).status_code == 201
    sign = "/api/v1/agreements/lan-fraud/signatures"
    for party in (LAN, BUN, HYN):
        refused = admin.post(sign, json={"organisation": party})
        assert refused.status_code == 403, (party, refused.json())
    state = "/api/v1/agreements/lan-fraud/state"
    assert admin.post(state, json={"state": "active"}).status_code in (400, 403)
    with library.access.transaction() as conn, pytest.raises(Forbidden):
        agreements.sign_agreement(conn, library.access.log, "lan-fraud", BUN, by=administrator())
    with library.access.transaction() as conn:
        found = agreements.get_agreement(conn, "lan-fraud")
    assert (found.state, found.signatures) == ("draft", {})


def test_duties_agreement_is_active_only_once_each_party_signed_as_itself(
    library: Library,
) -> None:
    log = library.access.log
    with library.access.transaction() as conn:
        agreements.create_agreement(conn, log, terms(), by=officer(LAN))
        with pytest.raises(Forbidden):
            agreements.sign_agreement(conn, log, "lan-fraud", BUN, by=officer(LAN))
        for party in (LAN, BUN):
            agreements.sign_agreement(conn, log, "lan-fraud", party, by=officer(party))
        with pytest.raises(UsageError, match="needs signing by local-authority:HYN"):
            agreements.set_state(conn, log, "lan-fraud", "active", by=officer(LAN))
        agreements.sign_agreement(conn, log, "lan-fraud", HYN, by=officer(HYN))
        with pytest.raises(Forbidden):
            agreements.set_state(conn, log, "lan-fraud", "active", by=officer(HYN))
        active = agreements.set_state(conn, log, "lan-fraud", "active", by=officer(LAN))
    assert active.state == "active"
    assert {p: s["user"] for p, s in active.signatures.items()} == {
        LAN: "usr_ig_lan",
        BUN: "usr_ig_bun",
        HYN: "usr_ig_hyn",
    }


def test_duties_issue_values_are_withheld_from_administrators_and_audited_for_members(
    library: Library,
) -> None:
    bad = spend_file(PEN).replace(b"02/03/2024", b"31/02/2024")
    version = library.publish(bad, "spend", PEN, filename="bad.csv").submission.id
    # An administrator is no reader of restricted data: not even its submissions are shown.
    with pytest.raises(Forbidden):
        library.submission_issues(version, principal=administrator())
    with pytest.raises(Forbidden):
        library.dataset_submission("spend", version, administrator())
    assert "read" not in actions(library, "user:usr_admin")
    own = library.submission_issues(version, principal=member(PEN))
    assert "31/02/2024" in {issue["value"] for issue in own}
    with library.access.transaction() as conn:
        reads = audit.entries(conn, actor="user:usr_test", actions=["read"])
    assert [(e["organisation"], e["dataset"], e["details"]["of"]) for e in reads] == [
        (PEN, "spend", "issues")
    ]
    resource = library.submission(version).resource
    quoted = sorted({i["row"] for i in own if i["row"] is not None})
    assert reads[0]["records"] == {f"{PEN}/{resource}": quoted} and quoted


def test_duties_administrative_actions_are_audited(library: Library) -> None:
    admin = administrator()
    library.access.set_level("spend", "registered", by=admin)
    library.add_standard(homelessness_standard(), by=admin)
    with library.access.transaction() as conn:
        made, _ = keys.create_key(
            conn, library.access.log, name="x", scopes=["read"], actor="test", organisation=HYN
        )
        keys.revoke_key(conn, library.access.log, None, made.id, by=admin)
    assert actions(library, admin.actor) == [
        "access-level-changed",
        "standard-added",
        "key-revoked",
    ]
