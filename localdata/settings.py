"""Settings for the Local Data Library: the only module that reads the environment.

Every setting has the prefix ``LOCALDATA_`` (``LOCALDATA_DATA_DIR=/srv/localdata``). Build a
``Settings`` once at the front door and pass it in; nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32
MIN_SECRET_CHARACTERS = 10
PLACEHOLDERS = ("change", "secret", "password", "example", "replace", "default", "insecure")


def weak_secret(value: str) -> str | None:
    """Why a secret is too weak for production (in words), or None when it is strong enough.

    It must be at least ``MIN_SECRET_LENGTH`` characters with ``MIN_SECRET_CHARACTERS``
    different ones, and hold no placeholder word: a random value from ``secrets`` passes, and
    "x", "changeme" or a word repeated do not.
    """
    if not value:
        return "is not set"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is {len(value)} characters long, shorter than {MIN_SECRET_LENGTH}"
    if len(set(value)) < MIN_SECRET_CHARACTERS:
        return f"has fewer than {MIN_SECRET_CHARACTERS} different characters"
    found = [word for word in PLACEHOLDERS if word in value.lower()]
    if found:
        return f"holds the placeholder word '{found[0]}'"
    return None


def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or within it (both as absolute paths)."""
    return path.resolve().is_relative_to(folder.resolve())


