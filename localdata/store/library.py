"""The Library: publish files into national datasets and answer questions about them.

A dataset is a standard published by many organisations: the ``spend`` dataset holds every
council's spending, one Delta table partitioned by organisation. The metadata database says
which Delta version each publish made, and it is the source of truth for what is current:
reads pin to the newest recorded version, so a publish that died before it was recorded is
never seen, and is rolled back by the next publish.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from localdata.access.gate import Grant
from localdata.access.model import ANONYMOUS, SYSTEM, Principal
from localdata.access.service import Access
from localdata.errors import (
    Forbidden,
    NotSignedIn,
    OrganisationNotIdentified,
    UsageError,
    VersionNotFound,
)
from localdata.ingest.pipeline import check
from localdata.ingest.report import Report
from localdata.registers import Register
from localdata.settings import Settings
from localdata.standards.catalogue import StandardCatalogue, version_key
from localdata.standards.model import Standard
from localdata.standards.periods import Period
from localdata.store import metadata
from localdata.store.database import Database, open_database
from localdata.store.lake import PARTITION, Lake, stamp_period
from localdata.store.query import (
    Page,
    RecordQuery,
    export,
    fetch_page,
    parse_query,
)
from localdata.store.readers import MetadataReaders, metadata_readers
from localdata.store.sizes import DownloadSizes

UTC = dt.UTC
IDENTITY = [PARTITION, "_resource", "_row"]  # names one row: how the audit log names records


@dataclass(frozen=True)
class Publication:
    """What happened to one submitted file."""

    submission: metadata.Submission
    report: Report | None
    newest_period: Period | None = None  # the newest period published before, when later

    @property
    def published(self) -> bool:
        """True when the file became the organisation's current version (or its period's)."""
        return self.submission.status == "published"

    @property
    def replaced(self) -> list[dict[str, Any]]:
        """The earlier files this publish took rows out of: submission, period and rows."""
        return self.submission.replaced or []

    def notes(self) -> list[str]:
        """What the publish replaced, and whether its period is older than the newest one."""
        found = []
        period = self.submission.period
        for entry in self.replaced:
            what = f"the file published as version {entry['submission']}"
            if entry.get("period"):
                what += f" for {Period.parse(entry['period']).title}"
            found.append(f"It replaced {entry['rows']:,} rows of {what}.")
        if self.newest_period is not None and period is not None:
            found.append(
                f"{period.title} is older than the newest period published, "
                f"{self.newest_period.title}; nothing published for later periods changed."
            )
        return found


class Library:
    """One Local Data Library: its metadata database, its lake and its standards."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database: Database = open_database(settings)
        self.lake = Lake(settings.data_dir)
        self.standards = StandardCatalogue(settings.data_dir / "standards")
        self.register = Register.default()
        self.access = Access(self.database, settings)
        self._sizes = DownloadSizes()

    # --- publishing ---------------------------------------------------------------------

    def publish(
        self,
        source: Path | bytes,
        dataset: str,
        organisation: str | None = None,
        *,
        filename: str | None = None,
        submitted_by: str | None = None,
        submitted_at: dt.datetime | None = None,
        period: Period | str | None = None,
        principal: Principal | None = None,
    ) -> Publication:
        """Check a file and, if nothing must be fixed, publish it into the national dataset.

        What it replaces follows the standard's publication model (``localdata.store.lake``):
        a snapshot replaces the organisation's part; a periodic file replaces its ``period``
        (worked out from the file when not given). Without ``organisation``, the check
        identifies it from the file. The same bytes as the current version (for that period)
        change nothing; a file with something to fix is recorded as rejected and what was
        published stays. ``submitted_at`` records when the file was submitted, for loading
        history (the demo, or an archive); it is now by default. With ``principal``, only a
        publisher of the organisation may publish (``authorise_publish``); without, the caller
        is trusted (the command line, a collection job).
        """
        when = submitted_at or dt.datetime.now(UTC)
        standard = self.standards.get(dataset)
        given = Period.parse(period) if isinstance(period, str) else period
        org = self.organisation(organisation) if organisation else None
        if principal is not None:
            self.authorise_publish(principal, org)
        name = filename or (source.name if isinstance(source, Path) else "upload")
        sha256, size = self.lake.store_raw(source)
        with self.database.transaction() as conn:
            metadata.record_resource(conn, sha256, size, Path(name).suffix.lstrip(".") or "csv")
        request = _Request(standard, sha256, name, submitted_by, when)
        if org is not None and (standard.periodic is False or given is not None):
            unchanged = self._unchanged(request, org, given)
            if unchanged is not None:
                return unchanged
        report = check(
            self.lake.raw_path(sha256),
            standard,
            org,
            filename=name,
            settings=self.settings,
            period=given,
        )
        org = org or report.organisation
        if org is None:
            raise OrganisationNotIdentified(
                "The file does not say which organisation published it. Say which when you "
                "publish it: its code, like E07000120, or its name."
            )
        if principal is not None:
            self.authorise_publish(principal, org)
        if report.must_fix:
            return Publication(self._record(request, org, "rejected", report), report)
        return self._publish_checked(request, org, report)

    def authorise_publish(self, principal: Principal, organisation: str | None) -> None:
        """Refuse unless the principal may publish for the organisation.

        Anyone may when the library takes open submissions (``LOCALDATA_OPEN_SUBMISSIONS``, for
        demos). With ``organisation`` None (not known yet), only being signed in is checked.
        """
        if self.settings.open_submissions:
            return
        if not principal.signed_in:
            raise NotSignedIn(
                "Sign in, or send an API key with the publish scope, to publish data."
            )
        if organisation is not None and not principal.can_publish(organisation):
            raise Forbidden(f"Only a publisher of {organisation} can publish its data.")

    def _unchanged(self, request: _Request, org: str, period: Period | None) -> Publication | None:
        """An "unchanged" record when these bytes are already current (for the period).

        For a period, the bytes must be the latest publish that touched it: a month corrected
        since a quarterly file was published makes publishing the quarter again a change.
        """
        with self.database.transaction() as conn:
            current = metadata.current_version(conn, request.standard.name, org, period)
        if current is None or current.resource != request.sha256:
            return None
        if period is not None and current.period != period:
            return None
        return Publication(self._record(request, org, "unchanged", None, period=period), None)

    def _publish_checked(self, request: _Request, org: str, report: Report) -> Publication:
        standard, period = request.standard, report.period
        if standard.periodic:
            unchanged = self._unchanged(request, org, period)
            if unchanged is not None:
                return unchanged
        rows = _with_provenance(report, request.sha256, request.when.date())
        if period is not None:
            rows = stamp_period(rows, period, standard.period_field)
        with self.lake.lock(standard.name):
            self._roll_back_unrecorded(standard.name)
            newest = self._newest_period(standard.name, org)
            done = self.lake.replace(
                standard.name, org, rows, period=period, period_field=standard.period_field
            )
            replaced = self._replaced(standard.name, org, done.removed)
            submission = self._record(
                request, org, "published", report, done.version, period=period, replaced=replaced
            )
        later = newest if newest and period and newest.end > period.end else None
        return Publication(submission, report, newest_period=later)

    def _newest_period(self, dataset: str, org: str) -> Period | None:
        with self.database.transaction() as conn:
            found = [
                p.period for p in metadata.published_periods(conn, dataset) if p.organisation == org
            ]
        return max(found, key=lambda p: p.end) if found else None

    def _replaced(self, dataset: str, org: str, removed: dict[str, int]) -> list[dict[str, Any]]:
        """Which earlier published files lost rows, newest first (a file is named by its bytes)."""
        with self.database.transaction() as conn:
            versions = metadata.published_versions(conn, dataset, org)
        found = []
        for version in versions:  # newest first: the latest publish of these bytes holds them
            rows = removed.pop(version.resource, 0)
            if rows:
                label = version.period.label if version.period else None
                found.append({"submission": version.id, "period": label, "rows": rows})
        return found

    def _record(
        self,
        request: _Request,
        organisation: str,
        status: metadata.Status,
        report: Report | None,
        version: int | None = None,
        *,
        period: Period | None = None,
        replaced: list[dict[str, Any]] | None = None,
    ) -> metadata.Submission:
        counts = report.to_dict(issue_limit=0)["counts"] if report else {}
        standard = request.standard
        with self.database.transaction() as conn:
            submission_id = metadata.record_submission(
                conn,
                dataset=standard.name,
                standard_version=standard.version,
                organisation=organisation,
                resource=request.sha256,
                filename=request.filename,
                submitted_by=request.submitted_by,
                submitted_at=request.when,
                status=status,
                rows=report.rows if report else 0,
                errors=counts.get("error", 0),
                warnings=counts.get("warning", 0),
                infos=counts.get("info", 0),
                delta_version=version,
                report=_summary(report) if report else None,
                period=period or (report.period if report else None),
                replaced=replaced if status == "published" else None,
            )
            if report is not None:
                metadata.record_issues(conn, submission_id, _issue_rows(report))
            # The event commits with the submission, or neither does (localdata.events).
            from localdata.events.announce import announce_submission

            found = metadata.submission(conn, submission_id)
            announce_submission(conn, found, self.settings.events_source)
            return found

    def _roll_back_unrecorded(self, dataset: str) -> None:
        """Undo Delta commits that no publish recorded (a publish that died half way)."""
        with self.database.transaction() as conn:
            recorded = metadata.latest_delta_version(conn, dataset)
        actual = self.lake.version(dataset)
        if actual is None or actual == recorded:
            return
        if recorded is None:
            shutil.rmtree(self.lake.table_path(dataset))
        else:
            self.lake.restore(dataset, recorded)

    # --- standards ----------------------------------------------------------------------

    def add_standard(self, standard: Standard, *, by: Principal = SYSTEM) -> Path:
        """Keep an imported standard (or a new version of one), audit it and announce it.

        Standards live in files, so the event commits just after the file is in place: a
        crash between the two leaves a standard nobody was told of, never an event for a
        standard that is not there. Saving the same version again announces nothing.
        """
        from localdata.events.announce import announce_standard

        known = [s.version for s in self.standards.all() if s.name == standard.name]
        path = self.standards.save(standard)
        if standard.version not in known:
            with self.database.transaction() as conn:
                details = {"version": standard.version}
                self.access.log.append(
                    conn, "standard-added", actor=by.actor, dataset=standard.name, details=details
                )
            previous = max(known, key=version_key) if known else None
            announce_standard(
                self.database,
                standard.name,
                standard.version,
                previous,
                self.settings.events_source,
            )
        return path

    # --- reading ------------------------------------------------------------------------

    def organisation(self, identifier: str) -> str:
        """Our id for any identifier of an organisation."""
        return self.register.identify(identifier).id

    def download_sizes(self, dataset: str, rows: int) -> dict[str, int] | None:
        """Estimated bytes of each whole-dataset download (``localdata.store.sizes``).

        None for a dataset that is not open: what it holds depends on who downloads it.
        """
        standard = self.standards.get(dataset)
        version = self.delta_version(standard.name)
        if version is None or self.access.level(standard.name) != "open":
            return None
        return self._sizes.get(
            standard,
            version,
            rows,
            lambda: self.lake.size_bytes(standard.name, version),
            lambda: self._version_rows(standard, version),
        )

    def organisation_rows(self, dataset: str) -> dict[str, int]:
        """How many rows each organisation has in the dataset's current version."""
        version = self.delta_version(self.standards.get(dataset).name)
        return {} if version is None else self.lake.partition_rows(dataset, version)

    def organisations_in(self, dataset: str, as_of: str | None = None) -> list[str]:
        """The organisations with rows in the dataset, now or ``as_of``."""
        standard = self.standards.get(dataset)
        version = self.delta_version(standard.name, as_of)
        return [] if version is None else self.lake.partitions(standard.name, version)

    # Every read of records passes the access gate (``localdata.access.gate``): ``principal``
    # is who asks (anonymous unless given, so a caller that forgets gets the least) and
    # ``purpose`` why. Restricted reads are written to the audit log before they return.

    def rows(
        self,
        dataset: str,
        as_of: str | None = None,
        *,
        principal: Principal = ANONYMOUS,
        purpose: str | None = None,
        where: pl.Expr | None = None,
    ) -> pl.LazyFrame:
        """The dataset's rows the principal may read, as current now or ``as_of`` a date,
        time or version id, and only those ``where`` keeps. A restricted dataset's rows are
        read (and audited) at once, so narrow them with ``where`` rather than afterwards."""
        standard = self.standards.get(dataset)
        grant = self.access.grant(principal, standard, purpose, self._publishers(standard, as_of))
        frame = grant.apply(self._rows(standard, as_of))
        if where is not None:
            frame = frame.filter(where)
        if not grant.restricted:
            return frame
        found = frame.collect()
        self.access.record_frame(grant, found)
        return found.lazy()

    def _rows(self, standard: Standard, as_of: str | None) -> pl.LazyFrame:
        """Every row of the dataset, ungated: only for the methods of this class."""
        return self._version_rows(standard, self.delta_version(standard.name, as_of))

    def _version_rows(self, standard: Standard, version: int | None) -> pl.LazyFrame:
        """Every row of the dataset at a Delta version, ungated."""
        frame = self.lake.scan(standard.name, version) if version is not None else None
        if frame is None:
            return _empty_rows(standard)
        return frame

    def page(
        self,
        dataset: str,
        params: Sequence[tuple[str, str]],
        *,
        principal: Principal = ANONYMOUS,
        purpose: str | None = None,
    ) -> Page:
        """One page of a dataset's records, for URL-style ``params`` (filters, sort, cursor)."""
        grant, parsed, publishers = self._query(dataset, params, principal, purpose)
        page = fetch_page(
            grant.apply(self._rows(grant.standard, parsed.as_of)),
            parsed.query,
            grant.standard,
            cursor_key=self.cursor_key,
            organisations=self._partitions(grant, publishers()),
            audit=partial(self.access.record_frame, grant) if grant.restricted else None,
        )
        return page

    def export(
        self,
        dataset: str,
        params: Sequence[tuple[str, str]],
        fmt: str,
        *,
        principal: Principal = ANONYMOUS,
        purpose: str | None = None,
    ) -> Iterator[bytes]:
        """Every record matching ``params``, as a stream of CSV, JSON, GeoJSON or Parquet."""
        params = [p for p in params if p[0] != "_size"]
        grant, parsed, publishers = self._query(dataset, params, principal, purpose)
        frame = grant.apply(self._rows(grant.standard, parsed.as_of))
        partitions = self._partitions(grant, publishers())
        # Every row the download will hold is audited before any byte of it is handed back.
        audit = partial(self.access.record_frame, grant) if grant.restricted else None
        return export(
            frame, parsed.query, grant.standard, fmt, organisations=partitions, audit=audit
        )

    def _query(
        self,
        dataset: str,
        params: Sequence[tuple[str, str]],
        principal: Principal,
        purpose: str | None,
    ) -> tuple[Grant, _Query, Callable[[], list[str]]]:
        standard = self.standards.get(dataset)
        as_of = next((value for name, value in params if name == "as_of"), None)
        purpose = purpose or next((v for n, v in params if n == "_purpose" and v), None)
        publishers = self._publishers(standard, as_of)
        grant = self.access.grant(principal, standard, purpose, publishers)
        params = [p for p in params if p[0] != "_purpose"]
        if grant.restricted:
            self.access.require_readable(grant, self._named_organisations(params))
        query = parse_query(params, grant.standard, cursor_key=self.cursor_key)
        return grant, _Query(query, as_of), publishers

    def _publishers(self, standard: Standard, as_of: str | None) -> Callable[[], list[str]]:
        """The organisations with rows in the dataset, found once, and only when asked."""
        found: list[list[str]] = []

        def publishers() -> list[str]:
            if not found:
                found.append(self.organisations_in(standard.name, as_of))
            return found[0]

        return publishers

    def _named_organisations(self, params: Sequence[tuple[str, str]]) -> set[str]:
        """The organisations a query names with ``organisation=`` or ``organisation__in=``."""
        named = [v for n, v in params if n == PARTITION]
        named += [p for n, v in params if n == f"{PARTITION}__in" for p in v.split(",")]
        found = set()
        for identifier in (n.strip() for n in named if n.strip()):
            try:
                found.add(self.organisation(identifier))
            except UsageError:
                found.add(identifier)  # unknown: the query itself reports it
        return found

    def _partitions(self, grant: Grant, found: list[str]) -> list[str]:
        """The organisations with rows to read: for restricted data, only those it may read."""
        if not grant.restricted:
            return found
        readable = grant.own | {a.provider for a in grant.agreements}
        return [o for o in found if o in readable]

    def delta_version(self, dataset: str, as_of: str | None = None) -> int | None:
        """The recorded Delta version to read: the newest, or the one current ``as_of``."""
        with self.database.transaction() as conn:
            if as_of is None or not as_of.strip():
                return metadata.latest_delta_version(conn, dataset)
            if as_of.strip().isdigit():
                found = metadata.submission(conn, int(as_of))
                if found.dataset != dataset or found.delta_version is None:
                    raise UsageError(f"Version {as_of} is not a published version of {dataset}.")
                return found.delta_version
            return metadata.delta_version_as_of(conn, dataset, _moment(as_of))

    def metadata_readers(self, dataset: str, principal: Principal = ANONYMOUS) -> MetadataReaders:
        """Whose versions, files, counts and issues of the dataset the principal may see
        (``localdata.store.readers``: those whose rows it may read)."""
        return metadata_readers(self.access, self.standards.get(dataset), principal)

    def versions(
        self,
        dataset: str,
        organisation: str | None = None,
        *,
        principal: Principal = ANONYMOUS,
    ) -> list[metadata.Submission]:
        """Every published version of a dataset (or of one organisation's data), newest first,
        that the principal may see (``metadata_readers``)."""
        readers = self.metadata_readers(dataset, principal)
        found = self._versions(dataset, organisation)
        return found if readers.everyone else [v for v in found if readers.allows(v.organisation)]

    def _versions(self, dataset: str, organisation: str | None = None) -> list[metadata.Submission]:
        """Every published version, whoever may see it: only for this class's own work."""
        standard = self.standards.get(dataset)
        org = self.organisation(organisation) if organisation else None
        with self.database.transaction() as conn:
            return metadata.published_versions(conn, standard.name, org)

    def submission(self, submission_id: int) -> metadata.Submission:
        """One submission (published, rejected or unchanged)."""
        with self.database.transaction() as conn:
            return metadata.submission(conn, submission_id)

    def dataset_submission(
        self, dataset: str, submission_id: int, principal: Principal = ANONYMOUS
    ) -> metadata.Submission:
        """A submission, making sure it belongs to this dataset and the principal may see it.

        Of a dataset that is not open, only those who may read the organisation's rows see its
        submissions at all (``metadata_readers``). Its report quotes cell values; of a dataset
        that is not open, only the submitting organisation's members see them, and a restricted
        one's are audited (``_sees_values``).
        """
        found = self.submission(submission_id)
        if found.dataset != self.standards.get(dataset).name:
            raise VersionNotFound(f"The {dataset} dataset has no version {submission_id}.")
        self.metadata_readers(found.dataset, principal).require(found.organisation)
        if self._sees_values(found, principal, "report"):
            return found
        summary = [
            {key: value for key, value in entry.items() if key != "message"}
            | {"message": entry.get("title", "")}
            for entry in found.report.get("summary", [])
        ]
        return replace(found, report=found.report | {"summary": summary})

    def submission_issues(
        self,
        submission_id: int,
        limit: int = 100,
        after: int | None = None,
        principal: Principal = ANONYMOUS,
    ) -> list[dict[str, Any]]:
        """The issues recorded for a submission, in pages, without cell values if not ours;
        refused to a principal who may not see the submission (``metadata_readers``)."""
        with self.database.transaction() as conn:
            found = metadata.submission(conn, submission_id)
        self.metadata_readers(found.dataset, principal).require(found.organisation)
        with self.database.transaction() as conn:
            issues = metadata.submission_issues(conn, submission_id, limit, after)
        rows = [int(issue["row"]) for issue in issues if issue.get("row") is not None]
        if self._sees_values(found, principal, "issues", rows):
            return issues
        return [issue | {"value": None, "message": _WITHHELD} for issue in issues]

    def _sees_values(
        self,
        submission: metadata.Submission,
        principal: Principal,
        what: str,
        rows: Sequence[int] = (),
    ) -> bool:
        """True when the principal may see the cell values a submission's issues quote.

        Anyone may for open data; otherwise only members of the submitting organisation,
        which is the only organisation whose data they are (a library administrator sees them
        only as such a member). Showing a restricted dataset's values is a read of it, audited
        before they are returned.
        """
        level = self.access.level(submission.dataset)
        if level == "open":
            return True
        if submission.organisation not in principal.reader_for():
            return False
        if level == "restricted":
            self.access.record_quoted(principal, submission, what, rows)
        return True

    def diff(
        self,
        submission_id: int,
        *,
        limit: int = 100,
        principal: Principal = ANONYMOUS,
        purpose: str | None = None,
        dataset: str | None = None,
    ) -> Diff:
        """What a published version added, changed and removed, against the one before it
        (a version of ``dataset``, when given)."""
        version = self.submission(submission_id)
        if dataset is not None and version.dataset != self.standards.get(dataset).name:
            raise VersionNotFound(f"The {dataset} dataset has no version {submission_id}.")
        if version.delta_version is None:
            raise UsageError(f"Version {submission_id} was not published, so it changed nothing.")
        found = self.standards.get(version.dataset)
        grant = self.access.grant(principal, found, purpose, self._publishers(found, None))
        if grant.restricted:
            self.access.require_readable(grant, {version.organisation})
        standard = grant.standard
        earlier = [
            v
            for v in self._versions(version.dataset, version.organisation)
            if v.delta_version is not None and v.delta_version < version.delta_version
        ]
        new = self._partition(grant, version.organisation, version.delta_version)
        old = (
            self._partition(grant, version.organisation, earlier[0].delta_version)
            if earlier and earlier[0].delta_version is not None
            else new.clear()
        )
        if grant.restricted:
            self.access.record_frame(grant, pl.concat([old, new]).unique(IDENTITY))
        return compare(old, new, standard, limit=limit, previous=earlier[0].id if earlier else None)

    def _partition(self, grant: Grant, organisation: str, version: int) -> pl.DataFrame:
        frame = self.lake.scan(grant.dataset, version)
        assert frame is not None
        return grant.apply(frame.filter(pl.col(PARTITION) == organisation)).collect()

    @property
    def cursor_key(self) -> bytes:
        """The key that signs page cursors: the configured one, or one kept in the data folder."""
        if self.settings.secret_key:
            return self.settings.secret_key.encode()
        path = self.settings.data_dir / "secret.key"
        if not path.exists():
            partial = path.with_name(f".secret.key.{secrets.token_hex(4)}")
            partial.write_text(secrets.token_hex(32))
            partial.chmod(0o600)
            partial.replace(path)
        return path.read_text().strip().encode()

    def close(self) -> None:
        """Release the database connections."""
        self.database.close()


