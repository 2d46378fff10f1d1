"""The one gate every read of a dataset's records passes, whatever door it came through.

``decide(principal, standard, level, agreements, purpose, today)`` returns a ``Grant`` or
raises:

- ``open``: everyone; the grant changes nothing.
- ``registered``: any signed-in user or key, else ``NotSignedIn`` (401).
- ``restricted``: rows of the principal's own organisations, and rows other organisations
  share with it under an agreement in force today (active, signed by all parties, between its
  start and end dates) for this dataset (and this purpose, when one is stated), narrowed by
  the agreement's row conditions. A field is shown on a row only when an agreement that shares
  that row shares that field (or the row is the principal's own); fields no agreement shares
  are removed from the standard altogether, so they can be neither shown nor filtered on.
  With no such agreement and no rows of its own, ``NoAgreement`` (403) names what is missing.

Library administrators get no restricted rows from being administrators: only agreements and
membership of the providing organisation give access.

``Grant.apply(frame)`` narrows a ``pl.LazyFrame`` of the dataset's rows: it filters rows and
blanks fields before any filter of the caller runs, so a filter cannot probe a hidden value.
The audit log names a record by ``organisation/resource/row``.

A field shared by every agreement that shares a row (or a row of the principal's own) needs no
masking, only the row filter; only fields that some of those agreements share and others do
not are blanked row by row.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from localdata.access.agreements import RECEIVER, Agreement, RowCondition
from localdata.access.model import Level, Principal
from localdata.errors import NoAgreement, NotSignedIn
from localdata.standards.model import Standard

ORGANISATION = "organisation"
PROVENANCE = ("_resource", "_row", "_entry_date")


@dataclass(frozen=True)
class Grant:
    """What a principal may read of one dataset, and under which agreements."""

    principal: Principal
    dataset: str
    level: Level
    standard: Standard
    purpose: str | None = None
    agreements: tuple[Agreement, ...] = ()
    own: frozenset[str] = frozenset()
    rows: pl.Expr | None = None
    fields: dict[str, pl.Expr] = field(default_factory=dict)

    @property
    def restricted(self) -> bool:
        """True when the read is of restricted data, so it must be audited."""
        return self.level == "restricted"

    def apply(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """The rows and fields this grant allows (all of them, when not restricted)."""
        if not self.restricted:
            return frame
        assert self.rows is not None
        shown = [
            pl.when(self.fields[name]).then(pl.col(name)).otherwise(None).alias(name)
            if name in self.fields
            else pl.col(name)
            for name in self.standard.field_names
        ]
        return frame.filter(self.rows).select(*shown, *PROVENANCE)


def decide(
    principal: Principal,
    standard: Standard,
    level: Level,
    agreements: Sequence[Agreement],
    purpose: str | None,
    today: date,
    publishers: Collection[str] | None = None,
) -> Grant:
    """The grant for ``principal`` to read ``standard``'s dataset, or the error why not.

    ``publishers``: the organisations with rows in the dataset, when known; membership of an
    organisation with no rows then grants no fields of its own.
    """
    if level == "open":
        return Grant(principal, standard.name, level, standard, purpose)
    if not principal.signed_in:
        raise NotSignedIn(
            f"The {standard.name} dataset is for signed-in users. Sign in, or send an API key "
            "as 'Authorization: Bearer <key>'."
        )
    if level == "registered":
        return Grant(principal, standard.name, level, standard, purpose)
    return _restricted(principal, standard, agreements, purpose, today, publishers)


def _restricted(
    principal: Principal,
    standard: Standard,
    agreements: Sequence[Agreement],
    purpose: str | None,
    today: date,
    publishers: Collection[str] | None,
) -> Grant:
    readers = principal.reader_for()
    own = frozenset(o for o in readers if o != "*" and (publishers is None or o in publishers))
    applying = tuple(
        a
        for a in agreements
        if a.in_force(today)
        and standard.name in a.datasets
        and readers.intersection(a.receivers)
        and (purpose is None or a.purpose == purpose)
    )
    if not applying and not own:
        raise NoAgreement(_missing(principal, standard, agreements, purpose, today))
    conditions = [(a, _rows_of(a, readers)) for a in applying]
    own_rows = pl.col(ORGANISATION).is_in(sorted(own)) if own else pl.lit(False)
    rows = functools.reduce(operator.or_, [c for _, c in conditions], own_rows)
    shared = {f for a in applying for f in a.fields.get(standard.name, [])}
    visible = [f for f in standard.fields if own or f.name in shared or f.name == ORGANISATION]
    fields = {
        f.name: functools.reduce(
            operator.or_,
            [c for a, c in conditions if f.name in a.fields.get(standard.name, [])],
            own_rows,
        )
        for f in visible
        if f.name != ORGANISATION and not _everywhere(f.name, standard.name, applying)
    }
    narrowed = standard.model_copy(update={"fields": tuple(visible)})
    return Grant(
        principal, standard.name, "restricted", narrowed, purpose, applying, own, rows, fields
    )


def _everywhere(name: str, dataset: str, applying: Sequence[Agreement]) -> bool:
    """True when every row the grant allows may show this field, so it needs no masking.

    Own rows show every field, so that is when every applying agreement shares it.
    """
    return all(name in a.fields.get(dataset, []) for a in applying)


def _rows_of(agreement: Agreement, readers: frozenset[str]) -> pl.Expr:
    """The rows an agreement shares with the principal's receiving organisations."""
    receiving = sorted(readers.intersection(agreement.receivers))
    per_receiver = [
        functools.reduce(
            operator.and_,
            [_condition(c, r) for c in agreement.row_conditions],
            pl.col(ORGANISATION) == agreement.provider,
        )
        for r in receiving
    ]
    return functools.reduce(operator.or_, per_receiver, pl.lit(False))


def _condition(condition: RowCondition, receiver: str) -> pl.Expr:
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    wanted = [receiver if v == RECEIVER else v for v in values]
    column = pl.col(condition.field).cast(pl.String)
    return column.is_in(wanted).fill_null(False)


def _missing(
    principal: Principal,
    standard: Standard,
    agreements: Sequence[Agreement],
    purpose: str | None,
    today: date,
) -> str:
    """Which agreement is missing, in words the reader's governance officer can act on."""
    orgs = ", ".join(sorted(principal.reader_for())) or "no organisation"
    for_purpose = f" for the purpose '{purpose}'" if purpose else ""
    lapsed = [
        a
        for a in agreements
        if standard.name in a.datasets
        and principal.reader_for().intersection(a.receivers)
        and not a.in_force(today)
    ]
    message = (
        f"The {standard.name} dataset is restricted, and no data sharing agreement in force "
        f"shares it with {orgs}{for_purpose}."
    )
    if lapsed:
        states = ", ".join(f"'{a.id}' is {a.status(today)}" for a in lapsed)
        message += f" The agreement {states}."
    return message + " Ask your information governance officer to agree one with its provider."
