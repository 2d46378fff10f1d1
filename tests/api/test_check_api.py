"""The JSON API's first endpoints: standards and checking an upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", max_upload_bytes=10_000)  # type: ignore[arg-type]
    return TestClient(create_app(settings))


def test_api_lists_standards(client: TestClient) -> None:
    body = client.get("/api/v1/standards").json()
    assert {"spend", "brownfield-land"} <= {s["name"] for s in body["standards"]}


def test_api_gives_a_standard_as_table_schema(client: TestClient) -> None:
    body = client.get("/api/v1/standards/spend/table-schema.json").json()
    assert body["fields"][0]["name"] == "organisation"


def test_api_unknown_standard_is_a_problem_document(client: TestClient) -> None:
    response = client.get("/api/v1/standards/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "no standard called 'nope'" in response.json()["detail"]


def test_api_checks_an_upload(client: TestClient) -> None:
    csv = b"Payment Date,Transaction Number,Amount,Supplier Name\n05-Apr-17,T1,12,ACME\n"
    response = client.post(
        "/api/v1/check",
        data={"standard": "spend", "organisation": "HYN"},
        files={"file": ("march.csv", csv, "text/csv")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["ok"], body["rows"], body["file"]["filename"]) == (True, 1, "march.csv")


def test_api_refuses_an_oversize_upload_with_413(client: TestClient) -> None:
    response = client.post(
        "/api/v1/check",
        data={"standard": "spend"},
        files={"file": ("big.csv", b"a,b\n" * 5000, "text/csv")},
    )
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_api_explains_a_missing_form_field(client: TestClient) -> None:
    response = client.post("/api/v1/check", files={"file": ("x.csv", b"a\n1\n", "text/csv")})
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("standard")


def test_api_reports_an_unreadable_upload_as_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/check",
        data={"standard": "spend"},
        files={"file": ("x.xlsx", bytes(range(256)) * 4, "text/csv")},
    )
    assert response.status_code in {415, 422}
    assert response.headers["content-type"] == "application/problem+json"
