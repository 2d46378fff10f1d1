"""The web pages in a real browser: journeys, accessibility, keyboard use and screenshots.

Issue 4: every page type is checked with axe-core against the WCAG 2.2 A and AA rules, the
check journey is done by keyboard alone and with JavaScript off, and a screenshot of each page
type is kept under build/screenshots/.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

from localdata.store.library import Library
from tests.conftest import real_file
from tests.web.conftest import AXE, UPLOAD_LIMIT, screenshot

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NORTH_KESTEVEN = "brownfield/published/north-kesteven.csv"


@pytest.fixture(scope="module")
def record_url(demo_library: Library) -> str:
    """The page of one current spend record."""
    record = demo_library.page("spend", [("_size", "1")]).records[0]
    provenance = record["provenance"]
    return (
        f"/datasets/spend/records/{record['organisation']}/{provenance['resource']}"
        f"/{provenance['row']}"
    )


@pytest.fixture(scope="module")
def brownfield_record_url(demo_library: Library) -> str:
    """The page of one current brownfield record, which has a point."""
    record = demo_library.page("brownfield-land", [("_size", "1")]).records[0]
    provenance = record["provenance"]
    return (
        f"/datasets/brownfield-land/records/{record['organisation']}/{provenance['resource']}"
        f"/{provenance['row']}"
    )


@pytest.fixture(scope="module")
def organisation_id(demo_library: Library) -> str:
    """A council that publishes in the demo."""
    return demo_library.organisations_in("spend")[0]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """What axe-core finds on the page against the WCAG 2.2 A and AA rules."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def test_web_journey_finds_filters_downloads_and_follows_provenance(
    page: Any, tmp_path: Path
) -> None:
    page.goto("/")
    page.get_by_label("Search the datasets").fill("spending")
    page.get_by_role("button", name="Search").click()
    page.locator("main h2 a[href='/datasets/spend']").click()
    assert page.url.endswith("/datasets/spend")
    page.get_by_role("button", name=re.compile("Filter and sort all")).click()

    page.get_by_label("Field").select_option("amount")
    page.get_by_label("Condition").select_option("gt")
    page.get_by_label("Value").fill("500")
    page.get_by_label("Sort by").select_option("-amount")
    page.get_by_role("button", name="Apply filters").click()
    assert "amount__gt=500" in page.url
    assert "Amount is more than 500" in page.inner_text("main")
    headers = [h.strip() for h in page.locator("main thead th").all_inner_texts()]
    column = next(i for i, h in enumerate(headers, start=1) if h.startswith("Amount"))
    amounts = page.locator(f"main tbody tr > :nth-child({column})").all_inner_texts()
    values = [float(a.replace(",", "").replace("£", "")) for a in amounts]
    assert values and min(values) > 500 and values == sorted(values, reverse=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    saved = tmp_path / "spend.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("organisation,")
    assert len(lines) > 1

    page.locator("tbody tr").first.get_by_role("link").click()
    main = page.inner_text("main")
    assert "Where it came from" in main
    assert "Row in the file" in main
    assert re.search(r"[0-9a-f]{64}", main)


def _without_minimum_dwellings(path: Path, folder: Path) -> Path:
    """A copy of a 2017-template register with its minimum net dwellings left blank.

    The regulations require the minimum on every entry, so each row has one thing to fix.
    """
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        row["MinNetDwellings"] = row["NetDwellingsRangeFrom"] = ""
    copy = folder / "upload" / path.name
    copy.parent.mkdir()
    with copy.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return copy


@pytest.mark.realdata
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_web_checks_a_real_council_file(
    request: pytest.FixtureRequest, javascript: bool, tmp_path: Path
) -> None:
    path = _without_minimum_dwellings(real_file(NORTH_KESTEVEN), tmp_path)
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    page.goto("/check")
    page.get_by_label("Standard").select_option("brownfield-land")
    page.get_by_label("Organisation").fill("North Kesteven")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()

    assert page.locator("h1").inner_text() == "Check results for north-kesteven.csv"
    must_fix = page.locator("#error + ul").inner_text()
    assert "minimum-net-dwellings" in must_fix
    assert "Must fix before publishing (2)" in page.inner_text("main")
    fixed = page.locator("#info ~ div table").first.inner_text()
    assert "latitude came before the longitude" in fixed
    assert page.get_by_role("button", name="Publish this file").count() == 0

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the fixed file").click()
    saved = tmp_path / "fixed.csv"
    download.value.save_as(saved)
    fixed_file = saved.read_text(encoding="utf-8")
    assert fixed_file.startswith("reference,previously-part-of,name,site-address,point,")
    assert "-0.393631 53.000879" in fixed_file  # the swapped coordinates, put right
    screenshot(page, "check-results" if javascript else "check-results-no-javascript")


def test_web_check_journey_works_by_keyboard_alone(page: Any, tmp_path: Path) -> None:
    upload = tmp_path / "march.csv"
    upload.write_text(
        "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
        "05/03/2024,T1,1,100.00,ACME LTD\n",
        encoding="utf-8",
    )
    page.goto("/check")
    _tab_to(page, "#standard")
    page.keyboard.type("Spend")
    _tab_to(page, "#organisation")
    page.keyboard.type("Hyndburn")
    _tab_to(page, "#file")
    page.locator("#file").set_input_files(str(upload))  # the file chooser is the system's
    _tab_to(page, "form button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Check results for march.csv"
    screenshot(page, "check-results-keyboard")
    assert axe_violations(page) == []
    _tab_to(page, "a[download]")
    _tab_to(page, "form button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "File published"
    screenshot(page, "published")
    assert axe_violations(page) == []


def _tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {selector}")


PAGES = {
    "home": "/",
    "search": "/datasets?q=spend",
    "dataset": "/datasets/spend",
    "records": "/datasets/spend/records?amount__gt=100&_sort=-amount",
    "standards": "/standards",
    "standard": "/standards/brownfield-land",
    "organisations": "/organisations?type=council",
    "check": "/check",
    "not-found": "/datasets/no-such-dataset",
    "server-error": "/test-only/fail",
}


@pytest.mark.parametrize("name", [*PAGES, "record", "brownfield-record", "organisation"])
def test_web_page_has_no_accessibility_violations(
    request: pytest.FixtureRequest, page: Any, name: str
) -> None:
    url = (
        PAGES.get(name)
        or {
            "record": lambda: request.getfixturevalue("record_url"),
            "brownfield-record": lambda: request.getfixturevalue("brownfield_record_url"),
            "organisation": lambda: "/organisations/" + request.getfixturevalue("organisation_id"),
        }[name]()
    )
    response = page.goto(url)
    expected = {"not-found": 404, "server-error": 500}.get(name, 200)
    assert response.status == expected
    assert not response.headers.get("set-cookie")
    screenshot(page, name)
    assert axe_violations(page) == []


def test_web_check_error_messages_are_accessible(page: Any) -> None:
    page.goto("/check")
    page.get_by_role("button", name="Check the file").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Select the standard your data follows" in page.inner_text(".govuk-error-summary")
    screenshot(page, "check-errors")
    assert axe_violations(page) == []


def test_web_upload_over_the_limit_gets_the_file_too_large_page(page: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" + b"1,2\n" * (UPLOAD_LIMIT // 4 + 20_000))
    page.goto("/check")
    page.get_by_label("Standard").select_option("spend")
    page.get_by_label("Organisation").fill("Hyndburn")
    page.get_by_label("File", exact=True).set_input_files(str(big))
    with page.expect_response(lambda r: r.url.endswith("/check")) as answer:
        page.get_by_role("button", name="Check the file").click()
    assert answer.value.status == 413
    assert page.locator("h1").inner_text() == "The file is too large"
    screenshot(page, "file-too-large")
    assert axe_violations(page) == []


# Issue 6: restricted data, agreements and the audit log, as an anonymous visitor and signed in
# (through the development sign-in, which sets the real session cookie) as the sharing demo's
# councils' users: Burnley provides, Hyndburn and Pendle receive, Lancashire has no agreement.
AGREEMENT = "/agreements/burnley-homelessness-prevention"
SHARING_PAGES = {
    "restricted-dataset": ("/datasets/homelessness-cases", None, 200),
    "agreements": ("/agreements", None, 200),
    "agreement": (AGREEMENT, None, 200),
    "agreement-officer": (AGREEMENT, "ig@bun.example", 200),
    "agreement-form": ("/agreements/new", "ig@bun.example", 200),
    "restricted-dataset-receiver": ("/datasets/homelessness-cases", "analyst@hyn.example", 200),
    "restricted-records-receiver": (
        "/datasets/homelessness-cases/records",
        "analyst@hyn.example",
        200,
    ),
    "no-agreement": ("/datasets/homelessness-cases/records", "analyst@lan.example", 403),
    "audit": ("/audit", "ig@bun.example", 200),
}


def sign_in(page: Any, email: str, then: str) -> None:
    """Sign in through the development sign-in, and go on to ``then``."""
    page.goto(f"/auth/dev?next={then}")
    page.get_by_label("Email address or user id").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("name", SHARING_PAGES)
def test_web_sharing_page_has_no_accessibility_violations(page: Any, name: str) -> None:
    url, user, expected = SHARING_PAGES[name]
    if user:
        sign_in(page, user, "/")
        assert "Signed in as" in page.inner_text("header")
    response = page.goto(url)
    assert response.status == expected
    if user is None:
        assert not response.headers.get("set-cookie")
        assert not page.context.cookies()
    screenshot(page, name)
    assert axe_violations(page) == []


def test_web_restricted_dataset_explains_then_shows_a_receiver_its_share(page: Any) -> None:
    page.goto("/datasets/homelessness-cases")
    main = page.inner_text("main")
    assert "This dataset is restricted" in main and "Burnley" in main
    page.get_by_role("link", name="Sign in", exact=True).first.click()
    page.get_by_label("Email address or user id").fill("analyst@hyn.example")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/datasets/homelessness-cases")
    main = page.inner_text("main")
    assert "This dataset is restricted" not in main
    assert "Postcode" not in main and "Support needs" not in main  # not shared
    connections = page.locator("#records ~ div table tbody tr").count()
    assert connections > 0
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert "Sign in" in page.inner_text("header")
    assert not [c for c in page.context.cookies() if c["name"] == "localdata_session"]


def test_web_agreement_form_shows_what_to_fix(page: Any) -> None:
    sign_in(page, "ig@bun.example", "/agreements/new")
    page.get_by_label("Title", exact=True).fill("Burnley shares more")
    page.get_by_label("Short name", exact=True).fill("Not A Slug")
    page.get_by_role("button", name="Propose the agreement").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a short name of 2 to 63 lower-case letters" in summary.inner_text()
    screenshot(page, "agreement-form-errors")
    assert axe_violations(page) == []


def test_web_audit_shows_who_read_a_record(browser: Any, base_url: str) -> None:
    reader = browser.new_context(base_url=base_url).new_page()
    sign_in(reader, "analyst@hyn.example", "/datasets/homelessness-cases/records")
    link = reader.locator("tbody tr").first.get_by_role("link")
    href = link.get_attribute("href")
    link.click()
    assert "Where it came from" in reader.inner_text("main")
    record = href.split("/records/", 1)[1].replace("%3A", ":")
    reader.context.close()

    officer = browser.new_context(base_url=base_url).new_page()
    sign_in(officer, "ig@bun.example", "/audit")
    log = officer.inner_text("main")
    assert "hyn analyst (analyst@hyn.example)" in log and "Read" in log
    officer.get_by_label("Dataset").select_option("homelessness-cases")
    officer.get_by_label("Record").fill(record)
    officer.get_by_role("button", name="Find who read it").click()
    main = officer.inner_text("main")
    assert "hyn analyst (analyst@hyn.example)" in main
    assert "burnley-homelessness-prevention" in main and "Nobody has read" not in main
    screenshot(officer, "audit-record")
    assert axe_violations(officer) == []
    officer.context.close()


def test_api_docs_render_in_a_browser_from_our_own_assets_alone(page: Any, base_url: str) -> None:
    # Issue 15: pinned Swagger UI from /assets/, under a CSP, with nothing from another site.
    outside: list[str] = []
    problems: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((base_url, "data:")) else outside.append(r.url),
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Local Data Library" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")
    screenshot(page, "api-docs")
    assert outside == [] and problems == []
