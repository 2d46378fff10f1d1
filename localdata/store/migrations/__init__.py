"""Alembic migrations of the metadata database; ``localdata.store.database`` runs them."""
