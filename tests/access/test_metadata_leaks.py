"""What shows around restricted data: files, counts, submitters, issues, licences (issue 15).

Spend is restricted; Lancashire (LAN) shares it with Burnley (BUN) under an agreement, and
Pendle (PEN) has none. Each council's file has a name, a submitter and a row count nobody
without the right to read that council's rows may learn, through any door.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from localdata.access.model import SYSTEM
from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.catalogue import describe_dataset, describe_organisation
from localdata.store.library import Library
from localdata.store.record import organisation_submissions
from tests.access.sharing import BUN, LAN, PEN, agree, member, spend_file, terms
from tests.events.conftest import make_key

ROWS = {LAN: 7, BUN: 5, PEN: 3}


def secret_name(organisation: str) -> str:
    """The file name a council's submission is recorded under: it must not leak."""
    return f"{organisation[-3:].lower()}-payments-q3-confidential.csv"


def submitter(organisation: str) -> str:
    return f"user:usr_{organisation[-3:].lower()}_officer"


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    found = Library(settings.model_copy(update={"secret_key": "a key for the tests' cursors"}))
    for org, rows in ROWS.items():
        done = found.publish(
            spend_file(org, rows=rows),
            "spend",
            org,
            filename=secret_name(org),
            submitted_by=submitter(org),
        )
        assert done.published
    found.publish(
        spend_file(PEN).replace(b"100.00", b"n/a"),
        "spend",
        PEN,
        filename="pen-rejected-confidential.csv",
        submitted_by=submitter(PEN),
    )
    found.access.set_level("spend", "restricted", by=SYSTEM)
    agree(found, terms())
    yield found
    found.close()


def leaks(text: str, *organisations: str) -> list[str]:
    """The organisations whose file names or submitters appear in the text."""
    return [
        org
        for org in organisations
        if secret_name(org) in text or submitter(org) in text or "pen-rejected" in text
    ]


def test_versions_of_restricted_data_show_only_organisations_the_reader_may_read(
    library: Library,
) -> None:
    assert library.versions("spend") == []
    bun = {v.organisation for v in library.versions("spend", principal=member(BUN))}
    assert bun == {LAN, BUN}  # its own, and Lancashire's under the agreement
    assert {v.organisation for v in library.versions("spend", principal=SYSTEM)} == set(ROWS)


def test_api_shows_anonymous_callers_no_file_counts_or_submitters_of_restricted_data(
    library: Library,
) -> None:
    client = TestClient(create_app(library.settings, library))
    every = {org: library.versions("spend", org, principal=SYSTEM)[0].id for org in ROWS}
    pages = [
        "/api/v1/datasets",
        "/api/v1/figures",
        "/api/v1/datasets/spend",
        "/api/v1/datasets/spend/versions",
        "/api/v1/catalog.jsonld",
        "/api/v1/datasets/spend.jsonld",
        *(f"/api/v1/organisations/{org}" for org in ROWS),
        *(f"/api/v1/organisations/{org}/submissions" for org in ROWS),
    ]
    for url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert leaks(answer.text, *ROWS) == [], url
    dataset = client.get("/api/v1/datasets/spend").json()
    assert (dataset["rows"], dataset["organisations_publishing"]) == (0, 0)
    assert dataset["coverage"]["complete"] is False
    assert [c for c in dataset["coverage"]["organisations"] if c["rows"]] == []
    assert dataset["latest_versions"] == [] and dataset["licence"] is None
    assert client.get("/api/v1/figures").json()["rows"] == 0
    for version in every.values():
        for suffix in ("", "/issues"):
            path = f"/api/v1/datasets/spend/versions/{version}{suffix}"
            assert client.get(path).status_code == 401, path


def test_api_shows_a_receiver_the_metadata_of_what_it_may_read_and_no_more(
    library: Library,
) -> None:
    secret, _ = make_key(library, BUN)
    client = TestClient(create_app(library.settings, library))
    client.headers["Authorization"] = f"Bearer {secret}"
    dataset = client.get("/api/v1/datasets/spend").json()
    assert dataset["rows"] == ROWS[LAN] + ROWS[BUN]
    assert {v["organisation"] for v in dataset["latest_versions"]} == {LAN, BUN}
    versions = client.get("/api/v1/datasets/spend/versions").text
    assert secret_name(LAN) in versions and leaks(versions, PEN) == []
    pen = library.versions("spend", PEN, principal=SYSTEM)[0].id
    assert client.get(f"/api/v1/datasets/spend/versions/{pen}").status_code == 403
    assert client.get(f"/api/v1/datasets/spend/versions/{pen}/issues").status_code == 403
    submissions = client.get(f"/api/v1/organisations/{PEN}/submissions").json()
    assert submissions["count"] == 0
    lan = client.get(f"/api/v1/organisations/{LAN}/submissions").json()
    assert [s["filename"] for s in lan["submissions"]] == [secret_name(LAN)]


def test_coverage_and_organisation_pages_leave_out_what_the_reader_may_not_read(
    library: Library,
) -> None:
    described = describe_dataset(library, "spend", member(PEN))
    shown = {c["organisation"]: c for c in described["coverage"]["organisations"]}
    assert shown.keys() == {PEN} and shown[PEN]["status"] == "failing"
    assert described["rows"] == ROWS[PEN] and described["coverage"]["complete"] is False
    for org in (LAN, BUN):
        datasets = describe_organisation(library, org)["datasets"]
        assert "spend" not in [d["dataset"] for d in datasets]
        assert organisation_submissions(library, org) == []
    assert [s.filename for s in organisation_submissions(library, PEN, principal=member(PEN))] == [
        "pen-rejected-confidential.csv",
        secret_name(PEN),
    ]


def test_dcat_catalogue_states_access_rights_and_gives_the_open_licence_to_open_data_alone(
    library: Library,
) -> None:
    client = TestClient(create_app(library.settings, library))
    catalogue = client.get("/api/v1/catalog.jsonld").json()
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    spend, brownfield = datasets["spend"], datasets["brownfield-land"]
    rights = "http://publications.europa.eu/resource/authority/access-right/"
    assert spend["dct:accessRights"] == {"@id": rights + "NON_PUBLIC"}
    assert "dct:license" not in spend and "data sharing agreement" in str(spend["dct:rights"])
    assert all("dcat:downloadURL" not in d for d in spend["dcat:distribution"])
    assert brownfield["dct:accessRights"] == {"@id": rights + "PUBLIC"}
    assert "open-government-licence" in brownfield["dct:license"]["@id"]
    schema = client.get("/api/v1/datasets/spend.jsonld").json()
    assert "license" not in schema and "data sharing agreement" in schema["conditionsOfAccess"]


def test_web_pages_show_anonymous_visitors_no_files_counts_or_submitters_of_restricted_data(
    library: Library,
) -> None:
    client = TestClient(create_app(library.settings, library))
    for url in ("/datasets/spend", "/datasets", *(f"/organisations/{org}" for org in ROWS)):
        page = client.get(url)
        assert page.status_code == 200, url
        assert leaks(page.text, *ROWS) == [], url
    assert "not released under an open licence" in client.get("/datasets/spend").text
