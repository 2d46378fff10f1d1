"""Fixtures for collection tests: a real HTTP server, and a library that may reach it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localdata.collect.fetch import Fetcher
from localdata.settings import Settings
from localdata.store.library import Library
from tests.collect.server import SourceServer, running_server


@pytest.fixture
def server() -> Iterator[SourceServer]:
    """A real HTTP server on 127.0.0.1 whose routes each test sets."""
    with running_server() as found:
        yield found


def collect_settings(settings: Settings, **overrides: object) -> Settings:
    """Settings for collecting from 127.0.0.1 quickly: short timeouts, tiny backoff."""
    values: dict[str, object] = {
        "collect_allow_private": True,
        "collect_timeout": 0.5,
        "collect_total_timeout": 5.0,
        "collect_retries": 2,
        "collect_backoff": 0.01,
        "job_lease_seconds": 2.0,
        "worker_poll_seconds": 0.05,
    }
    return settings.model_copy(update=values | overrides)


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    """A library in tmp_path that collects from 127.0.0.1 with short timeouts."""
    found = Library(collect_settings(settings))
    yield found
    found.close()


@pytest.fixture
def fetcher(library: Library) -> Iterator[Fetcher]:
    """A fetcher with the library's settings."""
    found = Fetcher(library.settings)
    yield found
    found.close()
