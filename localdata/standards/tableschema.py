"""Convert between our standards and Frictionless Table Schemas (and Data Packages).

Export writes a Table Schema any Frictionless tool can use, with our own details (datatype,
aliases, guidance, code labels) under each field's ``localdata`` property, and the standard's
(owner, frequency, publication model and period field) under the schema's, so that exporting
and importing again gives back the same standard. An imported schema without them is a
snapshot standard: each file replaces the organisation's data. Import accepts a Table Schema,
an older "JSON Table Schema" such as the data.gov.uk schemas, or a Data Package (its first
resource).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from localdata.errors import StandardFileInvalid
from localdata.standards.model import (
    Code,
    Constraints,
    Datatype,
    Standard,
    StandardField,
)

# Our datatype -> (Table Schema type, format)
_EXPORT: dict[Datatype, tuple[str, str | None]] = {
    Datatype.STRING: ("string", None),
    Datatype.TEXT: ("string", None),
    Datatype.INTEGER: ("integer", None),
    Datatype.DECIMAL: ("number", None),
    Datatype.MONEY: ("number", None),
    Datatype.DATE: ("date", None),
    Datatype.DATETIME: ("datetime", None),
    Datatype.FLAG: ("boolean", None),
    Datatype.URL: ("string", "uri"),
    Datatype.POSTCODE: ("string", None),
    Datatype.UPRN: ("string", None),
    Datatype.GSS_CODE: ("string", None),
    Datatype.COMPANY_NUMBER: ("string", None),
    Datatype.ORGANISATION: ("string", None),
    Datatype.POINT: ("string", None),
    Datatype.MULTIPOLYGON: ("string", None),
}
_IMPORT: dict[str, Datatype] = {
    "string": Datatype.STRING,
    "integer": Datatype.INTEGER,
    "number": Datatype.DECIMAL,
    "boolean": Datatype.FLAG,
    "date": Datatype.DATE,
    "datetime": Datatype.DATETIME,
    "year": Datatype.INTEGER,
    "geopoint": Datatype.POINT,
    "geojson": Datatype.MULTIPOLYGON,
    "any": Datatype.STRING,
}


def export_table_schema(standard: Standard) -> dict[str, Any]:
    """The standard as a Frictionless Table Schema (a JSON-ready dict)."""
    schema: dict[str, Any] = {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": standard.name,
        "title": standard.title,
        "description": standard.description,
        "version": standard.version,
        "licenses": [{"name": standard.licence}],
        "fields": [_export_field(f) for f in standard.fields],
        "missingValues": [""],
        "localdata": {
            "owner": standard.owner,
            "frequency": standard.frequency.value,
            "publication": standard.publication.value,
            "period_field": standard.period_field,
            "source": standard.source,
            "attribution": standard.attribution,
        },
    }
    if standard.key:
        schema["primaryKey"] = list(standard.key)
    return schema


def _export_field(standard_field: StandardField) -> dict[str, Any]:
    kind, fmt = _EXPORT[standard_field.datatype]
    rules = standard_field.constraints
    constraints: dict[str, Any] = {"required": standard_field.required}
    for ours, theirs in [
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("min_length", "minLength"),
        ("max_length", "maxLength"),
        ("pattern", "pattern"),
    ]:
        if getattr(rules, ours) is not None:
            constraints[theirs] = getattr(rules, ours)
    if rules.unique:
        constraints["unique"] = True
    if rules.codes:
        constraints["enum"] = [c.value for c in rules.codes]
    out: dict[str, Any] = {
        "name": standard_field.name,
        "title": standard_field.title,
        "type": kind,
        "description": standard_field.description,
        "constraints": constraints,
        "localdata": {
            "datatype": standard_field.datatype.value,
            "guidance": standard_field.guidance,
            "aliases": list(standard_field.aliases),
            "personal_data": standard_field.personal_data,
            "separator": standard_field.separator,
            "codes": [c.model_dump() for c in rules.codes],
        },
    }
    if fmt:
        out["format"] = fmt
    if standard_field.example:
        out["example"] = standard_field.example
    if standard_field.coordinate_columns:
        out["localdata"]["coordinate_columns"] = standard_field.coordinate_columns.model_dump()
    return out


def import_table_schema(text: str, *, name: str | None = None) -> Standard:
    """Build a standard from the text of a Table Schema or Data Package JSON file."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StandardFileInvalid(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}). "
            "Export the Table Schema as JSON and try again."
        ) from exc
    schema = _find_schema(document)
    try:
        return _build_standard(document, schema, name)
    except ValidationError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors()[:5])
        raise StandardFileInvalid(
            f"The Table Schema cannot be used as a standard: {problems}."
        ) from exc


