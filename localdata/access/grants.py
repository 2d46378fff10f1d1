"""PostgreSQL grants that make the audit log append-only for the service's database role.

In production two roles use the database: the owner, which runs the migrations and owns the
tables, and the service role the application connects as. The service role may read and write
the other tables but only INSERT and SELECT the audit tables: it can never UPDATE, DELETE or
TRUNCATE an audit row, whatever a bug or an intruder in the application tries. Of the audit
log's head (the count of entries that appends take their ``seq`` from) it may only read and
update the count; ``localdata audit verify`` catches a count that disagrees with the entries.
Apply them as
the owner after every migration::

    localdata audit grants localdata_service | psql "$OWNER_DATABASE_URL"

or from Python with ``apply_grants(conn, "localdata_service")``. See docs/access.md.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.access.tables import AUDIT_HEAD, AUDIT_TABLES
from localdata.errors import UsageError

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str) -> list[str]:
    """The SQL that gives ``role`` the service's rights: append-only on the audit tables."""
    if not ROLE_NAME.match(role):
        raise UsageError(f"'{role}' is not a usable role name: use lower-case letters, _, 0-9.")
    audit = ", ".join(AUDIT_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA {{schema}} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {{schema}} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {{schema}} TO {role}",
        f"REVOKE ALL ON {audit}, {AUDIT_HEAD} FROM {role}",
        f"GRANT SELECT, INSERT ON {audit} TO {role}",
        f"GRANT SELECT, UPDATE (size) ON {AUDIT_HEAD} TO {role}",
    ]


def apply_grants(conn: Connection, role: str) -> None:
    """Apply ``grant_statements`` on this connection's current schema (as the owner)."""
    schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    quoted = conn.dialect.identifier_preparer.quote_identifier(schema)
    for statement in grant_statements(role):
        # Role and schema names cannot be bound parameters; the role is checked against
        # ROLE_NAME and the schema is quoted.
        conn.exec_driver_sql(statement.format(schema=quoted))


def grants_sql(role: str, schema: str = "public") -> str:
    """The grants as a SQL script for psql."""
    lines = [s.format(schema=schema) + ";" for s in grant_statements(role)]
    return "\n".join(lines) + "\n"
