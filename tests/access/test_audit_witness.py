"""An audit log that cannot be rewritten quietly (issue 15).

The attack: as the database's owner, with the signing key in the data folder, delete an entry
and the checkpoints after it, renumber the later entries, fix their canonical JSON and the
head, then sign a new checkpoint with `localdata audit checkpoint`. The log's own checkpoints
then agree with it, so `localdata audit verify` said "The audit log is intact". Every
checkpoint is now also published (the events feed, and webhooks to witnesses), and `verify`
checks the log against the published heads, so the rewrite is caught.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from localdata.access import audit, keys, merkle
from localdata.access.signing import Signer
from localdata.access.tables import audit_checkpoints, audit_entries, audit_head, audit_records
from localdata.errors import UsageError
from localdata.events import webhooks
from localdata.events.tables import attempts, deliveries, events
from localdata.settings import Settings
from localdata.store.database import Database
from localdata.store.library import Library
from tests.cli.test_check_command import run_cli
from tests.events.conftest import event_settings, worker
from tests.events.receiver import running_receiver

EVERY = 5
SIGNER = Signer.generate()
CHECKPOINT = "audit-checkpoint-signed"


@pytest.fixture
def cli_library(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings the command line reads from the environment, checkpointing every 5."""
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOCALDATA_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("LOCALDATA_AUDIT_CHECKPOINT_EVERY", str(EVERY))
    return settings.model_copy(update={"audit_checkpoint_every": EVERY})


def sign_ins(library: Library, count: int) -> None:
    with library.access.transaction() as conn:
        for i in range(count):
            library.access.log.append(conn, "sign-in", actor=f"user:usr_{i}")


def rewrite(database: Database, gone: int) -> None:
    """The attack, as the owner: entry ``gone`` and every checkpoint after it deleted, the
    later entries renumbered with their canonical JSON fixed, and the head counted back."""
    with database.transaction() as conn:
        later = conn.execute(
            sa.select(audit_entries).where(audit_entries.c.seq > gone).order_by("seq")
        ).all()
        conn.execute(sa.delete(audit_records).where(audit_records.c.seq >= gone))
        conn.execute(sa.delete(audit_entries).where(audit_entries.c.seq >= gone))
        conn.execute(sa.delete(audit_checkpoints).where(audit_checkpoints.c.size > gone))
        for row in later:
            entry = json.loads(row.entry) | {"seq": row.seq - 1}
            text = audit.canonical(entry).decode()
            values = dict(row._mapping) | {"seq": row.seq - 1, "entry": text}
            conn.execute(sa.insert(audit_entries).values(values))
        conn.execute(sa.update(audit_head).values(size=audit_head.c.size - 1))


