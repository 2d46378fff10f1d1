"""Sign-in with OpenID Connect against a real provider (oidc-provider-mock) started here.

The provider runs as a real HTTP server on a free port in a thread; the library talks to it
over HTTP for discovery, keys, tokens and userinfo. The client sends PKCE, a nonce and a vtr
as GOV.UK One Login expects, and maps the provider's (pairwise) subject to a user id of its
own. The provider accepts client secrets; for private_key_jwt (what One Login requires) its
token endpoint is taught RFC 7523 client assertions with Authlib's own server side, checking
each assertion against the client's public key, so that journey runs for real too.
"""

from __future__ import annotations

import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import authlib.deprecate  # noqa: F401  # sets its own "always" filter, so import it first
import httpx
import pytest
import sqlalchemy as sa
import werkzeug.serving
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.oauth2.rfc7523 import JWTBearerClientAssertion

from localdata.access import accounts, audit
from localdata.access.oidc import LOGOUT_EVENT, Identity, OidcClient, SignInFailed
from localdata.access.tables import identities
from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library

with warnings.catch_warnings():  # the provider imports Authlib's deprecated jose module
    warnings.simplefilter("ignore")
    import oidc_provider_mock

# The provider (a test tool) runs on Authlib APIs that Authlib has deprecated.
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:authlib", "ignore::DeprecationWarning:oidc_provider_mock"
)
SUBJECT = "urn:fdc:gov.uk:2022:pairwise-subject-1"
EMAIL = "ana@example.gov.uk"
UNVERIFIED = "urn:fdc:gov.uk:2022:pairwise-subject-2"
LOW_ASSURANCE = "urn:fdc:gov.uk:2022:pairwise-subject-3"
CLIENT = "localdata-test"


class RunningProvider:
    """The provider's address and its signing key (to sign back-channel logout tokens)."""

    def __init__(self, url: str, key: dict[str, Any], app: Any) -> None:
        self.url = url
        self.key = RSAKey.import_key(key)
        self.app = app


class ClientKeyAssertion(JWTBearerClientAssertion):  # type: ignore[misc]
    """The provider's side of private_key_jwt: a JWT signed with the client's key."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, audience: str, public_key: RSAKey) -> None:
        super().__init__()
        self.audience, self.public_key = audience, public_key
        self.seen: list[dict[str, Any]] = []

    def get_audiences(self) -> list[str]:
        return [self.audience]

    def resolve_client_public_key(self, client: Any) -> RSAKey:
        return self.public_key

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        fresh = all(seen["jti"] != jti for seen in self.seen)
        self.seen.append(dict(claims))
        return fresh


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = oidc_provider_mock.app(
            require_nonce=True,
            user_claims=[
                oidc_provider_mock.User(
                    sub=SUBJECT, claims={"email": EMAIL, "email_verified": True, "vot": "Cl.Cm"}
                ),
                oidc_provider_mock.User(
                    sub=UNVERIFIED,
                    claims={"email": EMAIL, "email_verified": False, "vot": "Cl.Cm"},
                ),
                oidc_provider_mock.User(sub=LOW_ASSURANCE, claims={"vot": "Cl"}),
            ],
        )
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield RunningProvider(f"http://localhost:{server.server_port}", _provider_key(app), app)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def _provider_part(app: Any, name: str) -> Any:
    """The object the provider's request hook holds by ``name`` (its storage or server)."""
    for hook in app.before_request_funcs[None]:
        for var, cell in zip(hook.__code__.co_freevars, hook.__closure__ or (), strict=True):
            if var == name:
                return cell.cell_contents
    raise AssertionError(f"the provider's {name} was not found")


