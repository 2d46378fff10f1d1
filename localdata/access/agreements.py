"""Data sharing agreements: what is shared, with whom, why, under which law, until when.

An agreement records what the ICO's Data Sharing Code expects: the providing organisation, the
receiving organisations, the purpose, the legal power or gateway (such as the Digital Economy
Act 2017 Part 5), the UK GDPR Article 6 basis and any Article 9 condition, the datasets and the
fields of each that are shared, row conditions, start, end and review dates, the DPIA
reference, and sign-off by both sides.

Life: an agreement is made as a ``draft``; the provider and every receiver sign it (an
information governance officer of each, signing as that party: a library administrator signs
for no one by being one); it is then ``active``, and may be ``suspended`` and resumed. From
the day after its end date it is expired whatever its state, so access stops at
once without anyone changing it. Every change is written to the audit log in its transaction.

Row conditions narrow the rows shared: ``{"field": "ward", "op": "in", "value": [...]}`` or
``{"field": "billing-authority", "op": "equals", "value": "{receiver}"}``, where ``{receiver}``
stands for the receiving organisation reading (so each council sees only its own area).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import Connection

from localdata.access.audit import AuditLog
from localdata.access.model import Principal
from localdata.access.tables import agreements
from localdata.errors import AgreementNotFound, Forbidden, UsageError
from localdata.standards.catalogue import StandardCatalogue

Article6 = Literal[
    "consent",
    "contract",
    "legal-obligation",
    "vital-interests",
    "public-task",
    "legitimate-interests",
]
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
RECEIVER = "{receiver}"
SOURCE = "/api/v1"  # the CloudEvents source when the caller names none


class RowCondition(BaseModel):
    """Rows shared must have ``field`` equal to, or in, ``value``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    op: Literal["equals", "in"] = "equals"
    value: str | list[str]


class Terms(BaseModel):
    """The terms of an agreement, as proposed; checked before it is recorded."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="A short name in lower case with hyphens, unique.")
    title: str = Field(min_length=1)
    provider: str = Field(description="The organisation whose data is shared.")
    receivers: list[str] = Field(min_length=1, description="Organisations that receive it.")
    purpose: str = Field(description="The purpose, as a short name in lower case with hyphens.")
    purpose_description: str = Field(min_length=1)
    legal_gateway: str = Field(min_length=1, description="The legal power or gateway relied on.")
    article6_basis: Article6
    article9_condition: str | None = None
    datasets: list[str] = Field(min_length=1)
    fields: dict[str, list[str]] = Field(description="The fields shared, by dataset.")
    row_conditions: list[RowCondition] = []
    starts_on: date
    ends_on: date
    review_on: date
    dpia_reference: str = Field(min_length=1)

    @field_validator("id", "purpose")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("use 2 to 63 lower-case letters, digits and hyphens")
        return value

    @model_validator(mode="after")
    def _dates_and_fields(self) -> Terms:
        if self.ends_on < self.starts_on:
            raise ValueError("the end date is before the start date")
        missing = [d for d in self.datasets if not self.fields.get(d)]
        if missing:
            raise ValueError(f"say which fields of {', '.join(missing)} are shared")
        return self


class Agreement(Terms):
    """An agreement as recorded: its terms, signatures and state."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    signatures: dict[str, dict[str, str]] = {}
    state: Literal["draft", "active", "suspended"] = "draft"
    created_at: datetime
    created_by: str | None = None
    changed_at: datetime

    def status(self, today: date) -> str:
        """``draft``, ``active``, ``suspended`` or ``expired`` (past the end date), on a day."""
        return "expired" if today > self.ends_on else self.state

    def in_force(self, today: date) -> bool:
        """True when it allows access on this day: active, signed by all, within its dates."""
        return self.status(today) == "active" and self.starts_on <= today and self.fully_signed

    @property
    def parties(self) -> list[str]:
        """The provider and every receiver."""
        return [self.provider, *self.receivers]

    @property
    def fully_signed(self) -> bool:
        """True when the provider and every receiver have signed."""
        return all(p in self.signatures for p in self.parties)

    def register_entry(self, today: date) -> dict[str, Any]:
        """The agreement as the open register shows it: no names of people, no conditions."""
        return {
            "id": self.id,
            "title": self.title,
            "provider": self.provider,
            "receivers": self.receivers,
            "purpose": self.purpose,
            "purpose_description": self.purpose_description,
            "legal_gateway": self.legal_gateway,
            "article6_basis": self.article6_basis,
            "article9_condition": self.article9_condition,
            "datasets": self.datasets,
            "fields": self.fields,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "review_on": self.review_on.isoformat(),
            "dpia_reference": self.dpia_reference,
            "signed_by": sorted(self.signatures),
            "status": self.status(today),
        }

    def to_dict(self, today: date) -> dict[str, Any]:
        """Everything recorded, for the parties to the agreement."""
        return self.model_dump(mode="json") | {"status": self.status(today)}


def _row(row: sa.Row[Any]) -> Agreement:
    return Agreement.model_validate(dict(row._mapping))


def get_agreement(conn: Connection, agreement_id: str) -> Agreement:
    """The agreement with this id."""
    row = conn.execute(sa.select(agreements).where(agreements.c.id == agreement_id)).first()
    if row is None:
        raise AgreementNotFound(f"There is no data sharing agreement called '{agreement_id}'.")
    return _row(row)


