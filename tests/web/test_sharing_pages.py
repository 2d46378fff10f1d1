"""Accounts, restricted data, agreements and the audit log on the web pages (issue 6).

Over a real library (SQLite, and PostgreSQL when configured) whose spend dataset is restricted
(``tests.access.sharing``), without a browser. Visitors sign in through the development
sign-in, which sets the real session cookie, so every page reads as the signed-in user.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from localdata.access import accounts, audit
from localdata.access.model import SYSTEM
from localdata.access.tables import audit_entries
from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import BUN, HYN, LAN, PEN, agree, restricted_library, terms
from tests.web.test_pages import MARCH

BASE = "https://testserver"  # the session cookie is Secure


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = restricted_library(settings)
    yield library
    library.close()


def _app_settings(library: Library) -> Settings:
    return library.settings.model_copy(update={"env": "development", "dev_sign_in": True})


@pytest.fixture
def visitor(library: Library) -> TestClient:
    """An anonymous visitor."""
    return TestClient(create_app(_app_settings(library), library), base_url=BASE)


def signed_in(library: Library, organisation: str, role: str) -> TestClient:
    """A browser signed in as a new user holding ``role`` in ``organisation``."""
    email = f"{role}.{organisation.rsplit(':', 1)[-1].lower()}@example.org"
    log = library.access.log
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, log, name=f"{role} user", email=email, actor="test")
        accounts.grant_role(conn, log, user.id, organisation, role, actor="test")
    client = TestClient(create_app(_app_settings(library), library), base_url=BASE)
    form = client.get("/auth/dev").text
    token = re.search(r"name=csrf value='([^']+)'", form)
    assert token is not None
    done = client.post(
        "/auth/dev",
        data={"user": email, "csrf": token.group(1), "next": "/datasets"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/datasets"
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


def audit_count(library: Library) -> int:
    with library.access.transaction() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(audit_entries)).scalar_one())


def test_web_restricted_dataset_page_explains_to_an_anonymous_visitor(
    visitor: TestClient, library: Library
) -> None:
    agree(library, terms())
    before = audit_count(library)
    response = visitor.get("/datasets/spend")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    html = response.text
    assert "This dataset is restricted" in html
    assert "Lancashire" in html  # the agreement in the public register names its provider
    assert "Pendle" not in html  # issue 15: who else provides restricted data is not shown
    assert 'href="/agreements/lan-fraud"' in html and 'href="/agreements"' in html
    assert 'href="/auth/dev?next=/datasets/spend">Sign in' in html
    assert "SUPPLIER" not in html and "records.csv" not in html
    assert audit_count(library) == before  # nothing was read, so nothing was refused


def test_web_restricted_records_need_sign_in_then_an_agreement(
    visitor: TestClient, library: Library
) -> None:
    agree(library, terms())
    anonymous = visitor.get("/datasets/spend/records")
    assert anonymous.status_code == 401 and "set-cookie" not in anonymous.headers
    assert "Sign in first" in anonymous.text and "/auth/dev?next=" in anonymous.text
    resource = library.versions("spend", LAN, principal=SYSTEM)[0].resource
    record = f"/datasets/spend/records/{LAN}/{resource}/2"
    assert visitor.get(record).status_code == 401

    pendle = signed_in(library, PEN, "viewer")
    refused = pendle.get("/datasets/spend/records", params={"organisation": LAN})
    assert refused.status_code == 403
    assert "No data sharing agreement in force shares" in refused.text
    assert "local-authority:LAN" in refused.text and 'href="/agreements"' in refused.text
    assert 'href="/agreements/lan-fraud"' in refused.text  # the agreements that exist
    assert "Lancashire shares it with Burnley, Hyndburn, for fraud-prevention" in refused.text
    page = pendle.get("/datasets/spend")
    assert page.status_code == 200
    assert "Signed in as viewer user (viewer.pen@example.org)" in page.text


def test_web_signed_in_reader_sees_only_what_the_agreement_shares(library: Library) -> None:
    agree(library, terms())
    hyndburn = signed_in(library, HYN, "viewer")
    html = hyndburn.get("/datasets/spend/records").text
    assert "Transaction number" in html and "Supplier name" not in html
    assert "SUPPLIER" not in html and f"{LAN.replace(':', '%3A')}" in html
    resource = library.versions("spend", LAN, principal=SYSTEM)[0].resource
    record = hyndburn.get(f"/datasets/spend/records/{LAN}/{resource}/2")
    assert record.status_code == 200 and "SUPPLIER" not in record.text
    assert "Supplier name" not in record.text
    dataset = hyndburn.get("/datasets/spend").text
    assert "The first" in dataset and "This dataset is restricted" not in dataset
    download = re.search(r'href="(/api/v1/datasets/spend/records\.csv)"', dataset)
    assert download is not None  # the link works with the session, through the gate
    csv = hyndburn.get(download.group(1))
    assert csv.status_code == 200 and "SUPPLIER" not in csv.text
    assert csv.text.splitlines()[0].startswith("organisation,")


def test_web_sign_in_link_only_where_sign_in_is_set_up(library: Library) -> None:
    plain = TestClient(create_app(library.settings, library), base_url=BASE)
    html = plain.get("/").text
    assert ">Sign in</a>" not in html and "Sign out" not in html
    development = TestClient(create_app(_app_settings(library), library), base_url=BASE)
    assert 'href="/auth/dev?next=/standards">Sign in</a>' in development.get("/standards").text


def test_web_suspending_an_agreement_stops_access_on_the_pages(library: Library) -> None:
    agree(library, terms(), state="suspended")
    hyndburn = signed_in(library, HYN, "viewer")
    refused = hyndburn.get("/datasets/spend/records")
    assert refused.status_code == 403
    assert "&#39;lan-fraud&#39; is suspended" in refused.text
    dataset = hyndburn.get("/datasets/spend")
    assert dataset.status_code == 200 and "&#39;lan-fraud&#39; is suspended" in dataset.text


def test_web_sign_out_is_a_form_with_the_csrf_token(library: Library) -> None:
    client = signed_in(library, HYN, "viewer")
    html = client.get("/").text
    assert 'action="/auth/logout"' in html
    assert client.post("/auth/logout", data={"csrf": "forged"}).status_code == 403
    done = client.post("/auth/logout", data={"csrf": csrf_of(html)}, follow_redirects=False)
    assert done.status_code == 303
    after = client.get("/").text
    assert "Signed in as" not in after and ">Sign in</a>" in after


def test_web_publishing_needs_a_signed_in_publisher_of_that_organisation(
    visitor: TestClient, library: Library
) -> None:
    def check(client: TestClient) -> str:
        response = client.post(
            "/check",
            data={"standard": "spend", "organisation": HYN},
            files={"file": ("march.csv", MARCH.encode(), "text/csv")},
        )
        assert response.status_code == 200, response.text
        return response.text

    anonymous = check(visitor)
    assert "Only a publisher of Hyndburn can publish its data" in anonymous
    assert 'action="/check/' not in anonymous
    sha256 = library.lake.store_raw(MARCH.encode())[0]
    form = {"standard": "spend", "organisation": HYN, "filename": "march.csv"}
    assert visitor.post(f"/check/{sha256}/publish", data=form).status_code == 401

    burnley = signed_in(library, BUN, "publisher")
    assert "Only a publisher of Hyndburn" in check(burnley)
    token = csrf_of(burnley.get("/").text)
    refused = burnley.post(f"/check/{sha256}/publish", data=form | {"csrf": token})
    assert refused.status_code == 403

    hyndburn = signed_in(library, HYN, "publisher")
    html = check(hyndburn)
    action = re.search(r'action="(/check/[0-9a-f]{64}/publish)"', html)
    key = re.search(r'name="key" value="([0-9a-f]+)"', html)
    assert action is not None and key is not None
    form["key"] = key.group(1)
    assert hyndburn.post(action.group(1), data=form).status_code == 403  # no CSRF token
    done = hyndburn.post(action.group(1), data=form | {"csrf": csrf_of(html)})
    assert done.status_code == 200 and "File published" in done.text
    assert library.versions("spend", HYN, principal=SYSTEM)[0].filename == "march.csv"


def test_web_agreements_register_and_page_are_open_without_personal_data(
    visitor: TestClient, library: Library
) -> None:
    agree(library, terms())
    register = visitor.get("/agreements")
    assert register.status_code == 200 and "set-cookie" not in register.headers
    html = register.text
    assert 'href="/agreements/lan-fraud"' in html
    assert "Digital Economy Act 2017 Part 5 (fraud)" in html and "Active" in html
    assert "Propose an agreement" not in html
    page = visitor.get("/agreements/lan-fraud").text
    for text in ("Matching payments to find duplicate invoices.", "Public task", "DPIA-2024-017"):
        assert text in page
    assert "transaction-number, transaction-line, amount, department" in page
    assert "user:" not in page and "system" not in page  # who signed is not published
    assert "What you can do" not in page
    missing = visitor.get("/agreements/no-such-agreement")
    assert missing.status_code == 404 and "Agreement not found" in missing.text


def _form(**changes: str) -> dict[str, str]:
    today = date.today()
    values = {
        "id": "lan-housing",
        "title": "Lancashire shares spend with Burnley",
        "provider": LAN,
        "receivers": "E07000117",
        "purpose": "housing-fraud",
        "purpose_description": "Finding duplicate payments to landlords.",
        "legal_gateway": "Digital Economy Act 2017 Part 5",
        "article6_basis": "public-task",
        "article9_condition": "",
        "datasets": "spend",
        "fields": "spend: transaction-number, amount",
        "row_conditions": "department in Housing, Waste",
        "starts_on": (today - timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=365)).isoformat(),
        "review_on": (today + timedelta(days=180)).isoformat(),
        "dpia_reference": "DPIA-7",
    }
    return values | changes


def test_web_officers_propose_sign_activate_and_suspend_an_agreement(
    visitor: TestClient, library: Library
) -> None:
    assert visitor.get("/agreements/new").status_code == 401
    assert signed_in(library, LAN, "viewer").get("/agreements/new").status_code == 403
    lancaster = signed_in(library, LAN, "information-governance")
    form_page = lancaster.get("/agreements/new")
    assert form_page.status_code == 200 and ">None<" not in form_page.text
    token = csrf_of(form_page.text)

    wrong = lancaster.post(
        "/agreements",
        data=_form(id="No Spaces", receivers="Atlantis", fields="spend amount") | {"csrf": token},
    )
    assert wrong.status_code == 400
    assert "There is a problem" in wrong.text
    assert "No organisation matches ‘Atlantis’" in wrong.text
    assert "one line a dataset" in wrong.text
    assert lancaster.post("/agreements", data=_form()).status_code == 403  # no CSRF token

    made = lancaster.post("/agreements", data=_form() | {"csrf": token}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/agreements/lan-housing"
    page = lancaster.get("/agreements/lan-housing").text
    assert "Draft" in page and "department is one of Housing, Waste" in page
    assert "Sign for Lancashire" in page
    lancaster.post("/agreements/lan-housing/signatures", data={"organisation": LAN, "csrf": token})

    burnley = signed_in(library, BUN, "information-governance")
    burnley_token = csrf_of(burnley.get("/agreements/lan-housing").text)
    signed = burnley.post(
        "/agreements/lan-housing/signatures", data={"organisation": BUN, "csrf": burnley_token}
    )
    assert signed.status_code == 200 and "Make it active" not in signed.text

    page = lancaster.get("/agreements/lan-housing").text
    assert "Make it active" in page
    active = lancaster.post(
        "/agreements/lan-housing/state", data={"state": "active", "csrf": token}
    )
    assert "Active" in active.text and "Suspend it" in active.text
    suspended = burnley.post(
        "/agreements/lan-housing/state", data={"state": "suspended", "csrf": burnley_token}
    )
    assert "Suspended" in suspended.text

    with library.access.transaction() as conn:
        actions = [e["action"] for e in audit.entries(conn, actions=None, limit=50)]
    for action in ("agreement-created", "agreement-signed", "agreement-active"):
        assert action in actions
    assert "agreement-suspended" in actions


def test_web_audit_views_for_information_governance(visitor: TestClient, library: Library) -> None:
    agree(library, terms())
    hyndburn = signed_in(library, HYN, "viewer")
    read = hyndburn.get("/datasets/spend/records", params={"_purpose": "fraud-prevention"})
    assert read.status_code == 200
    resource = library.versions("spend", LAN, principal=SYSTEM)[0].resource

    assert visitor.get("/audit", params={"organisation": LAN}).status_code == 401
    assert hyndburn.get("/audit", params={"organisation": LAN}).status_code == 403
    lancaster = signed_in(library, LAN, "information-governance")
    response = lancaster.get("/audit")
    assert response.status_code == 200
    html = response.text
    assert "Who read Lancashire" in html
    assert 'href="/agreements/lan-fraud"' in html and "fraud-prevention" in html
    assert "Read" in html and "viewer user (viewer.hyn@example.org)" in html

    record = f"{LAN}/{resource}/2"
    found = lancaster.get("/audit/records", params={"dataset": "spend", "record": record})
    assert found.status_code == 200
    assert "Reads of this record" in found.text and "fraud-prevention" in found.text
    assert "Nobody has read this record" not in found.text
    unread = lancaster.get(
        "/audit/records", params={"dataset": "spend", "record": f"{LAN}/{resource}/999"}
    )
    assert "Nobody has read this record" in unread.text
    bad = lancaster.get("/audit/records", params={"dataset": "spend", "record": "nonsense"})
    assert bad.status_code == 400 and "organisation/file/row" in bad.text
    pendle = signed_in(library, PEN, "information-governance")
    refused = pendle.get("/audit/records", params={"dataset": "spend", "record": record})
    assert refused.status_code == 403


def test_web_switched_off_user_is_shown_signed_out(library: Library) -> None:
    client = signed_in(library, HYN, "viewer")
    assert "Signed in as" in client.get("/").text
    with library.access.transaction() as conn:
        user = accounts.user_by_email(conn, "viewer.hyn@example.org")
        assert user is not None
        accounts.disable_user(conn, library.access.log, user.id, actor="test")
    assert "Signed in as" not in client.get("/").text
    assert client.get("/datasets/spend/records").status_code == 401
