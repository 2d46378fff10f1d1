"""The audit log: appended in the caller's transaction, signed, verified, tamper-evident."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from localdata.access import audit
from localdata.access.grants import apply_grants, grants_sql
from localdata.access.signing import Signer
from localdata.access.tables import audit_checkpoints, audit_entries, audit_head, audit_records
from localdata.errors import LocalDataError, UsageError
from localdata.store.database import Database

SIGNER = Signer.generate()


def fill(database: Database, log: audit.AuditLog, n: int) -> None:
    with database.transaction() as conn:
        for i in range(n):
            log.append(
                conn,
                "read",
                actor=f"user:usr_{i % 3}",
                organisation="local-authority:HYN",
                dataset="spend",
                agreement="hyn-share",
                purpose="fraud-prevention",
                rows=2,
                record_ids=[f"T{i}", f"T{i + 1}"],
            )


def verify(database: Database) -> audit.Verification:
    with database.transaction() as conn:
        return audit.verify(conn, SIGNER)


def test_audit_append_signs_checkpoints_and_verifies(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=4)
    fill(database, log, 10)
    result = verify(database)
    assert (result.ok, result.entries, result.checkpoints, result.unsigned) == (True, 10, 2, 2)
    with database.transaction() as conn:
        log.checkpoint(conn)
    assert verify(database).unsigned == 0


def test_audit_append_rolls_back_with_the_callers_transaction(database: Database) -> None:
    log = audit.AuditLog(SIGNER)
    with pytest.raises(RuntimeError), database.transaction() as conn:
        log.append(conn, "sign-in", actor="user:usr_1")
        raise RuntimeError("the action failed")
    fill(database, log, 1)
    with database.transaction() as conn:
        assert [e["seq"] for e in audit.entries(conn)] == [0]


def _tamper(database: Database, statement: sa.Executable) -> list[str]:
    log = audit.AuditLog(SIGNER, every=5)
    fill(database, log, 10)
    with database.transaction() as conn:
        conn.execute(statement)
    return verify(database).problems


def test_audit_appends_at_once_from_many_connections_are_numbered_without_gaps(
    database: Database,
) -> None:
    log = audit.AuditLog(SIGNER, every=10)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: fill(database, log, 5), range(24)))
    result = verify(database)
    assert (result.ok, result.entries, result.checkpoints) == (True, 120, 12)


def test_audit_append_alone_commits_and_signs_when_a_checkpoint_falls_due(
    database: Database,
) -> None:
    log = audit.AuditLog(SIGNER, every=3)
    read = {"actor": "user:usr_1", "dataset": "spend", "rows": 2, "records": {"o/f": [1, 2]}}
    seqs = [s for _ in range(7) for s in log.append_alone(database, "read", [read])]
    assert seqs == list(range(7))
    assert log.append_alone(database, "read", [read, read | {"organisation": "o"}]) == [7, 8]
    result = verify(database)
    assert (result.ok, result.entries, result.checkpoints) == (True, 9, 3)
    with database.transaction() as conn:
        assert audit.accesses_to(conn, "spend", "o/f/2")[0]["seq"] == 8


def test_audit_append_alone_writes_nothing_without_its_head(database: Database) -> None:
    with database.transaction() as conn:
        conn.execute(sa.delete(audit_head))
    with pytest.raises(LocalDataError, match="head row"):
        audit.AuditLog(SIGNER).append_alone(database, "read", [{"actor": "user:usr_1"}])
    with database.transaction() as conn:
        assert audit.entries(conn) == []


def test_audit_verify_detects_a_changed_entry(database: Database) -> None:
    forged = sa.select(audit_entries.c.entry).where(audit_entries.c.seq == 3).scalar_subquery()
    problems = _tamper(
        database,
        sa.update(audit_entries)
        .where(audit_entries.c.seq == 3)
        .values(entry=sa.func.replace(forged, "fraud-prevention", "curiosity")),
    )
    assert any("Checkpoint of 5 entries" in p for p in problems)


def test_audit_verify_detects_a_changed_column(database: Database) -> None:
    problems = _tamper(
        database,
        sa.update(audit_entries).where(audit_entries.c.seq == 7).values(actor="user:someone"),
    )
    assert problems == ["Entry 7: its searchable columns disagree with the entry."]


def test_audit_verify_detects_a_deleted_record_index_row(database: Database) -> None:
    problems = _tamper(
        database,
        sa.delete(audit_records).where(audit_records.c.seq == 9),
    )
    assert problems == ["Entry 9: its indexed record identifiers were changed."]


def test_audit_verify_detects_a_deleted_last_entry(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=5)
    fill(database, log, 10)
    with database.transaction() as conn:
        conn.execute(sa.delete(audit_records).where(audit_records.c.seq == 9))
        conn.execute(sa.delete(audit_entries).where(audit_entries.c.seq == 9))
    problems = verify(database).problems
    assert any("only 9 entries" in p for p in problems)


def test_audit_verify_detects_newest_entries_deleted_before_any_checkpoint(
    database: Database,
) -> None:
    log = audit.AuditLog(SIGNER, every=100)
    fill(database, log, 6)
    with database.transaction() as conn:
        conn.execute(sa.delete(audit_records).where(audit_records.c.seq >= 4))
        conn.execute(sa.delete(audit_entries).where(audit_entries.c.seq >= 4))
    assert verify(database).problems == [
        "The log's head counts 6 entries appended, but only 4 are stored: "
        "2 were deleted, or the head was changed."
    ]


def test_audit_verify_detects_a_head_counted_back(database: Database) -> None:
    fill(database, audit.AuditLog(SIGNER), 3)
    with database.transaction() as conn:
        conn.execute(sa.update(audit_head).values(size=1))
    assert verify(database).problems == [
        "The log's head counts 1 entries appended, but 3 are stored: the head was changed."
    ]


def test_audit_append_refuses_without_its_head(database: Database) -> None:
    fill(database, audit.AuditLog(SIGNER), 2)
    with database.transaction() as conn:
        conn.execute(sa.delete(audit_head))
    with pytest.raises(LocalDataError, match="head row"):
        fill(database, audit.AuditLog(SIGNER), 1)
    with database.transaction() as conn:
        assert len(audit.entries(conn)) == 2
    assert "head row" in verify(database).problems[0]


def test_audit_append_numbers_follow_a_rolled_back_append(database: Database) -> None:
    log = audit.AuditLog(SIGNER)
    fill(database, log, 2)
    with pytest.raises(RuntimeError), database.transaction() as conn:
        log.append(conn, "sign-in", actor="user:usr_1", record_ids=["org/file/1"])
        raise RuntimeError("the action failed")
    fill(database, log, 1)
    with database.transaction() as conn:
        assert [e["seq"] for e in audit.entries(conn)] == [2, 1, 0]
        indexed = conn.execute(sa.select(audit_records.c.seq).distinct()).scalars().all()
    assert sorted(indexed) == [0, 1, 2]
    assert verify(database).ok


def test_audit_verify_detects_a_deleted_middle_entry(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=5)
    fill(database, log, 10)
    with database.transaction() as conn:
        conn.execute(sa.delete(audit_records).where(audit_records.c.seq == 2))
        conn.execute(sa.delete(audit_entries).where(audit_entries.c.seq == 2))
    problems = verify(database).problems
    assert "Entry 2 is missing: the next stored entry is 3." in problems


def test_audit_verify_detects_reordered_entries(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=5)
    fill(database, log, 10)
    with database.transaction() as conn:
        rows = {r.seq: r for r in conn.execute(sa.select(audit_entries))}
        for a, b in ((1, 2), (2, 1)):
            moved = json.loads(rows[b].entry) | {"seq": a}
            values = {k: moved[k] for k in audit.INDEXED}
            values["entry"] = audit.canonical(moved).decode()
            conn.execute(sa.update(audit_entries).where(audit_entries.c.seq == a).values(values))
    problems = verify(database).problems
    assert any("Checkpoint of 5 entries" in p for p in problems)


def test_audit_verify_detects_a_forged_checkpoint(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=5)
    fill(database, log, 5)
    with database.transaction() as conn:
        conn.execute(sa.update(audit_checkpoints).values(signature="00" * 64))
    assert verify(database).problems == ["Checkpoint of 5 entries has a bad signature."]
    with database.transaction() as conn:
        assert not audit.verify(conn, Signer.generate()).ok


def test_audit_inclusion_proof_checks_out(database: Database) -> None:
    log = audit.AuditLog(SIGNER, every=4)
    fill(database, log, 9)
    with database.transaction() as conn:
        proof = audit.inclusion(conn, 5, SIGNER)
        assert (proof.valid, proof.checkpoint.size, proof.entry["records"]) == (
            True,
            8,
            {"": ["T5", "T6"]},
        )
        with pytest.raises(UsageError, match="not yet covered"):
            audit.inclusion(conn, 8, SIGNER)
        assert len(audit.consistency(conn, 4, 8)) >= 1


def test_audit_lists_accesses_to_one_record(database: Database) -> None:
    fill(database, audit.AuditLog(SIGNER), 4)
    with database.transaction() as conn:
        found = audit.accesses_to(conn, "spend", "T2")
    assert [(e["seq"], e["actor"], e["agreement"]) for e in found] == [
        (2, "user:usr_2", "hyn-share"),
        (1, "user:usr_1", "hyn-share"),
    ]


def test_audit_grants_script_names_the_role() -> None:
    script = grants_sql("localdata_service")
    assert "GRANT SELECT, INSERT ON audit_entries" in script
    with pytest.raises(UsageError):
        grants_sql("x; DROP TABLE users")


def test_audit_grants_stop_the_service_role_changing_audit_rows(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("database grants are a PostgreSQL feature")
    fill(database, audit.AuditLog(SIGNER), 3)
    role = f"test_service_{uuid.uuid4().hex[:12]}"
    with database.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
        apply_grants(conn, role)
    try:
        _assert_append_only(database, role)
    finally:
        with database.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")


def _assert_append_only(database: Database, role: str) -> None:
    log = audit.AuditLog(SIGNER)
    with database.engine.begin() as conn:
        conn.exec_driver_sql(f"SET LOCAL ROLE {role}")
        log.append(conn, "sign-in", actor="user:usr_9")
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_entries)).scalar() == 4
    for statement in (
        sa.update(audit_entries).values(actor="someone"),
        sa.delete(audit_entries),
        sa.delete(audit_records),
        sa.update(audit_checkpoints).values(root="0" * 64),
        sa.text("TRUNCATE audit_entries CASCADE"),
        sa.delete(audit_head),
        sa.insert(audit_head).values(id=2, size=0),
        sa.update(audit_head).values(id=2),
        sa.text("TRUNCATE audit_head"),
    ):
        with pytest.raises(DBAPIError, match="permission denied"), database.engine.begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL ROLE {role}")
            conn.execute(statement)
    assert verify(database).ok
