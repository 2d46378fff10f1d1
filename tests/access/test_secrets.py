"""Production settings refuse weak secrets and a signing key beside the data (issue 15)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from localdata.access.signing import Signer, load_signer, write_key
from localdata.settings import Settings

STRONG = secrets.token_urlsafe(48)


def production(tmp_path: Path, **overrides: object) -> Settings:
    key = tmp_path / "keys" / "audit.key"
    if not key.exists():
        write_key(Signer.generate(), key)
    values = {
        "env": "production",
        "data_dir": tmp_path / "data",
        "secret_key": STRONG,
        "audit_key_file": key,
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]  # pydantic checks them


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("x", "1 characters long"),
        ("changeme" * 5, "fewer than 10 different characters"),
        ("a" * 64, "fewer than 10 different characters"),
        ("please-change-this-secret-key-now-1234", "placeholder word 'change'"),
        (None, "is not set"),
    ],
)
def test_settings_production_refuses_a_weak_secret_key(
    tmp_path: Path, secret: str | None, why: str
) -> None:
    with pytest.raises(ValidationError, match=why):
        production(tmp_path, secret_key=secret)
    assert production(tmp_path).secret_key == STRONG
    assert Settings(env="development", secret_key="x").secret_key == "x"


def test_settings_production_keeps_the_audit_key_out_of_the_data_folder(tmp_path: Path) -> None:
    inside = tmp_path / "data" / "audit-signing.key"
    write_key(Signer.generate(), inside)
    with pytest.raises(ValidationError, match="outside the data folder"):
        production(tmp_path, audit_key_file=inside)
    with pytest.raises(ValidationError, match="LOCALDATA_AUDIT_KEY_FILE"):
        production(tmp_path, audit_key_file=None)


def test_settings_audit_key_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signer = Signer.generate()
    monkeypatch.setenv("LOCALDATA_AUDIT_KEY", signer.private_pem().decode())
    settings = production(tmp_path, audit_key_file=None)
    assert load_signer(settings).key_id == signer.key_id
    assert not (tmp_path / "data" / "audit-signing.key").exists()
    assert signer.private_pem().decode() not in repr(settings)  # a secret, never printed