def test_oidc_signs_in_with_private_key_jwt_at_the_providers_token_endpoint(
    library: Library, provider: RunningProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 6: One Login authenticates clients by private_key_jwt, not a secret.
    key_file = private_key_file(tmp_path)
    public = RSAKey.import_key(
        serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    discovery = httpx.get(f"{provider.url}/.well-known/openid-configuration").json()
    checker = ClientKeyAssertion(discovery["token_endpoint"], public)
    server = _provider_part(provider.app, "authorization")
    server.register_client_auth_method(checker.CLIENT_AUTH_METHOD, checker)
    grant = oidc_provider_mock._app.AuthorizationCodeGrant
    methods = [*grant.TOKEN_ENDPOINT_AUTH_METHODS, "private_key_jwt"]
    monkeypatch.setattr(grant, "TOKEN_ENDPOINT_AUTH_METHODS", methods)
    keyed = library.settings.model_copy(
        update={"oidc_client_secret": None, "oidc_private_key_file": key_file}
    )
    client = TestClient(create_app(keyed, library), base_url="https://testserver")
    done = sign_in(client, provider)
    assert (done.status_code, done.headers["location"]) == (303, "/api/v1/keys")
    assert client.get("/api/v1/keys").status_code == 200
    [claims] = checker.seen
    assert (claims["iss"], claims["sub"], claims["aud"]) == (CLIENT, CLIENT, checker.audience)
    assert 0 < claims["exp"] - claims["iat"] <= 300


def _provider_key(app: Any) -> dict[str, Any]:
    """The provider's private signing key, from the storage its request hook holds."""
    for hook in app.before_request_funcs[None]:
        for cell in hook.__closure__ or ():
            storage = cell.cell_contents
            if hasattr(storage, "jwk"):
                key: dict[str, Any] = storage.jwk.as_dict(is_private=True)
                return key
    raise AssertionError("the provider's key was not found")


def private_key_file(folder: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "client.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture
def library(settings: Settings, provider: RunningProvider, tmp_path: Path) -> Iterator[Library]:
    configured = settings.model_copy(
        update={
            "oidc_issuer": provider.url,
            "oidc_client_id": CLIENT,
            "oidc_client_secret": "not-a-real-secret",
            "oidc_vtr": '["Cl.Cm"]',
        }
    )
    library = Library(configured)
    yield library
    library.close()


def sign_in(
    client: TestClient, provider: RunningProvider, subject: str = SUBJECT
) -> httpx.Response:
    """The whole journey: our login, the provider's consent form, our callback."""
    start = client.get("/auth/login", params={"next": "/api/v1/keys"}, follow_redirects=False)
    assert start.status_code == 303
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["vtr"] == ['["Cl.Cm"]']
    assert authorize.startswith(provider.url)
    consent = httpx.post(authorize, data={"sub": subject}, follow_redirects=False)
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["location"])
    assert back.path == "/auth/callback"
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_oidc_sign_in_maps_the_pairwise_subject_to_our_user(
    library: Library, provider: RunningProvider
) -> None:
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    done = sign_in(client, provider)
    assert (done.status_code, done.headers["location"]) == (303, "/api/v1/keys")
    cookie = done.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/v1/keys").status_code == 200
    with library.access.transaction() as conn:
        user_id = conn.execute(sa.select(identities.c.user_id)).scalar_one()
        signed_in = audit.entries(conn, actions=["sign-in"])
    assert user_id.startswith("usr_") and SUBJECT not in user_id
    assert signed_in[0]["actor"] == f"user:{user_id}"
    again = TestClient(create_app(library.settings, library), base_url="https://testserver")
    sign_in(again, provider)
    with library.access.transaction() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(identities)).scalar() == 1


def test_oidc_refuses_an_id_token_below_the_vector_of_trust_asked_for(
    library: Library, provider: RunningProvider
) -> None:
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    refused = sign_in(client, provider, LOW_ASSURANCE)
    assert refused.status_code == 400
    assert "level of assurance" in refused.text
    assert client.get("/api/v1/keys").status_code == 401


def test_oidc_refuses_a_callback_with_another_state(
    library: Library, provider: RunningProvider
) -> None:
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    client.get("/auth/login", follow_redirects=False)
    refused = client.get("/auth/callback", params={"code": "x", "state": "forged"})
    assert refused.status_code == 400
    assert client.get("/api/v1/keys").status_code == 401


def test_oidc_back_channel_logout_ends_the_session(
    library: Library, provider: RunningProvider
) -> None:
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    sign_in(client, provider)
    assert client.get("/api/v1/keys").status_code == 200
    forged = _logout_token(provider, RSAKey.generate_key(2048))
    assert client.post("/auth/backchannel-logout", data={"logout_token": forged}).status_code == 400
    time.sleep(0.01)
    token = _logout_token(provider, provider.key)
    assert client.post("/auth/backchannel-logout", data={"logout_token": token}).status_code == 200
    assert client.get("/api/v1/keys").status_code == 401


def _logout_token(provider: RunningProvider, key: Any, **changes: Any) -> str:
    claims = {
        "iss": provider.url,
        "aud": CLIENT,
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
        "sub": SUBJECT,
        "events": {LOGOUT_EVENT: {}},
    }
    claims = {k: v for k, v in (claims | changes).items() if v is not None}
    header = {"alg": "RS256"} | ({"kid": key.kid} if key.kid else {})
    return jwt.encode(header, claims, key)


def test_oidc_client_assertion_is_signed_with_the_client_key(
    library: Library, tmp_path: Path
) -> None:
    keyed = library.settings.model_copy(
        update={"oidc_client_secret": None, "oidc_private_key_file": private_key_file(tmp_path)}
    )
    client = OidcClient(keyed)
    assertion = client.client_assertion("https://provider.example/token")
    assert client.private_key is not None
    claims = jwt.decode(assertion, client.private_key).claims
    assert (claims["iss"], claims["sub"], claims["aud"]) == (
        CLIENT,
        CLIENT,
        "https://provider.example/token",
    )


def test_oidc_joins_a_known_user_only_on_a_verified_email(
    library: Library, provider: RunningProvider
) -> None:
    with library.access.transaction() as conn:
        known = accounts.create_user(conn, library.access.log, name="Ana", email=EMAIL, actor="cli")
    client = TestClient(create_app(library.settings, library), base_url="https://testserver")
    sign_in(client, provider)
    other = TestClient(create_app(library.settings, library), base_url="https://testserver")
    sign_in(other, provider, UNVERIFIED)
    with library.access.transaction() as conn:
        mapped = dict(conn.execute(sa.select(identities.c.subject, identities.c.user_id)).all())
        stranger = accounts.get_user(conn, mapped[UNVERIFIED])
    assert mapped[SUBJECT] == known.id
    assert stranger.id != known.id and stranger.email is None


def id_token(provider: RunningProvider, **changes: Any) -> str:
    """An ID token signed by the provider's own key, with ``changes`` (None drops a claim)."""
    now = int(time.time())
    claims = {
        "iss": provider.url,
        "aud": CLIENT,
        "sub": SUBJECT,
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        "vot": "Cl.Cm",
    }
    claims = {k: v for k, v in (claims | changes).items() if v is not None}
    header = {"alg": "RS256"} | ({"kid": provider.key.kid} if provider.key.kid else {})
    return jwt.encode(header, claims, provider.key)


def finish_with(
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
    userinfo: dict[str, Any] | None = None,
) -> Identity:
    """Finish a sign-in whose token endpoint gave ``token`` and whose userinfo ``userinfo``."""
    client = OidcClient(library.settings)
    monkeypatch.setattr(client, "_token", lambda *_: {"id_token": token, "access_token": "at"})
    monkeypatch.setattr(client, "_userinfo", lambda *_: userinfo or {})
    saved = {"state": "s", "nonce": "the-nonce", "verifier": "v", "redirect_uri": "https://x/cb"}
    return client.finish("code", "s", saved)


def test_oidc_refuses_userinfo_about_another_subject(
    library: Library, provider: RunningProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 15: OpenID Connect Core 5.3.2, the userinfo sub must be the ID token's.
    token = id_token(provider)
    other = {"sub": "someone-else", "email": "mallory@example.org", "email_verified": True}
    with pytest.raises(SignInFailed, match="about someone else"):
        finish_with(library, monkeypatch, token, other)
    same = other | {"sub": SUBJECT, "email": EMAIL}
    assert finish_with(library, monkeypatch, token, same).email == EMAIL


@pytest.mark.parametrize("issued", [3600, -7200, None, "yesterday"])
def test_oidc_refuses_an_id_token_issued_in_the_future_or_long_ago(
    library: Library,
    provider: RunningProvider,
    monkeypatch: pytest.MonkeyPatch,
    issued: int | str | None,
) -> None:
    at = int(time.time()) + issued if isinstance(issued, int) else issued
    with pytest.raises(SignInFailed, match="time of issue"):
        finish_with(library, monkeypatch, id_token(provider, iat=at, email=EMAIL))
    assert finish_with(library, monkeypatch, id_token(provider, email=EMAIL)).subject == SUBJECT


def test_oidc_checks_the_authorised_party_of_an_id_token(
    library: Library, provider: RunningProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    several = [CLIENT, "another-client"]
    for claims in (
        {"aud": several},
        {"aud": several, "azp": "another-client"},
        {"aud": CLIENT, "azp": "another-client"},
    ):
        with pytest.raises(SignInFailed, match="authorised party"):
            finish_with(library, monkeypatch, id_token(provider, email=EMAIL, **claims))
    accepted = id_token(provider, email=EMAIL, aud=several, azp=CLIENT)
    assert finish_with(library, monkeypatch, accepted).subject == SUBJECT


def test_oidc_refuses_a_replayed_back_channel_logout_token(
    library: Library, provider: RunningProvider
) -> None:
    first = TestClient(create_app(library.settings, library), base_url="https://testserver")
    sign_in(first, provider)
    token = _logout_token(provider, provider.key)
    assert first.post("/auth/backchannel-logout", data={"logout_token": token}).status_code == 200
    assert first.get("/api/v1/keys").status_code == 401
    second = TestClient(create_app(library.settings, library), base_url="https://testserver")
    sign_in(second, provider)
    replayed = second.post("/auth/backchannel-logout", data={"logout_token": token})
    assert replayed.status_code == 400 and "used already" in replayed.text
    assert second.get("/api/v1/keys").status_code == 200
    without_jti = _logout_token(provider, provider.key, jti=None)
    refused = second.post("/auth/backchannel-logout", data={"logout_token": without_jti})
    assert refused.status_code == 400
    assert second.get("/api/v1/keys").status_code == 200
