"""``Access``: the access side of one library, used by ``Library`` and the front doors.

It holds the audit log (with its signing key), the API key checker and the rate limiter, and
answers the questions the doors ask: who is this key, what level is this dataset, may this
principal read it (``grant``), and records each restricted read (``record_read``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Protocol

import polars as pl
import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.access import audit, gate, sessions
from localdata.access.accounts import user_principal
from localdata.access.agreements import Agreement
from localdata.access.audit import AuditLog
from localdata.access.keys import KeyChecker
from localdata.access.model import LEVELS, Level, Principal
from localdata.access.ratelimit import RateLimiter
from localdata.access.signing import load_signer
from localdata.access.tables import agreements as agreements_table
from localdata.access.tables import dataset_access
from localdata.errors import Forbidden, LocalDataError, NoAgreement, NotSignedIn, UsageError
from localdata.settings import Settings
from localdata.standards.model import Standard
from localdata.store.database import Database

AUDITED_IDS = 100_000  # record identifiers kept per audited read; the count is always exact


class Quoting(Protocol):
    """A submission whose report quotes cell values: what the audit entry names."""

    @property
    def id(self) -> int:
        """The submission's number."""

    @property
    def dataset(self) -> str:
        """Its dataset."""

    @property
    def organisation(self) -> str:
        """The organisation that submitted it."""

    @property
    def resource(self) -> str:
        """The file's SHA-256, as records name it."""


