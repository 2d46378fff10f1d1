"""Import and export of Frictionless Table Schemas."""

from __future__ import annotations

import json

import pytest

from localdata.errors import StandardFileInvalid
from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.model import Datatype
from localdata.standards.tableschema import export_table_schema, import_table_schema, kebab
from tests.conftest import shared_file


@pytest.mark.parametrize("name", [s.name for s in StandardCatalogue().latest()])
def test_export_then_import_gives_back_the_standard(name: str) -> None:
    standard = StandardCatalogue().get(name)
    again = import_table_schema(json.dumps(export_table_schema(standard)), name=standard.name)
    assert again == standard


def test_export_is_a_frictionless_table_schema() -> None:
    frictionless = pytest.importorskip("frictionless")
    schema = export_table_schema(StandardCatalogue().get("spend"))
    report = frictionless.Schema.validate_descriptor(schema)
    assert report.valid, report.flatten(["type", "note"])


def test_import_reads_a_plain_table_schema() -> None:
    text = json.dumps(
        {
            "fields": [
                {"name": "SiteRef", "type": "string", "constraints": {"required": True}},
                {"name": "Area (ha)", "type": "number", "constraints": {"minimum": 0}},
                {"name": "homepage", "type": "string", "format": "uri"},
                {"name": "status", "type": "string", "constraints": {"enum": ["open", "closed"]}},
            ],
            "primaryKey": ["SiteRef"],
        }
    )
    standard = import_table_schema(text, name="sites")
    assert [(f.name, f.datatype, f.required) for f in standard.fields] == [
        ("site-ref", Datatype.STRING, True),
        ("area-ha", Datatype.DECIMAL, False),
        ("homepage", Datatype.URL, False),
        ("status", Datatype.STRING, False),
    ]
    assert standard.fields[0].aliases == ("SiteRef",)
    assert standard.fields[1].constraints.minimum == 0
    assert standard.field("status").code_values == ("open", "closed")
    assert standard.key == ("site-ref",)


def test_import_reads_the_datagovuk_fraud_schema() -> None:
    path = shared_file("reference/standards/lgtc-datagovuk/fraud.json")
    standard = import_table_schema(path.read_text(encoding="utf-8"), name="fraud-imported")
    assert standard.name == "fraud-imported"
    assert len(standard.fields) > 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"title": "x"}', "no list of fields"),
        ('{"fields": [{"name": "a"}, {"name": "A"}]}', "more than once"),
    ],
)
def test_import_explains_unusable_files(text: str, message: str) -> None:
    with pytest.raises(StandardFileInvalid, match=message):
        import_table_schema(text, name="broken")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AmountPaid", "amount-paid"),
        ("Net Amount(£)", "net-amount"),
        ("start_date", "start-date"),
        ("  ", "field"),
    ],
)
def test_kebab_makes_field_names(text: str, expected: str) -> None:
    assert kebab(text) == expected