@dataclass(frozen=True)
class _Request:
    """One file submitted for publishing: the standard, the bytes, who and when."""

    standard: Standard
    sha256: str
    filename: str
    submitted_by: str | None
    when: dt.datetime


@dataclass(frozen=True)
class _Query:
    """A parsed records query and the ``as_of`` it reads at."""

    query: RecordQuery
    as_of: str | None


@dataclass(frozen=True)
class Diff:
    """Rows added, changed and removed by a version, matched on the standard's key."""

    key: tuple[str, ...]
    previous: int | None
    added: int
    changed: int
    removed: int
    examples: dict[str, list[dict[str, Any]]]


def compare(
    old: pl.DataFrame, new: pl.DataFrame, standard: Standard, *, limit: int, previous: int | None
) -> Diff:
    """Match rows on the key (and on their order among rows sharing a key) and compare them."""
    key = standard.key or standard.field_names[:1]
    fields = [f for f in standard.field_names if f != PARTITION]
    left, right = _keyed(old, key), _keyed(new, key)
    joined = left.join(
        right, on=[*key, "_nth"], how="full", suffix="_new", coalesce=True, nulls_equal=True
    )
    missing_old = joined["_present"].is_null()
    missing_new = joined["_present_new"].is_null()
    differs = pl.any_horizontal(
        pl.col(f).ne_missing(pl.col(f"{f}_new")) for f in fields if f not in key
    )
    changed = joined.filter(~missing_old & ~missing_new).filter(differs)
    added = joined.filter(missing_old)
    removed = joined.filter(missing_new)
    return Diff(
        key=tuple(key),
        previous=previous,
        added=added.height,
        changed=changed.height,
        removed=removed.height,
        examples={
            "added": _records(added, [*key, *(f"{f}_new" for f in fields if f not in key)], limit),
            "changed": [_change(r, key, fields) for r in changed.head(limit).to_dicts()],
            "removed": _records(removed, [*key, *(f for f in fields if f not in key)], limit),
        },
    )


