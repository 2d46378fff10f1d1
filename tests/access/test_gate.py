"""The one gate: every read of restricted data through the core is allowed, narrowed, audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import polars as pl
import pytest
import sqlalchemy as sa

from localdata.access import audit, service
from localdata.access.model import ANONYMOUS, SYSTEM
from localdata.errors import NoAgreement, NotSignedIn
from localdata.events.tables import events
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import (
    BUN,
    CHO,
    HYN,
    LAN,
    PEN,
    agree,
    member,
    officer,
    restricted_library,
    spend_file,
    terms,
)


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = restricted_library(settings)
    yield library
    library.close()


def organisations_of(page_records: list[dict[str, object]]) -> set[object]:
    return {r["organisation"] for r in page_records}


def test_gate_refuses_anonymous_and_callers_that_pass_no_principal(library: Library) -> None:
    with pytest.raises(NotSignedIn):
        library.page("spend", [])
    with pytest.raises(NotSignedIn):
        library.rows("spend")
    with pytest.raises(NotSignedIn):
        library.export("spend", [], "csv", principal=ANONYMOUS)


def test_gate_without_agreement_names_what_is_missing(library: Library) -> None:
    agree(library, terms())
    with pytest.raises(NoAgreement, match="no data sharing agreement in force shares it with"):
        library.page("spend", [], principal=member(CHO))
    with pytest.raises(NoAgreement, match="shares local-authority:LAN's spend data with"):
        library.page("spend", [("organisation", "E10000017")], principal=member(PEN))
    with library.access.transaction() as conn:
        denied = audit.entries(conn, actions=["read-denied"])
    assert {(e["actor"], e["dataset"]) for e in denied} == {("user:usr_test", "spend")}
    # Each refusal is logged for every council whose data was asked for, so their
    # information governance officers see it: all three publishers, then LAN alone.
    assert sorted(e["organisation"] for e in denied[1:]) == sorted([LAN, BUN, PEN])
    assert denied[0]["organisation"] == LAN


def test_gate_shares_only_the_agreed_fields_of_the_providers_rows(library: Library) -> None:
    agree(library, terms())
    page = library.page("spend", [("_size", "100")], principal=member(HYN), purpose=None)
    assert organisations_of(page.records) == {LAN}
    assert set(page.records[0]) == {
        "organisation",
        "transaction-number",
        "transaction-line",
        "amount",
        "department",
        "provenance",
    }


def test_gate_lets_members_read_their_own_rows_in_full(library: Library) -> None:
    agree(library, terms())
    page = library.page("spend", [], principal=member(BUN))
    by_org = {r["organisation"]: r for r in page.records}
    assert set(by_org) == {LAN, BUN}
    assert by_org[BUN]["supplier-name"] is not None
    assert by_org[LAN]["supplier-name"] is None  # not shared by LAN's agreement


def test_gate_applies_row_conditions_per_receiver(library: Library) -> None:
    condition = {"field": "department", "op": "in", "value": ["Housing", "Waste"]}
    agree(library, terms(row_conditions=[condition]))
    rows = library.rows("spend", principal=member(HYN)).collect()
    assert set(rows["department"]) == {"Housing", "Waste"}


def test_gate_filters_cannot_probe_hidden_fields(library: Library) -> None:
    agree(library, terms())
    with pytest.raises(Exception, match="supplier-name"):
        library.page("spend", [("supplier-name", "SUPPLIER 1")], principal=member(HYN))


@pytest.mark.parametrize(
    "change",
    [
        {"state": "suspended"},
        {"state": "draft"},
        {"ends_on": date.today() - timedelta(days=1)},
        {"starts_on": date.today() + timedelta(days=1), "ends_on": date.today() + timedelta(9)},
    ],
)
def test_gate_stops_access_under_an_agreement_not_in_force(
    library: Library, change: dict[str, object]
) -> None:
    state = str(change.get("state", "active"))
    agree(library, terms(**{k: v for k, v in change.items() if k != "state"}), state)
    with pytest.raises(NoAgreement):
        library.page("spend", [], principal=member(HYN))


def test_gate_suspending_an_agreement_stops_access_at_once(library: Library) -> None:
    from localdata.access import agreements

    agree(library, terms())
    assert library.page("spend", [], principal=member(HYN)).records
    with library.access.transaction() as conn:
        agreements.set_state(conn, library.access.log, "lan-fraud", "suspended", by=officer(LAN))
    with pytest.raises(NoAgreement, match="'lan-fraud' is suspended"):
        library.page("spend", [], principal=member(HYN))


def test_gate_checks_the_stated_purpose(library: Library) -> None:
    agree(library, terms())
    assert library.page("spend", [], principal=member(HYN), purpose="fraud-prevention").records
    with pytest.raises(NoAgreement, match="for the purpose 'marketing'"):
        library.page("spend", [("_purpose", "marketing")], principal=member(HYN))


def test_gate_audits_each_restricted_read_with_its_records(library: Library) -> None:
    agree(library, terms())
    page = library.page("spend", [("_size", "2")], principal=member(HYN))
    with library.access.transaction() as conn:
        read = audit.entries(conn, actions=["read"], limit=1)[0]
    assert (read["agreement"], read["purpose"], read["organisation"], read["rows"]) == (
        "lan-fraud",
        "fraud-prevention",
        LAN,
        2,
    )
    first = page.records[0]
    record_id = f"{LAN}/{first['provenance']['resource']}/{first['provenance']['row']}"  # type: ignore[index]
    assert first["provenance"]["row"] in read["records"][record_id.rsplit("/", 1)[0]]  # type: ignore[index]
    with library.access.transaction() as conn:
        assert audit.accesses_to(conn, "spend", record_id)[0]["actor"] == "user:usr_test"
    assert library.access.verify().ok


def test_gate_covers_exports_and_diffs(library: Library) -> None:
    agree(library, terms())
    csv = b"".join(library.export("spend", [], "csv", principal=member(HYN))).decode()
    assert "SUPPLIER" not in csv and LAN in csv and PEN not in csv
    frame = pl.read_csv(csv.encode())
    assert "supplier-name" not in frame.columns
    version = library.versions("spend", LAN, principal=SYSTEM)[0].id
    with pytest.raises(NoAgreement):
        library.diff(version, principal=member(PEN))
    diff = library.diff(version, principal=member(HYN))
    assert diff.added == 6
    assert all(r.get("supplier-name") is None for r in diff.examples["added"])


def test_gate_leaves_open_and_registered_data_alone(library: Library) -> None:
    library.access.set_level("spend", "registered", by=SYSTEM)
    with pytest.raises(NotSignedIn):
        library.page("spend", [])
    assert len(library.page("spend", [], principal=member(PEN)).records) == 18
    library.access.set_level("spend", "open", by=SYSTEM)
    assert len(library.page("spend", []).records) == 18


def test_gate_agreement_changes_are_announced_as_events(library: Library) -> None:
    agree(library, terms())
    with library.access.transaction() as conn:
        found = conn.execute(sa.select(events.c.type)).scalars().all()
    assert found.count("agreement-changed") == 5  # proposed, signed three times, active


def test_gate_withholds_the_cell_values_quoted_in_issues_of_restricted_data(
    library: Library,
) -> None:
    # Issue 6: a submission's issues quote its cells, so they follow the dataset's level.
    # Issue 15: a receiver under an agreement sees the submission, without its cell values;
    # an organisation with no agreement does not see it at all.
    agree(library, terms())
    bad = spend_file(LAN).replace(b"02/03/2024", b"31/02/2024")
    done = library.publish(bad, "spend", LAN, filename="bad.csv")
    version = done.submission.id
    receiver = library.submission_issues(version, principal=member(BUN))
    assert receiver and all(issue["value"] is None for issue in receiver)
    assert "withheld" in receiver[0]["message"]
    summary = library.dataset_submission("spend", version, member(BUN)).report["summary"]
    assert all("31/02/2024" not in entry["message"] for entry in summary)
    with pytest.raises(NoAgreement):
        library.submission_issues(version, principal=member(PEN))
    with pytest.raises(NoAgreement):
        library.dataset_submission("spend", version, member(PEN))
    own = library.submission_issues(version, principal=member(LAN))
    assert "31/02/2024" in {issue["value"] for issue in own}
    own_summary = library.dataset_submission("spend", version, member(LAN)).report["summary"]
    assert any("31/02/2024" in entry["message"] for entry in own_summary)


def test_gate_returns_nothing_when_the_audit_entry_cannot_be_written(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 6: the audit entry is written beside making the rows ready; a failed write
    # means no rows, through the page and the download alike.
    agree(library, terms())

    def broken(*_: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(library.access, "record_frame", broken)
    with pytest.raises(RuntimeError, match="audit log is unavailable"):
        library.page("spend", [], principal=member(HYN))
    with pytest.raises(RuntimeError, match="audit log is unavailable"):
        library.export("spend", [], "csv", principal=member(HYN))


def test_gate_groups_read_rows_alike_in_python_and_in_polars(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pl.DataFrame(
        {
            "organisation": ["b", "a", "b", "a", "b", "a"],
            "_resource": ["f2", "f1", "f2", "f1", "f3", "f9"],
            "_row": [7, 3, 2, 1, 0, 5],
        }
    )
    expected = {"a": {"a/f1": [1, 3], "a/f9": [5]}, "b": {"b/f2": [2, 7], "b/f3": [0]}}
    assert service.files_read(frame) == expected
    monkeypatch.setattr(service, "GROUP_IN_PYTHON", 2)
    assert service.files_read(frame) == expected
    assert service.files_read(frame.clear()) == {}
