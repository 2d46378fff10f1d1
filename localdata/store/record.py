"""One record of a dataset: every field, where it came from, and its values in earlier versions.

A record is named by where it came from: the organisation, the file (``resource``, its sha256)
and the row of that file. Earlier values are found by the standard's key (``transaction-number``
and ``transaction-line`` for spend) in each earlier published version of the organisation's
data, as rows move between files when a council republishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from localdata.access.model import ANONYMOUS, Principal
from localdata.errors import UnknownStandard, VersionNotFound
from localdata.store import metadata
from localdata.store.exports import json_records
from localdata.store.lake import PARTITION
from localdata.store.library import Library

EARLIER_VERSIONS = 24  # how far back a record's history looks


class RecordNotFound(VersionNotFound):
    """No current record comes from this organisation, file and row."""

    title = "Record not found"


@dataclass(frozen=True)
class RecordHistory:
    """A record, its provenance and the values it had in earlier versions."""

    dataset: str
    record: dict[str, Any]
    submission: metadata.Submission | None
    key: tuple[str, ...]
    earlier: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        source = self.submission
        return {
            "dataset": self.dataset,
            "record": self.record,
            "key": list(self.key),
            "published_in": (
                {
                    "version": source.id,
                    "filename": source.filename,
                    "submitted_at": source.submitted_at.isoformat(),
                    "links": {"self": f"/api/v1/datasets/{self.dataset}/versions/{source.id}"},
                }
                if source is not None
                else None
            ),
            "earlier": self.earlier,
        }


def find_record(
    library: Library,
    dataset: str,
    organisation: str,
    resource: str,
    row: int,
    *,
    principal: Principal = ANONYMOUS,
    purpose: str | None = None,
) -> RecordHistory:
    """The current record from ``organisation``'s file ``resource`` at ``row``, with its history.

    Reads pass the access gate as ``principal`` (anonymous unless given), for ``purpose``.
    """
    standard = library.standards.get(dataset)
    org = library.organisation(organisation)
    names = [PARTITION, *(n for n in standard.field_names if n != PARTITION)]
    found = (
        library.rows(
            standard.name,
            principal=principal,
            purpose=purpose,
            where=(pl.col(PARTITION) == org)
            & (pl.col("_resource") == resource)
            & (pl.col("_row") == row),
        )
        .head(1)
        .collect()
    )
    if found.height == 0:
        raise RecordNotFound(
            f"The {standard.name} dataset has no current record from row {row} of that file."
        )
    names = [n for n in names if n in found.columns]  # a restricted read may hide fields
    record = json_records(found, names)[0]
    versions = library.versions(standard.name, org, principal=principal)
    source = next((v for v in versions if v.resource == resource), None)
    key = standard.key or standard.field_names[:1]
    earlier = _earlier_values(
        library, standard.name, org, names, key, record, versions, source, (principal, purpose)
    )
    return RecordHistory(standard.name, record, source, tuple(key), earlier)


def _earlier_values(
    library: Library,
    dataset: str,
    organisation: str,
    names: list[str],
    key: tuple[str, ...] | list[str],
    record: dict[str, Any],
    versions: list[metadata.Submission],
    current: metadata.Submission | None,
    reader: tuple[Principal, str | None] = (ANONYMOUS, None),
) -> list[dict[str, Any]]:
    """The record as it was in each earlier version, matched on the key, newest first."""
    older = [
        v
        for v in versions
        if v.delta_version is not None
        and (
            current is None
            or current.delta_version is None
            or v.delta_version < current.delta_version
        )
    ][:EARLIER_VERSIONS]
    history = []
    for version in older:
        same = pl.col(PARTITION) == organisation
        for name in key:
            value = record.get(name)
            column = pl.col(name).cast(pl.String)
            same &= column.is_null() if value is None else column == str(value)
        principal, purpose = reader
        frame = library.rows(
            dataset, as_of=str(version.id), principal=principal, purpose=purpose, where=same
        )
        rows = frame.head(1).collect()
        history.append(
            {
                "version": version.id,
                "submitted_at": version.submitted_at.isoformat(),
                "filename": version.filename,
                "record": json_records(rows, names)[0] if rows.height else None,
            }
        )
    return history


def organisation_submissions(
    library: Library, organisation: str, limit: int = 200, *, principal: Principal = ANONYMOUS
) -> list[metadata.Submission]:
    """Every file an organisation submitted, for any dataset, whatever became of it, newest first.

    Its data quality over time: each submission's counts of issues by severity, rejected files
    included (the published versions alone never show an error). Files of datasets whose
    metadata of this organisation the principal may not see (``Library.metadata_readers``)
    are left out.
    """
    org = library.organisation(organisation)
    hidden = [
        dataset
        for dataset, level in library.access.levels().items()
        if level != "open" and not _sees(library, dataset, org, principal)
    ]
    table = metadata.submissions
    query = (
        sa.select(table)
        .where(table.c.organisation == org, table.c.dataset.not_in(hidden))
        .order_by(table.c.submitted_at.desc(), table.c.id.desc())
        .limit(limit)
    )
    with library.database.transaction() as conn:
        return [metadata.Submission.from_row(row) for row in conn.execute(query)]


def _sees(library: Library, dataset: str, organisation: str, principal: Principal) -> bool:
    """True when the principal may see the organisation's files of this dataset."""
    try:
        return library.metadata_readers(dataset, principal).allows(organisation)
    except UnknownStandard:  # a level kept for a standard no longer known: show nothing
        return False