def _keyed(frame: pl.DataFrame, key: Sequence[str]) -> pl.DataFrame:
    ordered = frame.sort(["_resource", "_row"]) if "_row" in frame.columns else frame
    return ordered.with_columns(_nth=pl.int_range(pl.len()).over(list(key)), _present=pl.lit(True))


def _records(frame: pl.DataFrame, columns: list[str], limit: int) -> list[dict[str, Any]]:
    rows = frame.select(columns).head(limit)
    return [_jsonable({k.removesuffix("_new"): v for k, v in r.items()}) for r in rows.to_dicts()]


def _change(row: dict[str, Any], key: Sequence[str], fields: Sequence[str]) -> dict[str, Any]:
    changes = {
        f: {"from": row[f], "to": row[f"{f}_new"]}
        for f in fields
        if f not in key and row[f] != row[f"{f}_new"]
    }
    found: dict[str, Any] = _jsonable({"key": {k: row[k] for k in key}, "changes": changes})
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _with_provenance(report: Report, sha256: str, entry_date: dt.date) -> pl.DataFrame:
    assert report.table is not None
    return report.table.with_columns(
        pl.lit(sha256).alias("_resource"),
        pl.lit(entry_date).alias("_entry_date"),
    ).select([*report.standard.field_names, "_resource", "_row", "_entry_date"])