def _find_schema(document: Any) -> dict[str, Any]:
    if isinstance(document, dict) and isinstance(document.get("fields"), list):
        return document
    if isinstance(document, dict) and isinstance(document.get("resources"), list):
        for resource in document["resources"]:
            if isinstance(resource, dict) and isinstance(resource.get("schema"), dict):
                return _find_schema(resource["schema"])
    raise StandardFileInvalid(
        'The file has no list of fields. A Table Schema needs a "fields" list, and a Data '
        'Package needs a resource with a "schema".'
    )


def _build_standard(document: dict[str, Any], schema: dict[str, Any], name: str | None) -> Standard:
    ours = schema.get("localdata") or {}
    title = str(schema.get("title") or document.get("title") or name or "Imported standard")
    standard_name = kebab(name or str(schema.get("name") or document.get("name") or title))
    fields = [_import_field(f) for f in schema["fields"] if isinstance(f, dict)]
    licences = schema.get("licenses") or document.get("licenses") or []
    licence = licences[0].get("name", "") if licences and isinstance(licences[0], dict) else ""
    return Standard(
        name=standard_name,
        title=title,
        description=str(schema.get("description") or document.get("description") or ""),
        version=str(schema.get("version") or document.get("version") or "1"),
        owner=str(ours.get("owner", "")),
        licence=licence or "unknown",
        frequency=ours.get("frequency", "ad-hoc"),
        publication=ours.get("publication", "snapshot"),
        period_field=ours.get("period_field"),
        source=str(ours.get("source", "")),
        attribution=str(ours.get("attribution", "")),
        key=_primary_key(schema),
        fields=tuple(fields),
    )


def _primary_key(schema: dict[str, Any]) -> tuple[str, ...]:
    key = schema.get("primaryKey")
    names = [key] if isinstance(key, str) else key if isinstance(key, list) else []
    return tuple(kebab(str(name)) for name in names)


def _import_field(spec: dict[str, Any]) -> StandardField:
    ours = spec.get("localdata") or {}
    original = str(spec.get("name", ""))
    constraints = spec.get("constraints") or {}
    datatype = ours.get("datatype") or _IMPORT.get(str(spec.get("type", "string")), Datatype.STRING)
    if spec.get("format") in {"uri", "url"} and "datatype" not in ours:
        datatype = Datatype.URL
    name = kebab(original)
    aliases = list(ours.get("aliases", []))
    if original != name and original not in aliases:
        aliases.insert(0, original)
    return StandardField(
        name=name,
        title=str(spec.get("title") or original),
        datatype=datatype,
        required=bool(constraints.get("required", False)),
        description=str(spec.get("description", "")),
        guidance=str(ours.get("guidance", "")),
        aliases=tuple(aliases),
        constraints=_import_constraints(constraints, ours),
        example=str(spec.get("example", "")),
        personal_data=bool(ours.get("personal_data", False)),
        separator=ours.get("separator"),
        coordinate_columns=ours.get("coordinate_columns"),
    )


def _import_constraints(constraints: dict[str, Any], ours: dict[str, Any]) -> Constraints:
    codes = [Code.model_validate(c) for c in ours.get("codes", [])]
    if not codes and isinstance(constraints.get("enum"), list):
        codes = [Code(value=str(v)) for v in constraints["enum"]]
    return Constraints(
        minimum=_number(constraints.get("minimum")),
        maximum=_number(constraints.get("maximum")),
        min_length=constraints.get("minLength"),
        max_length=constraints.get("maxLength"),
        pattern=constraints.get("pattern"),
        unique=bool(constraints.get("unique", False)),
        codes=tuple(codes),
    )


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def kebab(text: str) -> str:
    """A kebab-case name for any header or title ("AmountPaid", "Amount paid" -> amount-paid)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text.strip())
    return re.sub(r"[^a-z0-9]+", "-", spaced.lower()).strip("-") or "field"
