"""Storage: the metadata database and the Delta Lake of dataset contents.

- ``database.py``: the SQLAlchemy engine for ``Settings.sqlalchemy_url`` (SQLite by default,
  PostgreSQL in production) and Alembic migrations, run on open.
- ``metadata.py``: the tables (SQLAlchemy Core) and the functions that read and write them:
  resources (raw files by sha256) and submissions (every attempt to publish, and the versions
  that were published).
- ``lake.py``: one Delta Lake table per dataset, partitioned by organisation; raw files kept
  content-addressed beside it.
- ``query.py``: filters, sorting, cursor pages and streamed exports over a dataset's rows.
- ``library.py``: the ``Library``, which publishes files and answers questions about datasets
  by combining the three.
"""