class Access:
    """Who may do what in one library, and the record of what they did."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.log = AuditLog(
            load_signer(settings), settings.audit_checkpoint_every, settings.events_source
        )
        self.keys = KeyChecker(settings.api_key_cache_seconds)
        self.limiter = RateLimiter()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction on the metadata database."""
        with self.database.transaction() as conn:
            yield conn

    # --- who is asking --------------------------------------------------------------------

    def key_principal(self, presented: str, client: str | None = None) -> Principal:
        """The principal an API key stands for (``NotSignedIn`` if it is no good).

        Rate limits answer before any Argon2 work: a key not remembered as good is checked
        only while the key's own allowance, its id's allowance of wrong secrets
        (``LOCALDATA_API_KEY_FAILURES_PER_MINUTE``, whichever client sends them) and the
        sending ``client``'s anonymous allowance last; a wrong secret spends the last two.
        """
        with self.database.engine.connect() as conn:
            return self.keys.principal(conn, presented, _LimitedGuesses(self, client))

    def session_principal(self, token: str) -> Principal:
        """The principal of a signed-in user's session (``NotSignedIn`` once it has ended)."""
        with self.database.engine.connect() as conn:
            user_id = sessions.session_user(conn, token)
            found = user_principal(conn, user_id) if user_id else None
        if found is None:
            raise NotSignedIn("You have been signed out. Sign in again.")
        return found

    def session_user(self, token: str) -> str | None:
        """The user of a live session, or None once it has ended."""
        with self.database.engine.connect() as conn:
            return sessions.session_user(conn, token)

    def limit(self, principal: Principal, client: str) -> None:
        """Spend one request of the caller's allowance (429 when it is used up)."""
        if principal.signed_in:
            self.limiter.take(principal.actor, self.settings.rate_limit_per_minute)
        else:
            self.limiter.take(f"ip:{client}", self.settings.anonymous_rate_limit_per_minute)

    # --- access levels --------------------------------------------------------------------

    def level(self, dataset: str, conn: Connection | None = None) -> Level:
        """The dataset's access level (``open`` unless set)."""
        query = sa.select(dataset_access.c.level).where(dataset_access.c.dataset == dataset)
        if conn is not None:
            return conn.execute(query).scalar() or "open"
        with self.database.engine.connect() as own:
            return own.execute(query).scalar() or "open"

    def set_level(self, dataset: str, level: str, *, by: Principal) -> None:
        """Set a dataset's access level; only a library administrator may."""
        if level not in LEVELS:
            raise UsageError(f"'{level}' is not an access level. Use one of: {', '.join(LEVELS)}.")
        if not by.is_admin:
            raise Forbidden("Only an administrator of the library can change access levels.")
        with self.database.transaction() as conn:
            before = self.level(dataset, conn)
            conn.execute(sa.delete(dataset_access).where(dataset_access.c.dataset == dataset))
            values = {"dataset": dataset, "level": level, "changed_by": by.actor}
            conn.execute(
                sa.insert(dataset_access).values({**values, "changed_at": datetime.now(UTC)})
            )
            self.log.append(
                conn,
                "access-level-changed",
                actor=by.actor,
                dataset=dataset,
                details={"from": before, "to": level},
            )

    def levels(self) -> dict[str, str]:
        """Every dataset whose level was set, with its level."""
        with self.database.engine.connect() as conn:
            rows = conn.execute(sa.select(dataset_access.c.dataset, dataset_access.c.level))
            return {r.dataset: r.level for r in rows}

    # --- the gate -------------------------------------------------------------------------

    def grant(
        self,
        principal: Principal,
        standard: Standard,
        purpose: str | None = None,
        publishers: Callable[[], Collection[str]] | None = None,
    ) -> gate.Grant:
        """What the principal may read of the dataset; a refusal is audited, then raised.

        ``publishers`` lists the organisations with rows in the dataset, asked only for
        restricted data, so that membership of an organisation without rows grants nothing.
        """
        with self.database.engine.connect() as conn:
            level, found = _level_and_agreements(conn, standard.name)
        own_rows = publishers() if publishers and level == "restricted" else None
        try:
            return gate.decide(principal, standard, level, found, purpose, self.today(), own_rows)
        except LocalDataError as error:
            if level == "restricted":
                providers = sorted(own_rows or ())
                self._record_denial(principal, standard.name, purpose, error, providers)
            raise

    def require_readable(self, grant: gate.Grant, organisations: set[str]) -> None:
        """Refuse (audited, 403) a query that names organisations whose rows it may not read."""
        readable = grant.own | {a.provider for a in grant.agreements}
        missing = sorted(organisations - readable)
        if not missing:
            return
        error = NoAgreement(
            f"No data sharing agreement in force shares {', '.join(missing)}'s {grant.dataset} "
            f"data with {', '.join(sorted(grant.principal.reader_for())) or 'you'}"
            + (f" for the purpose '{grant.purpose}'" if grant.purpose else "")
            + ". Ask your information governance officer to agree one with "
            f"{', '.join(missing)}."
        )
        self._record_denial(grant.principal, grant.dataset, grant.purpose, error, missing)
        raise error

    def today(self) -> date:
        """Today's date in UTC, the day agreements' dates are compared with."""
        return datetime.now(UTC).date()

    def _record_denial(
        self,
        principal: Principal,
        dataset: str,
        purpose: str | None,
        error: LocalDataError,
        providers: Sequence[str] = (),
    ) -> None:
        """Audit a refusal once for each organisation whose data was asked for, so each one's
        information governance officer sees it (once, without one, when none has rows)."""
        about: list[str | None] = [*providers] or [None]
        with self.database.transaction() as conn:
            for organisation in about:
                self.log.append(
                    conn,
                    "read-denied",
                    actor=principal.actor,
                    organisation=organisation,
                    dataset=dataset,
                    purpose=purpose,
                    details={"reason": error.message},
                )

    def record_read(self, grant: gate.Grant, record_ids: Sequence[str], *, rows: int) -> None:
        """Audit a read of these records (``organisation/file/row``), one entry per provider."""
        grouped: dict[str, dict[str, list[str | int]]] = {}
        for prefix, found in audit.group_records(record_ids).items():
            grouped.setdefault(prefix.split("/", 1)[0], {})[prefix] = found
        self._record(grant, grouped, rows)

    def record_frame(self, grant: gate.Grant, frame: pl.DataFrame) -> None:
        """Audit a read of these rows (a gated frame: organisation, _resource and _row)."""
        self._record(grant, files_read(frame), frame.height)

    def _record(
        self, grant: gate.Grant, grouped: dict[str, dict[str, list[str | int]]], rows: int
    ) -> None:
        if not grant.restricted:
            return
        entries = [
            self._read_entry(grant, organisation, records, rows)
            for organisation, records in sorted(grouped.items()) or [("", {})]
        ]
        self.log.append_alone(self.database, "read", entries)

    def _read_entry(
        self,
        grant: gate.Grant,
        organisation: str,
        records: dict[str, list[str | int]],
        rows: int,
    ) -> audit.EntryFields:
        used = [a for a in grant.agreements if a.provider == organisation]
        own = organisation in grant.own
        count = sum(len(r) for r in records.values())
        kept, room = {}, AUDITED_IDS
        for prefix, found in sorted(records.items()):
            kept[prefix], room = found[: max(room, 0)], room - len(found)
        return {
            "actor": grant.principal.actor,
            "organisation": organisation or None,
            "dataset": grant.dataset,
            "agreement": used[0].id if used and not own else None,
            "purpose": grant.purpose or (used[0].purpose if used and not own else None),
            "rows": count if organisation else rows,
            "records": {p: r for p, r in kept.items() if r},
            "details": {"basis": "own-organisation" if own else "agreement"}
            | ({"agreements": [a.id for a in used]} if len(used) > 1 else {})
            | ({"records_truncated": True} if count > AUDITED_IDS else {}),
        }

    def record_quoted(
        self, principal: Principal, submission: Quoting, what: str, rows: Sequence[int]
    ) -> None:
        """Audit the cell values a submission's report or issues quote, shown to a member of
        the submitting organisation: a read of its own restricted data."""
        organisation = submission.organisation
        records = {f"{organisation}/{submission.resource}": sorted(set(rows))} if rows else {}
        entry: audit.EntryFields = {
            "actor": principal.actor,
            "organisation": organisation,
            "dataset": submission.dataset,
            "rows": len(set(rows)),
            "records": records,
            "details": {"basis": "own-organisation", "of": what, "submission": submission.id},
        }
        self.log.append_alone(self.database, "read", [entry])

    # --- the log --------------------------------------------------------------------------

    def verify(self, witnessed: Sequence[audit.SignedHead] = ()) -> audit.Verification:
        """Check the whole audit log, against its own checkpoints, the interval between
        them, and signed tree heads kept elsewhere (see ``audit.verify``)."""
        with self.database.engine.connect() as conn:
            return audit.verify(conn, self.log.signer, every=self.log.every, witnessed=witnessed)


