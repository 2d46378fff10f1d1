"""Shared test helpers: where the real council files are, and small factories."""

from __future__ import annotations

from pathlib import Path

import pytest

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
