"""``localdata users``, ``keys``, ``agreements``, ``access`` and ``audit``: who may do what.

These commands are for the people who run the library, with direct access to its database:
they act as the library's operator (``system:cli`` in the audit log), an administrator of the
library, and every change they make is audited like any other. Being the operator gives no
role in any organisation: the commands that act for an organisation (proposing, signing and
changing agreements, approving keys) take the ``--api-key`` of one of its officers, and a key
the operator asks for waits for its organisation's approval.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import typer

from localdata.access import accounts, agreements, audit, keys
from localdata.access.grants import grants_sql
from localdata.access.model import ANONYMOUS, SYSTEM, Principal
from localdata.access.signing import Signer, write_key
from localdata.cli.library import open_library
from localdata.cli.output import EXIT_MUST_FIX, console
from localdata.errors import UsageError
from localdata.events.feed import feed_query, read_feed
from localdata.store.library import Library

OPERATOR = Principal("system", "cli", None, SYSTEM.roles, SYSTEM.scopes)

users_app = typer.Typer(help="People who sign in, and their roles.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys for scripts and services.", no_args_is_help=True)
agreements_app = typer.Typer(help="Data sharing agreements.", no_args_is_help=True)
access_app = typer.Typer(help="Who may read each dataset.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def _print(text: str) -> None:
    console.print(text, markup=False)


# --- users ------------------------------------------------------------------------------------


@users_app.command("add")
def users_add(
    email: str = typer.Argument(..., help="Their email address."),
    name: str = typer.Option("", "--name", help="Their name."),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Give them a role in this organisation."
    ),
    role: str = typer.Option(
        "viewer",
        "--role",
        help="viewer, publisher, standards-owner, information-governance or admin.",
    ),
) -> None:
    """Add a user, optionally with a role in an organisation.

    Example: localdata users add ana@hyndburnbc.gov.uk --organisation E07000120 --role publisher
    """
    with open_library() as library, library.access.transaction() as conn:
        user = accounts.create_user(
            conn, library.access.log, name=name, email=email, actor=OPERATOR.actor
        )
        if organisation:
            org = "*" if organisation == "*" else library.organisation(organisation)
            accounts.grant_role(conn, library.access.log, user.id, org, role, actor=OPERATOR.actor)
    _print(f"Added {user.email} as {user.id}.")


@users_app.command("grant")
def users_grant(
    user: str = typer.Argument(..., help="Their email address or user id."),
    organisation: str = typer.Argument(..., help="The organisation, or * for the library."),
    role: str = typer.Argument(..., help="The role."),
) -> None:
    """Give a user a role in an organisation.

    Example: localdata users grant ana@hyndburnbc.gov.uk E07000120 information-governance
    """
    with open_library() as library, library.access.transaction() as conn:
        found = accounts.find_user(conn, user)
        org = "*" if organisation == "*" else library.organisation(organisation)
        accounts.grant_role(conn, library.access.log, found.id, org, role, actor=OPERATOR.actor)
    _print(f"{found.email or found.id} is now {role} of {org}.")


@users_app.command("revoke")
def users_revoke(
    user: str = typer.Argument(..., help="Their email address or user id."),
    organisation: str = typer.Argument(..., help="The organisation, or * for the library."),
    role: str = typer.Argument(..., help="The role."),
) -> None:
    """Take a role away from a user.

    Example: localdata users revoke ana@hyndburnbc.gov.uk E07000120 publisher
    """
    with open_library() as library, library.access.transaction() as conn:
        found = accounts.find_user(conn, user)
        org = "*" if organisation == "*" else library.organisation(organisation)
        accounts.revoke_role(conn, library.access.log, found.id, org, role, actor=OPERATOR.actor)
    _print(f"{found.email or found.id} is no longer {role} of {org}.")


@users_app.command("disable")
def users_disable(user: str = typer.Argument(..., help="Their email address or user id.")) -> None:
    """Switch a user off at once: their sign-in, sessions and keys stop working.

    Example: localdata users disable ana@hyndburnbc.gov.uk
    """
    with open_library() as library, library.access.transaction() as conn:
        found = accounts.find_user(conn, user)
        accounts.disable_user(conn, library.access.log, found.id, actor=OPERATOR.actor)
    _print(f"{found.email or found.id} is switched off.")


@users_app.command("list")
def users_list() -> None:
    """List users and their roles.

    Example: localdata users list
    """
    with open_library() as library, library.access.transaction() as conn:
        for user in accounts.list_users(conn):
            roles = accounts.roles_of(conn, user.id)
            held = "; ".join(f"{o}: {', '.join(sorted(r))}" for o, r in sorted(roles.items()))
            _print(f"{user.id}  {user.email or '-':<40} {held}")


# --- keys -------------------------------------------------------------------------------------


@keys_app.command("create")
def keys_create(
    name: str = typer.Argument(..., help="What the key is for."),
    scope: list[str] = typer.Option(["read"], "--scope", help="read, publish or admin; repeat."),
    user: str | None = typer.Option(None, "--user", help="The user's email address or id."),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Make it the organisation's key."
    ),
    days: int | None = typer.Option(None, "--days", min=1, help="Expire after this many days."),
) -> None:
    """Ask for an API key for a user or an organisation, to be approved by its organisation.

    The operator of the library runs it, not its organisations, so the key waits until an
    information governance officer of each organisation concerned approves it (`localdata
    keys approve`, or the API); the officer whose approval completes it is shown its secret.

    Example: localdata keys create "nightly export" --organisation E07000120 --scope read
    """
    expires = datetime.now(UTC).timestamp() + days * 86_400 if days else None
    if (user is None) == (organisation is None):
        raise UsageError("Give --user or --organisation: whose key it is.")
    with open_library() as library, library.access.transaction() as conn:
        made, secret = keys.request_key(
            conn,
            library.access.log,
            by=OPERATOR,
            name=name,
            scopes=scope,
            user=user,
            organisation=library.organisation(organisation) if organisation else None,
            expires_at=datetime.fromtimestamp(expires, UTC) if expires else None,
        )
    if secret is None:
        _print(
            f"Made key {made.id} ({', '.join(made.scopes)}). It waits for approval by an "
            f"information governance officer of {', '.join(made.waiting_for)}, who runs "
            f"`localdata keys approve {made.id} ORGANISATION --api-key THEIR-KEY` and is shown "
            "its secret."
        )
        return
    _print(f"Made key {made.id} ({', '.join(made.scopes)}). Keep it now; it is not shown again:")
    _print(secret)


@keys_app.command("approve")
def keys_approve(
    key_id: str = typer.Argument(..., help="The key's id, like ldk_0123456789ab."),
    organisation: str = typer.Argument(..., help="Your organisation, which approves it."),
    api_key: str = typer.Option(
        ..., "--api-key", help="Your own API key, as an information governance officer."
    ),
) -> None:
    """Approve a key waiting for your organisation; the last approval shows its secret once.

    Example: localdata keys approve ldk_0123456789ab E07000120 --api-key "$MY_KEY"
    """
    with open_library() as library:
        officer = library.access.key_principal(api_key)
        with library.access.transaction() as conn:
            org = library.organisation(organisation)
            made, secret = keys.approve_key(conn, library.access.log, key_id, org, by=officer)
    if secret is None:
        _print(f"Approved {key_id} for {org}; it still waits for {', '.join(made.waiting_for)}.")
        return
    _print(f"Approved {key_id}. Give its holder this key now; it is not shown again:")
    _print(secret)


@keys_app.command("list")
def keys_list(
    organisation: str | None = typer.Option(None, "--organisation", "-o", help="Only its keys."),
) -> None:
    """List API keys (never their secrets).

    Example: localdata keys list --organisation E07000120
    """
    with open_library() as library, library.access.transaction() as conn:
        org = library.organisation(organisation) if organisation else None
        for key in keys.list_keys(conn, organisation=org):
            state = key.status(datetime.now(UTC))
            owner = key.user_id or key.organisation
            _print(f"{key.id}  {state:<20} {','.join(key.scopes):<20} {owner}  {key.name}")


@keys_app.command("revoke")
def keys_revoke(
    key_id: str = typer.Argument(..., help="The key's id, like ldk_0123456789ab."),
) -> None:
    """Revoke an API key at once.

    Example: localdata keys revoke ldk_0123456789ab
    """
    with open_library() as library, library.access.transaction() as conn:
        keys.revoke_key(conn, library.access.log, library.access.keys, key_id, by=OPERATOR)
    _print(f"Revoked {key_id}.")


# --- access levels and agreements -------------------------------------------------------------


@access_app.command("set")
def access_set(
    dataset: str = typer.Argument(..., help="The dataset."),
    level: str = typer.Argument(..., help="open, registered or restricted."),
) -> None:
    """Set who may read a dataset.

    Example: localdata access set spend registered
    """
    with open_library() as library:
        name = library.standards.get(dataset).name
        library.access.set_level(name, level, by=OPERATOR)
    _print(f"The {name} dataset is now {level}.")


@access_app.command("list")
def access_list() -> None:
    """List datasets whose access level was set (all others are open).

    Example: localdata access list
    """
    with open_library() as library:
        for dataset, level in sorted(library.access.levels().items()):
            _print(f"{dataset:<32} {level}")


OFFICER_KEY = typer.Option(
    ...,
    "--api-key",
    help="Your own API key, as an information governance officer of the organisation: the "
    "operator of the library signs for no one.",
)


@agreements_app.command("create")
def agreements_create(
    file: Path = typer.Argument(..., help="The agreement's terms, as TOML or JSON."),
    api_key: str = OFFICER_KEY,
) -> None:
    """Propose a draft data sharing agreement from a file of its terms, as the provider's officer.

    Example: localdata agreements create council-tax-support.toml --api-key "$MY_KEY"
    """
    try:
        text = file.read_text(encoding="utf-8")
        data = tomllib.loads(text) if file.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as error:
        raise UsageError(f"{file} cannot be read as TOML or JSON: {error}") from error
    with open_library() as library:
        officer = library.access.key_principal(api_key)
        terms = agreements.check_terms(agreements.Terms.model_validate(data), library.standards)
        with library.access.transaction() as conn:
            made = agreements.create_agreement(
                conn, library.access.log, terms, by=officer, source=library.settings.events_source
            )
    _print(f"Recorded the draft agreement {made.id}. Each party signs it next.")


@agreements_app.command("sign")
def agreements_sign(
    agreement: str = typer.Argument(..., help="The agreement's id."),
    organisation: str = typer.Argument(..., help="The party signing."),
    api_key: str = OFFICER_KEY,
) -> None:
    """Sign a draft agreement for your organisation, as its information governance officer.

    Example: localdata agreements sign council-tax-support E07000120 --api-key "$MY_KEY"
    """
    with open_library() as library:
        officer = library.access.key_principal(api_key)
        with library.access.transaction() as conn:
            org = library.organisation(organisation)
            agreements.sign_agreement(
                conn,
                library.access.log,
                agreement,
                org,
                by=officer,
                source=library.settings.events_source,
            )
    _print(f"{org} signed {agreement}.")


@agreements_app.command("state")
def agreements_state(
    agreement: str = typer.Argument(..., help="The agreement's id."),
    state: str = typer.Argument(..., help="active or suspended."),
    api_key: str = OFFICER_KEY,
) -> None:
    """Make an agreement active, suspend it, or resume it, as an officer of a party.

    Example: localdata agreements state council-tax-support active --api-key "$MY_KEY"
    """
    with open_library() as library:
        officer = library.access.key_principal(api_key)
        with library.access.transaction() as conn:
            agreements.set_state(
                conn,
                library.access.log,
                agreement,
                state,
                by=officer,
                source=library.settings.events_source,
            )
    _print(f"The agreement {agreement} is now {state}.")


@agreements_app.command("list")
def agreements_list() -> None:
    """List agreements, as the open register shows them.

    Example: localdata agreements list
    """
    with open_library() as library, library.access.transaction() as conn:
        today = library.access.today()
        for found in agreements.list_agreements(conn):
            _print(
                f"{found.id:<32} {found.status(today):<10} {found.provider} -> "
                f"{', '.join(found.receivers)}  {', '.join(found.datasets)}  until {found.ends_on}"
            )


# --- audit ------------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    entry: int | None = typer.Option(
        None, "--entry", min=0, help="Also print and check the proof that this entry is included."
    ),
    against: list[Path] = typer.Option(
        [],
        "--against",
        help="Also check the log against the signed tree heads kept in this file, as a witness "
        "or a feed reader keeps them (JSON or JSON Lines); repeatable.",
    ),
) -> None:
    """Recompute the audit log's Merkle tree and check every signed tree head against it.

    The heads are the log's own checkpoints, every checkpoint published in the events feed,
    and those in each --against file: each must match the entries, be signed by the library's
    key, and be consistent with the next (RFC 9162 consistency proofs). Exits 0 when the log is
    intact and 1 when anything was changed, deleted or moved, or more entries than the
    checkpoint interval are unsigned.

    Example: localdata audit verify --against witness-heads.jsonl --entry 42
    """
    witnessed = [head for file in against for head in _heads_in(file)]
    with open_library() as library:
        published = _published_heads(library)
        result = library.access.verify([*published, *witnessed])
        proof = None
        if entry is not None:
            with library.access.transaction() as conn:
                proof = audit.inclusion(conn, entry, library.access.log.signer)
    _print(
        f"{result.entries:,} entries, {result.checkpoints:,} signed checkpoints; "
        f"{result.unsigned:,} entries after the newest checkpoint are not yet signed. Checked "
        f"against {len(published):,} signed tree heads in the events feed and "
        f"{len(witnessed):,} kept elsewhere."
    )
    for problem in result.problems:
        _print(f"  {problem}")
    if proof is not None:
        _print(json.dumps(proof.to_dict(), indent=2))
        _print(f"Entry {entry} is {'included' if proof.valid else 'NOT included'} in the log.")
    if not result.ok or (proof is not None and not proof.valid):
        raise typer.Exit(EXIT_MUST_FIX)
    _print("The audit log is intact.")


def _heads_in(file: Path) -> list[audit.SignedHead]:
    """The signed tree heads a file keeps."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{file} cannot be read: {error}") from error
    return audit.signed_heads(text, str(file))


