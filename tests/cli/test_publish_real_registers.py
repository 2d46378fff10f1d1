"""Every corrected real brownfield register publishes, unless it has a real error (issue 13).

The registers in ../shared/data/real/brownfield/ are the planning data team's hand-corrected
copies of councils' published files. Each is published with ``localdata publish`` and no
organisation (the register names it) and must exit 0, unless the file itself still has
something a person must fix; then the errors are named here, with why they are real.
"""

from __future__ import annotations

import json

import pytest

from localdata.settings import Settings
from tests.cli.test_check_command import run_cli
from tests.conftest import real_file

FIXED = "brownfield/pdf-extracted-with-fix/"
Errors = frozenset[tuple[str, str | None]]


def errors(*pairs: tuple[str, str | None]) -> Errors:
    return frozenset(pairs)


# file -> (organisation to give, or None when the register names it; the errors that remain)
REGISTERS: dict[str, tuple[str | None, Errors]] = {
    "brownfield/published/north-kesteven.csv": (None, errors()),
    FIXED + "2c8470a8cf8f80693ba26bc208c754c2c5c6f02c27ec8be74df629c51e050935.csv": (
        None,
        errors(),
    ),
    FIXED + "46ebf7ab269ab18d204e5f9738bcc304c6dbfad29a27ffd2c87905237d1201f4.csv": (
        None,
        errors(),
    ),
    FIXED + "60f678353356da2c46b9390f1b64906ef8d284e4f6e937b9078238dbcddf2e39.csv": (
        None,
        errors(),
    ),
    FIXED + "97eb6c31f21efb200abcfc769025480608f96b40a21e97d423483afa9fa35a57.csv": (
        None,
        errors(),
    ),
    FIXED + "c7e27fdf412c73f3ab48025f1e32f6f9cacc8a55d23d4427182f3a04e42372e6.csv": (
        None,
        errors(),
    ),
    FIXED + "cd5ea36ba52b11b51f6b9bab380710646daf8607bd210758168d8bdfbcf74504.csv": (
        None,
        errors(),
    ),
    # Fylde: no column for the site plan or the date the register was last updated.
    FIXED + "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.csv": (
        None,
        errors(
            ("missing-column", "entry-date"),
            ("missing-column", "site-plan-url"),
            ("missing-value", "entry-date"),
            ("missing-value", "site-plan-url"),
            ("missing-value", "planning-permission-status"),
        ),
    ),
    # Worcester: a PDF's columns run together; dates, plans and coordinates are lost.
    FIXED + "3b08e37cd8d9263627609d72c3b2b2c6c0cfb3a120e42f0504ef45d158d674ea.csv": (
        None,
        errors(
            ("code-not-allowed", "planning-permission-type"),
            ("missing-column", "entry-date"),
            ("missing-column", "site-plan-url"),
            ("missing-column", "start-date"),
            ("missing-value", "entry-date"),
            ("missing-value", "minimum-net-dwellings"),
            ("missing-value", "point"),
            ("missing-value", "site-plan-url"),
            ("missing-value", "start-date"),
            ("point-missing-coordinate", "point"),
            ("point-unrecognised", "point"),
        ),
    ),
    # London Legacy: the permission history is a description, not a web address.
    FIXED + "40ba241c5f5da1de68d3c025e68210d8707413a4d7c50ce9396a006802556669.csv": (
        None,
        errors(("url-unrecognised", "planning-permission-history")),
    ),
    FIXED + "a6f17c3bc674d60391fc9a1ec361a45627435357916b3d707759bca130b8bc28.csv": (
        None,
        errors(("url-unrecognised", "planning-permission-history")),
    ),
    # New Forest: one site's area is a sentence about two areas.
    FIXED + "45e645b8570f5dd8b7f8775e032047d98ff2b61de6ac4f14ebea3ef8c771acba.csv": (
        None,
        errors(("decimal-unrecognised", "hectares")),
    ),
    # Rochdale: "Local Authority, Unknown" is two ownerships; no plans, no update dates.
    FIXED + "5ed5da3ec0f3a94a214b1d119b5904625058f5834ca2c5afedaf66df2c19f4bb.csv": (
        None,
        errors(
            ("code-not-allowed", "ownership-status"),
            ("missing-value", "entry-date"),
            ("url-unrecognised", "site-plan-url"),
        ),
    ),
    # West Devon: "Lapsed" is not a kind of permission the regulations list.
    FIXED + "66012b17982030d63e3e2c1d2f54b916046488c074a39ccb9db9f036aaf120c8.csv": (
        None,
        errors(("code-not-allowed", "planning-permission-type")),
    ),
    # West Devon again: the columns after the description are shifted by one.
    FIXED + "e30b4383fed7f88ab2ed9586bae5cda32d4f25d1c1e2bd19544dd640c006dbf8.csv": (
        None,
        errors(
            ("flag-unrecognised", "proposed-for-pip"),
            ("integer-unrecognised", "minimum-net-dwellings"),
        ),
    ),
    # South Hams: a description in the Part 2 column.
    FIXED + "b6ac516b83a2fcd908a8dd453dd5bca437c9238c1bcdff8ce9aa0d719e1d3bcd.csv": (
        None,
        errors(("flag-unrecognised", "part-2")),
    ),
    # Exeter: no reference, first-added or updated dates; statuses outside the list. The file
    # does not name the council, so it is given.
    FIXED + "dda69588484b738fc11766920157bf7dbed8bad220109da484a9f43dd4b6addc.csv": (
        "Exeter",
        errors(
            ("code-not-allowed", "planning-permission-status"),
            ("missing-column", "entry-date"),
            ("missing-column", "reference"),
            ("missing-column", "start-date"),
            ("missing-value", "entry-date"),
            ("missing-value", "minimum-net-dwellings"),
            ("missing-value", "reference"),
            ("missing-value", "start-date"),
            ("placeholder-in-required-field", "minimum-net-dwellings"),
        ),
    ),
    # Not Newham's register alone, as SOURCES.md says, but 18 London planning authorities' rows
    # (the GLA's combined register): published for Newham, the other boroughs' rows are refused.
    # Its own errors: coordinates in no known system, negative dwellings, updated dates missing.
    FIXED + "de3918b3af88df0eebce7fbb3f8bc36f571f59fda90470f9b1e8bee3145f8ca0.csv": (
        "Newham",
        errors(
            ("organisation-mismatch", "organisation"),
            ("code-not-allowed", "planning-permission-status"),
            ("geometry-outside-uk", "point"),
            ("missing-value", "entry-date"),
            ("missing-value", "minimum-net-dwellings"),
            ("missing-value", "ownership-status"),
            ("url-unrecognised", "planning-permission-history"),
            ("value-too-small", "minimum-net-dwellings"),
        ),
    ),
}


@pytest.fixture(autouse=True)
def _library(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOCALDATA_DATABASE_URL", settings.sqlalchemy_url)


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REGISTERS))
def test_corrected_register_publishes_unless_it_has_a_real_error(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = real_file(name)
    organisation, expected = REGISTERS[name]
    given = ["--organisation", organisation] if organisation else []
    code, out, err = run_cli(
        ["publish", str(path), "--standard", "brownfield-land", *given], capsys, monkeypatch
    )
    assert err == ""
    assert code == (1 if expected else 0), out[-2000:]
    if expected:
        check = ["check", str(path), "--standard", "brownfield-land", "--format", "json", *given]
        _, report, _ = run_cli(check, capsys, monkeypatch)
        found = {
            (entry["type"], entry["field"])
            for entry in json.loads(report)["summary"]
            if entry["severity"] == "error"
        }
        assert found == expected
