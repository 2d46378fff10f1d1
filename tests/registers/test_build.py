"""The register's data files against the reference data they are derived from.

These tests read ../shared/reference and skip when it is not beside the checkout.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

from localdata.registers import Register
from tests.conftest import ROOT, shared_file

SHIPPED = ROOT / "localdata" / "registers" / "data"


def load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_register", ROOT / "tools" / "build_register.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_register"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_build_register_reproduces_shipped_files(tmp_path: Path) -> None:
    reference = shared_file("reference").resolve()
    assert load_build_script().main(["--reference", str(reference), "--output", str(tmp_path)]) == 0
    for name in ("organisations.csv", "identifiers.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (SHIPPED / name).read_text(
            encoding="utf-8"
        ), f"{name} is out of date: run python tools/build_register.py"


def test_register_current_councils_match_govuk_list() -> None:
    rows = read_rows(
        shared_file("reference/standards/registers/govuk-local-links/local-authorities.csv")
    )
    english = [row for row in rows if row["country_name"] == "England"]
    register = Register.default()
    found = {register.resolve(row["gss"], date(2026, 1, 1)) for row in english}
    assert None not in found
    assert len(found) == len(english) == 317
    assert all(o is not None and o.is_council for o in found)


def test_register_knows_every_planning_data_organisation_in_use() -> None:
    files = [
        "reference/digital-land/specification/role-organisation.csv",
        "reference/digital-land/config/collection/brownfield-land/source.csv",
        "reference/digital-land/config/collection/conservation-area/source.csv",
    ]
    used = {row["organisation"] for name in files for row in read_rows(shared_file(name))}
    skipped = ("local-planning-group:", "company:")  # joint committees and suppliers
    register = Register.default()
    unknown = [
        curie
        for curie in sorted(used)
        if curie and not curie.startswith(skipped) and register.resolve(curie) is None
    ]
    assert unknown == []


def test_register_resolves_the_body_uri_in_real_leeds_spend_file() -> None:
    path = shared_file("data/real/spend/leeds/leeds-2011-05.csv")
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        row = next(csv.DictReader(handle))
    register = Register.default()
    assert register.resolve(row["Body"], date(2011, 5, 26)) is register.get("local-authority:LDS")
    assert register.resolve(row["Body name"]) is register.get("local-authority:LDS")
