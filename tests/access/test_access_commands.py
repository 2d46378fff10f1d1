"""`localdata users`, `keys`, `agreements`, `access`, `audit` and `export --api-key`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from localdata.access.tables import audit_entries
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.sharing import BUN, HYN, LAN, officer_key, restricted_library, terms
from tests.cli.test_check_command import run_cli


@pytest.fixture(autouse=True)
def _library(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOCALDATA_DATABASE_URL", settings.sqlalchemy_url)
    restricted_library(settings).close()


def cli(args: list[str], capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch) -> str:
    code, out, err = run_cli(args, capsys, mp)
    assert code == 0, (args, out, err)
    return out


def test_commands_share_restricted_data_under_an_agreement(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def run(*args: str) -> str:
        return cli(list(args), capsys, monkeypatch)

    library = Library(settings)
    officers = {org: officer_key(library, org) for org in (LAN, BUN, HYN)}
    library.close()
    run("users", "add", "ana@hyndburn.example", "--organisation", "E07000120")
    assert "ana@hyndburn.example" in run("users", "list")
    # Issue 15: the operator only asks for the key; Hyndburn's officer approves and gets it.
    asked = run("keys", "create", "nightly", "--user", "ana@hyndburn.example")
    key_id = asked.split()[2]
    assert "waits for approval" in asked and f"{key_id}." not in asked
    approved = run("keys", "approve", key_id, "E07000120", "--api-key", officers[HYN])
    secret = approved.splitlines()[-1]
    assert secret.startswith(f"{key_id}.")
    code, _, err = run_cli(["export", "spend", "--api-key", secret], capsys, monkeypatch)
    assert code == 2 and "no data sharing agreement" in err
    file = tmp_path / "terms.json"
    file.write_text(json.dumps(terms().model_dump(mode="json")))
    run("agreements", "create", str(file), "--api-key", officers[LAN])
    for party in (LAN, BUN, HYN):
        run("agreements", "sign", "lan-fraud", party, "--api-key", officers[party])
    run("agreements", "state", "lan-fraud", "active", "--api-key", officers[LAN])
    assert "active" in run("agreements", "list")
    out = tmp_path / "shared.csv"
    run(
        "export",
        "spend",
        "--api-key",
        secret,
        "--purpose",
        "fraud-prevention",
        "--output",
        str(out),
    )
    assert LAN in out.read_text() and "SUPPLIER" not in out.read_text()
    assert key_id in run("keys", "list")
    run("keys", "revoke", key_id)
    code, _, err = run_cli(["export", "spend", "--api-key", secret], capsys, monkeypatch)
    assert code == 2 and "revoked" in err
    assert "Signed the tree of" in run("audit", "checkpoint")
    verified = run("audit", "verify", "--entry", "3")
    assert "Entry 3 is included in the log." in verified and "The audit log is intact." in verified
    assert "restricted" in run("access", "list")


def test_commands_audit_verify_exits_1_when_an_entry_was_changed(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(["audit", "checkpoint"], capsys, monkeypatch)
    library = Library(settings)
    with library.database.transaction() as conn:
        conn.execute(sa.update(audit_entries).where(audit_entries.c.seq == 0).values(entry="{}"))
    library.close()
    code, out, _ = run_cli(["audit", "verify"], capsys, monkeypatch)
    assert code == 1 and "Entry 0" in out


def test_commands_print_the_postgresql_grants(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = cli(["audit", "grants", "localdata_service"], capsys, monkeypatch)
    assert "REVOKE ALL ON audit_entries, audit_records, audit_checkpoints" in out
    code, _, err = run_cli(["audit", "grants", "bad name"], capsys, monkeypatch)
    assert code == 2 and "not a usable role name" in err


def test_commands_operator_signs_and_approves_for_no_organisation(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 15: the operator administers the library; it acts for no council.
    library = Library(settings)
    lancashire = officer_key(library, LAN)
    library.close()
    file = tmp_path / "terms.json"
    file.write_text(json.dumps(terms().model_dump(mode="json")))
    code, _, _ = run_cli(["agreements", "create", str(file)], capsys, monkeypatch)
    assert code == 2  # no officer's key given
    cli(["agreements", "create", str(file), "--api-key", lancashire], capsys, monkeypatch)
    code, _, _ = run_cli(["agreements", "sign", "lan-fraud", BUN], capsys, monkeypatch)
    assert code == 2
    code, _, err = run_cli(
        ["agreements", "sign", "lan-fraud", BUN, "--api-key", lancashire], capsys, monkeypatch
    )
    assert code == 2 and "Only an information governance officer of" in err
    asked = cli(["keys", "create", "x", "--organisation", LAN], capsys, monkeypatch)
    assert "waits for approval" in asked
    assert "waiting-for-approval" in cli(["keys", "list"], capsys, monkeypatch)
