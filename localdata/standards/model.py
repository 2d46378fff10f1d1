"""What a data standard is: a versioned list of fields, each with a datatype and rules.

Standards are data. Built-in ones are TOML files in ``localdata/standards/data/``; any
Frictionless Table Schema can be imported as one (see ``tableschema.py``).
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Datatype(StrEnum):
    """The kinds of value a field can hold; each has a harmoniser in ``ingest/datatypes``."""

    STRING = "string"
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"
    FLAG = "flag"
    URL = "url"
    POSTCODE = "postcode"
    UPRN = "uprn"
    GSS_CODE = "gss-code"
    COMPANY_NUMBER = "company-number"
    ORGANISATION = "organisation"
    POINT = "point"
    MULTIPOLYGON = "multipolygon"


class Frequency(StrEnum):
    """How often a standard expects organisations to publish."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    CONTINUOUS = "continuous"
    AD_HOC = "ad-hoc"


class Publication(StrEnum):
    """How a published file relates to what the organisation published before.

    - ``snapshot``: the file is the organisation's whole register; publishing it replaces the
      organisation's part of the dataset (a brownfield land register, a contracts register).
    - ``periodic``: the file covers a reporting period (a month of spending, a year of grants);
      publishing it replaces what the organisation published before for that period, and
      nothing else (``localdata.store.lake`` says exactly which rows).
    """

    SNAPSHOT = "snapshot"
    PERIODIC = "periodic"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Code(_Frozen):
    """One allowed value of a code list, with the other spellings seen in real files."""

    value: str
    label: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()


class Constraints(_Frozen):
    """Rules a field's harmonised values must meet."""

    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    codes: tuple[Code, ...] = ()
    unique: bool = False

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value


class CoordinateColumns(_Frozen):
    """Header names of separate x (easting or longitude) and y (northing or latitude) columns."""

    x: tuple[str, ...]
    y: tuple[str, ...]


class StandardField(_Frozen):
    """One column of a standard."""

    name: str
    title: str = ""
    datatype: Datatype = Datatype.STRING
    required: bool = False
    description: str = ""
    guidance: str = ""
    aliases: tuple[str, ...] = ()
    constraints: Constraints = Constraints()
    example: str = ""
    personal_data: bool = False
    separator: str | None = None
    coordinate_columns: CoordinateColumns | None = None

    @field_validator("name")
    @classmethod
    def _kebab_case(cls, value: str) -> str:
        if not KEBAB.match(value):
            raise ValueError(f"field name {value!r} must be kebab-case, like start-date")
        return value

    @property
    def label(self) -> str:
        """The title, or the name when the field has no title."""
        return self.title or self.name

    @property
    def code_values(self) -> tuple[str, ...]:
        """The allowed values of this field's code list, if it has one."""
        return tuple(code.value for code in self.constraints.codes)


class Standard(_Frozen):
    """One version of a data standard."""

    name: str
    title: str
    description: str = ""
    version: str = "1"
    owner: str = ""
    licence: str = "OGL-UK-3.0"
    frequency: Frequency = Frequency.AD_HOC
    source: str = ""
    attribution: str = ""
    key: tuple[str, ...] = ()
    publication: Publication = Publication.SNAPSHOT
    period_field: str | None = None
    fields: tuple[StandardField, ...]

    @field_validator("key", mode="before")
    @classmethod
    def _key_as_tuple(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _kebab_case(cls, value: str) -> str:
        if not KEBAB.match(value):
            raise ValueError(f"standard name {value!r} must be kebab-case, like brownfield-land")
        return value

    @model_validator(mode="after")
    def _fields_consistent(self) -> Standard:
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"fields named more than once: {', '.join(duplicates)}")
        strangers = [k for k in self.key if k not in names]
        if strangers:
            raise ValueError(f"key fields {', '.join(strangers)} are not among the fields")
        self._period_field_fits()
        return self

    def _period_field_fits(self) -> None:
        if self.period_field is None:
            return
        if self.publication is not Publication.PERIODIC:
            raise ValueError("only a periodic standard has a period field")
        found = {f.name: f for f in self.fields}.get(self.period_field)
        if found is None or found.datatype not in (Datatype.DATE, Datatype.DATETIME):
            raise ValueError(f"the period field {self.period_field!r} must be a date field")

    @property
    def periodic(self) -> bool:
        """True when each file covers a reporting period (see ``Publication``)."""
        return self.publication is Publication.PERIODIC

    @property
    def field_names(self) -> tuple[str, ...]:
        """The field names in the standard's order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> StandardField:
        """The field with this name."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


__all__ = [
    "Code",
    "Constraints",
    "CoordinateColumns",
    "Datatype",
    "Frequency",
    "Publication",
    "Standard",
    "StandardField",
]
