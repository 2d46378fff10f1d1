"""Alembic revisions of the metadata database, applied in the order they name."""
