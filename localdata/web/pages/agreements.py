"""Data sharing agreements and the audit log on the web pages.

The register of agreements and each agreement's page are open to everyone, without personal
data, as in the API. An information governance officer of a party (never a library
administrator as such) also proposes, signs, activates and suspends agreements here, through
the same core functions the API and the command line call (``localdata.access.agreements``),
which check who may do what and write each change to the audit log. The audit pages show an
organisation's officers who read its restricted data, and every read of one record, from
``localdata.access.audit``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localdata.access import accounts, agreements, audit, keys
from localdata.access.agreements import Agreement
from localdata.access.model import Principal, Scope
from localdata.api.deps import LibraryDep, request_principal
from localdata.errors import Forbidden, NotSignedIn, UsageError
from localdata.store.library import Library
from localdata.web.agreement_form import ARTICLE6, FIELDS, parse_terms
from localdata.web.errors import page
from localdata.web.templates import render
from localdata.web.visitor import check_form_token

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 50
Text = Annotated[str, Form(max_length=5000)]


@router.get("/agreements", response_class=HTMLResponse)
def register(request: Request, library: LibraryDep) -> HTMLResponse:
    """The open register of data sharing agreements."""
    principal = request_principal(request)
    today = library.access.today()
    with library.access.transaction() as conn:
        found = agreements.list_agreements(conn)
    return render(
        request,
        "agreements.html",
        {
            "agreements": [a.register_entry(today) for a in found],
            "names": _names(library, found),
            "may_propose": bool(_governed(principal)),
        },
    )


@router.get("/agreements/new", response_class=HTMLResponse)
def new_agreement(request: Request, library: LibraryDep) -> HTMLResponse:
    """The form to propose an agreement (information governance officers)."""
    principal = _officer(request)
    values = {"provider": (_governed(principal) or [""])[0]}
    return _form(request, library, principal, values, {})


@router.post("/agreements", response_class=HTMLResponse)
def propose(
    request: Request,
    library: LibraryDep,
    id: Text = "",
    title: Text = "",
    provider: Text = "",
    receivers: Text = "",
    purpose: Text = "",
    purpose_description: Text = "",
    legal_gateway: Text = "",
    article6_basis: Text = "",
    article9_condition: Text = "",
    datasets: Text = "",
    fields: Text = "",
    row_conditions: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
    review_on: Text = "",
    dpia_reference: Text = "",
    csrf: Text = "",
) -> Response:
    """Propose an agreement as a draft, or show the form again with what to fix."""
    check_form_token(request, csrf)
    principal = _officer(request)
    answers = locals()  # the form's fields, each a parameter above (with its length limit)
    values = {k: str(answers[k]).strip() for k in FIELDS}
    terms, errors = parse_terms(library, values)
    if terms is None:
        return _form(request, library, principal, values, errors, status_code=400)
    with library.access.transaction() as conn:
        agreements.create_agreement(
            conn, library.access.log, terms, by=principal, source=library.settings.events_source
        )
    return RedirectResponse(f"/agreements/{terms.id}", status_code=303)


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement(request: Request, agreement_id: str, library: LibraryDep) -> HTMLResponse:
    """One agreement; its parties' officers also see its conditions and what they can do."""
    principal = request_principal(request)
    today = library.access.today()
    try:
        with library.access.transaction() as conn:
            found = agreements.get_agreement(conn, agreement_id)
    except UsageError as error:
        return page(request, "Agreement not found", [error.message], 404)
    party = any(principal.governs(p, "read") for p in found.parties)
    names = _names(library, [found])
    return render(
        request,
        "agreement.html",
        {
            "agreement": found.register_entry(today),
            "conditions": found.row_conditions if party else None,
            "signatures": found.signatures if party else None,
            "names": names,
            "actions": _actions(principal, found, today, names),
        },
    )


@router.post("/agreements/{agreement_id}/signatures")
def sign(
    request: Request,
    agreement_id: str,
    library: LibraryDep,
    organisation: Text = "",
    csrf: Text = "",
) -> Response:
    """Sign a draft agreement for one party."""
    check_form_token(request, csrf)
    principal = _signed_in(request)
    org = library.organisation(organisation)
    with library.access.transaction() as conn:
        agreements.sign_agreement(
            conn,
            library.access.log,
            agreement_id,
            org,
            by=principal,
            source=library.settings.events_source,
        )
    return RedirectResponse(f"/agreements/{agreement_id}", status_code=303)


@router.post("/agreements/{agreement_id}/state")
def change_state(
    request: Request,
    agreement_id: str,
    library: LibraryDep,
    state: Text = "",
    csrf: Text = "",
) -> Response:
    """Make an agreement active, suspend it, or resume it."""
    check_form_token(request, csrf)
    principal = _signed_in(request)
    with library.access.transaction() as conn:
        agreements.set_state(
            conn,
            library.access.log,
            agreement_id,
            state,
            by=principal,
            source=library.settings.events_source,
        )
    return RedirectResponse(f"/agreements/{agreement_id}", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    library: LibraryDep,
    organisation: Annotated[str, Query(max_length=200)] = "",
    before: Annotated[int | None, Query(alias="_next", ge=1, le=2**53)] = None,
) -> HTMLResponse:
    """Who read an organisation's restricted data, when, under which agreement and why."""
    principal = _signed_in(request)
    org = library.organisation(organisation) if organisation else _first_governed(principal)
    if not principal.governs(org, "read"):
        raise Forbidden(f"Only an information governance officer of {org} can read its audit log.")
    with library.access.transaction() as conn:
        found = audit.entries(conn, organisation=org, before=before, limit=AUDIT_PAGE + 1)
    shown = found[:AUDIT_PAGE]
    return render(
        request,
        "audit.html",
        {
            "organisation": library.register.get(org),
            "entries": shown,
            "who": _who(library, shown),
            "older": before is not None,
            "next": shown[-1]["seq"] if len(found) > AUDIT_PAGE else None,
            "governed": [(o, library.register.get(o).name) for o in _governed(principal, "read")],
            "datasets": [s.name for s in library.standards.latest()],
        },
    )


