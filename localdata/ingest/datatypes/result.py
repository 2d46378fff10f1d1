"""What a harmoniser returns: canonical values, an issue slug per cell, and column findings."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from localdata.ingest.issues import Issue


@dataclass
class Harmonised:
    """The result of harmonising one column.

    ``values`` has the datatype's canonical dtype and ``issues`` holds one slug per cell (null
    where there is nothing to say; the most serious one where there is more than one).
    ``details`` gives the text for the ``{detail}`` placeholder of a cell issue type, by slug,
    when it is the same for every cell of the column (the allowed values of a code list).
    """

    values: pl.Series
    issues: pl.Series
    column_issues: list[Issue] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
