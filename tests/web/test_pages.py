"""The web pages over a real library (SQLite, and PostgreSQL when configured), without a browser.

Issue 4: each page answers from the same core calls as the API, sets no cookies, and errors are
GOV.UK pages on the web and problem documents in the API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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


def _record_path(client: TestClient, amount: str) -> str:
    records = client.get("/api/v1/datasets/spend/records").json()["records"]
    found = next(r for r in records if r["amount"] == amount)
    return f"spend/records/{found['organisation']}/{found['provenance']['resource']}/2"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/", "Find, check and publish local government data"),
        ("/datasets?q=supplier", "Spend over £500"),
        ("/datasets/spend", "Who publishes it"),
        ("/datasets/spend/records?amount__gt=120", "Amount is more than 120"),
        ("/organisations?type=council&region=North+West", "Hyndburn"),
        ("/organisations/E07000120", "What it publishes"),
        ("/standards", "Data standards"),
        ("/standards/spend", "Download a template CSV"),
        ("/check?standard=spend", "Check your data"),
    ],
)
def test_web_page_renders_without_cookies(client: TestClient, path: str, text: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "set-cookie" not in response.headers
    assert text in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_web_dataset_page_shows_coverage_downloads_history_and_chart(client: TestClient) -> None:
    html = client.get("/datasets/spend").text
    assert "1 whose latest file has something to fix" in html
    for fmt in ("csv", "json", "parquet"):
        assert f'href="/api/v1/datasets/spend/records.{fmt}"' in html
    assert "records.geojson" not in html  # spend has no geometry
    assert html.count("(about ") == 3
    assert '<title id="publishing-chart-title">' in html
    assert "april.csv" in html and "march.csv" in html
    assert "curl 'http://testserver/api/v1/datasets/spend'" in html


def test_web_records_form_redirects_to_the_api_query(client: TestClient) -> None:
    response = client.get(
        "/datasets/spend/records",
        params={
            "organisation": "",
            "filter-field": "amount",
            "filter-op": "gt",
            "filter-value": "120",
            "_sort": "-amount",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/datasets/spend/records?amount__gt=120&_sort=-amount"
    page = client.get(response.headers["location"]).text
    amounts = re.findall(r"govuk-table__cell--numeric\">(\d+\.\d\d)<", page)
    assert amounts == ["300.00", "150.00"]


def test_web_records_bad_filter_is_explained_on_the_page(client: TestClient) -> None:
    response = client.get("/datasets/spend/records?amount__gt=lots")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert "Error: Records" in response.text


def test_web_record_page_shows_provenance_and_earlier_values(client: TestClient) -> None:
    path = _record_path(client, "150.00")
    html = client.get(f"/datasets/{path}").text
    assert "april.csv" in html
    assert "Row in the file" in html
    assert "march.csv" in html  # the earlier version
    assert "100.00" in html  # what the amount was


def test_api_gives_a_record_with_provenance_and_earlier_values(client: TestClient) -> None:
    body = client.get(f"/api/v1/datasets/{_record_path(client, '150.00')}").json()
    assert body["record"]["amount"] == "150.00"
    assert body["published_in"]["filename"] == "april.csv"
    assert body["key"] == ["transaction-number", "transaction-line"]
    assert [(e["filename"], e["record"]["amount"]) for e in body["earlier"]] == [
        ("march.csv", "100.00")
    ]


def test_api_unknown_record_is_a_problem(client: TestClient) -> None:
    response = client.get(f"/api/v1/datasets/spend/records/{HYNDBURN}/{'0' * 64}/2")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_api_lists_an_organisations_submissions_with_rejected_ones(client: TestClient) -> None:
    body = client.get("/api/v1/organisations/local-authority:LDS/submissions").json()
    assert [(s["status"], s["issues"]["error"] > 0) for s in body["submissions"]] == [
        ("rejected", True)
    ]


def test_web_not_found_is_a_page_and_api_not_found_is_a_problem(client: TestClient) -> None:
    page = client.get("/datasets/nope")
    assert page.status_code == 404
    assert '<h1 class="govuk-heading-xl">Standard not found</h1>' in page.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Page not found" in missing.text
    api = client.get("/api/v1/datasets/nope")
    assert api.headers["content-type"] == "application/problem+json"


def test_web_server_error_is_a_plain_page(library: Library) -> None:
    app = create_app(library.settings, library)

    @app.get("/fault")
    def fault() -> None:
        raise RuntimeError("boom")

    response = TestClient(app, raise_server_exceptions=False).get("/fault")
    assert response.status_code == 500
    assert "There is a problem with the service" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text


def test_web_check_shows_issues_then_gives_the_fixed_file_and_publishes(
    client: TestClient, library: Library
) -> None:
    upload = HEADER + '05/05/2024,T10,1,"£1,000.00",ACME LTD\n06/05/2024,T11,1,20,BETA LTD\n'
    response = client.post(
        "/check",
        data={"standard": "spend", "organisation": "Hyndburn"},
        files={"file": ("may.csv", upload.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    html = response.text
    assert "Check results for may.csv" in html
    assert "Must fix before publishing (0)" in html
    assert "We fixed these for you (" in html
    fixed = re.search(r'href="(/check/[0-9a-f]{64}/fixed\.csv[^"]*)"', html)
    assert fixed is not None
    csv = client.get(fixed.group(1).replace("&amp;", "&")).text
    assert csv.splitlines()[0].startswith("organisation,")
    assert "1000.00" in csv

    publish = re.search(r'action="(/check/[0-9a-f]{64}/publish)"', html)
    key = re.search(r'name="key" value="([0-9a-f]+)"', html)
    assert publish is not None and key is not None
    done = client.post(
        publish.group(1),
        data={
            "standard": "spend",
            "organisation": HYNDBURN,
            "filename": "may.csv",
            "key": key.group(1),
        },
    )
    assert done.status_code == 200 and "File published" in done.text
    assert library.versions("spend", HYNDBURN)[0].filename == "may.csv"


def test_web_check_form_explains_what_is_missing(client: TestClient) -> None:
    response = client.post("/check", data={"standard": "", "organisation": "Atlantis"})
    assert response.status_code == 400
    html = response.text
    assert "Select the standard your data follows" in html
    assert "No organisation matches ‘Atlantis’" in html
    assert "Select a file to check" in html


def test_web_check_refuses_an_oversize_upload_with_a_page(client: TestClient) -> None:
    response = client.post(
        "/check",
        data={"standard": "spend", "organisation": "Hyndburn"},
        files={"file": ("big.csv", b"a,b\n" * 30_000, "text/csv")},
    )
    assert response.status_code == 413
    assert "The file is too large" in response.text


def test_web_publish_needs_a_publisher_without_open_submissions(library: Library) -> None:
    # Issue 6: without open submissions, an anonymous visitor is asked to sign in.
    closed = library.settings.model_copy(update={"open_submissions": False})
    client = TestClient(create_app(closed, library), base_url="https://testserver")
    sha256, _ = library.lake.store_raw(MARCH.encode())
    library.settings = closed
    response = client.post(
        f"/check/{sha256}/publish", data={"standard": "spend", "organisation": HYNDBURN}
    )
    assert response.status_code == 401
    assert "Sign in first" in response.text and "set-cookie" not in response.headers


def test_web_fixed_file_of_an_unknown_upload_is_not_found(client: TestClient) -> None:
    assert client.get(f"/check/{'a' * 64}/fixed.csv?standard=spend").status_code == 404
    assert client.get("/check/..%2F..%2Fetc/fixed.csv?standard=spend").status_code == 404


def test_web_fixed_file_needs_the_key_its_results_page_gave(
    client: TestClient, library: Library
) -> None:
    # Issue 4: a published file's fingerprint is public (its version names it), so the fixed
    # file of a stored file must not be handed to whoever knows the fingerprint alone.
    sha256 = library.versions("spend", HYNDBURN)[0].resource
    url = f"/check/{sha256}/fixed.csv?standard=spend&organisation={HYNDBURN}"
    assert client.get(url).status_code == 404
    assert client.get(url + "&key=" + "0" * 32).status_code == 404
    form = {"standard": "spend", "organisation": HYNDBURN, "key": "0" * 32}
    assert client.post(f"/check/{sha256}/publish", data=form).status_code == 404


def test_web_home_figures_are_the_apis(client: TestClient) -> None:
    figures = client.get("/api/v1/figures").json()
    assert figures["organisations_publishing"] == 1 and figures["rows"] == 2
    html = client.get("/").text
    assert f'app-key-figure__number">{figures["rows"]}<' in html


def test_web_standard_template_and_example_files(client: TestClient) -> None:
    template = client.get("/standards/spend/template.csv")
    assert template.headers["content-disposition"] == 'attachment; filename="spend-template.csv"'
    header = template.text.splitlines()[0]
    assert header.startswith("organisation,organisation-name,payment-date")
    example = client.get("/standards/spend/example.csv").text.splitlines()
    assert example[0] == header and len(example) == 2
    for kind in ("template", "example"):  # the API serves the same files
        api = client.get(f"/api/v1/standards/spend/{kind}.csv")
        assert api.text == client.get(f"/standards/spend/{kind}.csv").text


def test_web_unusable_address_is_a_page(client: TestClient) -> None:
    response = client.get("/datasets?page=lots")
    assert response.status_code == 400
    assert "Check the web address" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_web_organisation_page_lists_its_sources_with_their_status(
    library: Library, client: TestClient
) -> None:
    from localdata.collect.sources import add_source

    assert "does not collect files from" in client.get("/organisations/E07000120").text
    add_source(library, "spend", HYNDBURN, "https://example.org/hyndburn/spend.csv")
    html = client.get("/organisations/E07000120").text
    section = html[html.index('id="sources"') :]
    assert "https://example.org/hyndburn/spend.csv" in section
    assert "Not yet" in section and "/api/v1/sources/1/log" in section


def test_web_search_pages_through_the_results(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 4: results come a page at a time, with GOV.UK pagination.
    monkeypatch.setattr("localdata.web.pages.datasets.PER_PAGE", 3)
    first = client.get("/datasets").text
    assert first.count('<h2 class="govuk-heading-m govuk-!-margin-bottom-2">') == 3
    assert 'class="govuk-pagination' in first and "page=2" in first
    last = client.get("/datasets", params={"page": 3}).text
    assert last.count('<h2 class="govuk-heading-m govuk-!-margin-bottom-2">') == 2
    assert client.get("/datasets", params={"page": 0}).status_code == 400


@pytest.mark.parametrize("organisation", ["E07000120", "Hyndburn", "30UG", HYNDBURN])
def test_web_records_filter_accepts_any_identifier_of_the_organisation(
    client: TestClient, organisation: str
) -> None:
    response = client.get("/datasets/spend/records", params={"organisation": organisation})
    assert response.status_code == 200
    assert "GAMMA LTD" in response.text
    assert "Organisation is Hyndburn" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/datasets/spend/records?organisation=Atlantis",
        "/datasets/spend/records?organisation__in=Hyndburn,Atlantis",
        "/datasets?organisation=Atlantis",
    ],
)
def test_web_organisation_filter_naming_nobody_is_400_naming_the_value(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "No organisation matches &#39;Atlantis&#39;" in response.text


def test_web_organisation_and_dataset_pages_say_which_months_are_missing(
    client: TestClient,
) -> None:
    """Issue 13: coverage of a periodic dataset names the months a council has not published."""
    for path in ("/organisations/E07000120", "/datasets/spend"):
        html = client.get(path).text
        assert "Periods missing" in html
        # March and April 2024 were published; every month since is due and missing, so the
        # newest three are named and the rest counted.
        assert re.search(
            r"[A-Z][a-z]+ 20\d\d, [A-Z][a-z]+ 20\d\d, [A-Z][a-z]+ 20\d\d and [\d,]+ more", html
        )
