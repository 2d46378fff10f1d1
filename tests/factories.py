"""Factory functions for tests: small standards and files built in code."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from localdata.standards.model import Standard, StandardField


def make_field(name: str, datatype: str = "string", **extra: Any) -> StandardField:
    """A field with sensible defaults."""
    return StandardField.model_validate({"name": name, "datatype": datatype, **extra})


def make_standard(
    fields: Sequence[StandardField] | None = None,
    *,
    required: Sequence[str] = (),
    name: str = "test-standard",
    **extra: Any,
) -> Standard:
    """A standard; by default reference (string) and amount (money) fields."""
    fields = list(fields or [make_field("reference"), make_field("amount", "money")])
    fields = [f.model_copy(update={"required": f.required or f.name in required}) for f in fields]
    return Standard(name=name, title=name.replace("-", " ").title(), fields=tuple(fields), **extra)


def write_file(folder: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    """Write text to a file and return its path."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path
