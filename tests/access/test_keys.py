"""Users, roles and API keys: shown once, stored hashed, revoked at once, all audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from localdata.access import accounts, audit, keys
from localdata.access.ratelimit import RateLimiter
from localdata.access.tables import api_keys
from localdata.cli.access import OPERATOR
from localdata.errors import NotSignedIn, RateLimited, UsageError
from localdata.settings import Settings
from localdata.store.library import Library

HYN = "local-authority:HYN"


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = Library(settings)
    yield library
    library.close()


def make_user(library: Library, email: str = "ana@example.gov.uk") -> str:
    with library.access.transaction() as conn:
        user = accounts.create_user(conn, library.access.log, name="Ana", email=email, actor="cli")
        accounts.grant_role(conn, library.access.log, user.id, HYN, "publisher", actor="cli")
    return user.id


def make_key(library: Library, **owner: str) -> tuple[keys.ApiKey, str]:
    with library.access.transaction() as conn:
        return keys.create_key(
            conn, library.access.log, name="test", scopes=["read", "publish"], actor="cli", **owner
        )


def test_keys_are_stored_hashed_with_a_visible_prefix(library: Library) -> None:
    made, secret = make_key(library, user_id=make_user(library))
    assert secret.startswith(made.id + ".") and made.id.startswith("ldk_")
    with library.access.transaction() as conn:
        stored = conn.execute(sa.select(api_keys.c.secret_hash)).scalar_one()
    assert secret not in stored and stored.startswith("$argon2id$")


def test_keys_resolve_to_the_owners_roles(library: Library) -> None:
    _, secret = make_key(library, user_id=make_user(library))
    principal = library.access.key_principal(secret)
    assert principal.can_publish(HYN) and not principal.can_publish("local-authority:BUN")
    _, org_secret = make_key(library, organisation=HYN)
    assert library.access.key_principal(org_secret).reader_for() == {HYN}


def test_keys_carry_every_role_of_their_user_and_none_without_roles(library: Library) -> None:
    user_id = make_user(library)
    with library.access.transaction() as conn:
        log = library.access.log
        accounts.grant_role(conn, log, user_id, HYN, "information-governance", actor="cli")
        accounts.grant_role(conn, log, user_id, "local-authority:BUN", "viewer", actor="cli")
    made, secret = make_key(library, user_id=user_id)
    principal = library.access.key_principal(secret)
    assert dict(principal.roles) == {
        HYN: frozenset({"publisher", "information-governance"}),
        "local-authority:BUN": frozenset({"viewer"}),
    }
    assert (principal.kind, principal.id, principal.user_id) == ("key", made.id, user_id)
    assert principal.scopes == frozenset({"read", "publish"})
    with library.access.transaction() as conn:
        assert keys.principal_of(conn, made) == principal
        loner = accounts.create_user(conn, library.access.log, name="Bo", email=None, actor="cli")
    _, lonely = make_key(library, user_id=loner.id)
    assert dict(library.access.key_principal(lonely).roles) == {}


def test_keys_refuse_a_wrong_secret_even_after_a_good_one(library: Library) -> None:
    made, secret = make_key(library, user_id=make_user(library))
    library.access.key_principal(secret)
    with pytest.raises(NotSignedIn):
        library.access.key_principal(made.id + ".not-the-secret")
    with pytest.raises(NotSignedIn):
        library.access.key_principal("nonsense")


def test_keys_revocation_takes_effect_at_once(library: Library) -> None:
    made, secret = make_key(library, user_id=make_user(library))
    library.access.key_principal(secret)  # now remembered
    other = Library(library.settings)  # another process, with its own memory
    other.access.key_principal(secret)
    with library.access.transaction() as conn:
        keys.revoke_key(conn, library.access.log, library.access.keys, made.id, by=OPERATOR)
    for lib in (library, other):
        with pytest.raises(NotSignedIn, match="revoked"):
            lib.access.key_principal(secret)
    other.close()


def test_keys_expire(library: Library) -> None:
    with library.access.transaction() as conn:
        _, secret = keys.create_key(
            conn,
            library.access.log,
            name="old",
            scopes=["read"],
            actor="cli",
            organisation=HYN,
            expires_at=datetime.now(UTC) - timedelta(seconds=1),
        )
    with pytest.raises(NotSignedIn, match="expired"):
        library.access.key_principal(secret)


def test_keys_need_one_owner_and_known_scopes(library: Library) -> None:
    with pytest.raises(UsageError), library.access.transaction() as conn:
        keys.create_key(conn, library.access.log, name="x", scopes=["read"], actor="cli")
    with pytest.raises(UsageError), library.access.transaction() as conn:
        keys.create_key(
            conn, library.access.log, name="x", scopes=["root"], actor="cli", organisation=HYN
        )


def test_keys_user_and_role_changes_are_audited(library: Library) -> None:
    user_id = make_user(library)
    made, _ = make_key(library, user_id=user_id)
    with library.access.transaction() as conn:
        accounts.revoke_role(conn, library.access.log, user_id, HYN, "publisher", actor="cli")
        keys.revoke_key(conn, library.access.log, None, made.id, by=OPERATOR)
        actions = [e["action"] for e in reversed(audit.entries(conn))]
    assert actions == [
        "user-created",
        "role-granted",
        "key-created",
        "role-revoked",
        "key-revoked",
    ]


def test_rate_limiter_refuses_with_retry_after_then_refills() -> None:
    limiter = RateLimiter()
    for _ in range(3):
        limiter.take("key:a", per_minute=3, now=100.0)
    with pytest.raises(RateLimited) as refused:
        limiter.take("key:a", per_minute=3, now=100.0)
    assert refused.value.status == 429 and refused.value.headers == {"Retry-After": "20"}
    limiter.take("key:b", per_minute=3, now=100.0)  # another caller has its own bucket
    limiter.take("key:a", per_minute=3, now=121.0)


def test_rate_limiter_keeps_a_bounded_number_of_buckets() -> None:
    limiter = RateLimiter(max_buckets=10)
    for i in range(100):
        limiter.take(f"ip:{i}", per_minute=1)
    assert len(limiter._buckets) == 10


def test_keys_of_a_disabled_user_stop_at_once(library: Library) -> None:
    user_id = make_user(library)
    _, secret = make_key(library, user_id=user_id)
    library.access.key_principal(secret)
    with library.access.transaction() as conn:
        accounts.disable_user(conn, library.access.log, user_id, actor="cli")
    with pytest.raises(NotSignedIn, match="switched off"):
        library.access.key_principal(secret)