@router.get("/audit/records", response_class=HTMLResponse)
def record_accesses(
    request: Request,
    library: LibraryDep,
    dataset: Annotated[str, Query(max_length=200)] = "",
    record: Annotated[str, Query(max_length=1000)] = "",
) -> HTMLResponse:
    """Every recorded read of one record: who, when, under which agreement and why."""
    principal = _signed_in(request)
    record = record.strip().strip("/")
    parts = record.split("/")
    if not dataset or len(parts) != 3 or not all(parts):
        raise UsageError(
            "Enter the dataset and the record as organisation/file/row, as a record's page "
            "shows it, like local-authority:HYN/1a2b…/14."
        )
    org = library.organisation(parts[0])
    if not principal.governs(org, "read"):
        raise Forbidden(f"Only an information governance officer of {org} can read its audit log.")
    name = library.standards.get(dataset).name
    record = "/".join([org, *parts[1:]])
    with library.access.transaction() as conn:
        found = audit.accesses_to(conn, name, record)
    return render(
        request,
        "audit_record.html",
        {
            "record": record,
            "dataset": name,
            "organisation": library.register.get(org),
            "accesses": found,
            "who": _who(library, found),
        },
    )


def _form(
    request: Request,
    library: Library,
    principal: Principal,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "agreement_form.html",
        {
            "values": values,
            "errors": errors,
            "providers": [(o, library.register.get(o).name) for o in _governed(principal)],
            "article6": ARTICLE6,
            "datasets": [(s.name, s.title) for s in library.standards.latest()],
        },
        status_code=status_code,
    )


def _actions(
    principal: Principal, found: Agreement, today: date, names: dict[str, str]
) -> list[dict[str, str]]:
    """The buttons this visitor may press on the agreement's page."""
    status = found.status(today)
    actions = []
    if status == "draft":
        for party in found.parties:
            if party not in found.signatures and principal.governs(party):
                actions.append(
                    {"kind": "sign", "value": party, "text": f"Sign for {names.get(party, party)}"}
                )
        if found.fully_signed and principal.governs(found.provider):
            actions.append({"kind": "state", "value": "active", "text": "Make it active"})
    elif status == "active" and any(principal.governs(p) for p in found.parties):
        actions.append({"kind": "state", "value": "suspended", "text": "Suspend it"})
    elif status == "suspended" and principal.governs(found.provider):
        actions.append({"kind": "state", "value": "active", "text": "Resume it"})
    return actions


def _names(library: Library, found: list[Agreement]) -> dict[str, str]:
    """Organisations' names, for the parties of the agreements shown."""
    names = {}
    for agreement_ in found:
        for party in agreement_.parties:
            try:
                names[party] = library.register.get(party).name
            except UsageError:  # a party no longer in the register is shown by its id
                names[party] = party
    return names


def _who(library: Library, entries: list[dict[str, Any]]) -> dict[str, str]:
    """Each user's or key's name as an officer reads it: "Name (email)", "API key … of Name"."""
    found: dict[str, str] = {}
    with library.access.transaction() as conn:
        for actor in {str(e.get("actor")) for e in entries}:
            kind, _, ident = actor.partition(":")
            try:
                if kind == "user":
                    found[actor] = _person(accounts.get_user(conn, ident))
                elif kind == "key":
                    key = keys.get_key(conn, ident)
                    owner = (
                        _person(accounts.get_user(conn, key.user_id))
                        if key.user_id
                        else str(key.organisation)
                    )
                    found[actor] = f"API key {ident} of {owner}"
            except UsageError:
                continue  # an actor no longer known is shown as the log names it
    return found


def _person(user: accounts.User) -> str:
    return f"{user.name} ({user.email})" if user.email else user.name


def _signed_in(request: Request) -> Principal:
    principal = request_principal(request)
    if not principal.signed_in:
        raise NotSignedIn("Sign in as an information governance officer to see this page.")
    return principal


def _officer(request: Request) -> Principal:
    principal = _signed_in(request)
    if not _governed(principal):
        raise Forbidden(
            "Only an information governance officer of an organisation can propose a data "
            "sharing agreement."
        )
    return principal


def _governed(principal: Principal, scope: Scope = "admin") -> list[str]:
    """The organisations whose agreements (or, with ``read``, audit log) the principal manages."""
    return sorted(o for o in principal.roles if o != "*" and principal.governs(o, scope))


def _first_governed(principal: Principal) -> str:
    governed = _governed(principal, "read")
    if not governed:
        raise Forbidden(
            "Only an information governance officer of an organisation can read its audit log."
        )
    return governed[0]
