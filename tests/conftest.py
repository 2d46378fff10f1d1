"""Shared test helpers: where the real council files are, and a fresh library's settings.

Every test that uses ``database_url`` (or ``settings`` or ``database``) runs once on SQLite in
``tmp_path`` and once on PostgreSQL, which is skipped unless ``LOCALDATA_TEST_DATABASE_URL`` is
set (for example ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). On PostgreSQL each
test gets a schema of its own, dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from localdata.settings import Settings
from localdata.store.database import Database, open_database

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REAL = SHARED / "data" / "real"
REFERENCE = SHARED / "reference"
DATA = Path(__file__).resolve().parent / "data"


def shared_file(relative: str) -> Path:
    """A file under ../shared, or skip the test with a clear reason when it is not there."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared/{relative} is not present beside this checkout")
    return path


def real_file(relative: str) -> Path:
    """A real council file under ../shared/data/real, or skip when it is not there."""
    return shared_file(f"data/real/{relative}")


POSTGRES_URL = os.environ.get("LOCALDATA_TEST_DATABASE_URL")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not POSTGRES_URL, reason="set LOCALDATA_TEST_DATABASE_URL to test PostgreSQL"
            ),
        ),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty metadata database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'localdata.db'}"
    else:
        assert POSTGRES_URL
        yield from _postgres_schema(POSTGRES_URL)


def _postgres_schema(url: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema))
    try:
        scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema, cascade=True))
        admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a library in ``tmp_path`` whose metadata database is ``database_url``."""
    return Settings(env="test", data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A metadata database migrated to the newest revision."""
    database = open_database(settings)
    yield database
    database.close()
