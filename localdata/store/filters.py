"""Read a records query from a URL: filters, fields, sort, page size, count and cursor.

Filters are ``field=value`` or ``field__operator=value``; several combine with AND:

- ``field=value`` (or ``field__eq=value``): equal to the value. Any field but points and shapes.
- ``__gt``, ``__gte``, ``__lt``, ``__lte``: greater (less) than, or equal to, the value.
  Numbers, money, dates, date-times and text (in code point order); not flags.
- ``__contains``: text that contains the value, in any case. Text fields only.
- ``__in``: equal to one of the comma-separated values. Any field but points and shapes.
- ``__isnull``: empty (``true``) or not empty (``false``). Any field.

Field names use the standard's spelling (``payment-date``); ``payment_date`` works too.
``organisation=`` takes any identifier the organisation register resolves (its id, GSS code,
curie, SNAC code, name: ``local-authority:HYN``, ``E07000120``, ``Hyndburn``) and picks that
organisation's partition of the table, so it is the fastest filter there is; so does each value
of ``organisation__in=``. A value that names no organisation, or more than one, is refused with
a 400 that names it, never answered with an empty page. Values are read by the field's
datatype: dates as ``2024-03-31``, date-times as ``2024-03-31T13:30:00Z`` (no zone means UTC),
whole numbers as ``25``, numbers as ``12.5``, money as ``1234.50`` (at most two decimal places,
no ``£`` or commas), flags as ``yes``/``no``/``true``/``false``. Text is matched exactly as
given, except that ``__in`` ignores spaces around each comma-separated value. A field that
holds several values in one cell (it has a ``separator``) is text here.

Anything we cannot use raises ``InvalidQuery`` (HTTP 400) with a message that says what is
allowed instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import eq, ge, gt, le, lt

import polars as pl

from localdata.errors import InvalidQuery
from localdata.ingest.datatypes.flags import FLAG_WORDS
from localdata.registers import Register
from localdata.standards.model import Datatype, Standard, StandardField
from localdata.store.cursors import Cursor, read_cursor

Value = str | int | float | Decimal | date | datetime | bool
_Reader = Callable[[str], Value]

ORGANISATION = "organisation"
OPERATORS = ("gt", "gte", "lt", "lte", "contains", "in", "isnull")
OPTIONS = ("_fields", "_sort", "_size", "_count", "_next")
DEFAULT_SIZE = 100
MAX_SIZE = 1000

_TEXT = {
    Datatype.STRING,
    Datatype.TEXT,
    Datatype.URL,
    Datatype.POSTCODE,
    Datatype.UPRN,
    Datatype.GSS_CODE,
    Datatype.COMPANY_NUMBER,
    Datatype.ORGANISATION,
}
_GEOMETRY = {Datatype.POINT, Datatype.MULTIPOLYGON}
_ORDERED_OPERATORS = ("eq", "gt", "gte", "lt", "lte", "in", "isnull")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_MONEY = re.compile(r"[+-]?(?:\d{1,16}(?:\.\d{0,2})?|\.\d{1,2})")
_WHOLE = re.compile(r"[+-]?\d{1,18}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Filter:
    """One condition on one field.

    ``field`` is in the standard's spelling; ``operator`` is ``eq`` for equals or one of
    ``OPERATORS``; ``value`` is read by the field's datatype: a tuple of values for ``in``, and
    for ``isnull`` True means "is empty".
    """

    field: str
    operator: str
    value: Value | tuple[Value, ...]


@dataclass(frozen=True)
class RecordQuery:
    """What a request asks of a dataset's records.

    ``organisation`` is the ``organisation=`` filter (one partition); ``fields`` the
    ``_fields`` projection in the standard's spelling (None: every field); ``sort`` the
    ``_sort`` keys as (field, descending) pairs, before the identity that breaks ties;
    ``size`` the page size; ``cursor`` where the previous page ended; ``exact_count`` whether
    ``_count=exact`` asked for an exact total.
    """

    filters: tuple[Filter, ...] = ()
    organisation: str | None = None
    fields: tuple[str, ...] | None = None
    sort: tuple[tuple[str, bool], ...] = ()
    size: int = DEFAULT_SIZE
    cursor: Cursor | None = None
    exact_count: bool = False


def parse_query(
    params: Sequence[tuple[str, str]],
    standard: Standard,
    *,
    cursor_key: bytes,
    reserved: Collection[str] = ("as_of",),
) -> RecordQuery:
    """Read a records query from a URL's (name, value) pairs, ignoring the ``reserved`` names.

    Example::

        parse_query([("amount__gt", "500"), ("_sort", "-payment-date")], spend, cursor_key=k)
    """
    options: dict[str, str] = {}
    filters: list[Filter] = []
    organisation: str | None = None
    for name, value in params:
        if name in reserved:
            continue
        if name.startswith("_"):
            options[_option_name(name, options)] = value
            continue
        found = parse_filter(name, value, standard)
        if found.field == ORGANISATION and found.operator == "eq":
            if organisation is not None:
                raise InvalidQuery(
                    "Give organisation= only once. To ask for several organisations, "
                    "use organisation__in=, like organisation__in=id-one,id-two."
                )
            organisation = str(found.value)
        else:
            filters.append(found)
    sort = _parse_sort(options.get("_sort"), standard)
    return RecordQuery(
        filters=tuple(filters),
        organisation=organisation,
        fields=_parse_fields(options.get("_fields"), standard),
        sort=sort,
        size=_parse_size(options.get("_size")),
        cursor=_parse_cursor(options.get("_next"), standard, sort, cursor_key),
        exact_count=_parse_count(options.get("_count")),
    )


def parse_filter(name: str, value: str, standard: Standard) -> Filter:
    """One ``field=value`` or ``field__operator=value`` filter, its value read by datatype."""
    field_part, _, operator = name.partition("__")
    field = find_field(field_part, standard, "Filter on one of")
    operator = operator.strip().lower() or "eq"
    if operator not in ("eq", *OPERATORS):
        raise InvalidQuery(
            f"There is no operator '{operator}' (in '{name}'). "
            f"Use one of these operators after __: {', '.join(OPERATORS)}."
        )
    allowed = allowed_operators(field)
    if operator not in allowed:
        raise InvalidQuery(_operator_refused(field, operator, allowed))
    return Filter(field.name, operator, _filter_value(name, operator, value, field))


def filter_expression(condition: Filter) -> pl.Expr:
    """The Polars expression that keeps the rows meeting the condition."""
    column = pl.col(condition.field)
    value = condition.value
    if condition.operator == "isnull":
        return column.is_null() if value else column.is_not_null()
    if condition.operator == "in":
        assert isinstance(value, tuple)
        return column.is_in(pl.Series(values=list(value)))
    if condition.operator == "contains":
        return column.str.contains(f"(?i){re.escape(str(value))}")
    compare = {"eq": eq, "gt": gt, "gte": ge, "lt": lt, "lte": le}[condition.operator]
    result: pl.Expr = compare(column, pl.lit(value))
    return result


def query_fields(standard: Standard) -> dict[str, StandardField]:
    """Every field a query can name: the standard's, and ``organisation`` even if it lacks one."""
    fields = {f.name: f for f in standard.fields}
    fields.setdefault(
        ORGANISATION, StandardField(name=ORGANISATION, datatype=Datatype.ORGANISATION)
    )
    return fields


