"""The AsyncAPI 3 document of the library's events, generated from their declarations.

One channel, ``events``, stands for every subscriber's webhook URL (its address is the one
given when subscribing, so it is ``null`` here); the library's one operation sends each
declared event type to it as a structured CloudEvent (``application/cloudevents+json``),
signed in the Standard Webhooks headers. The same events are in the feed at ``/api/v1/events``.
"""

from __future__ import annotations

from typing import Any

from localdata import __version__
from localdata.events.types import EVENT_TYPES, Event, describe, field_types, json_schema
from localdata.settings import Settings

CONTENT_TYPE = "application/cloudevents+json"


def document(settings: Settings) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document, as JSON-ready values."""
    messages = {slug: _message(kind) for slug, kind in EVENT_TYPES.items()}
    refs = {slug: {"$ref": f"#/components/messages/{slug}"} for slug in EVENT_TYPES}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Local Data Library change events",
            "version": __version__,
            "description": (
                "Every change in the library is a CloudEvents 1.0 event, delivered at least "
                "once to webhook subscribers (signed the Standard Webhooks way: see "
                "docs/webhooks.md) and listed in the feed at /api/v1/events. Receivers "
                "de-duplicate on the event id (the webhook-id header)."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": {
            "events": {
                "address": None,
                "title": "Your webhook receiver",
                "description": "The URL given when subscribing; events arrive as HTTP POSTs.",
                "messages": refs,
                "bindings": {"http": {"bindingVersion": "0.3.0"}},
            }
        },
        "operations": {
            "deliverEvent": {
                "action": "send",
                "title": "Deliver an event",
                "summary": f"The library ({settings.events_source}) POSTs each event.",
                "channel": {"$ref": "#/channels/events"},
                "messages": [{"$ref": f"#/channels/events/messages/{s}"} for s in EVENT_TYPES],
                "bindings": {"http": {"method": "POST", "bindingVersion": "0.3.0"}},
            }
        },
        "components": {
            "messages": messages,
            "schemas": {"CloudEvent": _envelope(), "WebhookHeaders": _headers()},
        },
    }


def data_schema(kind: type[Event]) -> dict[str, Any]:
    """The JSON Schema of an event type's data."""
    fields = field_types(kind)
    return {
        "type": "object",
        "properties": {name: json_schema(annotation) for name, annotation in fields.items()},
        "required": sorted(
            name
            for name, annotation in fields.items()
            if "null" not in str(json_schema(annotation))
        ),
    }


def _message(kind: type[Event]) -> dict[str, Any]:
    return {
        "name": kind.type,
        "title": kind.title,
        "summary": describe(kind),
        "contentType": CONTENT_TYPE,
        "headers": {"$ref": "#/components/schemas/WebhookHeaders"},
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {
                    "type": "object",
                    "properties": {"type": {"const": kind.type}, "data": data_schema(kind)},
                },
            ]
        },
    }


def _envelope() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "description": "A CloudEvents 1.0 event in structured mode.",
        "required": ["specversion", "id", "source", "type", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {**text, "description": "Unique; the same on every retry."},
            "source": {**text, "format": "uri-reference"},
            "type": {"enum": list(EVENT_TYPES)},
            "time": {**text, "format": "date-time"},
            "subject": {**text, "description": "What it is about, as a path under /api/v1/."},
            "datacontenttype": {"const": "application/json"},
            "dataset": {**text, "description": "Extension: the dataset it is about."},
            "organisation": {**text, "description": "Extension: the organisation it is about."},
            "data": {"type": "object", "description": "References and counts only."},
        },
    }


def _headers() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["webhook-id", "webhook-timestamp", "webhook-signature"],
        "properties": {
            "webhook-id": {**text, "description": "The event id."},
            "webhook-timestamp": {**text, "description": "Seconds since 1970 when signed."},
            "webhook-signature": {
                **text,
                "description": "Space-separated 'v1,<base64 HMAC-SHA256>' signatures of "
                "'{webhook-id}.{webhook-timestamp}.{body}'.",
            },
        },
    }
