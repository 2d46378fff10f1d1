"""Event types are declared once, in kebab-case, and travel as CloudEvents 1.0 (issue 7)."""

from __future__ import annotations

import re

from localdata.events.types import EVENT_TYPES, CloudEvent, VersionPublished, describe, field_types

PERSONAL = {"name", "email", "address", "phone", "user", "by", "supplier", "filename"}


def test_event_types_are_kebab_case_with_a_docstring_and_title() -> None:
    assert sorted(EVENT_TYPES) == sorted(
        [
            "version-published",
            "submission-failed",
            "source-failing",
            "source-recovered",
            "organisation-overdue",
            "standard-versioned",
            "agreement-changed",
            "audit-checkpoint-signed",
        ]
    )
    for slug, kind in EVENT_TYPES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", slug)
        assert describe(kind).endswith(".") and kind.title


def test_event_data_holds_references_and_counts_only() -> None:
    for kind in EVENT_TYPES.values():
        names = set(field_types(kind))
        assert not names & PERSONAL, kind.type


def test_cloudevent_envelope_has_the_required_attributes() -> None:
    event = VersionPublished(
        dataset="spend",
        organisation="local-authority:HYN",
        submission=3,
        standard_version="1.0",
        rows=2,
        warnings=0,
        infos=1,
        period="2024-03",
        replaced_versions=[1],
        replaced_rows=2,
    )
    body = CloudEvent.wrap(event, "/api/v1").to_dict()
    assert body["specversion"] == "1.0"
    assert body["id"].startswith("evt_") and body["time"].endswith("Z")
    assert {k: body[k] for k in ("type", "source", "subject", "dataset", "organisation")} == {
        "type": "version-published",
        "source": "/api/v1",
        "subject": "datasets/spend/versions/3",
        "dataset": "spend",
        "organisation": "local-authority:HYN",
    }
    assert body["data"] == {
        "submission": 3,
        "standard_version": "1.0",
        "rows": 2,
        "warnings": 0,
        "infos": 1,
        "period": "2024-03",
        "replaced_versions": [1],
        "replaced_rows": 2,
    }
