"""Builders for access tests: a library with restricted spend data from three councils."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from localdata.access import accounts, agreements, keys
from localdata.access.model import ALL_SCOPES, EVERY_ORGANISATION, SYSTEM, Principal, Role
from localdata.settings import Settings
from localdata.store.library import Library

LAN = "local-authority:LAN"  # provides
BUN = "local-authority:BUN"  # receives
HYN = "local-authority:HYN"  # receives
PEN = "local-authority:PEN"  # has no agreement
CHO = "local-authority:CHO"  # has no agreement and no data
HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name,Department\n"
DEPARTMENTS = ("Housing", "Social Care", "Waste")


def spend_file(organisation: str, rows: int = 6) -> bytes:
    """A spend file whose departments cycle through ``DEPARTMENTS``."""
    lines = [
        f"0{1 + i % 9}/03/2024,{organisation[-3:]}{i},1,{100 + i}.00,SUPPLIER {i},"
        f"{DEPARTMENTS[i % len(DEPARTMENTS)]}\n"
        for i in range(rows)
    ]
    return (HEADER + "".join(lines)).encode()


def restricted_library(settings: Settings, **overrides: Any) -> Library:
    """A library whose spend dataset is restricted, with data from LAN, BUN and PEN."""
    library = Library(settings.model_copy(update={"audit_checkpoint_every": 5, **overrides}))
    for org in (LAN, BUN, PEN):
        done = library.publish(spend_file(org), "spend", org, filename="spend.csv")
        assert done.published, done.report and done.report.to_dict()
    library.access.set_level("spend", "restricted", by=SYSTEM)
    return library


def terms(**changes: Any) -> agreements.Terms:
    """Terms by which LAN shares spend with BUN and HYN, for fraud prevention."""
    today = date.today()
    values: dict[str, Any] = {
        "id": "lan-fraud",
        "title": "Lancashire shares spend for fraud prevention",
        "provider": LAN,
        "receivers": [BUN, HYN],
        "purpose": "fraud-prevention",
        "purpose_description": "Matching payments to find duplicate invoices.",
        "legal_gateway": "Digital Economy Act 2017 Part 5 (fraud)",
        "article6_basis": "public-task",
        "datasets": ["spend"],
        "fields": {"spend": ["transaction-number", "transaction-line", "amount", "department"]},
        "row_conditions": [],
        "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=300),
        "review_on": today + timedelta(days=150),
        "dpia_reference": "DPIA-2024-017",
    }
    return agreements.Terms.model_validate(values | changes)


def agree(library: Library, found: agreements.Terms, state: str = "active") -> None:
    """Record an agreement, signed by every party's own officer, in ``state``."""
    provider = officer(found.provider)
    with library.access.transaction() as conn:
        log = library.access.log
        agreements.create_agreement(conn, log, found, by=provider)
        if state == "draft":
            return
        for party in [found.provider, *found.receivers]:
            agreements.sign_agreement(conn, log, found.id, party, by=officer(party))
        agreements.set_state(conn, log, found.id, "active", by=provider)
        if state == "suspended":
            agreements.set_state(conn, log, found.id, "suspended", by=provider)


def officer(organisation: str) -> Principal:
    """A signed-in information governance officer of the organisation."""
    user_id = f"usr_ig_{organisation.rsplit(':', 1)[-1].lower()}"
    roles = {organisation: frozenset({"information-governance"})}
    return Principal("user", user_id, user_id, roles, ALL_SCOPES)


def officer_key(library: Library, organisation: str) -> str:
    """The API key of a new information governance officer of the organisation."""
    short = organisation.rsplit(":", 1)[-1].lower()
    log = library.access.log
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, log, name=f"{short} officer", email=None, actor="test")
        role = "information-governance"
        accounts.grant_role(conn, log, user.id, organisation, role, actor="test")
        made = keys.create_key(
            conn, log, name="officer", scopes=["read", "admin"], actor="test", user_id=user.id
        )
    return made[1]


def administrator() -> Principal:
    """A signed-in administrator of the whole library, in no organisation."""
    roles = {EVERY_ORGANISATION: frozenset({"admin"})}
    return Principal("user", "usr_admin", "usr_admin", roles, ALL_SCOPES)


def member(*organisations: str, role: Role = "viewer") -> Principal:
    """A signed-in user holding ``role`` in each organisation."""
    roles = {org: frozenset({role}) for org in organisations}
    return Principal("user", "usr_test", "usr_test", roles, frozenset({"read", "publish", "admin"}))