def test_audit_rewrite_and_resign_is_caught_by_the_published_checkpoints(
    cli_library: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Library(cli_library)
    sign_ins(library, 12)  # checkpoints of 5 and 10 entries, each published in the feed
    rewrite(library.database, 3)
    library.close()
    code, out, _ = run_cli(["audit", "checkpoint"], capsys, monkeypatch)
    assert code == 0 and "Signed the tree of 11 entries" in out
    code, out, _ = run_cli(["audit", "verify"], capsys, monkeypatch)
    assert code == 1, out
    assert "The audit log is intact" not in out
    assert "The signed tree head of 5 entries kept in the events feed" in out
    assert "consistency proof from the signed tree head of 5 entries" in out


def test_audit_rewrite_with_the_feed_deleted_too_is_caught_against_a_witness(
    cli_library: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = Library(event_settings(cli_library))
    with library.access.transaction() as conn:
        _, secret = keys.create_key(
            conn, library.access.log, name="w", scopes=["read"], actor="test", organisation="x"
        )
    witness = library.access.key_principal(secret)
    with running_receiver() as receiver:
        webhooks.create_subscription(library, witness, url=receiver.url, types=[CHECKPOINT])
        with worker(library):
            sign_ins(library, 12)
            posts = receiver.wait_for(2)
    kept = tmp_path / "witness.jsonl"  # the witness keeps each CloudEvent it was sent
    kept.write_bytes(b"\n".join(post.body for post in posts))
    rewrite(library.database, 3)
    with library.database.transaction() as conn:  # a thorough owner empties the feed too
        conn.execute(sa.delete(attempts))
        conn.execute(sa.delete(deliveries))
        conn.execute(sa.delete(events).where(events.c.type == CHECKPOINT))
    library.close()
    assert run_cli(["audit", "checkpoint"], capsys, monkeypatch)[0] == 0
    code, out, _ = run_cli(["audit", "verify", "--against", str(kept)], capsys, monkeypatch)
    assert code == 1, out
    assert f"The signed tree head of 10 entries kept in {kept}" in out


def test_audit_verify_fails_when_more_than_the_interval_is_unsigned(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=EVERY)
    with database.transaction() as conn:
        for i in range(12):
            log.append(conn, "sign-in", actor=f"user:usr_{i}")
    with database.transaction() as conn:
        assert audit.verify(conn, SIGNER, every=EVERY).ok
        conn.execute(sa.delete(audit_checkpoints).where(audit_checkpoints.c.size == 10))
        found = audit.verify(conn, SIGNER, every=EVERY)
    assert found.unsigned == 7
    assert found.problems == [
        "7 entries after the newest checkpoint are not signed, more than the 5 between "
        "checkpoints: a checkpoint was deleted, or signing it failed. If nothing else is "
        "wrong, sign one with `localdata audit checkpoint`."
    ]


def test_audit_verify_proves_successive_signed_heads_consistent(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=EVERY)
    with database.transaction() as conn:
        for i in range(12):
            log.append(conn, "sign-in", actor=f"user:usr_{i}")
        first, second = audit.checkpoints(conn)
    forged_root = merkle.tree_head([merkle.leaf_hash(b"another history")] * 5).hex()
    forged = audit.Checkpoint(5, forged_root, first.signed_at, SIGNER.key_id, "")
    forged = audit.Checkpoint(
        5,
        forged_root,
        first.signed_at,
        SIGNER.key_id,
        SIGNER.sign(forged.message()).hex(),  # whoever holds the key can sign any head
    )
    heads = [audit.SignedHead(forged, "a witness"), audit.SignedHead(second, "a witness")]
    with database.transaction() as conn:
        problems = audit.verify(conn, SIGNER, witnessed=heads).problems
    assert any("kept in a witness signed root" in p for p in problems)
    inconsistent = (
        f"consistency proof from the signed tree head of 5 entries (root {forged_root[:16]}"
    )
    assert any(inconsistent in p for p in problems)
    assert all("has a bad signature" not in p for p in problems)


def test_audit_checkpoints_are_published_as_events_to_witnesses(settings: Settings) -> None:
    library = Library(settings.model_copy(update={"audit_checkpoint_every": EVERY}))
    with library.access.transaction() as conn:
        _, secret = keys.create_key(
            conn, library.access.log, name="w", scopes=["read"], actor="test", organisation="x"
        )
    witness = library.access.key_principal(secret)
    made, _ = webhooks.create_subscription(
        library, witness, url="https://witness.example/heads", types=[CHECKPOINT]
    )
    sign_ins(library, 11)
    with library.access.transaction() as conn:
        signed = [c.to_dict() for c in audit.checkpoints(conn)]
        published = conn.execute(
            sa.select(events.c.seq, events.c.data).where(events.c.type == CHECKPOINT)
        ).all()
        sent = conn.execute(
            sa.select(deliveries.c.event_seq).where(deliveries.c.subscription_id == made.id)
        ).scalars()
        delivered = sorted(sent)
    library.close()
    assert [e.data for e in published] == signed and len(signed) == 2
    assert delivered == [e.seq for e in published]


def test_audit_signed_heads_are_read_as_witnesses_and_feeds_keep_them() -> None:
    head = audit.Checkpoint(5, "ab" * 32, audit.datetime(2026, 12, 1, tzinfo=audit.UTC), "k", "s")
    event = {"specversion": "1.0", "type": CHECKPOINT, "data": head.to_dict()}
    other = {"specversion": "1.0", "type": "version-published", "data": {"rows": 2}}
    for text in (
        json.dumps({"checkpoints": [head.to_dict()], "key_id": "k"}),
        json.dumps({"events": [other, event], "next": 9}),
        json.dumps(event) + "\n" + json.dumps(other) + "\n",
        json.dumps([head.to_dict()]),
    ):
        [found] = audit.signed_heads(text, "a file")
        assert found == audit.SignedHead(head, "a file")
    with pytest.raises(UsageError, match="not a signed tree head"):
        audit.signed_heads(json.dumps([{"size": "five"}]), "a file")
    with pytest.raises(UsageError, match="Line 2 is not JSON"):
        audit.signed_heads(json.dumps(event) + "\nnot json\n", "a file")