class _LimitedGuesses:
    """The rate limits a key check passes before its Argon2 work, and spends on a failure."""

    def __init__(self, access: Access, client: str | None) -> None:
        self.limiter = access.limiter
        self.settings = access.settings
        self.client = client

    def before_hashing(self, key_id: str) -> None:
        """Refuse with 429 when any allowance the check would spend is used up."""
        self.limiter.check(f"key:{key_id}", self.settings.rate_limit_per_minute)
        self.limiter.check(f"failed-key:{key_id}", self.settings.api_key_failures_per_minute)
        if self.client is not None:
            self.limiter.check(f"ip:{self.client}", self.settings.anonymous_rate_limit_per_minute)

    def failed(self, key_id: str) -> None:
        """Spend one of the key id's wrong secrets (the client's allowance is spent after)."""
        self.limiter.take(f"failed-key:{key_id}", self.settings.api_key_failures_per_minute)


GROUP_IN_PYTHON = 20_000  # rows: fewer group faster in Python than in a Polars group_by


def files_read(frame: pl.DataFrame) -> dict[str, dict[str, list[str | int]]]:
    """The rows of a frame (organisation, _resource, _row) by organisation and file, each
    file's rows in order: ``{org: {"org/file": [2, 3]}}``.

    A page of a thousand rows groups in Python in about half the time a Polars ``group_by``
    takes, which wakes its thread pool for the job; a large download groups in Polars.
    """
    grouped: dict[str, dict[str, list[str | int]]] = {}
    if frame.height > GROUP_IN_PYTHON:
        files = frame.group_by(gate.ORGANISATION, "_resource").agg(pl.col("_row").sort())
        for org, resource, found in files.iter_rows():
            grouped.setdefault(org, {})[f"{org}/{resource}"] = found
        return grouped
    by_file: dict[tuple[str, str], list[str | int]] = {}
    columns = (frame.get_column(c).to_list() for c in (gate.ORGANISATION, "_resource", "_row"))
    for org, resource, row in zip(*columns, strict=True):
        by_file.setdefault((org, resource), []).append(row)
    for (org, resource), found in by_file.items():
        found.sort()
        grouped.setdefault(org, {})[f"{org}/{resource}"] = found
    return grouped


def _level_and_agreements(conn: Connection, dataset: str) -> tuple[Level, list[Agreement]]:
    """The dataset's level and, when restricted, the agreements sharing it: one query."""
    level = (
        sa.select(dataset_access.c.level)
        .where(dataset_access.c.dataset == dataset)
        .scalar_subquery()
    )
    one = sa.select(sa.literal(1).label("one")).subquery()
    query = sa.select(level.label("level_"), agreements_table).select_from(
        one.outerjoin(agreements_table, level == "restricted")
    )
    rows = conn.execute(query).all()
    found = [Agreement.model_validate(dict(r._mapping)) for r in rows if r.id is not None]
    return (rows[0].level_ or "open"), [a for a in found if dataset in a.datasets]
