"""Small factories for the harmoniser tests."""

from __future__ import annotations

from typing import Any

import polars as pl

from localdata.ingest.datatypes import Harmonised, harmonise
from localdata.standards.model import Code, Constraints, Datatype, StandardField


def make_field(
    datatype: Datatype = Datatype.STRING, codes: list[Code] | None = None
) -> StandardField:
    """A field of this datatype, with an optional code list."""
    return StandardField(
        name="example-field",
        datatype=datatype,
        constraints=Constraints(codes=tuple(codes or ())),
    )


def column(*values: str | None) -> pl.Series:
    """A column of text as the reader gives it."""
    return pl.Series("example-field", list(values), dtype=pl.String)


def pairs(result: Harmonised) -> list[tuple[Any, str | None]]:
    """Each cell's harmonised value and issue slug."""
    return list(zip(result.values.to_list(), result.issues.to_list(), strict=True))


def one(value: str | None, datatype: Datatype) -> tuple[Any, str | None]:
    """The harmonised value and issue slug of a single cell."""
    return pairs(harmonise(column(value), make_field(datatype)))[0]