def _published_heads(library: Library) -> list[audit.SignedHead]:
    """Every checkpoint published in the library's events feed."""
    heads: list[audit.SignedHead] = []
    query = feed_query(library, types=[audit.CHECKPOINT_EVENT], limit=FEED_PAGE)
    while True:
        page = read_feed(library, ANONYMOUS, query)
        for stored in page.events:
            kept_in = f"the events feed (event {stored.seq})"
            try:
                heads.append(audit.SignedHead(audit.checkpoint_from(stored.event.data), kept_in))
            except (KeyError, ValueError, TypeError):
                raise UsageError(f"{kept_in} is not a signed tree head.") from None
        if len(page.events) < FEED_PAGE:
            return heads
        query = replace(query, after=page.next)


FEED_PAGE = 1000


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign a checkpoint of the audit log as it is now.

    Example: localdata audit checkpoint
    """
    with open_library() as library, library.access.transaction() as conn:
        signed = library.access.log.checkpoint(conn)
    if signed is not None:
        _print(f"Signed the tree of {signed.size:,} entries: root {signed.root}.")


@audit_app.command("grants")
def audit_grants(
    role: str = typer.Argument(..., help="The service's PostgreSQL role."),
    schema: str = typer.Option("public", "--schema", help="The schema of the tables."),
) -> None:
    """Print the PostgreSQL grants that make the audit log append-only for ROLE.

    Example: localdata audit grants localdata_service | psql "$OWNER_DATABASE_URL"
    """
    typer.echo(grants_sql(role, schema), nl=False)


@audit_app.command("new-key")
def audit_new_key(file: Path = typer.Argument(..., help="Where to write the private key.")) -> None:
    """Write a new Ed25519 signing key for the audit log (set LOCALDATA_AUDIT_KEY_FILE to it).

    Example: localdata audit new-key /etc/localdata/audit-signing.key
    """
    if file.exists():
        raise UsageError(f"{file} exists already; the key in it is kept.")
    write_key(Signer.generate(), file)
    _print(f"Wrote a new signing key to {file}.")


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print the public key that checks the audit log's checkpoints.

    Example: localdata audit public-key > audit-public.pem
    """
    with open_library() as library:
        typer.echo(library.access.log.signer.public_pem(), nl=False)
