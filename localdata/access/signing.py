"""The Ed25519 key that signs the audit log's checkpoints.

The key is a PEM file (PKCS #8, unencrypted) named by ``LOCALDATA_AUDIT_KEY_FILE``, or its PEM
text in ``LOCALDATA_AUDIT_KEY`` (from a secret store, so it is never on the service's disk).
Production refuses to start without one, and refuses a key file inside the data folder: whoever
can change the data should not also hold what signs for it. Unset, outside production, a key is
generated on first use and kept in the data folder as ``audit-signing.key`` (readable by its
owner only).
Never keep the key in the repository. Anyone can check checkpoints with the public key alone:
``localdata audit public-key`` prints it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from localdata.errors import UsageError
from localdata.settings import Settings

DEFAULT_KEY_FILE = "audit-signing.key"


@dataclass(frozen=True)
class Verifier:
    """A public key that checks checkpoint signatures."""

    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> str:
        """A short name for the key: the first 16 hex digits of SHA-256 of its raw bytes."""
        raw = self.public_key.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return hashlib.sha256(raw).hexdigest()[:16]

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's signature of ``message``."""
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def public_pem(self) -> str:
        """The public key as PEM text."""
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()


@dataclass(frozen=True)
class Signer(Verifier):
    """A private key that signs checkpoints."""

    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> Signer:
        """A new random key (for tests, and the first run outside production)."""
        key = Ed25519PrivateKey.generate()
        return cls(key.public_key(), key)

    @classmethod
    def from_pem(cls, pem: bytes) -> Signer:
        """The key in a PEM file's bytes."""
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise UsageError("The audit signing key must be an Ed25519 private key.")
        return cls(key.public_key(), key)

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message``."""
        return self.private_key.sign(message)

    def private_pem(self) -> bytes:
        """The private key as unencrypted PKCS #8 PEM."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def load_signer(settings: Settings) -> Signer:
    """The configured signing key: ``LOCALDATA_AUDIT_KEY`` (the PEM text) or the file
    ``LOCALDATA_AUDIT_KEY_FILE``; outside production, one generated in the data folder."""
    if settings.audit_key is not None:
        try:
            return Signer.from_pem(settings.audit_key.get_secret_value().encode())
        except ValueError as error:
            raise UsageError("LOCALDATA_AUDIT_KEY is not a PEM private key.") from error
    path = settings.audit_key_file or settings.data_dir / DEFAULT_KEY_FILE
    if not path.exists():
        if settings.env == "production" or settings.audit_key_file is not None:
            raise UsageError(
                f"There is no audit signing key at {path}. Create one with "
                "`localdata audit new-key FILE` and set LOCALDATA_AUDIT_KEY_FILE to it."
            )
        write_key(Signer.generate(), path)
    try:
        return Signer.from_pem(path.read_bytes())
    except ValueError as error:
        raise UsageError(f"The audit signing key at {path} is not a PEM private key.") from error


def write_key(signer: Signer, path: Path) -> None:
    """Write a private key to a new file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    partial.touch(mode=0o600)
    partial.write_bytes(signer.private_pem())
    partial.replace(path)
