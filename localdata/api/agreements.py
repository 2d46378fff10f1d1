"""Data sharing agreements and the audit log in the JSON API.

The register of agreements is open to everyone (without personal data: no names of the people
who signed); making, signing and changing an agreement needs an information governance
officer of a party; the audit log of an organisation's data is for its information governance
officers; the signed checkpoints are public, so anyone can watch the log grow.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel

from localdata.access import agreements, audit
from localdata.access.agreements import Terms
from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep, SignedInDep
from localdata.errors import Forbidden

router = APIRouter(tags=["agreements"], responses=PROBLEMS)


class Signature(BaseModel):
    """Which party signs."""

    organisation: str


class StateChange(BaseModel):
    """The state to move an agreement to."""

    state: Literal["active", "suspended"]


@router.get("/agreements")
def get_agreements(
    library: LibraryDep,
    dataset: Annotated[str | None, Query(description="Only agreements sharing it")] = None,
) -> dict[str, Any]:
    """The open register of data sharing agreements, without personal data."""
    today = library.access.today()
    with library.access.transaction() as conn:
        found = agreements.list_agreements(conn, dataset)
    return {"agreements": [a.register_entry(today) for a in found], "count": len(found)}


@router.get("/agreements/{agreement_id}")
def get_agreement(
    agreement_id: str, library: LibraryDep, principal: PrincipalDep
) -> dict[str, Any]:
    """One agreement: its register entry, or everything recorded for one of its parties."""
    today = library.access.today()
    with library.access.transaction() as conn:
        found = agreements.get_agreement(conn, agreement_id)
    if any(principal.governs(p, "read") for p in found.parties):
        return found.to_dict(today)
    return found.register_entry(today)


@router.post("/agreements", status_code=201)
def post_agreement(
    terms: Annotated[Terms, Body()], library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Propose an agreement, as a draft, for the providing organisation."""
    checked = agreements.check_terms(terms, library.standards)
    with library.access.transaction() as conn:
        made = agreements.create_agreement(
            conn, library.access.log, checked, by=principal, source=library.settings.events_source
        )
    return made.to_dict(library.access.today())


@router.post("/agreements/{agreement_id}/signatures")
def post_signature(
    agreement_id: str, signature: Signature, library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Sign a draft agreement for one party."""
    org = library.organisation(signature.organisation)
    with library.access.transaction() as conn:
        found = agreements.sign_agreement(
            conn,
            library.access.log,
            agreement_id,
            org,
            by=principal,
            source=library.settings.events_source,
        )
    return found.to_dict(library.access.today())


@router.post("/agreements/{agreement_id}/state")
def post_state(
    agreement_id: str, change: StateChange, library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Make an agreement active, suspend it, or resume it."""
    with library.access.transaction() as conn:
        found = agreements.set_state(
            conn,
            library.access.log,
            agreement_id,
            change.state,
            by=principal,
            source=library.settings.events_source,
        )
    return found.to_dict(library.access.today())


@router.get("/audit")
def get_audit(
    library: LibraryDep,
    principal: SignedInDep,
    organisation: Annotated[str, Query(description="Whose data")],
    before: Annotated[int | None, Query(alias="_next", description="From the last page")] = None,
) -> dict[str, Any]:
    """Who read the organisation's restricted data, when, under which agreement and why."""
    org = library.organisation(organisation)
    _governs(principal.governs(org, "read"), org)
    with library.access.transaction() as conn:
        found = audit.entries(conn, organisation=org, before=before, limit=101)
    page = found[:100]
    return {"entries": page, "next": str(page[-1]["seq"]) if len(found) > 100 else None}


@router.get("/audit/records")
def get_record_accesses(
    library: LibraryDep,
    principal: SignedInDep,
    dataset: Annotated[str, Query(description="The dataset")],
    record: Annotated[str, Query(description="The record: organisation/resource/row")],
) -> dict[str, Any]:
    """Every recorded read of one record: the basis of a "who looked at my data" service."""
    org = record.split("/", 1)[0]
    _governs(principal.governs(org, "read"), org)
    name = library.standards.get(dataset).name
    with library.access.transaction() as conn:
        found = audit.accesses_to(conn, name, record)
    return {"record": record, "dataset": name, "accesses": found, "count": len(found)}


@router.get("/audit/checkpoints")
def get_checkpoints(library: LibraryDep) -> dict[str, Any]:
    """The audit log's signed checkpoints, and the public key that checks them."""
    with library.access.transaction() as conn:
        found = audit.checkpoints(conn)
    return {
        "checkpoints": [c.to_dict() for c in found],
        "key_id": library.access.log.signer.key_id,
        "public_key": library.access.log.signer.public_pem(),
    }


def _governs(governs: bool, organisation: str) -> None:
    if not governs:
        raise Forbidden(
            f"Only an information governance officer of {organisation} can read its audit log."
        )
