"""Harmonise references to organisations, through the organisation register.

Finding an organisation needs the register, which the pipeline holds, so the pipeline passes a
``resolve`` function: it takes distinct identifiers (a GSS code, an old ONS code, a name, an
opendatacommunities URI...) and returns our organisation id for each, or None. Each distinct
value is resolved once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from localdata.ingest.datatypes.columns import by_distinct, first_issue
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.datatypes.text import collapse_whitespace
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

ORGANISATION_UNKNOWN = IssueType(
    "organisation-unknown",
    "Organisation not recognised",
    Severity.ERROR,
    "We do not recognise this organisation. Enter its GSS code, like E07000120, or its full "
    "name, like Hyndburn Borough Council.",
)

Resolve = Callable[[Iterable[str]], dict[str, str | None]]


def harmonise_organisation(values: pl.Series, field: StandardField, resolve: Resolve) -> Harmonised:
    """Organisation ids (pl.String), found in the register through ``resolve``.

    Example::

        harmonise_organisation(column, field, lambda ids: {i: register_id(i) for i in ids})
    """
    return by_distinct(collapse_whitespace(values), lambda distinct: _resolved(distinct, resolve))


def _resolved(distinct: pl.Series, resolve: Resolve) -> Harmonised:
    found = resolve(distinct.to_list())
    ids = distinct.replace_strict(found, default=None, return_dtype=pl.String)
    issues = pl.select(first_issue((pl.lit(ids).is_null(), ORGANISATION_UNKNOWN))).to_series()
    return Harmonised(ids, issues)
