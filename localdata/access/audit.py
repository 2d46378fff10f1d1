"""The audit log: append-only, tamper-evident, and written in the caller's transaction.

Every read of restricted data, every denial, sign-in, key change, role change and agreement
change is one entry, appended with ``AuditLog.append(conn, ...)`` on the connection that does
the action, so the action and its entry commit or roll back together. A read has no
transaction of its own: ``AuditLog.append_alone(database, "read", [fields])`` commits its
entries before the rows are handed back.

How it is tamper-evident (see ``merkle.py`` for the tree):

- An entry is canonical JSON (keys sorted, no spaces, UTF-8) holding its own ``seq``. Entry
  ``seq`` is leaf ``seq`` of a Merkle tree in the manner of Certificate Transparency (RFC 9162).
- Every ``audit_checkpoint_every`` entries (and on ``localdata audit checkpoint``) a checkpoint
  records the tree's size and root, signed with the library's Ed25519 key, and is published in
  the same transaction as an ``audit-checkpoint-signed`` event: in the feed, and to every
  webhook subscribed to it (a witness, which keeps the signed tree heads).
- ``verify`` reads every entry, recomputes every leaf, and checks every signed tree head it is
  given against the root at its size, its signature, and the next head by an RFC 9162
  consistency proof: the log's own checkpoints and heads kept elsewhere (the feed, a witness's
  file: ``signed_heads`` reads them). It reports any entry changed, deleted, inserted or moved,
  any head that no longer matches, and more unsigned entries after the newest checkpoint than
  the interval between checkpoints. An owner who holds the signing key can rewrite the log and
  re-sign it, but not take back a head someone else kept: checked against those heads, the
  rewrite shows.
- ``inclusion`` proves one entry is in a signed tree; ``consistency`` proves an older signed
  tree is a prefix of a newer one, so a monitor that kept an old checkpoint can check nothing
  before it was rewritten.

Appends are serialised: each takes its ``seq`` by adding one to the single row of
``audit_head``, which holds that row locked until it commits (and SQLite has one writer), so
``seq`` has no gaps, the order of the tree is the order of commit, and an append that rolls
back gives its number back. ``verify`` checks the head against the entries, so deleting the
newest entries is caught even before a checkpoint covers them. On PostgreSQL an append is one
statement (the head, the entry and its record index together). The service's role may only
INSERT and SELECT the audit tables, and only read and count up the head: see ``grants.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Required, TypedDict, Unpack

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql

from localdata.access import merkle
from localdata.access.signing import Signer, Verifier
from localdata.access.tables import audit_checkpoints, audit_entries, audit_head, audit_records
from localdata.errors import LocalDataError, UsageError
from localdata.store.database import Database
from localdata.store.metadata import UtcDateTime

BATCH = 10_000
MAX_RECORD_ID = 512
INDEXED = ("action", "actor", "organisation", "dataset", "agreement")


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The bytes a leaf hash covers: JSON with sorted keys and no spaces, in UTF-8."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head: the tree's size and root, when, and by which key."""

    size: int
    root: str
    signed_at: datetime
    key_id: str
    signature: str

    def message(self) -> bytes:
        """The bytes the signature covers."""
        return checkpoint_message(self.size, self.root, self.signed_at)

    def to_dict(self) -> dict[str, Any]:
        """The checkpoint as JSON-ready values."""
        return {
            "size": self.size,
            "root": self.root,
            "signed_at": self.signed_at.isoformat(),
            "key_id": self.key_id,
            "signature": self.signature,
        }


def checkpoint_message(size: int, root: str, signed_at: datetime) -> bytes:
    """The text a checkpoint's signature covers: a name, the size, the root and the time."""
    return f"localdata-audit-checkpoint\n{size}\n{root}\n{signed_at.isoformat()}\n".encode()


