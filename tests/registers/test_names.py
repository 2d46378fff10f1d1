"""Name normalisation and the lookup keys a query turns into."""

from __future__ import annotations

import pytest

from localdata.registers.lookup import query_tiers
from localdata.registers.names import (
    body_cores,
    body_forms,
    council_cores,
    initials,
    normalise_name,
    short_cores,
    short_names,
    split_joined_words,
)


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


# -- name forms made by rule (issue 13) ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("Barnet London Borough Council", "barnet"),
        ("Kingston upon Hull, City of", "kingston upon hull"),
        ("Bristol, City of", "bristol"),
        ("Windsor and Maidenhead, Royal Borough of", "windsor and maidenhead"),
    ],
)
def test_council_cores_read_inverted_names(name: str, core: str) -> None:
    assert core in council_cores(name)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Barrow-in-Furness Borough Council", {"barrow"}),
        ("Stoke-on-Trent City Council", {"stoke"}),
        ("Royal Borough of Kingston upon Thames", {"kingston"}),
        ("Kingston upon Hull", {"kingston"}),
        ("Hyndburn Borough Council", set()),
    ],
)
def test_short_cores_shorten_places_written_x_upon_y(name: str, short: set[str]) -> None:
    assert short_cores(name) == short


def test_short_names_shorten_places_written_x_upon_y() -> None:
    assert short_names("Royal Borough of Kingston upon Thames") == {"royal borough of kingston"}
    assert short_names("Barrow-in-Furness Borough Council") == {"barrow borough council"}
    assert short_names("Council of the Isles of Scilly") == set()


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Police and Crime Commissioner for Derbyshire", ("police", "derbyshire")),
        ("Derbyshire PCC", ("police", "derbyshire")),
        ("Office of the Police and Crime Commissioner for Kent", ("police", "kent")),
        ("Essex Police, Fire and Crime Commissioner", ("police", "essex")),
        ("Thames Valley Police", ("police", "thames valley")),
        ("Hampshire & Isle of Wight Constabulary", ("police", "hampshire and isle of wight")),
        ("Lancashire Combined Fire Authority", ("fire", "lancashire")),
        ("Lancashire Fire and Rescue Service", ("fire", "lancashire")),
        ("London Fire Brigade", ("fire", "london")),
        ("West Yorkshire Combined Authority", ("combined", "west yorkshire")),
        ("Peak District National Park Authority", ("national-park", "peak district")),
    ],
)
def test_body_forms_say_the_kind_of_body_and_its_place(name: str, form: tuple[str, str]) -> None:
    assert body_forms(name) == {form}


def test_body_forms_of_a_kind_word_alone_are_empty() -> None:
    assert body_forms("OPCC") == set()
    assert body_forms("The Police") == set()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Knowsley Metropolitan Borough Council", {"KMBC"}),
        ("London Borough of Hammersmith and Fulham", {"LBOHAF", "LBHF"}),
        ("Royal Borough of Windsor and Maidenhead", {"RBOWAM", "RBWM"}),
        ("Transport for London", {"TFL"}),
        ("Leeds City Council", {"LCC"}),
        ("Wigan Council", set()),
    ],
)
def test_initials_of_names_of_three_words_or_more(name: str, expected: set[str]) -> None:
    assert initials(name) == expected


def test_split_joined_words_splits_only_words_run_together() -> None:
    assert split_joined_words("ForestHeathDistrictCouncil") == "Forest Heath District Council"
    assert split_joined_words("TfL") == "TfL"
    assert split_joined_words("McDonald House") == "McDonald House"


def test_query_tiers_read_org_ids_county_snac_and_codes_inside_names() -> None:
    assert query_tiers("GB-LAE-TRF") == [["curie:local-authority-eng:trf"]]
    assert query_tiers("gb-gor-D1342") == [["curie:government-organisation:d1342"]]
    assert query_tiers("GB-CHC-1234567")[0] == ["name:gb chc 1234567"]
    assert query_tiers("18") == [["snac:18"]]
    assert query_tiers("Maidstone E07000110")[0] == ["gss:E07000110"]


def test_query_tiers_leave_out_a_leading_number() -> None:
    assert ["name:council of the isles of scilly"] in query_tiers(
        " 51 Council of the Isles of Scilly"
    )