def find_field(name: str, standard: Standard, purpose: str) -> StandardField:
    """The field a query names, in the standard's spelling or with underscores for hyphens."""
    fields = query_fields(standard)
    found = fields.get(name.strip().lower().replace("_", "-"))
    if found is None:
        raise InvalidQuery(
            f"There is no field '{name}' in {standard.name}. {purpose}: {', '.join(fields)}."
        )
    return found


def holds_text(field: StandardField) -> bool:
    """Whether the field's column holds text (a text datatype, or several values in a cell)."""
    return field.datatype in _TEXT or field.separator is not None


def allowed_operators(field: StandardField) -> tuple[str, ...]:
    """The operators a filter on this field can use (``eq`` is plain ``field=value``)."""
    if holds_text(field):
        return (*_ORDERED_OPERATORS, "contains")
    if field.datatype in _GEOMETRY:
        return ("isnull",)
    if field.datatype is Datatype.FLAG:
        return ("eq", "in", "isnull")
    return _ORDERED_OPERATORS


def _operator_refused(field: StandardField, operator: str, allowed: tuple[str, ...]) -> str:
    named = "=" if operator == "eq" else f"__{operator}"
    choices = ", ".join("= (equals)" if op == "eq" else f"__{op}" for op in allowed)
    return (
        f"{field.name} holds {field.datatype.value} values, so it cannot be filtered with "
        f"{named}. Use one of: {choices}."
    )


def _filter_value(
    name: str, operator: str, text: str, field: StandardField
) -> Value | tuple[Value, ...]:
    if field.datatype is Datatype.ORGANISATION and operator in ("eq", "in"):
        if operator == "in":
            return tuple(organisation_filter(item.strip(), name) for item in text.split(","))
        return organisation_filter(text.strip(), name)
    if operator == "contains" or (holds_text(field) and operator != "isnull"):
        return tuple(i.strip() for i in text.split(",")) if operator == "in" else text
    reader, hint = (
        (_read_flag, "enter true or false") if operator == "isnull" else _READERS[field.datatype]
    )
    try:
        if operator == "in":
            return tuple(reader(item.strip()) for item in text.split(","))
        return reader(text.strip())
    except (ValueError, ArithmeticError):
        raise InvalidQuery(f"Check {name}={text}: {hint}.") from None


