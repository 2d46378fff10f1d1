"""The form to propose a data sharing agreement: its fields, and turning answers into terms.

The form asks for every term ``localdata.access.agreements.Terms`` records, in words an
information governance officer uses. Lists are typed one item a line; the fields shared are one
line a dataset (``spend: amount, department``); row conditions one a line (``ward = A`` or
``ward in A, B``; ``{receiver}`` stands for the receiving organisation). Each answer that
cannot be used is reported against its own field, as the GOV.UK error summary expects.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from localdata.access.agreements import Terms, check_terms
from localdata.errors import UsageError
from localdata.store.library import Library

FIELDS = (
    "id",
    "title",
    "provider",
    "receivers",
    "purpose",
    "purpose_description",
    "legal_gateway",
    "article6_basis",
    "article9_condition",
    "datasets",
    "fields",
    "row_conditions",
    "starts_on",
    "ends_on",
    "review_on",
    "dpia_reference",
)
ARTICLE6 = (
    ("public-task", "Public task (Article 6(1)(e))"),
    ("legal-obligation", "Legal obligation (Article 6(1)(c))"),
    ("vital-interests", "Vital interests (Article 6(1)(d))"),
    ("contract", "Contract (Article 6(1)(b))"),
    ("consent", "Consent (Article 6(1)(a))"),
    ("legitimate-interests", "Legitimate interests (Article 6(1)(f))"),
)
MESSAGES = {
    "id": "Enter a short name of 2 to 63 lower-case letters, digits and hyphens",
    "title": "Enter a title",
    "provider": "Select the organisation that provides the data",
    "receivers": "Enter at least one organisation that receives the data",
    "purpose": "Enter the purpose as a short name of lower-case letters, digits and hyphens",
    "purpose_description": "Describe the purpose",
    "legal_gateway": "Enter the legal power or gateway the sharing relies on",
    "article6_basis": "Select the UK GDPR Article 6 basis",
    "datasets": "Enter at least one dataset",
    "fields": "Enter the fields shared, one line a dataset, like spend: amount, department",
    "row_conditions": "Write each condition as field = value or field in value, value",
    "starts_on": "Enter the start date, like 2025-04-01",
    "ends_on": "Enter the end date, like 2026-03-31, on or after the start date",
    "review_on": "Enter the review date, like 2025-10-01",
    "dpia_reference": "Enter the reference of the data protection impact assessment",
}


def parse_terms(library: Library, values: dict[str, str]) -> tuple[Terms | None, dict[str, str]]:
    """The terms the answers describe, or None and a message for each answer to fix."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {k: values.get(k, "") for k in FIELDS}
    data["article9_condition"] = values.get("article9_condition") or None
    data["provider"] = _organisation(library, values.get("provider", ""), "provider", errors)
    data["receivers"] = [
        _organisation(library, r, "receivers", errors) for r in _lines(values.get("receivers", ""))
    ]
    data["datasets"] = _lines(values.get("datasets", ""))
    data["fields"] = _fields(values.get("fields", ""), errors)
    data["row_conditions"] = _conditions(values.get("row_conditions", ""), errors)
    if errors:
        return None, errors
    try:
        terms = Terms.model_validate(data)
    except ValidationError as error:
        return None, _validation_errors(error)
    try:
        return check_terms(terms, library.standards), {}
    except UsageError as error:
        return None, {"fields": error.message}


def _lines(text: str) -> list[str]:
    """Items typed one a line (or separated by commas)."""
    return [item.strip() for line in text.splitlines() for item in line.split(",") if item.strip()]


def _organisation(library: Library, value: str, name: str, errors: dict[str, str]) -> str:
    if not value.strip():
        return ""
    try:
        return library.organisation(value)
    except UsageError:
        errors[name] = f"No organisation matches ‘{value.strip()}’: use its code, like E07000120"
        return value


def _fields(text: str, errors: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        dataset, colon, names = line.partition(":")
        shared = [n.strip() for n in names.split(",") if n.strip()]
        if not colon or not dataset.strip() or not shared:
            errors["fields"] = MESSAGES["fields"]
            continue
        found[dataset.strip()] = shared
    return found


def _conditions(text: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        field, equals, value = line.partition("=")
        if equals and field.strip() and value.strip():
            found.append({"field": field.strip(), "op": "equals", "value": value.strip()})
            continue
        field, within, values = line.partition(" in ")
        listed = [v.strip() for v in values.split(",") if v.strip()]
        if within and field.strip() and listed:
            found.append({"field": field.strip(), "op": "in", "value": listed})
            continue
        errors["row_conditions"] = MESSAGES["row_conditions"]
    return found


def _validation_errors(error: ValidationError) -> dict[str, str]:
    """One message for each answer the terms refused, in the form's own words."""
    errors: dict[str, str] = {}
    for problem in error.errors():
        location = [str(p) for p in problem["loc"]]
        name = location[0] if location else ""
        if name in MESSAGES:
            errors.setdefault(name, MESSAGES[name])
        elif "end date" in problem["msg"]:
            errors.setdefault("ends_on", MESSAGES["ends_on"])
        else:
            message = str(problem["msg"]).removeprefix("Value error, ")
            errors.setdefault("fields", message[:1].upper() + message[1:])
    return errors
