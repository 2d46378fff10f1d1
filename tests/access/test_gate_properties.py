"""Property: no principal ever receives a restricted row or field no agreement in force allows.

Hypothesis draws agreements (providers, receivers, fields, row conditions, states, dates,
purposes), a principal (organisations, scopes), a door (the core's page, export or rows, or
the JSON API with a key) and a query, and checks every value that comes back against an
independent reading of the agreements.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from localdata.access import accounts, keys
from localdata.access.model import Principal
from localdata.access.tables import agreements as agreements_table
from localdata.app import create_app
from localdata.errors import NoAgreement, NotSignedIn
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import BUN, CHO, DEPARTMENTS, HYN, LAN, PEN, restricted_library

CLIENTS: dict[int, TestClient] = {}
PUBLISHERS = (LAN, BUN, PEN)
ORGANISATIONS = (LAN, BUN, PEN, HYN, CHO)
FIELDS = ("transaction-number", "amount", "supplier-name", "department", "payment-date")
PURPOSES = ("fraud-prevention", "housing-support")
TODAY = datetime.now(UTC).date()
WINDOWS = {
    "current": (TODAY - timedelta(days=10), TODAY + timedelta(days=10)),
    "ended": (TODAY - timedelta(days=20), TODAY - timedelta(days=1)),
    "future": (TODAY + timedelta(days=1), TODAY + timedelta(days=20)),
    "ends-today": (TODAY - timedelta(days=5), TODAY),
}


@dataclass(frozen=True)
class Drawn:
    """One drawn agreement, as the oracle reads it."""

    id: str
    provider: str
    receivers: tuple[str, ...]
    fields: tuple[str, ...]
    departments: tuple[str, ...] | None
    state: str
    window: tuple[date, date]
    purpose: str

    def in_force(self) -> bool:
        return self.state == "active" and self.window[0] <= TODAY <= self.window[1]


@st.composite
def drawn_agreements(draw: st.DrawFn) -> list[Drawn]:
    found = []
    for i in range(draw(st.integers(0, 3))):
        found.append(
            Drawn(
                id=f"agreement-{i}",
                provider=draw(st.sampled_from(PUBLISHERS)),
                receivers=tuple(draw(st.sets(st.sampled_from(ORGANISATIONS), min_size=1))),
                fields=tuple(draw(st.sets(st.sampled_from(FIELDS), min_size=1))),
                departments=draw(
                    st.none() | st.sets(st.sampled_from(DEPARTMENTS), min_size=1).map(tuple)
                ),
                state=draw(st.sampled_from(["draft", "active", "active", "suspended"])),
                window=WINDOWS[draw(st.sampled_from(sorted(WINDOWS)))],
                purpose=draw(st.sampled_from(PURPOSES)),
            )
        )
    return found


def record(conn: sa.Connection, drawn: list[Drawn]) -> None:
    conn.execute(sa.delete(agreements_table))
    now = datetime.now(UTC)
    for a in drawn:
        parties = [a.provider, *a.receivers]
        signed = {} if a.state == "draft" else {p: {"by": "test", "at": "x"} for p in parties}
        conditions = (
            [{"field": "department", "op": "in", "value": list(a.departments)}]
            if a.departments
            else []
        )
        conn.execute(
            sa.insert(agreements_table).values(
                id=a.id,
                title=a.id,
                provider=a.provider,
                receivers=list(a.receivers),
                purpose=a.purpose,
                purpose_description="x",
                legal_gateway="x",
                article6_basis="public-task",
                datasets=["spend"],
                fields={"spend": list(a.fields)},
                row_conditions=conditions,
                starts_on=a.window[0],
                ends_on=a.window[1],
                review_on=a.window[1],
                dpia_reference="x",
                signatures=signed,
                state=a.state,
                created_at=now,
                changed_at=now,
            )
        )


def allowed_fields(
    row: dict[str, Any], readers: set[str], drawn: list[Drawn], purpose: str | None
) -> set[str] | None:
    """The fields this principal may see on this row; None when it may not see the row."""
    if row["organisation"] in readers:
        return set(FIELDS) | {"everything"}
    fields: set[str] | None = None
    for a in drawn:
        if (
            a.in_force()
            and a.provider == row["organisation"]
            and readers & set(a.receivers)
            and (purpose is None or purpose == a.purpose)
            and (a.departments is None or row["department"] in a.departments)
        ):
            fields = (fields or set()) | set(a.fields)
    return fields


def check(
    returned: list[dict[str, Any]],
    originals: dict[tuple[str, str, int], dict[str, Any]],
    readers: set[str],
    drawn: list[Drawn],
    purpose: str | None,
) -> None:
    for got in returned:
        original = originals[(got["organisation"], got["_resource"], int(got["_row"]))]
        allowed = allowed_fields(original, readers, drawn, purpose)
        assert allowed is not None, f"row {got} is not shared with {readers}"
        if "everything" in allowed:
            continue
        for name, value in got.items():
            if name in ("organisation", "_resource", "_row", "_entry_date", "entry_date"):
                continue
            assert value is None or name in allowed, f"{name} leaked on {got}"


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[Library, dict[Any, Any], dict[str, Any]]]:
    library = restricted_library(settings)
    frame = library._rows(library.standards.get("spend"), None).collect()
    originals = {(r["organisation"], r["_resource"], r["_row"]): r for r in frame.to_dicts()}
    secrets: dict[str, Any] = {}
    with library.access.transaction() as conn:
        log = library.access.log
        for org in ORGANISATIONS:
            secrets[org] = keys.create_key(
                conn, log, name=org, scopes=["read"], actor="test", organisation=org
            )[1]
        user = accounts.create_user(conn, log, name="two", email=None, actor="test")
        for org in (HYN, PEN):
            accounts.grant_role(conn, log, user.id, org, "viewer", actor="test")
        secrets["hyn+pen"] = keys.create_key(
            conn, log, name="u", scopes=["read"], actor="test", user_id=user.id
        )[1]
    yield library, originals, secrets
    CLIENTS.pop(id(library), None)
    library.close()


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    provenance = record.pop("provenance", {}) or {}
    return record | {"_resource": provenance.get("resource"), "_row": provenance.get("row")}


@given(
    drawn=drawn_agreements(),
    readers=st.sets(st.sampled_from(ORGANISATIONS), max_size=2),
    scopes=st.sets(st.sampled_from(["read", "publish"]), min_size=1),
    purpose=st.none() | st.sampled_from(PURPOSES),
    door=st.sampled_from(["page", "export", "rows", "api"]),
    named=st.none() | st.sampled_from(PUBLISHERS),
    key=st.sampled_from([*ORGANISATIONS, "hyn+pen"]),
)
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_gate_never_returns_a_row_or_field_no_agreement_allows(
    world: tuple[Library, dict[Any, Any], dict[str, Any]],
    drawn: list[Drawn],
    readers: set[str],
    scopes: set[str],
    purpose: str | None,
    door: str,
    named: str | None,
    key: str,
) -> None:
    library, originals, secrets = world
    with library.access.transaction() as conn:
        record(conn, drawn)
    roles = {org: frozenset({"viewer"}) for org in readers}
    principal = Principal("user", "usr_p", "usr_p", roles, frozenset(scopes))  # type: ignore[arg-type]
    effective = readers if "read" in scopes else set()
    params = [("organisation", named)] if named else []
    try:
        if door == "api":
            effective = {HYN, PEN} if key == "hyn+pen" else {key}
            returned = _through_api(library, secrets[key], params, purpose)
        elif door == "page":
            page = library.page(
                "spend", [*params, ("_size", "1000")], principal=principal, purpose=purpose
            )
            returned = [_flatten(r) for r in page.records]
        elif door == "export":
            data = b"".join(
                library.export("spend", params, "json", principal=principal, purpose=purpose)
            )
            returned = [_flatten(r) for r in json.loads(data)["records"]]
        else:
            frame = library.rows("spend", principal=principal, purpose=purpose)
            returned = frame.collect().to_dicts()
    except (NoAgreement, NotSignedIn):
        event("refused")
        return
    event("rows returned" if returned else "nothing returned")
    check(returned, originals, effective, drawn, purpose)
    # And the gate is not merely cautious: every row an agreement allows comes back.
    asked = None if door == "rows" else named  # ``rows`` takes no organisation filter
    expected = {
        key
        for key, row in originals.items()
        if (asked is None or row["organisation"] == asked)
        and allowed_fields(row, effective, drawn, purpose) is not None
    }
    got = {(r["organisation"], r["_resource"], int(r["_row"])) for r in returned}
    assert got == expected, (
        f"{door}: missing {sorted(expected - got)[:3]}, extra {sorted(got - expected)[:3]}"
    )


def _through_api(
    library: Library, secret: str, params: list[tuple[str, str]], purpose: str | None
) -> list[dict[str, Any]]:
    client = CLIENTS.setdefault(id(library), TestClient(create_app(library.settings, library)))
    headers = {"Authorization": f"Bearer {secret}"} | ({"X-Purpose": purpose} if purpose else {})
    response = client.get("/api/v1/datasets/spend/records.parquet", params=params, headers=headers)
    if response.status_code in (401, 403):
        raise NoAgreement("refused")
    assert response.status_code == 200, response.text
    frame = pl.read_parquet(io.BytesIO(response.content))
    return frame.rename({"resource": "_resource", "row": "_row"}).to_dicts()
