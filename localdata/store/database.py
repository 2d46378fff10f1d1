"""The metadata database: an engine for ``Settings.sqlalchemy_url``, migrated to head on open.

SQLite, the default, is a file in the data folder. It runs with write-ahead logging (readers
never wait for the writer), foreign keys enforced, and a busy timeout (a second writer waits
instead of failing). Its transactions are real ones: ``Database.transaction()`` starts with
``BEGIN IMMEDIATE`` so it holds the write lock from the first statement, and any other
connection reads from one consistent snapshot. PostgreSQL needs nothing special.

The schema is kept by Alembic revisions in ``migrations/versions``, configured here in code, so
no ``alembic.ini`` is needed. ``open_database`` upgrades to the newest revision every time. To
write a revision after changing the tables in ``metadata.py``, open a database at the previous
revision and run ``alembic.command.revision(migration_config(conn), "what changed",
autogenerate=True)``, then read and tidy what it wrote; ``tests/store/test_migrations.py``
fails while the tables and the revisions disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from localdata.settings import Settings

BUSY_TIMEOUT_MS = 30_000
# Any fixed number: PostgreSQL sessions that migrate take this lock, so only one runs at a time.
MIGRATION_LOCK = 7_140_392


@dataclass(frozen=True)
class Database:
    """The metadata database: an engine and a way to run work in one transaction."""

    engine: Engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection whose work is committed together at the end, or rolled back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(localdata_write=True)
            with conn.begin():
                yield conn

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(settings: Settings) -> Database:
    """Connect to the metadata database, creating and migrating it as needed."""
    database = Database(create_engine(settings.sqlalchemy_url))
    with database.transaction() as conn:
        migrate(conn)
    return database


def create_engine(url: str) -> Engine:
    """An engine for the URL; for SQLite, with its folder created and its settings applied."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine)
    return engine


def _prepare_sqlite(engine: Engine) -> None:
    """Create the database file's folder and set each connection up as the module describes."""
    path = engine.url.database
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    sa.event.listen(engine, "connect", _configure_sqlite_connection)
    sa.event.listen(engine, "begin", _begin_sqlite_transaction)


def _configure_sqlite_connection(dbapi_connection: Any, _record: object) -> None:
    # Hand transactions to SQLAlchemy: the sqlite3 module would otherwise only BEGIN before
    # INSERT or UPDATE, leaving reads and schema changes outside the transaction.
    dbapi_connection.isolation_level = None
    for pragma in ("journal_mode = WAL", "foreign_keys = ON", f"busy_timeout = {BUSY_TIMEOUT_MS}"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _begin_sqlite_transaction(conn: Connection) -> None:
    write = conn.get_execution_options().get("localdata_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def migrate(conn: Connection, revision: str = "head") -> None:
    """Upgrade the schema on this connection to the revision (the newest by default)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    command.upgrade(migration_config(conn), revision)


def migration_config(conn: Connection) -> Config:
    """The Alembic configuration for the package's migrations, run on this connection."""
    config = Config()
    config.set_main_option("script_location", "localdata.store:migrations")
    config.attributes["connection"] = conn
    return config
