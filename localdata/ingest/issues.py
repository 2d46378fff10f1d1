"""Issue types and issues: every finding of a check, as data.

Each issue type is declared once, next to the code that finds it, as a module-level
``IssueType``. Declaring one registers it in ``CATALOGUE``, from which the documentation page
``docs/issue-types.md`` is generated; a test fails if a check reports an undeclared slug.

Severity decides what happens to the file:

- ``error``: must be fixed before the file can be published;
- ``warning``: should be fixed, but the file can be published;
- ``info``: we fixed it for you, and say what we changed.
"""

from __future__ import annotations

import dataclasses
import string
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Severity(StrEnum):
    """How much an issue matters to publishing."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def heading(self) -> str:
        """The plain-English group heading for issues of this severity."""
        return _HEADINGS[self]

    @property
    def rank(self) -> int:
        """Ordering from most to least serious (0 is most serious)."""
        return list(Severity).index(self)


_HEADINGS = {
    Severity.ERROR: "Must fix before publishing",
    Severity.WARNING: "Should fix",
    Severity.INFO: "We fixed these for you",
}

CATALOGUE: dict[str, IssueType] = {}


@dataclass(frozen=True)
class IssueType:
    """A kind of finding, declared once with its severity and message.

    ``message`` is a template written for the person who fixes the data. It may use
    ``{field}``, ``{value}``, ``{row}`` and ``{detail}``; the report fills them in.
    ``scope`` says whether the issue is about one cell, a whole column, or the whole file.
    """

    slug: str
    title: str
    severity: Severity
    message: str
    fixed_by: Literal["publisher", "library"] = "publisher"
    scope: Literal["cell", "column", "row", "file"] = "cell"
    description: str = ""

    def __post_init__(self) -> None:
        if self.slug in CATALOGUE and CATALOGUE[self.slug] != self:
            raise ValueError(f"issue type {self.slug!r} is declared twice")
        names = {name for _, name, _, _ in string.Formatter().parse(self.message) if name}
        unknown = names - {"field", "value", "row", "detail"}
        if unknown:
            raise ValueError(f"issue type {self.slug!r} uses unknown placeholders {unknown}")
        CATALOGUE[self.slug] = self


@dataclass(frozen=True)
class Issue:
    """One finding: where it is, what the original value was, and what to do."""

    type: str
    row: int | None = None
    field: str | None = None
    column: str | None = None
    value: str | None = None
    detail: str = ""
    extra: dict[str, str] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    @property
    def issue_type(self) -> IssueType:
        """The declared type of this issue."""
        return CATALOGUE[self.type]

    @property
    def severity(self) -> Severity:
        """The severity of this issue's type."""
        return self.issue_type.severity

    @property
    def message(self) -> str:
        """The plain-English message: where the problem is and what to do."""
        return render_message(
            self.issue_type, self.row, self.field or self.column, self.value, self.detail
        )


def render_message(
    issue_type: IssueType,
    row: int | None,
    field_name: str | None,
    value: str | None,
    detail: str,
) -> str:
    """Fill in an issue type's message template and say where the issue is."""
    shown = value if value is None or len(value) <= 80 else value[:77] + "..."
    body = issue_type.message.format(
        field=field_name or "",
        value=shown if shown is not None else "",
        row=row or "",
        detail=detail,
    )
    where = []
    if row is not None:
        where.append(f"Row {row}")
    if field_name and "{field}" not in issue_type.message:
        where.append(field_name)
    if shown is not None and "{value}" not in issue_type.message and issue_type.scope == "cell":
        where.append(f"'{shown}'")
    return f"{', '.join(where)}: {body}" if where else body


def issue_type(slug: str) -> IssueType:
    """The declared issue type with this slug."""
    return CATALOGUE[slug]
