"""Write the harmonised table of a check to CSV, Parquet or JSON, batch by batch.

The file is written beside its destination and moved into place only when complete, so a
failed check never leaves half a file.

Files use the standard's field names as headers, in the standard's order, with canonical values
(ISO dates, plain decimals, WKT in WGS84). CSV and JSON cells of text fields that a spreadsheet
would run as a formula are written with a leading apostrophe, so they open as text.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Self

import polars as pl

from localdata.errors import UsageError
from localdata.ingest.checks import runnable
from localdata.ingest.datatypes import canonical_text
from localdata.standards.model import Datatype, Standard

if TYPE_CHECKING:
    import pyarrow.parquet as pq

FORMATS = (".csv", ".parquet", ".json")
TEXT_TYPES = {Datatype.STRING, Datatype.TEXT, Datatype.URL, Datatype.ORGANISATION}


def neutralise_formulas(frame: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run with an apostrophe."""
    text = [f.name for f in standard.fields if f.datatype in TEXT_TYPES]
    return frame.with_columns(
        pl.when(runnable(pl.col(name)))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def as_text(table: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """The harmonised table as canonical text, safe to open in a spreadsheet."""
    frame = table.select(
        canonical_text(table[f.name], f.datatype).alias(f.name) for f in standard.fields
    )
    return neutralise_formulas(frame, standard)


class TableWriter:
    """Writes batches of a harmonised table to one file, in the format its suffix names."""

    def __init__(self, path: Path, standard: Standard) -> None:
        if path.suffix.lower() not in FORMATS:
            raise UsageError(
                f"The output file must end in {', '.join(FORMATS)}; '{path.name}' does not."
            )
        self.path = path
        self.standard = standard
        self.suffix = path.suffix.lower()
        self._handle: IO[bytes] | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._rows = 0
        self._partial = path.with_name(path.name + ".partial")

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self._partial.open("wb")
        if self.suffix == ".json":
            head = {
                "standard": self.standard.name,
                "version": self.standard.version,
                "fields": list(self.standard.field_names),
            }
            self._handle.write(json.dumps(head)[:-1].encode() + b', "rows": [')
        return self

    def write(self, table: pl.DataFrame) -> None:
        """Append one batch of harmonised rows."""
        assert self._handle is not None, "use TableWriter as a context manager"
        if self.suffix == ".parquet":
            self._write_parquet(table.select(self.standard.field_names))
        elif self.suffix == ".csv":
            as_text(table, self.standard).write_csv(self._handle, include_header=self._rows == 0)
        else:
            self._write_json(as_text(table, self.standard))
        self._rows += table.height

    def _write_parquet(self, frame: pl.DataFrame) -> None:
        import pyarrow.parquet as pq

        arrow = frame.to_arrow()
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self._handle, arrow.schema)
        self._parquet.write_table(arrow.cast(self._parquet.schema))

    def _write_json(self, frame: pl.DataFrame) -> None:
        assert self._handle is not None
        if frame.height == 0:
            return
        buffer = io.BytesIO()
        frame.write_json(buffer)
        body = buffer.getvalue().strip()[1:-1]
        self._handle.write((b"," if self._rows else b"") + body)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._rows == 0 and self.suffix == ".csv" and self._handle is not None:
            pl.DataFrame(schema=dict.fromkeys(self.standard.field_names, pl.String)).write_csv(
                self._handle
            )
        if self._parquet is None and self.suffix == ".parquet":
            import pyarrow.parquet as pq

            empty = pl.DataFrame(schema=_empty_schema(self.standard))
            self._parquet = pq.ParquetWriter(self._handle, empty.to_arrow().schema)
        if self._parquet is not None:
            self._parquet.close()
        if self._handle is not None:
            if self.suffix == ".json":
                self._handle.write(b"]}")
            self._handle.close()
        if error is None:
            self._partial.replace(self.path)
        else:
            self._partial.unlink(missing_ok=True)


def _empty_schema(standard: Standard) -> dict[str, pl.DataType]:
    from localdata.ingest.datatypes import CANONICAL_DTYPES

    return {f.name: CANONICAL_DTYPES[f.datatype] for f in standard.fields}
