"""Time each harmoniser on a synthetic column of a million rows.

Run it from the repository root::

    python -m tests.ingest.datatypes.bench_harmonise [rows]

Prints the best of three runs, in milliseconds, for each datatype.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import polars as pl

from localdata.ingest.datatypes import harmonise, harmonise_point
from localdata.standards.model import Datatype, StandardField


def synthetic_columns(rows: int) -> dict[str, pl.Series]:
    """Columns shaped like real spend and brownfield files.

    Dates are 80% ``dd/mm/yyyy`` and 20% ``dd-Mon-yy`` over one year; amounts have ``£`` on 10%
    of rows (all of them, with thousands separators, in ``money-all-formatted``); a quarter of
    the supplier names have a double space.
    """
    rng = np.random.default_rng(2024)
    days = pl.Series(np.datetime64("2017-04-01") + rng.integers(0, 365, rows))
    styles = [days.dt.to_string("%d/%m/%Y"), days.dt.to_string("%d-%b-%y")]
    dates = pl.select(
        pl.when(pl.Series(rng.random(rows) < 0.8)).then(styles[0]).otherwise(styles[1])
    ).to_series()
    amounts = pl.Series(np.round(rng.exponential(2000, rows), 2)).cast(pl.String)
    formatted = pl.Series(rng.random(rows) < 0.1)
    money = pl.select(pl.when(formatted).then(pl.lit("£") + amounts).otherwise(amounts)).to_series()
    spacing = rng.choice([" ", " ", " ", "  "], rows)  # a quarter with a double space
    numbers = rng.integers(0, 20_000, rows)
    suppliers = pl.Series([f"Supplier{s}{i} Ltd" for s, i in zip(spacing, numbers, strict=True)])
    eastings = pl.Series(rng.uniform(300_000, 550_000, rows)).round(1).cast(pl.String)
    northings = pl.Series(rng.uniform(100_000, 500_000, rows)).round(1).cast(pl.String)
    grouped = pl.Series([f"£{a:,.2f}" for a in rng.exponential(2000, rows)])
    return {
        "date": dates,
        "money": money,
        "money-all-formatted": grouped,
        "string": suppliers,
        "integer": pl.Series(rng.integers(0, 10_000, rows)).cast(pl.String),
        "decimal": amounts,
        "flag": pl.Series(rng.choice(["yes", "no", "Y", "N"], rows)),
        "postcode": pl.Series(rng.choice(["BB5 1LA", "sw1a1aa", "M1 1AE"], rows)),
        "point-xy": eastings,
        "point-y": northings,
    }


def best_of_three(run: object) -> float:
    """The fastest of three runs, in milliseconds."""
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


def main(rows: int) -> None:
    columns = synthetic_columns(rows)
    names = ["date", "money", "money-all-formatted", "string", "integer", "decimal", "flag"]
    for name in [*names, "postcode"]:
        field = StandardField(name="f", datatype=Datatype(name.split("-all")[0]))
        elapsed = best_of_three(lambda v=columns[name], f=field: harmonise(v, f))
        print(f"{name:20} {elapsed:8.1f} ms")
    field = StandardField(name="f", datatype=Datatype.POINT)
    elapsed = best_of_three(lambda: harmonise_point(columns["point-xy"], columns["point-y"], field))
    print(f"{'point (BNG x/y)':20} {elapsed:8.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
