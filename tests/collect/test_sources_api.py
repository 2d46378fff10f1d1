"""Sources in the JSON API and the command line (issue 5)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.test_access_api import bearer, user_key
from tests.cli.test_check_command import run_cli
from tests.collect.conftest import collect_settings
from tests.collect.server import BROKEN, MARCH, SourceServer, file

HYNDBURN = "local-authority:HYN"


@pytest.fixture
def open_library(settings: Settings) -> Iterator[Library]:
    found = Library(collect_settings(settings, open_submissions=True))
    yield found
    found.close()


def test_api_registering_a_source_needs_a_publisher_of_that_organisation(
    library: Library, server: SourceServer
) -> None:
    # Issue 6: without open submissions, only a publisher of the organisation registers one.
    client = TestClient(create_app(library.settings, library))
    url = server.serve("/spend.csv", file(MARCH.encode()))
    body = {"dataset": "spend", "organisation": "E07000120", "url": url}
    anonymous = client.post("/api/v1/sources", json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    elsewhere = bearer(user_key(library, "local-authority:BUN", "publisher", ["publish"]))
    assert client.post("/api/v1/sources", json=body, headers=elsewhere).status_code == 403
    viewer = bearer(user_key(library, HYNDBURN, "viewer", ["read", "publish"]))
    assert client.post("/api/v1/sources", json=body, headers=viewer).status_code == 403
    publisher = bearer(user_key(library, HYNDBURN, "publisher", ["publish"]))
    created = client.post("/api/v1/sources", json=body, headers=publisher)
    assert created.status_code == 201, created.text
    assert created.json()["source"]["organisation"] == HYNDBURN


def test_api_registers_a_source_and_shows_its_status_and_log(
    open_library: Library, server: SourceServer
) -> None:
    from localdata.collect import collector
    from localdata.collect.fetch import Fetcher

    client = TestClient(create_app(open_library.settings, open_library))
    url = server.serve("/spend.csv", file(MARCH.encode()))
    body = {"dataset": "spend", "organisation": "E07000120", "url": url}
    created = client.post("/api/v1/sources", json=body)
    assert created.status_code == 201
    source = created.json()["source"]
    assert (source["organisation"], source["status"]["state"]) == (HYNDBURN, "waiting")
    fetcher = Fetcher(open_library.settings)
    attempt = collector.collect(open_library, fetcher, source["id"])
    collector.publish(open_library, attempt.id)
    server.serve("/spend.csv", file(BROKEN.encode()))
    collector.publish(open_library, collector.collect(open_library, fetcher, source["id"]).id)
    fetcher.close()
    listed = client.get("/api/v1/sources", params={"organisation": "E07000120"}).json()
    status = listed["sources"][0]["status"]
    assert (listed["count"], status["state"]) == (1, "failing")
    assert status["summary"].startswith("Failing since ")
    log = client.get(f"/api/v1/sources/{source['id']}/log", params={"limit": 1}).json()
    assert [(a["outcome"], a["submission_status"]) for a in log["attempts"]] == [
        ("new", "rejected")
    ]
    assert log["next"] and client.get(log["next"]).json()["attempts"][0]["outcome"] == "new"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"dataset": "nope", "organisation": "E07000120", "url": "https://a.org/x.csv"}, 404),
        ({"dataset": "spend", "organisation": "nowhere", "url": "https://a.org/x.csv"}, 404),
        ({"dataset": "spend", "organisation": "E07000120", "url": "file:///etc/passwd"}, 400),
        (
            {
                "dataset": "spend",
                "organisation": "E07000120",
                "url": "https://a.org/x.csv",
                "schedule": "yearly",
            },
            400,
        ),
    ],
)
def test_api_refuses_a_source_it_cannot_use(
    open_library: Library, body: dict[str, str], status: int
) -> None:
    client = TestClient(create_app(open_library.settings, open_library))
    assert client.post("/api/v1/sources", json=body).status_code == status


def test_api_says_when_there_is_no_such_source(library: Library) -> None:
    client = TestClient(create_app(library.settings, library))
    assert client.get("/api/v1/sources/99").status_code == 404
    assert client.get("/api/v1/sources/99/log").status_code == 404


def test_cli_adds_collects_lists_and_logs_a_source(
    library: Library,
    server: SourceServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = library.settings
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOCALDATA_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("LOCALDATA_COLLECT_ALLOW_PRIVATE", "true")
    url = server.serve("/spend.csv", file(MARCH.encode()))
    code, out, _ = run_cli(["sources", "add", "spend", url, "-o", "Hyndburn"], capsys, monkeypatch)
    assert code == 0 and "Registered source 1" in out
    code, out, _ = run_cli(["sources", "collect", "1"], capsys, monkeypatch)
    assert code == 0 and "published" in out
    code, out, _ = run_cli(["sources", "list"], capsys, monkeypatch)
    assert "Working since" in out and url in out
    code, out, _ = run_cli(["sources", "log", "1"], capsys, monkeypatch)
    assert "new" in out and "HTTP 200" in out and "published" in out
    code, out, err = run_cli(["sources", "pause", "7"], capsys, monkeypatch)
    assert code == 2 and "There is no source number 7" in err
    code, out, _ = run_cli(["worker", "--until-idle"], capsys, monkeypatch)
    assert code == 0 and "stopped after 2 jobs" in out  # the scheduled collect, the publish
    code, out, _ = run_cli(["sources", "list"], capsys, monkeypatch)
    assert "Unchanged since" in out
