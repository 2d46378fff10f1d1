"""Step 3 of the check, with mapping: read which organisation a file is from, from what it says.

``identify_organisation`` looks in two places (a collected file is checked for its source's
organisation, which is given, so the source always wins):

- **Columns.** Any column whose values name one organisation in most rows: the column mapped to
  the standard's organisation field, an organisation-name column, and columns the standard
  has no field for ("Body Name", "Authority", "Entity Name", "Purchasing Body", "Funding
  Org:Identifier"). A column is judged by its values, not its heading, so the next council's
  heading works too: its commonest distinct values (up to ``MAX_DISTINCT``) in the first batch
  of rows (``Settings.batch_rows``, the whole of nearly every file) are looked up in the
  register, and it names an organisation when that organisation accounts for at least
  ``SHARE`` of its filled cells, and at least half the rows are filled. Values that name an
  organisation on their own count anywhere: names in full ("Hyndburn Borough Council",
  " 51 Council of the Isles of Scilly"), URIs, GSS and SNAC codes, 360Giving org ids
  (``GB-LAE-TRF``). Values that could be something else count only in the organisation
  column or a column headed like one (organisation, authority, council, body, entity, LPA,
  LA, publisher, funder, district, borough, or a code: SNAC, ONS, GSS): a place alone
  ("Maidstone"), a register code or initials ("UTT", "KMBC", but "NET" is also a VAT type),
  a number ("18", a county SNAC code).
  A web address counts only in the organisation column: elsewhere a link says where a page
  is, not who published the data. Never used: columns mapped to the standard's counterparty
  fields (supplier, recipient, beneficiary, merchant: a council paying another council is
  common) and other columns with more than ``MAX_DISTINCT`` distinct values.
- **Rows above the column headings**: titles and labels such as "Hyndburn Borough Council -
  payments over £250" or "Business Unit | London Borough of Croydon", read with
  ``Register.named_in`` (names in full, longest first, URIs and GSS codes). A cell longer than
  ``MAX_TITLE`` characters is prose, not a title, and is left out: a paragraph may name a
  funder or a partner.

What is decided:

- One organisation named and none given: it is the file's organisation (an ``info`` issue
  says where it was read).
- An organisation column that names several organisations, one per row, is a combined
  register (London's boroughs in one brownfield file, a joint planning unit's councils):
  each row keeps its own organisation, the file gets none, and nothing else the file says
  makes it one organisation's.
- Two organisations named anywhere else: an error naming both, and no organisation is chosen.
- An organisation given, and the file names another: an error. The organisation column is left
  to the row-by-row check (``organisation-mismatch``); a predecessor or successor of the given
  organisation (a council merged into it) is not another.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import polars as pl

from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.mapping import ColumnMapping
from localdata.registers import Organisation, Register
from localdata.registers.lookup import COUNTY_SNAC, query_tiers
from localdata.standards.model import Datatype, Standard

ORGANISATION_IDENTIFIED = IssueType(
    "organisation-identified",
    "Organisation read from the file",
    Severity.INFO,
    "We identified the organisation as {value} from {detail}. If that is wrong, say which "
    "organisation published the file when you check it.",
    fixed_by="library",
    scope="file",
)
SEVERAL_ORGANISATIONS = IssueType(
    "several-organisations-named",
    "File names more than one organisation",
    Severity.ERROR,
    "The file names more than one organisation: {detail}. Check the file holds one "
    "organisation's data, and say which organisation published it when you check it.",
    scope="file",
)
ANOTHER_ORGANISATION = IssueType(
    "another-organisation-named",
    "File names another organisation",
    Severity.ERROR,
    "The file names {detail}. Check you chose the right file, or check it for the "
    "organisation it names.",
    scope="file",
)

SHARE = 0.75
MAX_DISTINCT = 20
MAX_ORGANISATIONS_PER_ROW = 200
MAX_TITLE = 150
COUNTERPARTY = ("supplier", "recipient", "beneficiary", "merchant", "payee", "contractor")
_ORGANISATION_HEADING = re.compile(
    r"^(?:org|organi[sz]|authorit|council|body|bodies|entity|lpa|publisher|funder|funding"
    r"|district|borough)|^(?:la|snac|ons|gss)$"
)
_HEADING_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_STRONG_SCHEMES = {
    "gss",
    "curie",
    "snac",
    "billing-authority",
    "wikidata",
    "opendatacommunities",
    "odc-slug",
    "planning-data-entity",
}


@dataclass(frozen=True)
class Statement:
    """One place where a file names an organisation."""

    organisation: Organisation
    where: str
    in_organisation_column: bool = False


@dataclass(frozen=True)
class Identification:
    """What the file says about its organisation, and what we concluded.

    ``organisation`` is the file's organisation (the given one, when one was given);
    ``per_row`` is True for a combined register, whose rows keep their own organisations.
    """

    organisation: str | None
    statements: tuple[Statement, ...] = ()
    per_row: bool = False
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class _Column:
    """A column to read, and what kind of values count in it."""

    name: str
    organisation_field: bool
    weak_values: bool


def identify_organisation(
    sample: pl.DataFrame,
    preamble: tuple[tuple[int, tuple[str, ...]], ...],
    mapping: ColumnMapping,
    standard: Standard,
    given: str | None,
    register: Register,
) -> Identification:
    """The organisation a file is from: the given one, or the one the file names.

    ``sample`` is the first batch of rows, shaped; ``preamble`` the rows above the header.

    Example::

        found = identify_organisation(batch.frame, source.preamble, mapping, spend, None, register)
        found.organisation  # 'local-authority:HYN'
    """
    statements, per_row = _column_statements(sample, mapping, standard, register)
    statements += _preamble_statements(preamble, register)
    if given is not None:
        return Identification(
            given, tuple(statements), per_row, _others(statements, given, register)
        )
    if per_row:
        return Identification(None, tuple(statements), per_row=True)
    named = _first_per_organisation(statements)
    if len(named) == 1:
        only = named[0]
        issue = Issue(
            ORGANISATION_IDENTIFIED.slug, value=only.organisation.official_name, detail=only.where
        )
        return Identification(only.organisation.id, tuple(statements), issues=[issue])
    if named:
        listed = "; ".join(f"{s.organisation.official_name} ({s.where})" for s in named)
        issue = Issue(SEVERAL_ORGANISATIONS.slug, detail=listed)
        return Identification(None, tuple(statements), issues=[issue])
    return Identification(None)


# -- columns ---------------------------------------------------------------------------------


def _column_statements(
    sample: pl.DataFrame, mapping: ColumnMapping, standard: Standard, register: Register
) -> tuple[list[Statement], bool]:
    """What the columns say: one statement per column naming one organisation, and whether
    the organisation column names several (a combined register)."""
    statements: list[Statement] = []
    per_row = False
    for column in _columns(sample.columns, mapping, standard):
        found = _organisations_in(sample[column.name], column, register)
        if not found or sum(found.values()) * 2 < sample.height:
            continue
        filled = sum(found.values())
        organisation_id, rows = found.most_common(1)[0]
        if organisation_id and rows >= SHARE * filled:
            where = f"the column '{column.name}'"
            organisation = register.get(organisation_id)
            statements.append(Statement(organisation, where, column.organisation_field))
        elif column.organisation_field and _several(found, filled):
            per_row = True
    return statements, per_row


def _several(found: Counter[str], filled: int) -> bool:
    """Whether the organisations found name most cells, more than one of them."""
    named = {k: v for k, v in found.items() if k}
    return len(named) > 1 and sum(named.values()) >= SHARE * filled


def _columns(headers: list[str], mapping: ColumnMapping, standard: Standard) -> Iterator[_Column]:
    """The columns that may name the file's organisation: all but the counterparty's."""
    counterparty = {
        column
        for name in standard.field_names
        if name.startswith(COUNTERPARTY)
        for column in (mapping.column_for(name), *mapping.fallbacks.get(name, ()))
        if column
    }
    for header in headers:
        if header in counterparty:
            continue
        field_name = mapping.columns.get(header)
        organisation_field = bool(
            field_name and standard.field(field_name).datatype is Datatype.ORGANISATION
        )
        weak = organisation_field or _headed_like_an_organisation(header)
        yield _Column(header, organisation_field, weak)


def _headed_like_an_organisation(header: str) -> bool:
    """Whether a column heading names an organisation: "Local_Authority", "OrgLabel", "LPA"."""
    return any(
        _ORGANISATION_HEADING.match(word.casefold()) for word in _HEADING_WORDS.findall(header)
    )


def _organisations_in(values: pl.Series, column: _Column, register: Register) -> Counter[str]:
    """Filled cells per organisation id ("" for cells that name none), or nothing when the
    column has too many distinct values to name one organisation."""
    text = values.cast(pl.String).str.strip_chars()
    counts = text.filter(text.is_not_null() & (text != "")).value_counts(sort=True)
    limit = MAX_ORGANISATIONS_PER_ROW if column.organisation_field else MAX_DISTINCT
    if counts.height == 0 or counts.height > limit:
        return Counter()
    found: Counter[str] = Counter()
    for value, rows in counts.iter_rows():
        organisation = _resolve(value, column, register)
        found[organisation.id if organisation else ""] += rows
    return found


def _resolve(value: str, column: _Column, register: Register) -> Organisation | None:
    """The organisation a cell names, if a value of its kind counts in this column."""
    if not (column.weak_values or _names_on_its_own(value, register)):
        return None
    return register.resolve(value, websites=column.organisation_field)


def _names_on_its_own(value: str, register: Register) -> bool:
    """Whether a value names an organisation whatever column it is in: a name in full, a
    URI, or a code that is nothing else (not a register code, initials or a bare number)."""
    tiers = query_tiers(value)
    if not tiers:
        return False
    scheme = tiers[0][0].partition(":")[0]
    if scheme == "snac":
        return not COUNTY_SNAC.match(value.strip())
    if scheme in _STRONG_SCHEMES:
        return True
    return scheme in {"name", "register-code"} and register.is_full_name(value)


# -- rows above the header -------------------------------------------------------------------


def _preamble_statements(
    preamble: tuple[tuple[int, tuple[str, ...]], ...], register: Register
) -> list[Statement]:
    """What the titles above the column headings say."""
    statements = []
    for row, cells in preamble:
        for cell in cells:
            if len(cell) > MAX_TITLE:
                continue
            for _, organisation in register.named_in(cell):
                where = f"row {row} above the column headings ('{_shortened(cell)}')"
                statements.append(Statement(organisation, where))
    return statements


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- deciding --------------------------------------------------------------------------------


def _first_per_organisation(statements: list[Statement]) -> list[Statement]:
    """The first statement naming each organisation, in the order found."""
    first: dict[str, Statement] = {}
    for statement in statements:
        first.setdefault(statement.organisation.id, statement)
    return list(first.values())


def _others(statements: list[Statement], given: str, register: Register) -> list[Issue]:
    """An error for each organisation the file names that is not the one given."""
    related = {given} | _family(given, register)
    checked_for = register.get(given).official_name
    return [
        Issue(
            ANOTHER_ORGANISATION.slug,
            value=s.organisation.official_name,
            detail=f"{s.organisation.official_name} ({s.where}), but you are checking it "
            f"for {checked_for}",
        )
        for s in _first_per_organisation([s for s in statements if not s.in_organisation_column])
        if s.organisation.id not in related
    ]


def _family(organisation_id: str, register: Register) -> set[str]:
    """The organisations this one replaced, and those that replaced it, all the way along."""
    return _chain(organisation_id, lambda i: [p.id for p in register.predecessors(i)]) | _chain(
        organisation_id, lambda i: list(register.get(i).successor_ids)
    )


def _chain(start: str, step: Callable[[str], list[str]]) -> set[str]:
    """Every id reached from ``start`` by taking ``step`` again and again."""
    found: set[str] = set()
    waiting = [start]
    while waiting:
        for other in step(waiting.pop()):
            if other not in found:
                found.add(other)
                waiting.append(other)
    return found
