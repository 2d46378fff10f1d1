"""The Alembic migrations and opening the metadata database, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import localdata.access.tables  # noqa: F401  # users, keys, agreements and the audit log
from localdata.collect import tables as _sources_tables  # noqa: F401  # sources, attempts
from localdata.events import tables as _events_tables  # noqa: F401  # outbox, webhooks
from localdata.jobs import tables as _jobs_tables  # noqa: F401  # defines the jobs table
from localdata.settings import Settings
from localdata.store import metadata
from localdata.store.database import (
    BUSY_TIMEOUT_MS,
    create_engine,
    migrate,
    migration_config,
    open_database,
)

TABLES = {"resources", "submissions", "submission_issues"}
TABLES |= {"sources", "collection_attempts", "jobs"}
TABLES |= {"users", "identities", "memberships", "api_keys", "dataset_access", "agreements"}
TABLES |= {"audit_entries", "audit_records", "audit_checkpoints", "audit_head"}
TABLES |= {"events", "webhook_subscriptions", "webhook_deliveries", "webhook_attempts"}
TABLES |= {"overdue_marks"}
TABLES |= {"sessions", "oidc_logout_tokens"}


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """An engine on an empty database."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


def table_names(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    with create_engine("sqlite://").connect() as conn:
        return ScriptDirectory.from_config(migration_config(conn)).get_current_head()


def test_migration_upgrade_from_empty_is_idempotent(engine: sa.Engine) -> None:
    for _ in range(2):
        with engine.begin() as conn:
            migrate(conn)
    assert table_names(engine) == {*TABLES, "alembic_version"}
    assert current_revision(engine) == head_revision()


def test_migration_downgrade_to_base_and_up_again(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        migrate(conn)
    with engine.begin() as conn:
        command.downgrade(migration_config(conn), "base")
    assert table_names(engine) == {"alembic_version"}
    assert current_revision(engine) is None
    with engine.begin() as conn:
        migrate(conn)
    assert table_names(engine) >= TABLES


def test_migration_matches_the_tables_in_metadata(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        migrate(conn)
        assert compare_metadata(MigrationContext.configure(conn), metadata.metadata) == []


def test_migration_check_notices_a_column_missing_from_migrations(engine: sa.Engine) -> None:
    changed = sa.MetaData()
    for table in metadata.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["submissions"].append_column(sa.Column("note", sa.Text))
    with engine.begin() as conn:
        migrate(conn)
        differences = compare_metadata(MigrationContext.configure(conn), changed)
    assert [(d[0], d[2], d[3].name) for d in differences] == [("add_column", "submissions", "note")]


def test_migration_revisions_form_one_line() -> None:
    with create_engine("sqlite://").connect() as conn:
        scripts = ScriptDirectory.from_config(migration_config(conn))
    assert len(scripts.get_heads()) == 1
    assert [r.revision for r in scripts.walk_revisions()][-1] == "0001"


def test_open_database_migrates_to_head_and_keeps_data(settings: Settings) -> None:
    database = open_database(settings)
    with database.transaction() as conn:
        metadata.record_resource(conn, "c" * 64, 5, "text/csv")
    database.close()
    again = open_database(settings)
    with again.transaction() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(metadata.resources)).scalar() == 1
        )
    assert current_revision(again.engine) == head_revision()
    again.close()


def test_open_database_creates_the_data_folder_for_sqlite(tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "new" / "data", database_url=None)
    database = open_database(settings)
    database.close()
    assert (tmp_path / "new" / "data" / "localdata.db").exists()


def test_open_database_configures_sqlite(tmp_path: Path) -> None:
    database = open_database(Settings(env="test", data_dir=tmp_path, database_url=None))
    with database.transaction() as conn:
        pragmas = [
            conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        ]
    database.close()
    assert pragmas == ["wal", 1, BUSY_TIMEOUT_MS]


def test_sqlite_reads_see_one_snapshot(tmp_path: Path) -> None:
    database = open_database(Settings(env="test", data_dir=tmp_path, database_url=None))
    count = sa.select(sa.func.count()).select_from(metadata.resources)
    with database.engine.connect() as reader:
        assert reader.execute(count).scalar() == 0
        with database.transaction() as writer:
            metadata.record_resource(writer, "d" * 64, 5, "text/csv")
        assert reader.execute(count).scalar() == 0
    with database.transaction() as conn:
        assert conn.execute(count).scalar() == 1
    database.close()
