"""Read cells that stand for no value as empty, before any datatype's harmoniser sees them.

Councils fill cells they have nothing for with a placeholder. Every cell is compared, ignoring
case, spaces and full stops, with two lists:

- **No value** (``NO_VALUE``): ``N/A``, ``NA``, ``n.a.``, ``not applicable``, ``none``,
  ``nil``, ``null``, ``nan``, ``(blank)``, and any cell of only dashes, asterisks, slashes,
  underscores or full stops (``-``, ``--``, ``—``, ``*``, ``***``, ``/``, ``.``). These mean
  the same in every field, free text included.
- **Not known yet** (``NOT_KNOWN``): ``TBC``, ``TBA``, ``TBD``, ``to be confirmed``, ``to be
  determined``, ``to be agreed``, ``unknown``, ``not known``, ``n/k``, ``unspecified``, ``not
  specified``, ``not stated``, ``not available`` and ``?``. These are placeholders only where
  the field cannot hold free text: dates, numbers, money, flags, web addresses, identifiers,
  organisations, geometry, and any field with a code list. In a free-text field (``string`` or
  ``text`` without a code list) they are kept: "TBC" is what the council wrote, and a reader
  should see it.

A placeholder that the field's code list holds, as a value, label or alias (compared as codes
are: case, spaces, hyphens and underscores aside), is a value, not a placeholder: "unknown" in a
field whose list has "unknown ownership" with the alias "unknown" stays "unknown ownership".

What happens to a placeholder depends on the field. In an optional field it becomes empty, with
the info issue ``placeholder-read-as-empty``. In a required field it becomes empty with the
error ``placeholder-in-required-field``, which names the placeholder and says what to enter;
the check does not also report ``missing-value`` for that cell.

Excel's error values (``#N/A``, ``#REF!``, ``#VALUE!``) are not placeholders: they come from
a broken formula, and the publisher should see them as the error they are. Sentences that say
there is nothing ("No relevant planning history") are not placeholders either: only whole
cells that match a list are.

A cell of nothing but whitespace is empty, silently, as if nothing were written; a required
field then gets ``missing-value``. So is a cell of nothing but quotation marks (``""``),
except that it is a placeholder and reported like one.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.codes import allowed_values, code_key, code_lookup
from localdata.ingest.datatypes.columns import first_issue, no_issues
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import Datatype, StandardField

PLACEHOLDER_READ_AS_EMPTY = IssueType(
    "placeholder-read-as-empty",
    "Placeholder read as empty",
    Severity.INFO,
    "We read '{value}' as no value. You can leave the cell empty instead.",
    fixed_by="library",
)
PLACEHOLDER_IN_REQUIRED_FIELD = IssueType(
    "placeholder-in-required-field",
    "Placeholder instead of a required value",
    Severity.ERROR,
    "This field is required, and '{value}' stands for no value. Enter {detail}.",
)

NO_VALUE = (
    "n/a",
    "na",
    "n.a.",
    "n\\a",
    "not applicable",
    "none",
    "nil",
    "null",
    "nan",
    "(blank)",
    "[blank]",
)
NOT_KNOWN = (
    "tbc",
    "tba",
    "tbd",
    "to be confirmed",
    "to be advised",
    "to be agreed",
    "to be determined",
    "unknown",
    "not known",
    "n/k",
    "unspecified",
    "not specified",
    "not stated",
    "not available",
)
# Whole cells of these characters mean "nothing here" (a dash, a row of asterisks, "").
_ONLY_MARKS = r"^[-‐‑‒–—―_*/\\|~\"“”']*$"
_ONLY_QUESTION_MARKS = r"^\?+$"
# No placeholder is longer than this, or starts otherwise, or has a digit: other cells are
# not looked at. (Placeholders start with n, t, u, a bracket, a mark or a quotation mark.)
_LONGEST = 24
_COULD_BE = r"(?i)^[\s\"“”']*(?:[ntu(\[\-‐‑‒–—―_*/\\|~?.][^0-9]*)?$"

_FREE_TEXT = {Datatype.STRING, Datatype.TEXT}

# What to enter, by datatype, for the message of a placeholder in a required field.
_WHAT_TO_ENTER = {
    Datatype.STRING: "a value",
    Datatype.TEXT: "a value",
    Datatype.INTEGER: "a whole number",
    Datatype.DECIMAL: "a number",
    Datatype.MONEY: "an amount in pounds",
    Datatype.DATE: "a date",
    Datatype.DATETIME: "a date and time",
    Datatype.FLAG: "yes or no",
    Datatype.URL: "a web address",
    Datatype.POSTCODE: "a postcode",
    Datatype.UPRN: "a UPRN",
    Datatype.GSS_CODE: "a GSS code",
    Datatype.COMPANY_NUMBER: "a company number",
    Datatype.ORGANISATION: "the organisation",
    Datatype.POINT: "the location",
    Datatype.MULTIPOLYGON: "the boundary",
}


def placeholder_key(values: pl.Expr) -> pl.Expr:
    """The form in which cells and placeholders are compared: lower case, no spaces or stops."""
    return values.str.to_lowercase().str.replace_all(r"[\s.]+", "")


def _keys(words: tuple[str, ...]) -> list[str]:
    return pl.select(placeholder_key(pl.lit(pl.Series(words)))).to_series().to_list()


_NO_VALUE_KEYS = _keys(NO_VALUE)
_NOT_KNOWN_KEYS = _keys(NOT_KNOWN)


def holds_free_text(field: StandardField) -> bool:
    """Whether the field can hold any text: a string or text without a code list."""
    return field.datatype in _FREE_TEXT and not field.constraints.codes


def what_to_enter(field: StandardField) -> str:
    """What the publisher should enter in this field, for messages: "a whole number, like 18"."""
    if field.constraints.codes:
        return f"one of the allowed values: {allowed_values(field)}"
    what = _WHAT_TO_ENTER.get(field.datatype, "a value")
    return f"{what}, like {field.example}" if field.example else what


def read_blanks(values: pl.Series, field: StandardField) -> Harmonised:
    """The column with whitespace-only cells and placeholders empty (null), and their issues.

    Other cells are returned as they are, with no issue. Placeholders are short and have no
    digits, so only such values are looked at, each distinct one once; the cells are then
    matched against the few that are empty or placeholders.
    """
    could_be = values.str.contains(_COULD_BE) & (values.str.len_chars() <= _LONGEST)
    short = values.filter(could_be).unique()
    found = _placeholders(short, field).filter(pl.col("empty") | pl.col("placeholder"))
    issues = no_issues(values.len(), values.name)
    if found.height == 0:
        return Harmonised(values, issues)
    placeholders = found.filter("placeholder")["raw"].implode()
    slug = PLACEHOLDER_IN_REQUIRED_FIELD if field.required else PLACEHOLDER_READ_AS_EMPTY
    cells = values.to_frame("raw").select(
        pl.when(~pl.col("raw").is_in(found["raw"].implode())).then(pl.col("raw")).alias("value"),
        first_issue((pl.col("raw").is_in(placeholders), slug)).alias("issue"),
    )
    return Harmonised(
        cells["value"].alias(values.name),
        cells["issue"].alias(values.name),
        details={PLACEHOLDER_IN_REQUIRED_FIELD.slug: what_to_enter(field)},
    )


def _placeholders(distinct: pl.Series, field: StandardField) -> pl.DataFrame:
    """For each distinct short value: whether it is empty, and whether it is a placeholder here."""
    empty = pl.col("raw").str.strip_chars() == ""
    key = placeholder_key(pl.col("raw"))
    placeholder = key.is_in(_NO_VALUE_KEYS) | key.str.contains(_ONLY_MARKS)
    if not holds_free_text(field):
        placeholder = placeholder | key.is_in(_NOT_KNOWN_KEYS)
        placeholder = placeholder | key.str.contains(_ONLY_QUESTION_MARKS)
    if field.constraints.codes:
        placeholder = placeholder & ~code_key(pl.col("raw")).is_in(list(code_lookup(field)))
    return (
        distinct.alias("raw")
        .to_frame()
        .select(
            "raw",
            empty.fill_null(value=False).alias("empty"),
            (~empty & placeholder).fill_null(value=False).alias("placeholder"),
        )
    )