def organisation_filter(text: str, name: str = "organisation") -> str:
    """Our id for the organisation a filter's value names (any code or name the register
    resolves), or an ``InvalidQuery`` (400) that names the value.

    Every door with an ``organisation=`` filter reads it through here, so an unknown value is
    never answered with an empty page.
    """
    if not text:
        raise InvalidQuery(f"Give an organisation in {name}=, like E07000120 or Hyndburn.")
    register = Register.default()
    found = register.resolve(text)
    if found is not None:
        return found.id
    candidates = register.find(text, limit=3)
    if len(candidates) > 1:
        names = " or ".join(f"{o.official_name} ({o.id})" for o in candidates[:2])
        raise InvalidQuery(
            f"'{text}' in {name}= could mean more than one organisation, such as {names}. "
            "Use its code, like E07000120 or local-authority:HYN."
        )
    raise InvalidQuery(
        f"No organisation matches '{text}' in {name}=. Use its code, like E07000120 or "
        "local-authority:HYN, or its name; /api/v1/organisations lists them."
    )


def _read_whole(text: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise ValueError(text)
    return int(text)


def _read_number(text: str) -> float:
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError(text)
    return float(text)


def _read_money(text: str) -> Decimal:
    if not _MONEY.fullmatch(text):
        raise ValueError(text)
    return Decimal(text)


def _read_date(text: str) -> date:
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _read_datetime(text: str) -> datetime:
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    zoned = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return zoned.astimezone(UTC)


def _read_flag(text: str) -> bool:
    flag = FLAG_WORDS.get(text.lower())
    if flag is None:
        raise ValueError(text)
    return flag


_READERS: dict[Datatype, tuple[_Reader, str]] = {
    Datatype.INTEGER: (_read_whole, "enter a whole number, like 25"),
    Datatype.DECIMAL: (_read_number, "enter a number, like 12.5"),
    Datatype.MONEY: (
        _read_money,
        "enter an amount in pounds with at most two decimal places and no £ sign or commas, "
        "like 1234.50",
    ),
    Datatype.DATE: (_read_date, "enter a date like 2024-03-31"),
    Datatype.DATETIME: (
        _read_datetime,
        "enter a date and time like 2024-03-31T13:30:00Z, or a date like 2024-03-31",
    ),
    Datatype.FLAG: (_read_flag, "enter yes or no (true and false work too)"),
}


def _option_name(name: str, seen: Collection[str]) -> str:
    if name not in OPTIONS:
        raise InvalidQuery(f"There is no option '{name}'. Use one of: {', '.join(OPTIONS)}.")
    if name in seen:
        raise InvalidQuery(f"Give {name} only once.")
    return name


def _names(text: str, option: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise InvalidQuery(f"Name at least one field in {option}, like {option}=amount.")
    return names


def _parse_fields(text: str | None, standard: Standard) -> tuple[str, ...] | None:
    if text is None:
        return None
    found = [
        find_field(name, standard, "Choose _fields from").name for name in _names(text, "_fields")
    ]
    return tuple(dict.fromkeys(found))


def _parse_sort(text: str | None, standard: Standard) -> tuple[tuple[str, bool], ...]:
    if text is None:
        return ()
    keys: dict[str, bool] = {}
    for name in _names(text, "_sort"):
        descending = name.startswith("-")
        field = find_field(name.lstrip("-+"), standard, "Sort by one of")
        keys.setdefault(field.name, descending)
    return tuple(keys.items())


def _parse_size(text: str | None) -> int:
    if text is None:
        return DEFAULT_SIZE
    size = text.strip()
    if not size.isascii() or not size.isdigit() or not 1 <= int(size) <= MAX_SIZE:
        raise InvalidQuery(
            f"_size must be a whole number from 1 to {MAX_SIZE}; '{text}' is not. "
            f"Leave it out for pages of {DEFAULT_SIZE}."
        )
    return int(size)


def _parse_count(text: str | None) -> bool:
    if text is None or text.strip().lower() == "estimate":
        return False
    if text.strip().lower() == "exact":
        return True
    raise InvalidQuery(
        f"_count can be exact or estimate; '{text}' is neither. Use _count=exact for an "
        "exact total."
    )


def _parse_cursor(
    token: str | None, standard: Standard, sort: tuple[tuple[str, bool], ...], key: bytes
) -> Cursor | None:
    if token is None or not token.strip():
        return None
    cursor = read_cursor(token.strip(), key)
    if cursor.dataset != standard.name or cursor.sort != sort:
        raise InvalidQuery(
            "This _next value was made for another dataset or another _sort. Keep the _sort "
            "the link was made with, or leave _next out to start from the first page."
        )
    return cursor