def list_agreements(conn: Connection, dataset: str | None = None) -> list[Agreement]:
    """Every agreement (optionally only those sharing one dataset), by id."""
    found = [_row(r) for r in conn.execute(sa.select(agreements).order_by(agreements.c.id))]
    return [a for a in found if dataset is None or dataset in a.datasets]


def check_terms(terms: Terms, standards: StandardCatalogue) -> Terms:
    """The terms with dataset names made canonical, once every dataset and field is known."""
    names = {d: standards.get(d).name for d in terms.datasets}
    fields: dict[str, list[str]] = {}
    for dataset, shared in terms.fields.items():
        standard = standards.get(names.get(dataset, dataset))
        unknown = [f for f in shared if f not in standard.field_names]
        if unknown:
            raise UsageError(f"The {standard.name} standard has no field {', '.join(unknown)}.")
        fields[standard.name] = list(dict.fromkeys(shared))
    for condition in terms.row_conditions:
        for dataset in names.values():
            if condition.field not in standards.get(dataset).field_names:
                raise UsageError(f"The {dataset} standard has no field {condition.field}.")
    return terms.model_copy(update={"datasets": list(names.values()), "fields": fields})


def create_agreement(
    conn: Connection, log: AuditLog, terms: Terms, *, by: Principal, source: str = SOURCE
) -> Agreement:
    """Record a draft agreement; its provider's information governance officer proposes it.

    Every change is audited and announced as an event (``source``: the CloudEvents source).
    """
    if not by.governs(terms.provider):
        raise Forbidden(
            f"Only an information governance officer of {terms.provider} can propose sharing "
            "its data."
        )
    exists = sa.select(agreements.c.id).where(agreements.c.id == terms.id)
    if conn.execute(exists).first():
        raise UsageError(f"There is already an agreement called '{terms.id}'.")
    now = datetime.now(UTC)
    values = terms.model_dump(mode="json") | {
        "starts_on": terms.starts_on,
        "ends_on": terms.ends_on,
        "review_on": terms.review_on,
        "signatures": {},
        "state": "draft",
        "created_at": now,
        "created_by": by.actor,
        "changed_at": now,
    }
    conn.execute(sa.insert(agreements).values(values))
    log.append(
        conn,
        "agreement-created",
        actor=by.actor,
        organisation=terms.provider,
        agreement=terms.id,
        details={"terms": terms.model_dump(mode="json")},
    )
    made = get_agreement(conn, terms.id)
    _announce(conn, made, "proposed", source)
    return made


def sign_agreement(
    conn: Connection,
    log: AuditLog,
    agreement_id: str,
    organisation: str,
    *,
    by: Principal,
    source: str = SOURCE,
) -> Agreement:
    """Sign a draft agreement for one of its parties, as that party's own information
    governance officer (``Principal.governs``: membership of the party, never administration
    of the library)."""
    found = get_agreement(conn, agreement_id)
    if organisation not in found.parties:
        raise UsageError(f"{organisation} is not a party to the agreement '{agreement_id}'.")
    if not by.governs(organisation):
        raise Forbidden(f"Only an information governance officer of {organisation} can sign.")
    if found.state != "draft":
        raise UsageError(f"The agreement '{agreement_id}' is {found.state}: it is signed already.")
    signature = {"by": by.actor, "at": datetime.now(UTC).isoformat()}
    if by.user_id is not None:
        signature["user"] = by.user_id
    signatures = found.signatures | {organisation: signature}
    changed = _change(
        conn, log, found, by, "agreement-signed", signatures=signatures, organisation=organisation
    )
    _announce(conn, changed, "signed", source)
    return changed


def set_state(
    conn: Connection,
    log: AuditLog,
    agreement_id: str,
    state: str,
    *,
    by: Principal,
    source: str = SOURCE,
) -> Agreement:
    """Activate, suspend or resume an agreement."""
    found = get_agreement(conn, agreement_id)
    if not any(by.governs(p) for p in found.parties):
        raise Forbidden(f"Only a party to '{agreement_id}' can change its state.")
    if state == "active" and not found.fully_signed:
        waiting = [p for p in found.parties if p not in found.signatures]
        raise UsageError(f"The agreement needs signing by {', '.join(waiting)} first.")
    if state == "active" and not by.governs(found.provider):
        raise Forbidden(f"Only {found.provider}, which provides the data, can make it active.")
    if state not in ("active", "suspended"):
        raise UsageError("An agreement can be made active or suspended.")
    changed = _change(conn, log, found, by, f"agreement-{state}", state=state)
    _announce(conn, changed, state, source)
    return changed


def _announce(conn: Connection, agreement: Agreement, change: str, source: str) -> None:
    """Announce the change as an event, in its transaction."""
    from localdata.events.announce import announce_agreement  # events reads access: no cycle

    announce_agreement(
        conn,
        agreement=agreement.id,
        provider=agreement.provider,
        state=agreement.state,
        change=change,
        datasets=list(agreement.datasets),
        source=source,
    )


def _change(
    conn: Connection,
    log: AuditLog,
    found: Agreement,
    by: Principal,
    action: str,
    *,
    organisation: str | None = None,
    **values: Any,
) -> Agreement:
    now = datetime.now(UTC)
    conn.execute(
        sa.update(agreements).where(agreements.c.id == found.id).values(**values, changed_at=now)
    )
    details = {k: v for k, v in values.items() if k != "signatures"}
    log.append(
        conn,
        action,
        actor=by.actor,
        organisation=organisation or found.provider,
        agreement=found.id,
        details=details,
    )
    return get_agreement(conn, found.id)
