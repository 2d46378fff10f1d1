"""The demo's source: a council page served by ``localdata serve`` and collected (issue 5)."""

from __future__ import annotations

from datetime import date

import pytest

from localdata.collect import collector
from localdata.collect.fetch import Fetcher
from localdata.demo.places import choose_councils
from localdata.demo.source import register_demo_source, serve_demo_files
from localdata.registers import Register
from localdata.store.library import Library
from tests.collect.conftest import collect_settings


def test_demo_source_is_served_and_collected_through_its_page(library: Library) -> None:
    councils = choose_councils(Register.default(), 0, 6)
    source = register_demo_source(library, councils, 0, date(2025, 6, 15))
    assert register_demo_source(library, councils, 0, date(2025, 6, 15)) == source
    files = serve_demo_files(library.settings)
    if files is None:
        pytest.skip("port 8001 is in use, so the demo's files cannot be served")
    try:
        settings = collect_settings(library.settings, collect_allow_private=False)
        fetcher = Fetcher(settings, allowed=frozenset({files.origin}))
        attempt = collector.publish(library, collector.collect(library, fetcher, source.id).id)
        fetcher.close()
    finally:
        files.stop()
    assert (attempt.outcome, attempt.submission_status) == ("new", "published")
    assert attempt.url.endswith(".csv") and source.url.endswith("transparency.html")
