"""Every kind of change event, declared once, and the CloudEvents 1.0 envelope they travel in.

Each event type is a frozen dataclass with a kebab-case ``type`` and a docstring; its fields
are the event's ``data``. Data holds references (ids, names, dates) and counts, never personal
data and never the contents of a dataset: a subscriber that needs the rows fetches them through
the API, where the access gate and the audit log apply.

Every event names the ``dataset`` and ``organisation`` it is about, when it is about one; both
travel as CloudEvents extension attributes, so subscribers and the feed can filter on them
without reading ``data``. ``docs/events.md`` and the AsyncAPI document are generated from these
declarations (``python -m tools.docs``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, get_args

SPECVERSION = "1.0"
DATACONTENTTYPE = "application/json"


@dataclass(frozen=True, kw_only=True)
class Event:
    """A change in the library; subclasses declare each kind."""

    type: ClassVar[str]
    title: ClassVar[str]
    dataset: str | None = None
    organisation: str | None = None

    @property
    def subject(self) -> str | None:
        """What the event is about, as a path under ``/api/v1/`` when there is one."""
        return None

    def data(self) -> dict[str, Any]:
        """The event's data: its own fields as JSON-ready values."""
        values = {f.name: getattr(self, f.name) for f in data_fields(type(self))}
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


@dataclass(frozen=True, kw_only=True)
class VersionPublished(Event):
    """An organisation's file was checked and published as the new version of a dataset.

    For a periodic standard (such as spend), ``period`` is the reporting period the file covers
    (``2025-03``, ``2025-Q1``, ``2024/25``); the file replaced only that period's rows.
    ``replaced_versions`` are the earlier versions it took rows out of, and ``replaced_rows``
    how many rows it took out in all.
    """

    type: ClassVar[str] = "version-published"
    title: ClassVar[str] = "Version published"
    submission: int
    standard_version: str
    rows: int
    warnings: int
    infos: int
    period: str | None = None
    replaced_versions: list[int] = dataclasses.field(default_factory=list)
    replaced_rows: int = 0

    @property
    def subject(self) -> str:
        """The version: ``datasets/{dataset}/versions/{submission}``."""
        return f"datasets/{self.dataset}/versions/{self.submission}"


@dataclass(frozen=True, kw_only=True)
class SubmissionFailed(Event):
    """A submitted file had something that must be fixed, so it was not published."""

    type: ClassVar[str] = "submission-failed"
    title: ClassVar[str] = "Submission failed its check"
    submission: int
    standard_version: str
    rows: int
    errors: int
    warnings: int

    @property
    def subject(self) -> str:
        """The rejected submission: ``datasets/{dataset}/versions/{submission}``."""
        return f"datasets/{self.dataset}/versions/{self.submission}"


@dataclass(frozen=True, kw_only=True)
class SourceFailing(Event):
    """A source failed to bring a usable file, after working or at its first collection."""

    type: ClassVar[str] = "source-failing"
    title: ClassVar[str] = "Source started failing"
    source: int
    attempt: int
    http_status: int | None = None

    @property
    def subject(self) -> str:
        """The source: ``sources/{source}``."""
        return f"sources/{self.source}"


@dataclass(frozen=True, kw_only=True)
class SourceRecovered(Event):
    """A failing source brought a usable file again."""

    type: ClassVar[str] = "source-recovered"
    title: ClassVar[str] = "Source recovered"
    source: int
    attempt: int
    failing_since: dt.datetime

    @property
    def subject(self) -> str:
        """The source: ``sources/{source}``."""
        return f"sources/{self.source}"


@dataclass(frozen=True, kw_only=True)
class OrganisationOverdue(Event):
    """An organisation has had no valid version of a dataset within the time its standard sets."""

    type: ClassVar[str] = "organisation-overdue"
    title: ClassVar[str] = "Organisation overdue"
    source: int
    due_by: dt.datetime

    @property
    def subject(self) -> str:
        """The organisation: ``organisations/{organisation}``."""
        return f"organisations/{self.organisation}"


@dataclass(frozen=True, kw_only=True)
class StandardVersioned(Event):
    """A new version of a data standard was added to the library (``dataset`` is its name)."""

    type: ClassVar[str] = "standard-versioned"
    title: ClassVar[str] = "Standard versioned"
    standard: str
    version: str
    previous_version: str | None = None

    @property
    def subject(self) -> str:
        """The standard: ``standards/{standard}``."""
        return f"standards/{self.standard}"


