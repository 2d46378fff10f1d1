"""The reference page of change events (``docs/events.md``), written from their declarations."""

from __future__ import annotations

from typing import Any

from localdata.events.asyncapi import data_schema
from localdata.events.types import EVENT_TYPES, describe, field_types


def event_types_markdown() -> str:
    """Every event type: what it means, what it is about, and the fields of its data."""
    lines = [
        "# Change events\n\n",
        "Every change in the library is a [CloudEvents 1.0](https://cloudevents.io) event: "
        "written in the same transaction as the change (so none is lost, and none is announced "
        "for a change that rolled back), listed in the feed at `/api/v1/events` (JSON, with a "
        "cursor, filters and long-polling) and `/api/v1/events.atom`, and delivered to webhook "
        "and email subscribers. `docs/webhooks.md` explains subscribing and checking "
        "signatures; `/api/v1/asyncapi.json` describes the events as AsyncAPI 3.\n\n",
        "Every event has `specversion` (`1.0`), `id` (unique; the same on every retry of a "
        "delivery, so de-duplicate on it), `source`, `type` (below), `time`, `subject` (what it "
        "is about, as a path under `/api/v1/`), and the extension attributes `dataset` and "
        "`organisation` when it is about one. `data` holds references and counts, never "
        "personal data: fetch the records through the API, where access rules and the audit "
        "log apply. In the feed, each event also has `seq`, its place in the feed.\n\n",
        "Events about a restricted dataset are shown and delivered only to those who may read "
        "that organisation's rows of it: its own members, and receivers of a data sharing "
        "agreement in force.\n",
    ]
    for slug, kind in EVENT_TYPES.items():
        schema = data_schema(kind)
        about = describe(kind).replace("``", "`")
        lines.append(f"\n## `{slug}`: {kind.title}\n\n{about}\n\n")
        subject = (kind.subject.__doc__ or "").strip().rstrip(".").replace("``", "`")
        if subject:
            lines.append(f"Subject: {subject[0].lower()}{subject[1:]}.\n\n")
        lines.append("| data field | type | always present |\n|---|---|---|\n")
        for name in field_types(kind):
            required = "yes" if name in schema["required"] else "no (may be null)"
            kind_of = _type_name(schema["properties"][name])
            lines.append(f"| `{name}` | {kind_of} | {required} |\n")
    return "".join(lines)


def _type_name(schema: dict[str, Any]) -> str:
    """A JSON Schema type in a word or two: ``integer``, ``date-time``, ``list of string``."""
    if "anyOf" in schema:
        return " or ".join(_type_name(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return f"list of {_type_name(schema['items'])}"
    return str(schema.get("format") or schema.get("type"))
