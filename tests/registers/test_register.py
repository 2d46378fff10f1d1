"""The shipped organisation register: ids, identifiers in every form, dates and search."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

from localdata.errors import UnknownOrganisation
from localdata.registers import Organisation, Register

LEEDS = "local-authority:LDS"
HYNDBURN = "local-authority:HYN"
FYLDE = "local-authority:FYL"
TRAFFORD = "local-authority:TRF"
TAUNTON_DEANE = "local-authority:TAU"
SOMERSET_WEST_AND_TAUNTON = "local-authority:SWT"
SOMERSET_COUNTY = "local-authority:SOM"
SOMERSET_COUNCIL = "local-authority:SUA"
PCC = "police-and-crime-commissioner"


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.default()


def resolved_id(register: Register, identifier: str, on: date | None = None) -> str | None:
    found = register.resolve(identifier, on)
    return found.id if found else None


# -- loading and get ----------------------------------------------------------------------


def test_default_register_is_loaded_once() -> None:
    assert Register.default() is Register.default()


def test_get_returns_organisation_with_its_facts(register: Register) -> None:
    leeds = register.get(LEEDS)
    assert (leeds.name, leeds.official_name, leeds.type) == (
        "Leeds",
        "Leeds City Council",
        "metropolitan-district",
    )
    assert (leeds.gss_code, leeds.region, leeds.region_code) == (
        "E08000035",
        "Yorkshire and The Humber",
        "E12000003",
    )
    assert leeds.website == "https://www.leeds.gov.uk"
    assert "00DA" in leeds.codes("snac")
    assert leeds.is_current and leeds.is_council


def test_get_unknown_id_raises_plain_message(register: Register) -> None:
    with pytest.raises(UnknownOrganisation) as raised:
        register.get("local-authority:NOPE")
    assert "There is no organisation with the id 'local-authority:NOPE'" in raised.value.message
    assert raised.value.status == 404


def test_get_accepts_former_id(register: Register) -> None:
    assert register.get("local-authority:SCR").id == "local-authority:SYMCA"
    assert register.get("government-organisation:D4").id == "government-organisation:D1342"


def test_register_iterates_and_counts(register: Register) -> None:
    assert len(register) == len(list(register)) > 400
    assert LEEDS in register


# -- counts -------------------------------------------------------------------------------


def test_current_councils_number_317(register: Register) -> None:
    current = Counter(o.type for o in register if o.is_council and o.is_current)
    assert sum(current.values()) == 317
    assert current == {
        "county-council": 21,
        "non-metropolitan-district": 164,
        "unitary-authority": 63,
        "metropolitan-district": 36,
        "london-borough": 32,
        "city-corporation": 1,
    }


def test_abolished_councils_have_end_dates_and_successors(register: Register) -> None:
    abolished = [o for o in register if o.is_council and o.end_date]
    assert len(abolished) == 48
    assert all(o.successor_ids for o in abolished)
    assert all(s in register for o in abolished for s in o.successor_ids)


def test_successors_start_the_day_after_their_predecessors_end(register: Register) -> None:
    gaps = [
        (o.id, s.id)
        for o in register
        for s in map(register.get, o.successor_ids)
        if o.end_date is None or s.start_date is None or (s.start_date - o.end_date).days != 1
    ]
    assert gaps == []


def test_other_bodies_are_present(register: Register) -> None:
    kinds = Counter(o.type for o in register)
    assert kinds["national-park-authority"] == 10
    assert kinds["development-corporation"] == 26
    assert kinds["combined-authority"] == 15
    assert kinds["fire-authority"] >= 1


def test_lancashire_combined_fire_authority_has_its_facts(register: Register) -> None:
    fire = register.get("fire-authority:lancashire")
    assert fire.official_name == "Lancashire Combined Fire Authority"
    assert fire.start_date == date(1998, 4, 1)
    assert fire.region == "North West"
    assert fire.website == "https://www.lancsfirerescue.org.uk"
    assert resolved_id(register, "Lancashire Fire and Rescue Service") == fire.id


def test_development_corporations_use_planning_data_curies(register: Register) -> None:
    opdc = register.get("development-corporation:Q20648596")
    assert opdc.name == "Old Oak and Park Royal Development Corporation"
    assert opdc.gss_code == "E51000002"
    assert register.get("development-corporation:Q6670544").start_date == date(2012, 3, 9)


def test_national_park_authority_uses_planning_data_curie(register: Register) -> None:
    peak = register.get("national-park-authority:Q72617988")
    assert peak.name == "Peak District National Park Authority"
    assert resolved_id(register, "E26000006") == peak.id


# -- identifier forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("E08000035", LEEDS),
        ("e08000035", LEEDS),
        ("00DA", LEEDS),
        ("local-authority:LDS", LEEDS),
        ("LDS", LEEDS),
        ("local-authority-eng:LDS", LEEDS),
        ("E4704", LEEDS),
        ("Q6515870", LEEDS),
        ("E07000120", HYNDBURN),
        ("local-authority:HYN", HYNDBURN),
        ("HYN", HYNDBURN),
        ("30UG", HYNDBURN),
        ("E07000119", FYLDE),
        ("30UF", FYLDE),
        ("E08000009", TRAFFORD),
        ("00BU", TRAFFORD),
        ("23UB", "local-authority:CHT"),
        ("E10000017", "local-authority:LAN"),
        ("E60000071", LEEDS),
    ],
)
def test_resolve_finds_codes(register: Register, identifier: str, expected: str) -> None:
    assert resolved_id(register, identifier) == expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("http://opendatacommunities.org/id/district-council/fylde", FYLDE),
        ("https://opendatacommunities.org/doc/district-council/fylde", FYLDE),
        ("https://opendatacommunities.org/id/district-council/fylde/", FYLDE),
        ("  http://opendatacommunities.org/id/district-council/fylde  ", FYLDE),
        ("http://opendatacommunities.org/id/metropolitan-district-council/leeds", LEEDS),
        ("http://opendatacommunities.org/id/district-council/molevalley", "local-authority:MOL"),
        ("http://opendatacommunities.org/id/borough-council/ashford", "local-authority:ASF"),
        (
            "http://opendatacommunities.org/id/county-council/newcastle-upon-tyne",
            "local-authority:NET",
        ),
        (
            "http://opendatacommunities.org/id/geography/administration/md/E08000006",
            "local-authority:SLF",
        ),
        (
            "http://opendatacommunities.org/id/dev-corp/old-oak-and-park-royal",
            "development-corporation:Q20648596",
        ),
        (
            "http://opendatacommunities.org/doc/dev-corp/london-legacy",
            "development-corporation:Q6670544",
        ),
        ("http://statistics.data.gov.uk/doc/local-authority/00DA", LEEDS),
        ("http://statistics.data.gov.uk/id/local-authority/00DA", LEEDS),
        ("https://statistics.data.gov.uk/id/local-authority/00DA/", LEEDS),
        ("http://statistics.data.gov.uk/id/statistical-geography/E08000035", LEEDS),
        ("http://statistics.data.gov.uk/id/local-authority/30", "local-authority:LAN"),
        ("https://www.planning.data.gov.uk/entity/195", LEEDS),
        ("https://www.planning.data.gov.uk/organisation/local-authority:HYN", HYNDBURN),
        (
            "https://digital-land.github.io/organisation/local-authority-eng/ESK/",
            "local-authority:ESK",
        ),
        ("http://www.wikidata.org/entity/Q6515870", LEEDS),
        ("https://www.leeds.gov.uk/", LEEDS),
        (
            "http://opendatacommunities.org/resource?uri=http%3A%2F%2Fopendatacommunities.org"
            "%2Fid%2Fdistrict-council%2Ffylde",
            FYLDE,
        ),
        ("https://local-authority-eng.register.gov.uk/record/RIB", "local-authority:RIB"),
        (
            "For more: http://opendatacommunities.org/doc/london-borough-council/lewisham",
            "local-authority:LEW",
        ),
        ("www.hyndburnbc.gov.uk", HYNDBURN),
    ],
)
def test_resolve_finds_uris(register: Register, uri: str, expected: str) -> None:
    assert resolved_id(register, uri) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Leeds City Council", LEEDS),
        ("Leeds", LEEDS),
        ("LEEDS CITY COUNCIL", LEEDS),
        ("Trafford ", TRAFFORD),
        ("Trafford Council", TRAFFORD),
        ("Trafford Metropolitan Borough Council", TRAFFORD),
        ("Fylde Council", FYLDE),
        ("Fylde Borough Council", FYLDE),
        ("fylde", FYLDE),
        ("Hyndburn Borough Council", HYNDBURN),
        ("Hyndburn", HYNDBURN),
        ("London Borough of Camden", "local-authority:CMD"),
        ("Camden Council", "local-authority:CMD"),
        ("Royal Borough of Greenwich", "local-authority:GRE"),
        ("Kingston upon Thames", "local-authority:KTT"),
        ("City of Bradford Metropolitan District Council", "local-authority:BRD"),
        ("St. Helens Council", "local-authority:SHN"),
        ("Saint Helens", "local-authority:SHN"),
        ("Brighton & Hove City Council", "local-authority:BNH"),
        ("King's Lynn and West Norfolk", "local-authority:KIN"),
        ("City of London", "local-authority:LND"),
        ("Peak District", "national-park-authority:Q72617988"),
        ("Old Oak and Park Royal Development Corporation", "development-corporation:Q20648596"),
        ("Sheffield City Region", "local-authority:SYMCA"),
        ("LLDC", "development-corporation:Q6670544"),
    ],
)
def test_resolve_finds_names(register: Register, name: str, expected: str) -> None:
    assert resolved_id(register, name) == expected


@pytest.mark.parametrize(
    "identifier",
    ["", "   ", "London", "Telford", "Not a council", "99ZZ", "https://www.gov.uk/"],
)
def test_resolve_returns_none_for_unknown_or_too_general(
    register: Register, identifier: str
) -> None:
    assert register.resolve(identifier) is None


def test_resolve_finds_every_organisation_by_its_own_names(register: Register) -> None:
    misses = [
        (o.id, name)
        for o in register
        for name in {o.name, o.official_name}
        if register.resolve(name, o.end_date or date.today()) is not o
    ]
    assert misses == []


def test_resolve_finds_every_organisation_by_its_codes(register: Register) -> None:
    bare = {"gss", "snac", "curie", "wikidata", "billing-authority", "opendatacommunities"}
    misses = [
        (o.id, i.value)
        for o in register
        for i in o.identifiers
        if i.scheme in bare and len(i.value) > 2
        if register.resolve(i.value, o.end_date or date.today()) is not o
    ]
    assert misses == []


# -- dates, successors and ambiguity ------------------------------------------------------


def test_abolished_council_has_dates_and_successor(register: Register) -> None:
    taunton = register.get(TAUNTON_DEANE)
    assert taunton.end_date == date(2019, 3, 31)
    assert taunton.successor_ids == (SOMERSET_WEST_AND_TAUNTON,)
    merged = register.get(SOMERSET_WEST_AND_TAUNTON)
    assert (merged.start_date, merged.end_date) == (date(2019, 4, 1), date(2023, 3, 31))
    assert merged.successor_ids == (SOMERSET_COUNCIL,)
    assert [p.id for p in register.predecessors(SOMERSET_WEST_AND_TAUNTON)] == [
        TAUNTON_DEANE,
        "local-authority:WSO",
    ]


def test_resolve_abolished_code_before_end_date_is_that_council(register: Register) -> None:
    assert resolved_id(register, "E07000190", date(2018, 6, 30)) == TAUNTON_DEANE
    assert resolved_id(register, "E07000190", date(2019, 3, 31)) == TAUNTON_DEANE


def test_resolve_abolished_code_after_end_date_follows_successors(register: Register) -> None:
    assert resolved_id(register, "E07000190", date(2019, 4, 1)) == SOMERSET_WEST_AND_TAUNTON
    assert resolved_id(register, "Taunton Deane", date(2024, 1, 1)) == SOMERSET_COUNCIL
    assert resolved_id(register, "Allerdale", date(2024, 1, 1)) == "local-authority:CUA"


def test_resolve_split_council_after_end_date_is_none(register: Register) -> None:
    assert (
        resolved_id(register, "Cumbria County Council", date(2022, 1, 1)) == "local-authority:CMA"
    )
    assert register.resolve("Cumbria County Council", date(2024, 1, 1)) is None


def test_resolve_without_date_names_what_the_code_names(register: Register) -> None:
    assert resolved_id(register, "E07000190") == TAUNTON_DEANE
    assert resolved_id(register, "E10000027") == SOMERSET_COUNTY


def test_resolve_shared_name_is_none_without_date(register: Register) -> None:
    assert register.resolve("Somerset") is None
    assert register.resolve("North Yorkshire") is None


def test_resolve_shared_name_uses_date(register: Register) -> None:
    assert resolved_id(register, "Somerset", date(2020, 1, 1)) == SOMERSET_COUNTY
    assert resolved_id(register, "Somerset", date(2024, 1, 1)) == SOMERSET_COUNCIL
    assert resolved_id(register, "Dorset", date(2018, 1, 1)) == "local-authority:DOR"
    assert resolved_id(register, "Dorset", date(2020, 1, 1)) == "local-authority:DST"


def test_resolve_reused_county_code_follows_to_new_unitary(register: Register) -> None:
    # GOV.UK still lists North Yorkshire Council under the old county's GSS code.
    assert resolved_id(register, "E10000023", date(2022, 1, 1)) == "local-authority:NYK"
    assert resolved_id(register, "E10000023", date(2024, 6, 1)) == "local-authority:NYUA"


def test_resolve_code_of_body_not_yet_started_is_still_that_body(register: Register) -> None:
    assert resolved_id(register, "E06000066", date(2020, 1, 1)) == SOMERSET_COUNCIL


def test_resolve_names_shared_by_council_and_park_is_the_council(register: Register) -> None:
    assert resolved_id(register, "New Forest") == "local-authority:NEW"
    assert resolved_id(register, "New Forest National Park") == "national-park-authority:Q72617158"


def test_resolve_many_maps_each_distinct_value(register: Register) -> None:
    found = register.resolve_many(["00DA", "Fylde Council", "00DA", "nowhere"])
    assert {k: v.id if v else None for k, v in found.items()} == {
        "00DA": LEEDS,
        "Fylde Council": FYLDE,
        "nowhere": None,
    }


def test_resolve_many_is_fast_for_a_thousand_values(register: Register) -> None:
    organisations = list(register)
    values = {o.official_name for o in organisations} | {o.gss_code or o.id for o in organisations}
    values |= {f"http://opendatacommunities.org/id/district-council/place-{n}" for n in range(200)}
    started = time.perf_counter()
    found = register.resolve_many(sorted(values)[:1000], on=date(2024, 1, 1))
    assert len(found) == 1000
    assert time.perf_counter() - started < 1.0


# -- find ---------------------------------------------------------------------------------


def test_find_by_code_puts_that_organisation_first(register: Register) -> None:
    assert [o.id for o in register.find("E07000120")] == [HYNDBURN]


def test_find_by_words_matches_word_starts(register: Register) -> None:
    found = register.find("north york")
    assert {"local-authority:NYUA", "local-authority:NYK"} <= {o.id for o in found}
    assert all(o.name.startswith("North York") for o in found[:3])


def test_find_puts_exact_name_and_current_first(register: Register) -> None:
    found = [o.id for o in register.find("somerset")]
    assert found[:2] == [SOMERSET_COUNCIL, SOMERSET_COUNTY]
    assert "local-authority:NSM" in found


def test_find_respects_limit_and_empty_query(register: Register) -> None:
    assert len(register.find("council", limit=5)) == 5
    assert register.find("   ") == []


# -- a small register built in the test ---------------------------------------------------


def make_organisation(organisation_id: str, name: str, **facts: object) -> Organisation:
    organisation = Organisation(
        id=organisation_id,
        name=name,
        official_name=f"{name} District Council",
        type="non-metropolitan-district",
    )
    return replace(organisation, **facts)


def test_resolve_split_succession_is_none_and_merge_is_successor() -> None:
    old = make_organisation(
        "x:OLD", "Oldshire", end_date=date(2020, 3, 31), successor_ids=("x:A", "x:B")
    )
    merged = make_organisation(
        "x:B",
        "Beeton",
        start_date=date(2020, 4, 1),
        end_date=date(2022, 3, 31),
        successor_ids=("x:C",),
    )
    register = Register(
        [
            old,
            make_organisation("x:A", "Aton", start_date=date(2020, 4, 1)),
            merged,
            make_organisation("x:C", "Ceeton", start_date=date(2022, 4, 1)),
        ]
    )
    assert register.resolve("Oldshire", date(2021, 1, 1)) is None
    assert resolved_id(register, "Beeton District Council", date(2023, 1, 1)) == "x:C"
    assert resolved_id(register, "x:b", date(2021, 1, 1)) == "x:B"


# -- name forms and codes real files use (issue 13) ----------------------------------------


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("Barrow Borough Council", "local-authority:BAR"),
        ("Blackpool Council", "local-authority:BPL"),
        ("Council of the Isles of Scilly", "local-authority:IOS"),
        (" 51 Council of the Isles of Scilly", "local-authority:IOS"),
        ("Kingston upon Hull, City of", "local-authority:KHL"),
        ('"Kingston upon Hull, City of"', "local-authority:KHL"),
        ("Manchester City Council", "local-authority:MAN"),
        ("Royal Borough of Kingston", "local-authority:KTT"),
        ("Stoke City Council", "local-authority:STE"),
        ("Southend Council", "local-authority:SOS"),
        ("Barnet London Borough Council", "local-authority:BNE"),
        ("Metropolitan Borough of Wirral", "local-authority:WRL"),
        ("ForestHeathDistrictCouncil", "local-authority:FOR"),
        ("KMBC", "local-authority:KWL"),
        ("LBHF", "local-authority:HMF"),
        ("RBWM", "local-authority:WNM"),
        ("TfL", "passenger-transport-executive:Q682520"),
        ("GB-LAE-TRF", TRAFFORD),
        ("18", "local-authority:DEV"),
        ("00BX", "local-authority:KWL"),
        ("Maidstone E07000110", "local-authority:MAI"),
        ("Police and Crime Commissioner for Derbyshire ", f"{PCC}:derbyshire"),
        ("Thames Valley Police", f"{PCC}:thames-valley"),
        ("Lancashire PCC", f"{PCC}:lancashire"),
        ("Lancashire Fire and Rescue", "fire-authority:lancashire"),
        ("LFB", "fire-authority:london"),
        ("MOPAC", f"{PCC}:london"),
    ],
)
def test_resolve_finds_the_forms_real_files_use(
    register: Register, identifier: str, expected: str
) -> None:
    assert resolved_id(register, identifier) == expected


@pytest.mark.parametrize("identifier", ["Kingston Council", "Kingston", "OPCC"])
def test_resolve_short_forms_shared_by_two_places_are_none(
    register: Register, identifier: str
) -> None:
    assert register.resolve(identifier) is None


def test_resolve_without_websites_ignores_an_address_found_only_by_its_host(
    register: Register,
) -> None:
    assert resolved_id(register, "https://www.leeds.gov.uk/planning") == LEEDS
    assert register.resolve("https://www.leeds.gov.uk/planning", websites=False) is None
    uri = "http://opendatacommunities.org/id/metropolitan-district-council/leeds"
    assert resolved_id(register, uri) == LEEDS


def test_every_police_area_has_its_commissioner(register: Register) -> None:
    commissioners = [o for o in register if o.type == "police-and-crime-commissioner"]
    assert len(commissioners) == 34
    derbyshire = register.get("police-and-crime-commissioner:derbyshire")
    assert derbyshire.official_name == "Police and Crime Commissioner for Derbyshire"
    assert (derbyshire.region, derbyshire.start_date) == ("East Midlands", date(2012, 11, 22))
    assert register.get("police-and-crime-commissioner:essex").official_name == (
        "Police, Fire and Crime Commissioner for Essex"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hyndburn Borough Council - payments over £250", [HYNDBURN]),
        ("Lewisham Council Expenditure over £250 March 2024", ["local-authority:LEW"]),
        ("London Borough of Croydon", ["local-authority:CRY"]),
        (
            "Report of all payments made by TfL for value equal to or greater than £250.00",
            ["passenger-transport-executive:Q682520"],
        ),
        (
            "Hampshire & Isle of Wight Constabulary, OPCC - Transparency Reports - March 2025",
            ["police-and-crime-commissioner:hampshire-and-isle-of-wight"],
        ),
        ("Organisation: http://opendatacommunities.org/id/district-council/fylde", [FYLDE]),
        ("Council code E07000120", [HYNDBURN]),
        ("Spending in Hyndburn", []),
        ("Payments by the Isle of Wight", []),
        ("WEST SUFFOLK COUNCILS (FOREST HEATH AND ST EDMUNDSBURY)", []),
        ("Council Tax and County Council spending, 18 items", []),
        ("Published on www.leeds.gov.uk", []),
        ("Payments to Leicester City Football Club", []),
        ("Liverpool City Region brownfield sites", []),
    ],
)
def test_named_in_finds_names_in_full_in_titles(
    register: Register, text: str, expected: list[str]
) -> None:
    assert [o.id for _, o in register.named_in(text)] == expected


def test_is_full_name_needs_words_for_the_kind_of_body(register: Register) -> None:
    assert register.is_full_name("Hyndburn Borough Council")
    assert register.is_full_name("Transport for London")
    assert not register.is_full_name("Hyndburn")
    assert not register.is_full_name("Kingston upon Thames")
    assert not register.is_full_name("HYN")
    assert not register.is_full_name("Borough Council")
