"""How demo files are written: seeded randomness, CSV bytes, and the spellings councils use.

Every generator takes its randomness from ``seeded(...)``, a ``random.Random`` seeded from a
string, so the same seed and the same parts give the same bytes on every machine and run
(string seeds are hashed with SHA-512 by ``random``, not with the salted ``hash()``).
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from convertbng.cutil import convert_bng

# Letters the inward part of a postcode can end with (never C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_GRID_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def seeded(seed: int, *parts: object) -> random.Random:
    """A random number generator that depends only on the seed and the parts."""
    text = "/".join([str(seed), *map(str, parts)])
    return random.Random(text)  # noqa: S311  # invented demo data, not secrets


@dataclass(frozen=True)
class CsvStyle:
    """How one council's finance or planning system writes its CSV files."""

    encoding: str = "utf-8"
    line_ending: str = "\r\n"
    title: str | None = None  # a title row above the headers, then a blank row


def csv_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[object]], style: CsvStyle = CsvStyle()
) -> bytes:
    """A CSV file as bytes, written the way ``style`` says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=style.line_ending)
    if style.title:
        writer.writerow([style.title])
        writer.writerow([])
    writer.writerow(headers)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode(style.encoding)


def format_date(day: date, style: str) -> str:
    """A date written in one of the styles seen in real council files."""
    if style == "iso":
        return day.isoformat()
    if style == "dmy":
        return day.strftime("%d/%m/%Y")
    if style == "dmy-midnight":  # a spreadsheet's date-time, exported as text
        return day.strftime("%d/%m/%Y 00:00:00")
    if style == "d-mon-yy":
        return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year % 100:02d}"
    if style == "d mon yyyy":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    raise ValueError(f"unknown date style {style!r}")


def format_money(pence: int, style: str) -> str:
    """An amount written in one of the styles seen in real spend files."""
    pounds = abs(pence) / 100
    if style == "plain":
        text = f"{pounds:.2f}"
    elif style == "thousands":
        text = f"{pounds:,.2f}"
    elif style == "pound":
        text = f"£{pounds:,.2f}"
    else:
        raise ValueError(f"unknown money style {style!r}")
    if pence >= 0:
        return text
    return f"({text})" if style == "thousands" else f"-{text}"


def postcode(rng: random.Random, districts: Sequence[str]) -> str:
    """A postcode in the right form for one of the districts, such as BB5 1LA."""
    inward = rng.randint(1, 9), rng.choice(_INWARD_LETTERS), rng.choice(_INWARD_LETTERS)
    return f"{rng.choice(districts)} {inward[0]}{inward[1]}{inward[2]}"


def offset(lat: float, lon: float, east_km: float, north_km: float) -> tuple[float, float]:
    """The latitude and longitude a few kilometres east and north of a point."""
    return (
        lat + north_km / 111.2,
        lon + east_km / (111.32 * math.cos(math.radians(lat))),
    )


def to_grid(lons: Sequence[float], lats: Sequence[float]) -> list[tuple[int, int]]:
    """British National Grid eastings and northings, to the metre, of WGS84 points."""
    eastings, northings = convert_bng(list(lons), list(lats))
    return [(round(e), round(n)) for e, n in zip(eastings, northings, strict=True)]


def grid_reference(easting: int, northing: int) -> str:
    """The Ordnance Survey grid reference of a point, to the metre, such as SE 29905 34005."""
    east_100k, north_100k = easting // 100_000, northing // 100_000
    first = (19 - north_100k) - (19 - north_100k) % 5 + (east_100k + 10) // 5
    second = (19 - north_100k) * 5 % 25 + east_100k % 5
    letters = _GRID_LETTERS[first] + _GRID_LETTERS[second]
    return f"{letters} {easting % 100_000:05d} {northing % 100_000:05d}"
