"""The sharing demo: two councils under an agreement see their part; the third is refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from localdata.access.demo import DATASET, PROVIDER, RECEIVERS, WITHOUT, set_up_sharing_demo
from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library


def test_sharing_demo_shows_each_side(settings: Settings) -> None:
    library = Library(settings)
    demo = set_up_sharing_demo(library)
    client = TestClient(create_app(settings, library))
    url = f"/api/v1/datasets/{DATASET}/records"

    def read(org: str) -> list[dict[str, object]]:
        response = client.get(url, headers={"Authorization": f"Bearer {demo.keys[org]}"})
        assert response.status_code == 200, response.json()
        records: list[dict[str, object]] = response.json()["records"]
        return records

    for receiver in RECEIVERS:
        found = read(receiver)
        assert found and {r["local-connection"] for r in found} == {receiver}
        assert "postcode" not in found[0] and "support-needs" not in found[0]
    assert read(PROVIDER)[0]["postcode"]
    refused = client.get(url, headers={"Authorization": f"Bearer {demo.keys[WITHOUT]}"})
    assert refused.status_code == 403 and "agreement" in refused.json()["detail"]
    assert client.get(url).status_code == 401
    officer = {"Authorization": f"Bearer {demo.officer_keys[PROVIDER]}"}
    log = client.get("/api/v1/audit", params={"organisation": "E07000117"}, headers=officer)
    reads = [e for e in log.json()["entries"] if e["action"] == "read"]
    assert {e["agreement"] for e in reads} >= {"burnley-homelessness-prevention"}
    assert set_up_sharing_demo(library).keys == {}
    assert library.access.verify().ok
    library.close()


@pytest.mark.parametrize("org", [PROVIDER])
def test_sharing_demo_register_is_open(settings: Settings, org: str) -> None:
    library = Library(settings)
    set_up_sharing_demo(library)
    client = TestClient(create_app(settings, library))
    entry = client.get("/api/v1/agreements").json()["agreements"][0]
    assert entry["provider"] == org and entry["status"] == "active"
    library.close()