@dataclass(frozen=True, kw_only=True)
class AgreementChanged(Event):
    """A data sharing agreement was proposed, signed, made active or suspended.

    ``organisation`` is the provider; the agreement's public register entry has the rest.
    """

    type: ClassVar[str] = "agreement-changed"
    title: ClassVar[str] = "Agreement changed"
    agreement: str
    state: str
    change: str
    datasets: list[str] = dataclasses.field(default_factory=list)

    @property
    def subject(self) -> str:
        """The agreement: ``agreements/{agreement}``."""
        return f"agreements/{self.agreement}"


@dataclass(frozen=True, kw_only=True)
class AuditCheckpointSigned(Event):
    """The audit log's Merkle tree was signed: a signed tree head for anyone to keep.

    ``size`` entries give the tree ``root`` (hex SHA-256, RFC 9162), signed at ``signed_at``
    with the library's Ed25519 key ``key_id``; ``signature`` (hex) covers the text
    ``localdata-audit-checkpoint``, the size, the root and the time, one a line. Keep every one,
    as a witness does: ``localdata audit verify --against FILE`` then shows whether the log was
    rewritten after the head was published. The public key is at ``/api/v1/audit/checkpoints``.
    """

    type: ClassVar[str] = "audit-checkpoint-signed"
    title: ClassVar[str] = "Audit checkpoint signed"
    size: int
    root: str
    signed_at: dt.datetime
    key_id: str
    signature: str

    @property
    def subject(self) -> str:
        """The audit log's checkpoints: ``audit/checkpoints``."""
        return "audit/checkpoints"


EVENT_TYPES: dict[str, type[Event]] = {
    kind.type: kind
    for kind in (
        VersionPublished,
        SubmissionFailed,
        SourceFailing,
        SourceRecovered,
        OrganisationOverdue,
        StandardVersioned,
        AgreementChanged,
        AuditCheckpointSigned,
    )
}


TypeName = Literal[
    "version-published",
    "submission-failed",
    "source-failing",
    "source-recovered",
    "organisation-overdue",
    "standard-versioned",
    "agreement-changed",
    "audit-checkpoint-signed",
]
if set(get_args(TypeName)) != set(EVENT_TYPES):  # pragma: no cover  # caught at import
    raise RuntimeError("TypeName must list every declared event type")


def data_fields(kind: type[Event]) -> list[dataclasses.Field[Any]]:
    """The fields of an event type that go in its data (not ``dataset`` or ``organisation``)."""
    return [f for f in dataclasses.fields(kind) if f.name not in ("dataset", "organisation")]


def field_types(kind: type[Event]) -> dict[str, Any]:
    """The resolved type of each data field of an event type."""
    hints = typing.get_type_hints(kind)
    return {f.name: hints[f.name] for f in data_fields(kind)}


def json_schema(annotation: Any) -> dict[str, Any]:
    """The JSON Schema of a data field's type (the few types events use)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        schemas = [json_schema(a) for a in args if a is not type(None)]
        found = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
        return {"anyOf": [found, {"type": "null"}]} if type(None) in args else found
    if typing.get_origin(annotation) is list:
        return {"type": "array", "items": json_schema(args[0])}
    simple: dict[Any, dict[str, Any]] = {
        str: {"type": "string"},
        int: {"type": "integer"},
        bool: {"type": "boolean"},
        dt.datetime: {"type": "string", "format": "date-time"},
        dt.date: {"type": "string", "format": "date"},
    }
    return simple[annotation]


def describe(kind: type[Event]) -> str:
    """The first paragraph of an event type's docstring, on one line."""
    doc = (kind.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(doc.split())


@dataclass(frozen=True)
class CloudEvent:
    """An event as delivered: the CloudEvents 1.0 attributes and its data."""

    id: str
    source: str
    type: str
    time: dt.datetime
    subject: str | None
    dataset: str | None
    organisation: str | None
    data: dict[str, Any]
    specversion: str = SPECVERSION
    datacontenttype: str = DATACONTENTTYPE

    @classmethod
    def wrap(cls, event: Event, source: str, time: dt.datetime | None = None) -> CloudEvent:
        """The envelope for a new event from ``source``, with a fresh id."""
        return cls(
            id=f"evt_{uuid.uuid4().hex}",
            source=source,
            type=event.type,
            time=time or dt.datetime.now(dt.UTC),
            subject=event.subject,
            dataset=event.dataset,
            organisation=event.organisation,
            data=event.data(),
        )

    def to_dict(self) -> dict[str, Any]:
        """The event as CloudEvents JSON (structured mode), leaving out absent attributes."""
        body: dict[str, Any] = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "datacontenttype": self.datacontenttype,
        }
        for name in ("subject", "dataset", "organisation"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        return body | {"data": self.data}
