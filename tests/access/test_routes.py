"""Every route of the application, and who may call it: a new route must be added here.

The table says what each route requires of an anonymous caller, and the test calls every
route anonymously, with the spend dataset restricted, and checks the answer. A route missing
from the table, or a table entry with no route, fails the test, so no route can be added
unprotected by mistake.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from localdata.access.model import SYSTEM
from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import LAN, restricted_library, spend_file

# open: anyone may call it. gate: reads records, so restricted data refuses anonymous callers.
# signed-in: needs a user or a key. publisher: needs a publisher of the organisation.
# csrf: a form that is refused without the session's CSRF token.
# dev: the development sign-in, only mounted when LOCALDATA_DEV_SIGN_IN is on in development.
# explains: anyone may call it, but for data that is not open it explains who may see the
# records instead of showing them (the dataset page).
ANSWERED = ("open", "explains")
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/"): "open",
    ("GET", "/api/v1/openapi.json"): "open",
    ("GET", "/api/v1/docs"): "open",
    ("GET", "/api/v1/standards"): "open",
    ("GET", "/api/v1/standards/{name}"): "open",
    ("GET", "/api/v1/standards/{name}/table-schema.json"): "open",
    ("GET", "/api/v1/standards/{name}/template.csv"): "open",
    ("GET", "/api/v1/standards/{name}/example.csv"): "open",
    ("GET", "/api/v1/figures"): "open",
    ("GET", "/api/v1/organisations"): "open",
    ("GET", "/api/v1/organisations/{organisation}"): "open",
    ("GET", "/api/v1/organisations/{organisation}/submissions"): "open",
    ("GET", "/api/v1/datasets"): "open",
    ("GET", "/api/v1/catalog.jsonld"): "open",
    ("GET", "/api/v1/datasets/{name}.jsonld"): "open",
    ("GET", "/api/v1/datasets/{name}"): "open",
    ("GET", "/api/v1/datasets/{name}/access"): "open",
    ("PUT", "/api/v1/datasets/{name}/access"): "signed-in",
    ("GET", "/api/v1/datasets/{name}/versions"): "open",
    # A version of restricted data: only for those who may read its organisation's rows.
    ("GET", "/api/v1/datasets/{name}/versions/{version}"): "gate",
    ("GET", "/api/v1/datasets/{name}/versions/{version}/issues"): "gate",  # values: own org
    ("GET", "/api/v1/datasets/{name}/versions/{version}/diff"): "gate",
    ("GET", "/api/v1/datasets/{name}/records"): "gate",
    ("GET", "/api/v1/datasets/{name}/records.{fmt}"): "gate",
    ("GET", "/api/v1/datasets/{name}/records/{organisation}/{resource}/{row}"): "gate",
    ("POST", "/api/v1/datasets/{name}/submissions"): "publisher",
    ("POST", "/api/v1/check"): "open",
    ("GET", "/api/v1/sources"): "open",
    ("POST", "/api/v1/sources"): "publisher",
    ("GET", "/api/v1/sources/{source_id}"): "open",
    ("GET", "/api/v1/sources/{source_id}/log"): "open",
    ("GET", "/api/v1/agreements"): "open",
    ("GET", "/api/v1/agreements/{agreement_id}"): "open",
    ("POST", "/api/v1/agreements"): "signed-in",
    ("POST", "/api/v1/agreements/{agreement_id}/signatures"): "signed-in",
    ("POST", "/api/v1/agreements/{agreement_id}/state"): "signed-in",
    ("GET", "/api/v1/audit"): "signed-in",
    ("GET", "/api/v1/audit/records"): "signed-in",
    ("GET", "/api/v1/audit/checkpoints"): "open",
    ("POST", "/api/v1/keys"): "signed-in",
    ("GET", "/api/v1/keys"): "signed-in",
    ("DELETE", "/api/v1/keys/{key_id}"): "signed-in",
    ("POST", "/api/v1/keys/{key_id}/approval"): "signed-in",
    ("GET", "/api/v1/events"): "open",  # events of restricted datasets filtered by principal
    ("GET", "/api/v1/events.atom"): "open",
    ("GET", "/api/v1/asyncapi.json"): "open",
    ("GET", "/api/v1/webhooks"): "signed-in",
    ("POST", "/api/v1/webhooks"): "signed-in",
    ("GET", "/api/v1/webhooks/{subscription_id}"): "signed-in",
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): "signed-in",
    ("POST", "/api/v1/webhooks/{subscription_id}/rotate"): "signed-in",
    ("GET", "/api/v1/webhooks/{subscription_id}/deliveries"): "signed-in",
    ("POST", "/api/v1/webhooks/{subscription_id}/redeliver"): "signed-in",
    ("GET", "/auth/login"): "open",
    ("GET", "/auth/callback"): "open",
    ("POST", "/auth/logout"): "csrf",
    ("POST", "/auth/backchannel-logout"): "open",
    ("GET", "/auth/dev"): "dev",
    ("POST", "/auth/dev"): "dev",
    ("GET", "/"): "open",
    ("GET", "/datasets"): "open",
    ("GET", "/datasets/{name}"): "explains",
    ("GET", "/datasets/{name}/records"): "gate",
    ("GET", "/datasets/{name}/records/{organisation}/{resource}/{row}"): "gate",
    ("GET", "/organisations"): "open",
    ("GET", "/organisations/{organisation}"): "open",
    ("GET", "/standards"): "open",
    ("GET", "/standards/{name}"): "open",
    ("GET", "/standards/{name}/template.csv"): "open",
    ("GET", "/standards/{name}/example.csv"): "open",
    ("GET", "/check"): "open",
    ("POST", "/check"): "open",
    ("GET", "/check/{sha256}/fixed.csv"): "open",
    ("POST", "/check/{sha256}/publish"): "publisher",
    ("GET", "/agreements"): "open",
    ("GET", "/agreements/new"): "signed-in",
    ("POST", "/agreements"): "signed-in",
    ("GET", "/agreements/{agreement_id}"): "open",
    ("POST", "/agreements/{agreement_id}/signatures"): "signed-in",
    ("POST", "/agreements/{agreement_id}/state"): "signed-in",
    ("GET", "/audit"): "signed-in",
    ("GET", "/audit/records"): "signed-in",
}
SAMPLES = {
    "name": "spend",
    "version": "1",
    "organisation": "E10000017",
    "row": "2",
    "fmt": "csv",
    "agreement_id": "lan-fraud",
    "key_id": "ldk_000000000000",
    "source_id": "1",
    "subscription_id": "1",
}
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/datasets/{name}/submissions"): {
        "files": {"file": ("s.csv", spend_file(LAN, 2), "text/csv")},
        "data": {"organisation": LAN},
    },
    ("POST", "/api/v1/sources"): {
        "json": {"dataset": "spend", "organisation": LAN, "url": "https://example.org/s.csv"}
    },
    ("POST", "/check/{sha256}/publish"): {"data": {"organisation": LAN, "standard": "spend"}},
    ("POST", "/api/v1/keys/{key_id}/approval"): {"json": {"organisation": LAN}},
}


def app_routes(settings: Settings, library: Library) -> set[tuple[str, str]]:
    app = create_app(settings, library)
    found = set()
    for route in iter_route_contexts(app.routes):
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                found.add((method, str(route.path)))
    return found


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = restricted_library(settings)
    yield library
    library.close()


def test_routes_every_route_has_a_stated_requirement(library: Library) -> None:
    dev = library.settings.model_copy(update={"env": "development", "dev_sign_in": True})
    routes = app_routes(library.settings, library) | app_routes(dev, library)
    assert routes == set(ROUTES)


def test_routes_refuse_anonymous_callers_as_the_table_says(library: Library) -> None:
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    resource = library.versions("spend", LAN, principal=SYSTEM)[0].resource
    for (method, path), requirement in ROUTES.items():
        if requirement == "dev":
            continue
        url = path.format(**(SAMPLES | {"resource": resource, "sha256": resource}))
        response = client.request(method, url, **BODIES.get((method, path), {}))  # type: ignore[arg-type]
        refused = response.status_code in (401, 403)
        assert refused == (requirement not in ANSWERED), (method, path, response.status_code)
        if requirement == "explains":
            assert "This dataset is restricted" in response.text, (method, path)


def test_routes_development_sign_in_is_absent_unless_switched_on(library: Library) -> None:
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    assert client.get("/auth/dev").status_code == 404
    with pytest.raises(ValueError, match="development"):
        Settings(env="test", dev_sign_in=True)
