"""The library's JSON API: organisations, the catalogue, datasets, versions and submissions."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library

HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
MARCH = HEADER + "05/03/2024,T1,1,100.00,ACME LTD\n06/03/2024,T2,1,200.00,BETA LTD\n"
APRIL = HEADER + "05/03/2024,T1,1,150.00,ACME LTD\n07/04/2024,T3,1,300.00,GAMMA LTD\n"
BROKEN = HEADER + "TBC,T9,1,n/a,\n"
HYNDBURN = "local-authority:HYN"


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = Library(
        settings.model_copy(update={"open_submissions": True, "max_upload_bytes": 50_000})
    )
    library.publish(MARCH.encode(), "spend", HYNDBURN, filename="march.csv")
    library.publish(APRIL.encode(), "spend", HYNDBURN, filename="april.csv")
    library.publish(BROKEN.encode(), "spend", "local-authority:LDS", filename="broken.csv")
    yield library
    library.close()


@pytest.fixture
def client(library: Library) -> TestClient:
    return TestClient(create_app(library.settings, library))


def test_api_lists_organisations_by_type_and_region(client: TestClient) -> None:
    body = client.get(
        "/api/v1/organisations", params={"type": "london-borough", "current": "true"}
    ).json()
    assert body["count"] == 32
    north_west = client.get(
        "/api/v1/organisations", params={"region": "North West", "type": "council"}
    ).json()
    assert "Hyndburn" in {o["name"] for o in north_west["organisations"]}


def test_api_describes_an_organisation_with_its_status_per_dataset(client: TestClient) -> None:
    body = client.get("/api/v1/organisations/E07000120").json()
    assert body["id"] == HYNDBURN
    spend = next(d for d in body["datasets"] if d["dataset"] == "spend")
    assert (spend["status"], spend["rows"]) in {("current", 2), ("overdue", 2)}


def test_api_unknown_organisation_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/organisations/Atlantis")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_api_searches_the_catalogue_with_facets(client: TestClient) -> None:
    body = client.get("/api/v1/datasets").json()
    assert body["count"] == 8
    assert body["facets"]["region"] == {"North West": 1}
    found = client.get("/api/v1/datasets", params={"q": "supplier name"}).json()
    assert "spend" in [d["name"] for d in found["datasets"]]
    by_org = client.get("/api/v1/datasets", params={"organisation": "Hyndburn"}).json()
    assert [d["name"] for d in by_org["datasets"]] == ["spend"]
    [type_name] = body["facets"]["organisation_type"]
    by_type = client.get("/api/v1/datasets", params={"organisation_type": type_name}).json()
    assert [d["name"] for d in by_type["datasets"]] == ["spend"]
    by_code = client.get("/api/v1/datasets", params={"organisation_type": "london-borough"})
    assert by_code.json()["count"] == 0


def test_api_estimates_each_download_size_from_a_sample(client: TestClient) -> None:
    # Issue 4: the dataset page lists every download with its size.
    body = client.get("/api/v1/datasets/spend").json()
    sizes = body["download_sizes"]
    assert set(sizes) == set(body["links"]["downloads"]) == {"csv", "json", "parquet"}
    for fmt in sizes:
        actual = len(client.get(f"/api/v1/datasets/spend/records.{fmt}").content)
        assert 0.5 * actual <= sizes[fmt] <= 2 * actual, (fmt, sizes[fmt], actual)
    assert client.get("/api/v1/datasets/fraud").json()["download_sizes"] is None


def test_api_describes_a_dataset_with_coverage(client: TestClient) -> None:
    body = client.get("/api/v1/datasets/spend").json()
    assert body["organisations_publishing"] == 1
    assert body["rows"] == 2
    assert body["coverage"]["counts"]["failing"] == 1
    statuses = {c["organisation"]: c["status"] for c in body["coverage"]["organisations"]}
    assert statuses["local-authority:LDS"] == "failing"
    assert statuses["local-authority:MAN"] == "never-published"
    assert [v["filename"] for v in body["latest_versions"]] == ["april.csv", "march.csv"]


def test_api_lists_versions_and_shows_issues_and_diffs(
    client: TestClient, library: Library
) -> None:
    versions = client.get("/api/v1/datasets/spend/versions").json()["versions"]
    april = versions[0]
    assert (april["filename"], april["rows"]) == ("april.csv", 2)
    diff = client.get(f"/api/v1/datasets/spend/versions/{april['id']}/diff").json()
    assert (diff["added"], diff["changed"], diff["removed"]) == (1, 1, 1)
    rejected = [s for s in (library.submission(i) for i in range(1, 4)) if s.status == "rejected"]
    issues = client.get(
        f"/api/v1/datasets/spend/versions/{rejected[0].id}/issues", params={"_size": 2}
    ).json()
    assert len(issues["issues"]) == 2 and issues["next"]
    more = client.get(
        f"/api/v1/datasets/spend/versions/{rejected[0].id}/issues", params={"_next": issues["next"]}
    ).json()
    assert {i["id"] for i in more["issues"]}.isdisjoint({i["id"] for i in issues["issues"]})


def test_api_unknown_version_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/datasets/spend/versions/999").status_code == 404
    assert client.get("/api/v1/datasets/brownfield-land/versions/1").status_code == 404


def test_api_publishes_a_submission(client: TestClient) -> None:
    new = HEADER + "05/05/2024,T7,1,700.00,DELTA LTD\n"
    files = {"file": ("may.csv", new.encode(), "text/csv")}
    response = client.post(
        "/api/v1/datasets/spend/submissions", data={"organisation": "Trafford"}, files=files
    )
    assert response.status_code == 201, response.text
    assert response.json()["submission"]["organisation"] == "local-authority:TRF"
    again = client.post(
        "/api/v1/datasets/spend/submissions",
        data={"organisation": "Trafford"},
        files={"file": ("may.csv", new.encode(), "text/csv")},
    )
    assert again.status_code == 200
    assert again.json()["submission"]["status"] == "unchanged"


def test_api_publishes_a_period_and_says_what_it_replaced(client: TestClient) -> None:
    """Issue 13: a periodic file replaces only its period, and the answer says so."""
    may = HEADER + "05/05/2024,T7,1,700.00,DELTA LTD\n"
    june = HEADER + "05/06/2024,T8,1,800.00,DELTA LTD\n"
    post = partial(client.post, "/api/v1/datasets/spend/submissions")
    first = post(data={"organisation": "Trafford"}, files={"file": ("may.csv", may, "text/csv")})
    assert first.json()["submission"]["period"]["period"] == "2024-05"
    post(data={"organisation": "Trafford"}, files={"file": ("june.csv", june, "text/csv")})
    corrected = may.replace("700.00", "750.00")
    again = post(
        data={"organisation": "Trafford", "period": "2024-05"},
        files={"file": ("may.csv", corrected, "text/csv")},
    )
    assert again.status_code == 201, again.text
    body = again.json()
    assert body["submission"]["replaced"] == [
        {"submission": first.json()["submission"]["id"], "period": "2024-05", "rows": 1}
    ]
    assert "May 2024 is older than the newest period published, June 2024" in body["notes"][-1]
    records = client.get(
        "/api/v1/datasets/spend/records", params={"organisation": "local-authority:TRF"}
    ).json()["records"]
    assert sorted(r["amount"] for r in records) == ["750.00", "800.00"]


def test_api_submission_without_an_organisation_reads_it_from_the_file(
    client: TestClient,
) -> None:
    named = "Organisation," + HEADER + "E08000009,05/05/2024,T7,1,700.00,DELTA LTD\n"
    response = client.post(
        "/api/v1/datasets/spend/submissions", files={"file": ("may.csv", named, "text/csv")}
    )
    assert response.status_code == 201, response.text
    assert response.json()["submission"]["organisation"] == "local-authority:TRF"
    unnamed = client.post(
        "/api/v1/datasets/spend/submissions",
        files={"file": ("may.csv", HEADER + "05/05/2024,T7,1,700.00,X\n", "text/csv")},
    )
    assert unnamed.status_code == 400
    assert "does not say which organisation" in unnamed.json()["detail"]


def test_api_refuses_a_period_that_is_not_one(client: TestClient) -> None:
    response = client.post(
        "/api/v1/datasets/spend/submissions",
        data={"organisation": "HYN", "period": "2024-25"},
        files={"file": ("m.csv", MARCH.encode(), "text/csv")},
    )
    assert response.status_code == 400
    assert "'2024-25' is not a period" in response.json()["detail"]


def test_api_refuses_a_submission_that_must_be_fixed_with_409(client: TestClient) -> None:
    response = client.post(
        "/api/v1/datasets/spend/submissions",
        data={"organisation": "HYN"},
        files={"file": ("bad.csv", BROKEN.encode(), "text/csv")},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["report"]["counts"]["error"] >= 3
    assert response.headers["content-type"] == "application/problem+json"


def test_api_refuses_an_oversize_submission_before_storing_it(
    client: TestClient, library: Library
) -> None:
    big = HEADER + "05/05/2024,T7,1,700.00,DELTA LTD\n" * 3000
    response = client.post(
        "/api/v1/datasets/spend/submissions",
        data={"organisation": "HYN"},
        files={"file": ("big.csv", big.encode(), "text/csv")},
    )
    assert response.status_code == 413
    raw = list((library.settings.data_dir / "raw").rglob("*"))
    assert all(p.stat().st_size < 50_000 for p in raw if p.is_file())


def test_api_submissions_are_closed_unless_switched_on(settings: Settings) -> None:
    library = Library(settings)
    client = TestClient(create_app(settings, library))
    response = client.post(
        "/api/v1/datasets/spend/submissions",
        data={"organisation": "HYN"},
        files={"file": ("m.csv", MARCH.encode(), "text/csv")},
    )
    assert response.status_code == 401  # anonymous: sign in as a publisher (issue 6)
    library.close()


def test_api_publishes_a_dcat_catalogue_and_schema_org_records(client: TestClient) -> None:
    catalogue = client.get("/api/v1/catalog.jsonld")
    assert catalogue.headers["content-type"].startswith("application/ld+json")
    body = catalogue.json()
    assert body["@type"] == "dcat:Catalog"
    assert len(body["dcat:dataset"]) == 8
    record = client.get("/api/v1/datasets/spend.jsonld").json()
    assert (record["@type"], record["name"]) == ("Dataset", "Spend over £500")


def test_api_pages_through_filtered_records_with_provenance(client: TestClient) -> None:
    first = client.get(
        "/api/v1/datasets/spend/records",
        params={"amount__gt": "100", "_size": 1, "_sort": "amount"},
    ).json()
    assert [r["transaction-number"] for r in first["records"]] == ["T1"]
    assert first["records"][0]["provenance"]["row"] == 2
    second = client.get(
        "/api/v1/datasets/spend/records",
        params={"amount__gt": "100", "_size": 1, "_sort": "amount", "_next": first["next"]},
    ).json()
    assert [r["transaction-number"] for r in second["records"]] == ["T3"]
    assert second["next"] is None


def test_api_reads_records_as_of_an_earlier_version(client: TestClient, library: Library) -> None:
    march = library.versions("spend")[-1]
    body = client.get(
        "/api/v1/datasets/spend/records",
        params={"as_of": str(march.id), "_sort": "transaction-number"},
    ).json()
    assert [r["transaction-number"] for r in body["records"]] == ["T1", "T2"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"amout__gt": "5"}, "amout"),
        ({"amount__near": "5"}, "gt"),
        ({"amount__gt": "lots"}, "amount"),
        ({"_next": "not-a-cursor"}, "_next"),
        ({"as_of": "yesterday"}, "2024-03-31"),
    ],
)
def test_api_explains_a_bad_filter_with_400(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    response = client.get("/api/v1/datasets/spend/records", params=params)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_api_downloads_every_format(client: TestClient, fmt: str) -> None:
    response = client.get(
        f"/api/v1/datasets/spend/records.{fmt}", params={"organisation": HYNDBURN}
    )
    assert response.status_code == 200, response.text
    if fmt == "csv":
        lines = response.text.strip().splitlines()
        assert lines[0].startswith("organisation,organisation-name,payment-date")
        assert len(lines) == 3
    elif fmt == "parquet":
        assert response.content[:4] == b"PAR1"
    else:
        assert response.json()


def test_api_says_why_a_dataset_without_geometry_has_no_geojson(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/spend/records.geojson")
    assert response.status_code == 400
    assert "Download it as csv, json or parquet" in response.json()["detail"]


# -- every door that takes an organisation (issue 13) --------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"organisation": "E07000120"},
        {"organisation": "Hyndburn"},
        {"organisation": "Hyndburn Borough Council"},
        {"organisation": "30UG"},
        {"organisation": HYNDBURN},
        {"organisation__in": "E07000120,Leeds"},
    ],
)
def test_api_records_filter_accepts_any_identifier_of_the_organisation(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/datasets/spend/records", params=params)
    assert response.status_code == 200, response.text
    assert {r["organisation"] for r in response.json()["records"]} == {HYNDBURN}
    assert len(response.json()["records"]) == 2


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/datasets/spend/records", {"organisation": "Atlantis"}),
        ("/api/v1/datasets/spend/records", {"organisation__in": "E07000120,Atlantis"}),
        ("/api/v1/datasets/spend/records.csv", {"organisation": "Atlantis"}),
        ("/api/v1/datasets", {"organisation": "Atlantis"}),
        ("/api/v1/datasets/spend/versions", {"organisation": "Atlantis"}),
        ("/api/v1/sources", {"organisation": "Atlantis"}),
        ("/api/v1/events", {"organisation": "Atlantis"}),
    ],
)
def test_api_organisation_filter_naming_nobody_is_400_naming_the_value(
    client: TestClient, path: str, params: dict[str, str]
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert "'Atlantis'" in response.json()["detail"]


def test_api_organisation_filter_naming_two_bodies_says_so(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/spend/records", params={"organisation": "Somerset"})
    assert response.status_code == 400
    assert "could mean more than one organisation" in response.json()["detail"]


def test_api_other_organisation_filters_accept_any_identifier(client: TestClient) -> None:
    versions = client.get("/api/v1/datasets/spend/versions", params={"organisation": "30UG"})
    assert {v["organisation"] for v in versions.json()["versions"]} == {HYNDBURN}
    found = client.get("/api/v1/datasets", params={"organisation": "E07000120"}).json()
    assert [d["name"] for d in found["datasets"]] == ["spend"]
