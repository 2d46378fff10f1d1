"""The reference pages in docs/ match the code they are generated from."""

from __future__ import annotations

import pytest

from tools import docs


@pytest.mark.parametrize("name", sorted(docs.PAGES))
def test_docs_page_is_up_to_date(name: str) -> None:
    path = docs.DOCS / name
    assert path.exists(), f"docs/{name} is missing: run python -m tools.docs"
    assert path.read_text(encoding="utf-8") == docs.PAGES[name](), (
        f"docs/{name} is out of date: run python -m tools.docs"
    )


def test_docs_issue_types_lists_every_declared_type() -> None:
    page = docs.issue_types_page()
    for slug in docs.CATALOGUE:
        assert f"`{slug}`" in page
