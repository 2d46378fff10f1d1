"""Users, roles and API keys: shown once, stored hashed, revoked at once, all audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from localdata.access import accounts, audit, keys
from localdata.access.ratelimit import RateLimiter
from localdata.access.tables import api_keys
from localdata.app import create_app
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


class CountingHasher:
    """Argon2 as the keys use it, counting each check of a presented key."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.calls: list[str] = []

    def hash(self, secret: str) -> str:
        return self.hasher.hash(secret)

    def verify(self, secret_hash: str, presented: str) -> bool:
        self.calls.append(presented)
        return self.hasher.verify(secret_hash, presented)


def counting_argon2(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every Argon2 check of a presented key."""
    counting = CountingHasher(keys.HASHER)
    monkeypatch.setattr(keys, "HASHER", counting)
    return counting.calls


def test_keys_rate_limit_answers_before_any_argon2_work(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 15: a wrong secret for a known key id cost Argon2 work before the 429.
    library = Library(settings.model_copy(update={"anonymous_rate_limit_per_minute": 3}))
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    made, _ = make_key(library, user_id=make_user(library))
    calls = counting_argon2(monkeypatch)
    wrong = {"Authorization": f"Bearer {made.id}.not-the-secret"}
    answers = [client.get("/api/v1/datasets", headers=wrong).status_code for _ in range(6)]
    library.close()
    assert answers == [401, 401, 401, 429, 429, 429]
    assert len(calls) == 3


def test_keys_wrong_secrets_are_limited_per_key_id_from_any_client(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    made, secret = make_key(library, user_id=make_user(library))
    calls = counting_argon2(monkeypatch)
    limit = library.settings.api_key_failures_per_minute
    for client in range(limit):
        with pytest.raises(NotSignedIn):
            library.access.key_principal(f"{made.id}.guess{client}", f"10.0.0.{client}")
    with pytest.raises(RateLimited):
        library.access.key_principal(f"{made.id}.guess", "10.0.1.1")
    with pytest.raises(RateLimited):  # the right secret too, until the allowance refills
        library.access.key_principal(secret, "10.0.1.2")
    assert len(calls) == limit
    _, other = make_key(library, organisation=HYN)  # another key id is not held up
    assert library.access.key_principal(other, "10.0.1.3").reader_for() == {HYN}