def _empty_rows(standard: Standard) -> pl.LazyFrame:
    from localdata.ingest.datatypes import CANONICAL_DTYPES

    schema = {f.name: CANONICAL_DTYPES[f.datatype] for f in standard.fields}
    schema |= {"_resource": pl.String(), "_row": pl.Int64(), "_entry_date": pl.Date()}
    return pl.LazyFrame(schema=schema)


def _summary(report: Report) -> dict[str, Any]:
    body = report.to_dict(issue_limit=0)
    return {k: body[k] for k in ("file", "rows", "counts", "mapping", "summary")}


_WITHHELD = (
    "The value is withheld: this dataset is not open, so only the organisation that submitted "
    "the file sees what its cells held."
)


def _issue_rows(report: Report) -> Iterator[dict[str, Any]]:
    for issue in report.issue_list():
        yield {
            "type": issue.type,
            "severity": issue.severity.value,
            "row": issue.row,
            "field": issue.field,
            "column": issue.column,
            "value": issue.value,
            "message": issue.message,
        }


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise UsageError(
            f"'{text}' is not a date, time or version. Use a date like 2024-03-31, a time like "
            "2024-03-31T12:00:00Z, or a version number."
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
        if len(text.strip()) <= 10:  # a date means the end of that day
            moment += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return moment