@dataclass
class Verification:
    """What ``verify`` found: counts, and every problem in plain English."""

    entries: int = 0
    checkpoints: int = 0
    signed_size: int = 0
    witnessed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was wrong."""
        return not self.problems

    @property
    def unsigned(self) -> int:
        """Entries after the newest checkpoint, not yet covered by a signature."""
        return max(self.entries - self.signed_size, 0)


@dataclass(frozen=True)
class InclusionProof:
    """A proof that one entry is leaf ``seq`` of the signed tree of ``size`` entries."""

    seq: int
    entry: dict[str, Any]
    leaf: str
    checkpoint: Checkpoint
    path: list[str]
    valid: bool

    def to_dict(self) -> dict[str, Any]:
        """The proof as JSON-ready values."""
        return {
            "seq": self.seq,
            "entry": self.entry,
            "leaf_hash": self.leaf,
            "checkpoint": self.checkpoint.to_dict(),
            "audit_path": self.path,
            "valid": self.valid,
        }


@dataclass(frozen=True)
class SignedHead:
    """A checkpoint kept outside the log (by a witness, a feed reader, a file): the signed
    tree head, and where it was kept, for the messages."""

    checkpoint: Checkpoint
    kept_in: str


def checkpoint_from(values: Mapping[str, Any]) -> Checkpoint:
    """A checkpoint from its JSON form (``Checkpoint.to_dict``, or an event's data)."""
    signed_at = datetime.fromisoformat(str(values["signed_at"]).replace("Z", "+00:00"))
    size = values["size"]
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("size")
    return Checkpoint(
        size, str(values["root"]), signed_at, str(values["key_id"]), str(values["signature"])
    )


def signed_heads(text: str, kept_in: str) -> list[SignedHead]:
    """The signed tree heads in a file as a witness or a feed reader keeps them.

    Takes JSON (a list, ``{"checkpoints": [...]}`` as ``/api/v1/audit/checkpoints`` answers,
    or ``{"events": [...]}`` as the events feed answers) or JSON Lines; each item is a
    checkpoint or an ``audit-checkpoint-signed`` CloudEvent. Other events are passed over.
    """
    try:
        found = json.loads(text)
        items = found if isinstance(found, list) else _listed(found)
    except ValueError:
        items = [_line(line, n) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    heads = []
    for n, item in enumerate(items, 1):
        values = _head_values(item)
        if values is None:
            continue
        try:
            heads.append(SignedHead(checkpoint_from(values), kept_in))
        except (KeyError, ValueError, TypeError) as error:
            raise UsageError(
                f"Item {n} of {kept_in} is not a signed tree head: it needs size, root, "
                "signed_at, key_id and signature."
            ) from error
    return heads


def _listed(found: Any) -> list[Any]:
    if isinstance(found, dict):
        for key in ("checkpoints", "events"):
            if isinstance(found.get(key), list):
                return list(found[key])
        return [found]
    raise ValueError("not a list or an object")


def _line(line: str, number: int) -> Any:
    try:
        return json.loads(line)
    except ValueError as error:
        raise UsageError(f"Line {number} is not JSON: give JSON or JSON Lines.") from error


def _head_values(item: Any) -> Mapping[str, Any] | None:
    """The checkpoint's values in an item: itself, or a checkpoint event's data."""
    if not isinstance(item, dict):
        return None
    if "specversion" in item or "type" in item:
        data = item.get("data")
        wanted = item.get("type") == CHECKPOINT_EVENT and isinstance(data, dict)
        return data if wanted else None
    return item


CHECKPOINT_EVENT = "audit-checkpoint-signed"


class AuditLog:
    """The audit log of one library: appends entries and signs checkpoints with its key.

    With ``source`` (the CloudEvents source of the library's events), every checkpoint is
    also published, in its transaction, as an ``audit-checkpoint-signed`` event: in the feed,
    and to every webhook subscribed to it (a witness), where the operator cannot take it back.
    """

    def __init__(self, signer: Signer, every: int = 100, source: str | None = None) -> None:
        self.signer = signer
        self.every = every
        self.source = source

    def append(self, conn: Connection, action: str, **fields: Unpack[EntryFields]) -> int:
        """Append one entry in the caller's transaction and return its ``seq``.

        Name the records read either as ``record_ids`` or already grouped, as ``records``
        (``{"org/file": [rows]}``, see ``group_records``).
        """
        entry = new_entry(action, **fields)
        if conn.dialect.name == "postgresql":
            seq = _append_in_one_statement(conn, entry)
        else:
            seq = _take_seq(conn)
            conn.execute(_INSERT_ENTRY, _columns(entry | {"seq": seq}))
            if entry["records"]:
                named = entry["records"]
                dataset = entry["dataset"] or ""
                indexed = [{"dataset": dataset, "record_id": p, "seq": seq} for p in named]
                conn.execute(_INSERT_RECORDS, indexed)
        if (seq + 1) % self.every == 0:
            self.checkpoint(conn)
        return seq

    def append_alone(
        self, database: Database, action: str, entries: Sequence[EntryFields]
    ) -> list[int]:
        """Append entries (``append``'s keywords, one mapping each) in a transaction of their
        own, committed when this returns: for an action with no transaction to join, a read.

        On PostgreSQL one entry is one statement committed as it runs, a single round trip to
        the database where a transaction around it takes three; a checkpoint that falls due is
        then signed in a transaction after it.
        """
        if len(entries) != 1 or database.engine.dialect.name != "postgresql":
            with database.transaction() as conn:
                return [self.append(conn, action, **fields) for fields in entries]
        entry = new_entry(action, **entries[0])
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            seq = _append_in_one_statement(conn, entry)
        if (seq + 1) % self.every == 0:
            with database.transaction() as conn:
                self.checkpoint(conn)
        return [seq]

    def checkpoint(self, conn: Connection) -> Checkpoint | None:
        """Sign the tree as it is now, unless the newest checkpoint already covers it."""
        size = next_seq(conn, lock=True)
        last = conn.execute(
            sa.select(audit_checkpoints).order_by(audit_checkpoints.c.size.desc()).limit(1)
        ).first()
        start = merkle.Frontier()
        if last is not None:
            if last.size >= size:
                return _checkpoint(last)
            start = merkle.Frontier(last.size, tuple(bytes.fromhex(h) for h in last.frontier))
        frontier = start.extend([leaf for _, leaf in _leaves(conn, start.size, size)])
        root = frontier.root().hex()
        signed_at = datetime.now(UTC)
        signature = self.signer.sign(checkpoint_message(size, root, signed_at)).hex()
        values = {
            "size": size,
            "root": root,
            "signed_at": signed_at,
            "key_id": self.signer.key_id,
            "signature": signature,
            "frontier": [node.hex() for node in frontier.nodes],
        }
        conn.execute(sa.insert(audit_checkpoints).values(values))
        signed = Checkpoint(size, root, signed_at, self.signer.key_id, signature)
        if self.source is not None:
            _publish(conn, signed, self.source)
        return signed


def _publish(conn: Connection, checkpoint: Checkpoint, source: str) -> None:
    """Publish a checkpoint as an event, in the transaction that signs it."""
    from localdata.events.outbox import emit  # events reads access: no cycle
    from localdata.events.types import AuditCheckpointSigned

    event = AuditCheckpointSigned(
        size=checkpoint.size,
        root=checkpoint.root,
        signed_at=checkpoint.signed_at,
        key_id=checkpoint.key_id,
        signature=checkpoint.signature,
    )
    emit(conn, event, source=source)


class EntryFields(TypedDict, total=False):
    """What an entry says besides its action: who did it, to what, why, and when."""

    actor: Required[str]
    organisation: str | None
    dataset: str | None
    agreement: str | None
    purpose: str | None
    rows: int | None
    record_ids: Sequence[str]
    records: Mapping[str, Sequence[str | int]] | None
    details: Mapping[str, Any] | None
    at: datetime | None


def new_entry(action: str, **fields: Unpack[EntryFields]) -> dict[str, Any]:
    """An entry as ``append`` records it, all but its ``seq``, which the append gives it."""
    grouped = group_records(fields.get("record_ids", ()))
    for prefix, found in (fields.get("records") or {}).items():
        grouped[prefix[:MAX_RECORD_ID]] = list(found)
    return {
        "recorded_at": (fields.get("at") or datetime.now(UTC)).astimezone(UTC).isoformat(),
        "action": action,
        "actor": fields["actor"],
        **{name: fields.get(name) for name in ("organisation", "dataset", "agreement")},
        "purpose": fields.get("purpose"),
        "rows": fields.get("rows"),
        "records": dict(sorted(grouped.items())),
        "details": dict(fields.get("details") or {}),
    }


def group_records(record_ids: Iterable[str]) -> dict[str, list[str | int]]:
    """Record identifiers grouped by all but their last part: ``{"org/file": [2, 3]}``.

    A read of a thousand rows of one file is then one short list of row numbers, which keeps
    entries small; ``audit_records`` indexes each group (organisation and file).
    """
    grouped: dict[str, dict[str | int, None]] = {}
    for record_id in record_ids:
        prefix, _, last = str(record_id)[:MAX_RECORD_ID].rpartition("/")
        grouped.setdefault(prefix, {})[int(last) if last.isdigit() else last] = None
    return {prefix: list(rows) for prefix, rows in sorted(grouped.items())}


# Nothing can be appended without the head (so restricted reads, which are audited, stop).
HEAD_MISSING = (
    "The audit log cannot record anything: its head row (audit_head, the count of entries) "
    "is missing. Run `localdata audit verify` and restore the row from a backup."
)

# Built once: every read of restricted data appends an entry, so the statements stay compiled.
_INSERT_ENTRY = sa.insert(audit_entries)
_INSERT_RECORDS = sa.insert(audit_records)
_TAKE_SEQ = (
    sa.update(audit_head)
    .where(audit_head.c.id == 1)
    .values(size=audit_head.c.size + 1)
    .returning((audit_head.c.size - 1).label("seq"))
)
_SIZE = sa.select(audit_head.c.size).where(audit_head.c.id == 1)


def _take_seq(conn: Connection) -> int:
    """The next ``seq``, counted up on the head row, which stays locked until commit."""
    seq = conn.execute(_TAKE_SEQ).scalar()
    if seq is None:
        raise LocalDataError(HEAD_MISSING)
    return int(seq)


def next_seq(conn: Connection, *, lock: bool = False) -> int:
    """The ``seq`` the next entry gets, which is the number of entries appended so far;
    with ``lock``, the head is held until the transaction ends, so no append comes between."""
    size = conn.execute(_SIZE.with_for_update() if lock else _SIZE).scalar()
    if size is None:
        raise LocalDataError(HEAD_MISSING)
    return int(size)


def _one_statement() -> sa.Select[int]:
    """PostgreSQL: count up the head, insert the entry and index its records in one statement,
    returning the entry's ``seq``. The entry's text ends with its ``seq`` (the last key in
    canonical order), so the database appends the number it took to the text it was given."""
    head = _TAKE_SEQ.cte("head")
    text = sa.bindparam("entry_text", type_=sa.Text) + sa.cast(head.c.seq, sa.Text) + "}"
    values = [sa.bindparam(name, type_=audit_entries.c[name].type) for name in INDEXED]
    recorded_at = sa.bindparam("recorded_at", type_=UtcDateTime)
    entry = (
        sa.insert(audit_entries)
        .from_select(
            ["seq", "recorded_at", *INDEXED, "entry"],
            sa.select(head.c.seq, recorded_at, *values, text),
        )
        .returning(audit_entries.c.seq)
        .cte("entry")
    )
    record_ids = sa.func.unnest(sa.bindparam("record_ids", type_=postgresql.ARRAY(sa.Text)))
    indexed = (
        sa.insert(audit_records)
        .from_select(
            ["dataset", "record_id", "seq"],
            sa.select(sa.bindparam("records_dataset", type_=sa.Text), record_ids, entry.c.seq),
        )
        .cte("indexed")
    )
    return sa.select(entry.c.seq).add_cte(indexed)


_APPEND = _one_statement()


def _append_in_one_statement(conn: Connection, entry: Mapping[str, Any]) -> int:
    assert max(entry) < "seq", "seq must sort last in an entry for its text to end with it"
    text = _text(entry)[:-1] + ',"seq":'
    seq = conn.execute(
        _APPEND,
        {
            **{name: entry[name] for name in INDEXED},
            "recorded_at": datetime.fromisoformat(entry["recorded_at"]),
            "entry_text": text,
            "record_ids": list(entry["records"]),
            "records_dataset": entry["dataset"] or "",
        },
    ).scalar()
    if seq is None:
        raise LocalDataError(HEAD_MISSING)
    return int(seq)


def _columns(entry: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: entry[k] for k in INDEXED}
    recorded_at = datetime.fromisoformat(entry["recorded_at"])
    return {**values, "seq": entry["seq"], "recorded_at": recorded_at, "entry": _text(entry)}


def _text(entry: Mapping[str, Any]) -> str:
    return canonical(entry).decode()


def _checkpoint(row: sa.Row[Any]) -> Checkpoint:
    return Checkpoint(row.size, row.root, row.signed_at, row.key_id, row.signature)


def _leaves(conn: Connection, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
    """(seq, leaf hash) of the stored entries with ``start <= seq < stop``, in order."""
    query = (
        sa.select(audit_entries.c.seq, audit_entries.c.entry)
        .where(audit_entries.c.seq >= start, audit_entries.c.seq < stop)
        .order_by(audit_entries.c.seq)
    )
    for row in conn.execute(query.execution_options(yield_per=BATCH)):
        yield int(row.seq), merkle.leaf_hash(row.entry.encode())


def checkpoints(conn: Connection) -> list[Checkpoint]:
    """Every checkpoint, oldest first."""
    query = sa.select(audit_checkpoints).order_by(audit_checkpoints.c.size)
    return [_checkpoint(row) for row in conn.execute(query)]


# --- verifying ------------------------------------------------------------------------------


def verify(
    conn: Connection,
    verifier: Verifier,
    *,
    every: int | None = None,
    witnessed: Sequence[SignedHead] = (),
) -> Verification:
    """Recompute the tree from every entry and check it against every signed tree head.

    The heads are the log's own checkpoints and ``witnessed``, those kept elsewhere (the
    events feed, a witness's file): each must be signed by the library's key, must match the
    root the entries give at its size, and each two successive heads must pass the RFC 9162
    consistency proof between them. With ``every`` (the checkpoint interval), more entries
    than that after the newest checkpoint are a problem too: a checkpoint was deleted, or
    signing failed.
    """
    result = Verification()
    before = conn.execute(_SIZE).scalar()  # read before the entries: appends only add to them
    signed = checkpoints(conn)
    heads: dict[int, list[SignedHead]] = {}
    for checkpoint in signed:
        heads.setdefault(checkpoint.size, []).append(SignedHead(checkpoint, OWN))
    for head in witnessed:
        heads.setdefault(head.checkpoint.size, []).append(head)
    frontier, since, last = merkle.Frontier(), list[bytes](), max(heads, default=0)
    previous: tuple[merkle.Frontier, list[SignedHead]] | None = None
    for head in heads.get(0, []):
        _check_head(head, frontier.root(), verifier, result)
    for expected, row in enumerate(_entry_rows(conn)):
        result.problems.extend(_entry_problems(expected, row))
        leaf = merkle.leaf_hash(row.entry.encode())
        frontier = frontier.append(leaf)
        if frontier.size <= last:  # the leaves since the last head, for the next proof
            since.append(leaf)
        here = heads.get(frontier.size)
        if here:
            for head in here:
                _check_head(head, frontier.root(), verifier, result)
            if previous is not None:
                result.problems.extend(_consistency_problems(*previous, since, here))
            previous, since = (frontier, here), []
    result.entries = frontier.size
    result.checkpoints = len(signed)
    result.witnessed = len(witnessed)
    result.signed_size = max((c.size for c in signed), default=0)
    for size in sorted(n for n in heads if n > frontier.size):
        for head in heads[size]:
            result.problems.append(
                f"{_named(head)}, but only {frontier.size} entries are left: entries were deleted."
            )
    if every is not None and result.unsigned > every:
        result.problems.append(
            f"{result.unsigned} entries after the newest checkpoint are not signed, more than "
            f"the {every} between checkpoints: a checkpoint was deleted, or signing it failed. "
            "If nothing else is wrong, sign one with `localdata audit checkpoint`."
        )
    after = conn.execute(_SIZE).scalar()  # and after them: it counts every one of them
    result.problems.extend(_head_problems(before, after, frontier.size))
    result.problems.extend(_record_problems(conn))
    return result


OWN = "the log's own checkpoints"


def _named(head: SignedHead) -> str:
    size = head.checkpoint.size
    if head.kept_in == OWN:
        return f"Checkpoint of {size} entries"
    return f"The signed tree head of {size} entries kept in {head.kept_in}"


def _consistency_problems(
    old: merkle.Frontier,
    old_heads: Sequence[SignedHead],
    new_leaves: Sequence[bytes],
    new_heads: Sequence[SignedHead],
) -> list[str]:
    """Check the RFC 9162 consistency proof between two successive sizes' signed heads."""
    first, second = old.size, old.size + len(new_leaves)
    if first == 0:
        return []
    proof = merkle.consistency_proof_from(old, new_leaves)
    problems = []
    for old_root in sorted({h.checkpoint.root for h in old_heads}):
        for new_root in sorted({h.checkpoint.root for h in new_heads}):
            older, newer = _hash(old_root), _hash(new_root)
            if older and newer and merkle.verify_consistency(first, second, older, newer, proof):
                continue
            problems.append(
                f"The RFC 9162 consistency proof from the signed tree head of {first} entries "
                f"(root {old_root[:16]}…) to that of {second} entries (root {new_root[:16]}…), "
                f"made from the entries as they are now, fails: the log up to entry "
                f"{second - 1} is not the one those heads signed."
            )
    return problems


def _head_problems(before: int | None, after: int | None, stored: int) -> list[str]:
    """The head counts every entry appended, and only ever grows: read before the entries it
    may not count fewer than are stored, and read after them it may not count more."""
    if before is None or after is None:
        return ["The audit log's head row (audit_head, the count of entries) is missing."]
    if before > stored:
        return [
            f"The log's head counts {before} entries appended, but only {stored} are stored: "
            f"{before - stored} were deleted, or the head was changed."
        ]
    if after < stored:
        return [
            f"The log's head counts {after} entries appended, but {stored} are stored: "
            "the head was changed."
        ]
    return []


def _entry_rows(conn: Connection) -> Iterator[sa.Row[Any]]:
    query = sa.select(audit_entries).order_by(audit_entries.c.seq)
    yield from conn.execute(query.execution_options(yield_per=BATCH))


def _entry_problems(expected: int, row: sa.Row[Any]) -> list[str]:
    """What is wrong with one stored entry: a gap before it, or columns that disagree."""
    problems = []
    if row.seq != expected:
        problems.append(f"Entry {expected} is missing: the next stored entry is {row.seq}.")
    try:
        entry = json.loads(row.entry)
    except ValueError:
        return [*problems, f"Entry {row.seq} is not valid JSON: it was changed."]
    if not isinstance(entry, dict) or entry.get("seq") != row.seq:
        return [*problems, f"Entry {row.seq} holds the entry of another position: it was moved."]
    if row.entry != _text(entry):
        problems.append(f"Entry {row.seq} is not in canonical form: it was changed.")
    stored = {k: getattr(row, k) for k in INDEXED}
    if stored != {k: entry.get(k) for k in INDEXED}:
        problems.append(f"Entry {row.seq}: its searchable columns disagree with the entry.")
    if row.recorded_at != datetime.fromisoformat(entry.get("recorded_at", "")):
        problems.append(f"Entry {row.seq}: its recorded_at column disagrees with the entry.")
    return problems


def _check_head(head: SignedHead, root: bytes, verifier: Verifier, result: Verification) -> None:
    """A signed head must name the root the entries give at its size, by this library's key."""
    checkpoint, named = head.checkpoint, _named(head)
    if checkpoint.root != root.hex():
        result.problems.append(
            f"{named} signed root {checkpoint.root[:16]}…, but the entries now give "
            f"{root.hex()[:16]}…: an entry up to {checkpoint.size - 1} was changed, deleted, "
            "inserted or moved."
        )
    if checkpoint.key_id != verifier.key_id:
        result.problems.append(
            f"{named} was signed by key {checkpoint.key_id}, not this library's key "
            f"{verifier.key_id}."
        )
    elif not _valid_signature(checkpoint, verifier):
        result.problems.append(f"{named} has a bad signature.")


def _hash(text: str) -> bytes | None:
    """A hash written in hex, or None when it is not one (a head that was tampered with)."""
    try:
        found = bytes.fromhex(text)
    except ValueError:
        return None
    return found if len(found) == merkle.HASH_BYTES else None


def _valid_signature(checkpoint: Checkpoint, verifier: Verifier) -> bool:
    try:
        signature = bytes.fromhex(checkpoint.signature)
    except ValueError:
        return False
    return verifier.verify(checkpoint.message(), signature)


def _record_problems(conn: Connection) -> list[str]:
    """Record identifiers indexed for an entry must be exactly those the entry names."""
    problems = []
    indexed: dict[int, set[tuple[str, str]]] = {}
    for row in conn.execute(sa.select(audit_records)):
        indexed.setdefault(int(row.seq), set()).add((row.dataset, row.record_id))
    query = sa.select(audit_entries.c.seq, audit_entries.c.entry).order_by(audit_entries.c.seq)
    for row in conn.execute(query.execution_options(yield_per=BATCH)):
        try:
            entry = json.loads(row.entry)
            named = {(entry.get("dataset") or "", p) for p in entry.get("records", {})}
        except (ValueError, AttributeError, TypeError):
            continue  # reported by _entry_problems
        if indexed.pop(int(row.seq), set()) != named:
            problems.append(f"Entry {row.seq}: its indexed record identifiers were changed.")
    problems.extend(f"Record index names entry {seq}, which is missing." for seq in indexed)
    return problems


# --- proofs ---------------------------------------------------------------------------------


def entry(conn: Connection, seq: int) -> dict[str, Any]:
    """One entry, as recorded."""
    row = conn.execute(sa.select(audit_entries.c.entry).where(audit_entries.c.seq == seq)).first()
    if row is None:
        raise UsageError(f"The audit log has no entry {seq}.")
    found: dict[str, Any] = json.loads(row.entry)
    return found


def inclusion(conn: Connection, seq: int, verifier: Verifier) -> InclusionProof:
    """A proof that entry ``seq`` is in the smallest signed tree that holds it."""
    recorded = entry(conn, seq)
    covering = [c for c in checkpoints(conn) if c.size > seq]
    if not covering:
        raise UsageError(
            f"Entry {seq} is not yet covered by a signed checkpoint. Sign one with "
            "`localdata audit checkpoint`, then ask again."
        )
    checkpoint = covering[0]
    leaves = [leaf for _, leaf in _leaves(conn, 0, checkpoint.size)]
    leaf = merkle.leaf_hash(canonical(recorded))
    path = merkle.inclusion_proof(seq, leaves)
    valid = merkle.verify_inclusion(
        seq, checkpoint.size, leaf, path, bytes.fromhex(checkpoint.root)
    ) and verifier.verify(checkpoint.message(), bytes.fromhex(checkpoint.signature))
    return InclusionProof(seq, recorded, leaf.hex(), checkpoint, [p.hex() for p in path], valid)


def consistency(conn: Connection, first: int, second: int) -> list[str]:
    """The proof that the signed tree of ``first`` entries is a prefix of that of ``second``."""
    sizes = {c.size for c in checkpoints(conn)}
    if first not in sizes or second not in sizes or not 0 < first <= second:
        raise UsageError("Give the sizes of two checkpoints, the smaller first.")
    leaves = [leaf for _, leaf in _leaves(conn, 0, second)]
    return [p.hex() for p in merkle.consistency_proof(first, leaves)]


# --- reading --------------------------------------------------------------------------------


def entries(
    conn: Connection,
    *,
    organisation: str | None = None,
    actor: str | None = None,
    actions: Iterable[str] | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Entries, newest first, optionally about one organisation, by one actor or of actions."""
    query = sa.select(audit_entries.c.entry).order_by(audit_entries.c.seq.desc()).limit(limit)
    if organisation is not None:
        query = query.where(audit_entries.c.organisation == organisation)
    if actor is not None:
        query = query.where(audit_entries.c.actor == actor)
    if actions is not None:
        query = query.where(audit_entries.c.action.in_(list(actions)))
    if before is not None:
        query = query.where(audit_entries.c.seq < before)
    return [json.loads(row.entry) for row in conn.execute(query)]


def accesses_to(
    conn: Connection, dataset: str, record_id: str, *, limit: int = 100
) -> list[dict[str, Any]]:
    """Every recorded read of one record, newest first: who, when, under which agreement, why."""
    prefix, _, last = record_id[:MAX_RECORD_ID].rpartition("/")
    row: str | int = int(last) if last.isdigit() else last
    query = (
        sa.select(audit_entries.c.entry)
        .join(audit_records, audit_records.c.seq == audit_entries.c.seq)
        .where(audit_records.c.dataset == dataset, audit_records.c.record_id == prefix)
        .order_by(audit_entries.c.seq.desc())
    )
    found = []
    for stored in conn.execute(query.execution_options(yield_per=BATCH)):
        entry = json.loads(stored.entry)
        if row in entry.get("records", {}).get(prefix, []):
            found.append({k: v for k, v in entry.items() if k != "records"})
            if len(found) == limit:
                break
    return found