class Settings(BaseSettings):
    """How this Local Data Library is configured."""

    model_config = SettingsConfigDict(env_prefix="LOCALDATA_", extra="ignore")

    env: Literal["development", "test", "production"] = Field(
        "development", description="Where this library runs; production refuses unsafe defaults."
    )
    data_dir: Path = Field(
        Path("data"), description="Folder for the metadata database, the lake and raw files."
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the metadata database; a SQLite file in data_dir if unset.",
    )
    max_upload_bytes: int = Field(
        100 * 1024 * 1024, description="Largest file accepted for upload, in bytes."
    )
    max_file_bytes: int = Field(
        50 * 1024**3,
        description="Largest file on disk the command line checks, in bytes (read in batches).",
    )
    max_uncompressed_bytes: int = Field(
        1024 * 1024 * 1024,
        description="Largest total size a ZIP file may expand to, in bytes (stops ZIP bombs).",
    )
    max_columns: int = Field(2000, description="Most columns a file may have.")
    max_cell_bytes: int = Field(
        1024 * 1024, description="Longest value a cell may hold, in bytes; longer ones are cut."
    )
    batch_rows: int = Field(
        500_000, description="Rows checked at a time, so memory stays bounded on large files."
    )
    example_issues: int = Field(
        1000,
        description="Issues kept in full per issue type and column; the counts are always exact.",
    )

    open_submissions: bool = Field(
        False,
        description="Let anyone publish through the API (for a demo; accounts come later).",
    )
    secret_key: str | None = Field(
        None,
        description="Key that signs page cursors and session cookies and seals webhook "
        "secrets; unset, a random key is kept in data_dir. Production needs one of at least "
        f"{MIN_SECRET_LENGTH} characters, {MIN_SECRET_CHARACTERS} of them different, and no "
        "placeholder such as 'change-me'.",
    )
    audit_key_file: Path | None = Field(
        None,
        description="Ed25519 private key (PEM) that signs audit checkpoints; unset, one is "
        "kept in data_dir (not allowed in production, nor a file inside data_dir).",
    )
    audit_key: SecretStr | None = Field(
        None,
        description="The audit signing key's PEM text itself, instead of a file: keeps it out "
        "of the data folder and off the disk.",
    )
    audit_checkpoint_every: int = Field(
        100, ge=1, description="Audit log entries between signed checkpoints."
    )
    api_key_cache_seconds: float = Field(
        60.0, ge=0, description="How long a checked API key is remembered in memory."
    )
    rate_limit_per_minute: int = Field(
        600, ge=1, description="Requests a minute allowed to each API key."
    )
    api_key_failures_per_minute: int = Field(
        10,
        ge=1,
        description="Wrong secrets a minute allowed for one API key id, from any client; "
        "more are refused before any hashing.",
    )
    anonymous_rate_limit_per_minute: int = Field(
        120, ge=1, description="Requests a minute allowed to each anonymous client address."
    )
    dev_sign_in: bool = Field(
        False,
        description="Offer /auth/dev, which signs in as any user without a password "
        "(development only: refused in any other environment).",
    )
    session_max_age: int = Field(
        8 * 3600, ge=60, description="Seconds a sign-in lasts before signing in again."
    )
    oidc_issuer: str | None = Field(
        None,
        description="The OpenID Connect provider's issuer URL, such as "
        "https://oidc.account.gov.uk/ (GOV.UK One Login); unset, sign-in is off.",
    )
    oidc_client_id: str | None = Field(None, description="This service's OIDC client id.")
    oidc_client_secret: str | None = Field(
        None, description="Client secret, for providers without private_key_jwt."
    )
    oidc_private_key_file: Path | None = Field(
        None,
        description="PEM private key for private_key_jwt client authentication "
        "(GOV.UK One Login); its public key is registered with the provider.",
    )
    oidc_scopes: str = Field("openid email", description="Scopes asked for at sign-in.")
    oidc_vtr: str | None = Field(
        None,
        description='Vector of trust sent at sign-in, such as ["Cl.Cm"] for GOV.UK One Login.',
    )

    collect_allow_private: bool = Field(
        False,
        description="Let sources point at private, loopback and link-local addresses (tests).",
    )
    collect_timeout: float = Field(
        30.0, description="Seconds a collection waits to connect, or for the next bytes."
    )
    collect_total_timeout: float = Field(
        600.0, description="Most seconds one fetch of a source may take from start to end."
    )
    collect_max_bytes: int = Field(
        200 * 1024 * 1024, description="Largest file collected from a source, in bytes."
    )
    collect_retries: int = Field(
        3, description="Retries of a fetch after a server error (5xx) or a network error."
    )
    collect_backoff: float = Field(
        2.0, description="Seconds before the first retry of a fetch; doubled each time, jittered."
    )
    job_lease_seconds: float = Field(
        60.0, description="Seconds a worker holds a job before another may take it over."
    )
    job_max_attempts: int = Field(5, description="Times a job is tried before it is failed.")
    worker_poll_seconds: float = Field(
        2.0, description="Seconds an idle worker waits before looking for work again."
    )
    worker_collect_threads: int = Field(
        1, ge=1, description="Threads of each worker that collect sources (and only that)."
    )
    worker_publish_threads: int = Field(
        1, ge=1, description="Threads of each worker that check and publish collected files."
    )
    worker_deliver_threads: int = Field(
        4, ge=1, description="Threads of each worker that deliver events to webhooks and email."
    )

    events_source: str = Field(
        "/api/v1",
        description="The CloudEvents source of this library's events: its public API address, "
        "such as https://data.example.gov.uk/api/v1.",
    )
    webhook_origin: str = Field(
        "localdata.invalid",
        description="Host name sent as WebHook-Request-Origin in the webhook validation handshake.",
    )
    webhook_timeout: float = Field(
        10.0,
        gt=0,
        description="Most seconds one try of a webhook delivery may take, from connecting to "
        "the end of the receiver's answer.",
    )
    webhook_backoff: float = Field(
        30.0,
        gt=0,
        description="Seconds before the first retry of a failed webhook delivery; "
        "doubled each time (at most 4 hours), jittered.",
    )
    webhook_retry_hours: float = Field(
        26.0, gt=0, description="Hours a webhook delivery is retried before it is dead-lettered."
    )
    webhook_rotation_hours: float = Field(
        24.0, ge=0, description="Hours an old webhook secret still signs after rotation."
    )
    webhook_allow_private: bool = Field(
        False,
        description="Let webhooks point at private, loopback and link-local addresses (tests).",
    )
    notify_api_key: str | None = Field(
        None, description="GOV.UK Notify API key for event emails; unset, email is off."
    )
    notify_base_url: str = Field(
        "https://api.notifications.service.gov.uk", description="GOV.UK Notify API address."
    )
    notify_template_id: str | None = Field(
        None, description="GOV.UK Notify email template for events (subject, body fields)."
    )

    @model_validator(mode="after")
    def _safe_in_production(self) -> Settings:
        if self.dev_sign_in and self.env != "development":
            raise ValueError("LOCALDATA_DEV_SIGN_IN works only with LOCALDATA_ENV=development")
        if self.audit_key is not None and self.audit_key_file is not None:
            raise ValueError("set LOCALDATA_AUDIT_KEY or LOCALDATA_AUDIT_KEY_FILE, not both")
        if self.env != "production":
            return self
        weakness = weak_secret(self.secret_key or "")
        if weakness:
            raise ValueError(
                f"LOCALDATA_SECRET_KEY {weakness}; in production set it to a long random value, "
                'such as the output of python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if self.audit_key_file is None and self.audit_key is None:
            raise ValueError(
                "set LOCALDATA_AUDIT_KEY_FILE (or LOCALDATA_AUDIT_KEY) to the audit signing key "
                "in production"
            )
        if self.audit_key_file is not None and _inside(self.audit_key_file, self.data_dir):
            raise ValueError(
                "keep the audit signing key (LOCALDATA_AUDIT_KEY_FILE) outside the data folder, "
                "where whoever can change the data cannot also sign for it"
            )
        if self.open_submissions:
            raise ValueError("LOCALDATA_OPEN_SUBMISSIONS is for demos; turn it off in production")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The metadata database URL, defaulting to a SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'localdata.db'}"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides taking precedence."""
    return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates the values
