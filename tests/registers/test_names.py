"""Name normalisation and the lookup keys a query turns into."""

from __future__ import annotations

import pytest

from localdata.registers.lookup import query_tiers
from localdata.registers.names import body_cores, council_cores, normalise_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("  Leeds City Council ", "leeds city council"),
        ("Brighton & Hove", "brighton and hove"),
        ("King’s Lynn", "kings lynn"),
        ("St. Helens", "st helens"),
        ("Saint Helens", "st helens"),
        ("Barrow-in-Furness", "barrow in furness"),
        ("The Broads Authority", "broads authority"),
        ("Ynys Môn", "ynys mon"),
    ],
)
def test_normalise_name_evens_out_spelling(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("Fylde Borough Council", "fylde"),
        ("Fylde Council", "fylde"),
        ("Leeds City Council", "leeds"),
        ("Trafford Metropolitan Borough Council", "trafford"),
        ("Lancashire County Council", "lancashire"),
        ("Adur District Council", "adur"),
        ("London Borough of Camden", "camden"),
        ("Royal Borough of Kingston upon Thames", "kingston upon thames"),
        ("City of Bradford Metropolitan District Council", "bradford"),
        ("Borough Council of King's Lynn and West Norfolk", "kings lynn and west norfolk"),
        ("Council of the Isles of Scilly", "isles of scilly"),
    ],
)
def test_council_cores_strip_council_words(name: str, core: str) -> None:
    assert core in council_cores(name)


def test_council_cores_leave_out_too_general_places() -> None:
    assert council_cores("City of London") == set()


def test_body_cores_strip_authority_words() -> None:
    assert body_cores("Peak District National Park Authority") == {"peak district"}
    assert body_cores("Leeds") == set()


def test_query_tiers_classify_codes() -> None:
    assert query_tiers(" e08000035 ") == [["gss:E08000035"]]
    assert query_tiers("00da") == [["snac:00DA"]]
    assert query_tiers("Local-Authority:HYN") == [["curie:local-authority:hyn"]]
    assert query_tiers("") == []


def test_query_tiers_try_register_code_only_in_capitals() -> None:
    assert query_tiers("HYN")[0] == ["register-code:HYN"]
    assert query_tiers("hyn")[0] == ["name:hyn"]


def test_query_tiers_read_opendatacommunities_uris() -> None:
    tiers = query_tiers("https://opendatacommunities.org/doc/district-council/mole-valley/")
    assert ["opendatacommunities:districtcouncil/molevalley"] in tiers
    assert ["odc-slug:molevalley"] in tiers
