"""The sharing demo: a restricted dataset, two councils under an agreement, a third without.

``set_up_sharing_demo(library)`` adds, to any library:

- a small standard, ``homelessness-cases`` (invented for the demo), whose fields about people
  are marked personal data, restricted, with a generated file published by Burnley;
- users and API keys: an information governance officer and a reader for each of Burnley
  (provider), Hyndburn and Pendle (receivers) and Lancashire (no agreement);
- the agreement ``burnley-homelessness-prevention``: Burnley shares the cases' reference,
  household, need and local connection (not the postcode or support needs) with Hyndburn and
  Pendle, to prevent homelessness, under the Digital Economy Act 2017 Part 5, signed by all
  three and active. Each receiver sees only the cases with a local connection to its own area;
  Lancashire, with no agreement, is refused with a 403 that names what is missing.

It returns the readers' and the officers' keys (shown once) so the demo can print how to see
each side::

    curl -H "Authorization: Bearer $HYNDBURN" .../api/v1/datasets/homelessness-cases/records
    curl -H "Authorization: Bearer $LANCASHIRE" ...   # 403: names the missing agreement

Running it again changes nothing and returns no keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from localdata.access import accounts, agreements, keys
from localdata.access.model import SYSTEM, Principal
from localdata.errors import LocalDataError
from localdata.standards.model import Standard, StandardField
from localdata.store.library import Library

DATASET = "homelessness-cases"
AGREEMENT = "burnley-homelessness-prevention"
PROVIDER = "local-authority:BUN"
RECEIVERS = ("local-authority:HYN", "local-authority:PEN")
WITHOUT = "local-authority:LAN"
SHARED = ("organisation", "case-reference", "household-type", "priority-need", "local-connection")


def homelessness_standard() -> Standard:
    """The demo's restricted standard: a council's homelessness cases."""

    def f(name: str, datatype: str = "string", **extra: object) -> StandardField:
        return StandardField.model_validate({"name": name, "datatype": datatype, **extra})

    return Standard(
        name=DATASET,
        title="Homelessness cases (demo)",
        description="Invented cases of a housing authority, to show governed sharing.",
        key=("case-reference",),
        fields=(
            f("organisation", "organisation", title="Organisation"),
            f("case-reference", required=True, title="Case reference"),
            f("decision-date", "date", title="Decision date"),
            f("household-type", title="Household type"),
            f("priority-need", "flag", title="Priority need"),
            f("local-connection", title="Local connection (our organisation id)"),
            f("postcode", "postcode", title="Postcode", personal_data=True),
            f("support-needs", "text", title="Support needs", personal_data=True),
        ),
    )


def demo_file(rows: int = 40, seed: int = 6) -> bytes:
    """A generated file of invented cases, each with a local connection to one council."""
    pick = random.Random(seed)  # noqa: S311  # invented demo data, not secrets
    households = ("single adult", "couple with children", "single parent", "older person")
    connections = (PROVIDER, *RECEIVERS)
    needs = ("", "mental health", "physical disability", "domestic abuse", "care leaver")
    lines = [
        "Case reference,Decision date,Household type,Priority need,Local connection,"
        "Postcode,Support needs"
    ]
    start = date(2025, 4, 1)
    for i in range(rows):
        lines.append(
            f"HL-{2025000 + i},{(start + timedelta(days=3 * i)).isoformat()},"
            f"{pick.choice(households)},{pick.choice(('yes', 'no'))},"
            f"{pick.choice(connections)},BB11 {pick.randint(1, 9)}AB,{pick.choice(needs)}"
        )
    return ("\n".join(lines) + "\n").encode()


@dataclass
class SharingDemo:
    """What the demo set up, with each API key (only on the run that made them)."""

    dataset: str = DATASET
    agreement: str = AGREEMENT
    keys: dict[str, str] = field(default_factory=dict)
    officer_keys: dict[str, str] = field(default_factory=dict)


def set_up_sharing_demo(library: Library, today: date | None = None) -> SharingDemo:
    """Add the restricted dataset, the councils' users and keys, and the agreement."""
    today = today or date.today()
    with library.access.transaction() as conn:
        if any(a.id == AGREEMENT for a in agreements.list_agreements(conn)):
            return SharingDemo()
    library.add_standard(homelessness_standard())
    library.access.set_level(DATASET, "restricted", by=SYSTEM)
    done = library.publish(demo_file(), DATASET, PROVIDER, filename="homelessness-cases.csv")
    if not done.published:
        raise LocalDataError(f"The sharing demo's file was {done.submission.status}.")
    made = SharingDemo()
    officers: dict[str, Principal] = {}
    with library.access.transaction() as conn:
        log = library.access.log
        for org in (PROVIDER, *RECEIVERS, WITHOUT):
            name = org.split(":")[1].lower()
            officer = accounts.create_user(
                conn, log, name=f"{name} IG officer", email=f"ig@{name}.example", actor="demo"
            )
            accounts.grant_role(conn, log, officer.id, org, "information-governance", actor="demo")
            found = accounts.user_principal(conn, officer.id)
            assert found is not None
            officers[org] = found
            made.officer_keys[org] = keys.create_key(
                conn, log, name="demo", scopes=["read"], actor="demo", user_id=officer.id
            )[1]
            reader = accounts.create_user(
                conn, log, name=f"{name} analyst", email=f"analyst@{name}.example", actor="demo"
            )
            accounts.grant_role(conn, log, reader.id, org, "viewer", actor="demo")
            made.keys[org] = keys.create_key(
                conn, log, name="demo", scopes=["read"], actor="demo", user_id=reader.id
            )[1]
        # Each council's own officer proposes, signs and activates: nobody signs for another.
        agreements.create_agreement(conn, log, _terms(today), by=officers[PROVIDER])
        for party in (PROVIDER, *RECEIVERS):
            agreements.sign_agreement(conn, log, AGREEMENT, party, by=officers[party])
        agreements.set_state(conn, log, AGREEMENT, "active", by=officers[PROVIDER])
    return made


def _terms(today: date) -> agreements.Terms:
    return agreements.Terms(
        id=AGREEMENT,
        title="Burnley shares homelessness cases with Hyndburn and Pendle",
        provider=PROVIDER,
        receivers=list(RECEIVERS),
        purpose="homelessness-prevention",
        purpose_description="Plan support for households owed a homelessness duty who have a "
        "connection to the receiving council's area.",
        legal_gateway="Digital Economy Act 2017 Part 5, Chapter 1 (public service delivery: "
        "multiple disadvantages)",
        article6_basis="public-task",
        article9_condition=None,
        datasets=[DATASET],
        fields={DATASET: list(SHARED)},
        row_conditions=[
            agreements.RowCondition(field="local-connection", op="equals", value="{receiver}")
        ],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=335),
        review_on=today + timedelta(days=150),
        dpia_reference="DPIA-DEMO-001",
    )
