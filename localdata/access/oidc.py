"""Sign-in with OpenID Connect: any provider by configuration, set up to fit GOV.UK One Login.

The flow is the authorization code flow with PKCE (S256) and a nonce, run by Authlib's OAuth 2
client (``authlib.integrations.httpx_client``). The client authenticates at the token endpoint
with ``private_key_jwt`` (Authlib's RFC 7523 client authentication: a five-minute JWT signed
with ``LOCALDATA_OIDC_PRIVATE_KEY_FILE``, as One Login requires) or, for other providers, a
client secret. The ID token is checked as OpenID Connect Core 1.0 (section 3.1.3.7) says:
its signature (from the provider's JWKS), issuer, audience (and, with several audiences,
``azp``, which must then name us; an ``azp`` must always name us), expiry, ``iat`` (not in the
future, nor older than ``ID_TOKEN_MAX_AGE``) and nonce. One Login gives each service a pairwise
``sub``; it is kept only in ``identities`` and mapped to our own user id. ``vtr`` (the vector of
trust, such as ``["Cl.Cm"]``) is sent when configured. The email address comes from the ID
token or, as on One Login, from the userinfo endpoint, whose ``sub`` must be the ID token's
(section 5.3.2): a userinfo answer about anyone else refuses the sign-in.

Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the provider posts a signed
``logout_token``; once checked (issuer, audience, the logout event, no nonce, ``iat`` recent,
a ``jti``), every session of that user ends. Each token's ``jti`` is recorded until the token
would be too old to accept (``localdata.access.sessions.accept_logout_token``), so a replayed
token is refused.

The provider's discovery document and keys are fetched with httpx and kept for an hour; an
unknown key id fetches the keys again (the provider rotated them).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, OKPKey, RSAKey

from localdata.errors import UsageError
from localdata.settings import Settings

ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]
SECRET_IN_HEADER = "client_secret_basic"  # noqa: S105  # a method name, not a secret
PUBLIC_CLIENT = "none"
ASSERTION_SECONDS = 300  # how long a client assertion lasts; One Login takes at most 5 minutes
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
CACHE_SECONDS = 3600
TIMEOUT = 10.0
LEEWAY = 60  # seconds of clock difference allowed with the provider
ID_TOKEN_MAX_AGE = 600  # seconds since an ID token was issued, beyond which it is refused
LOGOUT_TOKEN_MAX_AGE = 600  # the same for a back-channel logout token
ClientKey = RSAKey | ECKey | OKPKey


class SignInFailed(UsageError):
    """Sign-in with the identity provider did not finish."""

    title = "Sign-in did not finish"


@dataclass(frozen=True)
class Provider:
    """What the provider's discovery document says about it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None


@dataclass(frozen=True)
class LogoutToken:
    """What a checked back-channel logout token says: whom to sign out, and its id."""

    subject: str
    jti: str
    issued_at: float


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    issuer: str
    subject: str
    email: str | None
    name: str
    email_verified: bool = False
    claims: dict[str, Any] = field(default_factory=dict)


def _client_key(pem: bytes) -> ClientKey:
    """The client's private key for private_key_jwt: RSA, EC or Ed25519, in PEM."""
    try:
        loaded = serialization.load_pem_private_key(pem, password=None)
    except ValueError as error:
        raise UsageError("LOCALDATA_OIDC_PRIVATE_KEY_FILE is not a PEM private key.") from error
    if isinstance(loaded, rsa.RSAPrivateKey):
        return RSAKey.import_key(pem)
    if isinstance(loaded, ec.EllipticCurvePrivateKey):
        return ECKey.import_key(pem)
    if isinstance(loaded, ed25519.Ed25519PrivateKey):
        return OKPKey.import_key(pem)
    raise UsageError("The OIDC client key must be an RSA, EC or Ed25519 private key.")


def _vectors(vtr: str) -> list[str]:
    """The vectors of trust a ``vtr`` asks for: a JSON list (``["Cl.Cm"]``) or one vector.

    The ID token's ``vot`` must be one of them, or a user could drop ``vtr`` from the
    authorisation request and sign in at a lower level of assurance.
    """
    try:
        found = json.loads(vtr)
    except ValueError:
        return [vtr]
    return [str(v) for v in found] if isinstance(found, list) else [str(found)]


class _ShortLivedKeyJWT(PrivateKeyJWT):  # type: ignore[misc]  # Authlib is untyped
    """``private_key_jwt`` whose assertion lasts five minutes rather than Authlib's hour."""

    def sign(self, auth: Any, token_endpoint: str) -> str:
        """The client assertion for ``token_endpoint``."""
        return _assertion(auth.client_secret, auth.client_id, token_endpoint, self.alg)


def _assertion(key: ClientKey, client_id: str, audience: str, alg: str) -> str:
    found: str | bytes = private_key_jwt_sign(
        key, client_id=client_id, token_endpoint=audience, alg=alg, expires_in=ASSERTION_SECONDS
    )
    return found.decode() if isinstance(found, bytes) else found


def _algorithm(key: ClientKey) -> str:
    return {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}[key.key_type]


class OidcClient:
    """The library as a client of one OpenID Connect provider."""

    def __init__(self, settings: Settings) -> None:
        if not settings.oidc_issuer or not settings.oidc_client_id:
            raise UsageError("Sign-in is not set up here: LOCALDATA_OIDC_ISSUER is not set.")
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.client_id = settings.oidc_client_id
        self.secret = settings.oidc_client_secret
        self.scopes = settings.oidc_scopes
        self.vtr = settings.oidc_vtr
        key_file = settings.oidc_private_key_file
        self.private_key = _client_key(key_file.read_bytes()) if key_file else None
        self._cache: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    # --- the provider's metadata and keys -------------------------------------------------

    def _get_json(self, url: str) -> Any:
        try:
            response = httpx.get(url, timeout=TIMEOUT, follow_redirects=False)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise SignInFailed(
                f"The sign-in service at {self.issuer} did not answer properly. Try again."
            ) from error

    def _cached(self, name: str, url: str, *, fresh: bool = False) -> Any:
        with self._lock:
            found = self._cache.get(name)
        if found and not fresh and found[0] > time.monotonic():
            return found[1]
        value = self._get_json(url)
        with self._lock:
            self._cache[name] = (time.monotonic() + CACHE_SECONDS, value)
        return value

    def provider(self) -> Provider:
        """The provider's endpoints, from its discovery document."""
        found = self._cached("discovery", f"{self.issuer}/.well-known/openid-configuration")
        if str(found.get("issuer", "")).rstrip("/") != self.issuer:
            raise SignInFailed("The sign-in service's discovery document names another issuer.")
        return Provider(
            issuer=str(found["issuer"]),
            authorization_endpoint=str(found["authorization_endpoint"]),
            token_endpoint=str(found["token_endpoint"]),
            jwks_uri=str(found["jwks_uri"]),
            userinfo_endpoint=found.get("userinfo_endpoint"),
        )

    def _decode(self, token: str) -> dict[str, Any]:
        """A JWT's claims, once its signature checks out with one of the provider's keys."""
        jwks_uri = self.provider().jwks_uri
        for fresh in (False, True):
            keys = KeySet.import_key_set(self._cached("jwks", jwks_uri, fresh=fresh))
            try:
                return dict(jwt.decode(token, keys, algorithms=ALGORITHMS).claims)
            except (JoseError, ValueError) as error:
                if fresh:
                    message = "The sign-in service's token is not signed by it."
                    raise SignInFailed(message) from error
        raise AssertionError("unreachable")

    # --- signing in -----------------------------------------------------------------------

    def start(self, redirect_uri: str) -> tuple[str, dict[str, str]]:
        """The provider URL to send the browser to, and what to keep in the session."""
        saved = {
            "state": secrets.token_urlsafe(24),
            "nonce": secrets.token_urlsafe(24),
            "verifier": secrets.token_urlsafe(48),
            "redirect_uri": redirect_uri,
        }
        extra = {"vtr": self.vtr} if self.vtr else {}
        with self._oauth(self.provider(), redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.provider().authorization_endpoint,
                state=saved["state"],
                code_verifier=saved["verifier"],
                nonce=saved["nonce"],
                **extra,
            )
        return str(url), saved

    def _oauth(self, provider: Provider, redirect_uri: str) -> OAuth2Client:
        """Authlib's client for this provider, authenticating as settings say."""
        common: dict[str, Any] = {
            "scope": self.scopes,
            "redirect_uri": redirect_uri,
            "code_challenge_method": "S256",
            "timeout": TIMEOUT,
            "trust_env": False,
        }
        if self.private_key is not None:
            method = _ShortLivedKeyJWT.name
            client = OAuth2Client(
                self.client_id, self.private_key, token_endpoint_auth_method=method, **common
            )
            alg = _algorithm(self.private_key)
            client.register_client_auth_method(_ShortLivedKeyJWT(provider.token_endpoint, alg=alg))
            return client
        method = SECRET_IN_HEADER if self.secret else PUBLIC_CLIENT
        return OAuth2Client(
            self.client_id, self.secret, token_endpoint_auth_method=method, **common
        )

    def finish(self, code: str, state: str, saved: dict[str, str]) -> Identity:
        """Exchange the code for tokens, check the ID token, and say who signed in."""
        if not saved or not secrets.compare_digest(state, saved.get("state", "")):
            raise SignInFailed("This sign-in link has expired or was not started here. Try again.")
        provider = self.provider()
        tokens = self._token(provider, code, saved)
        claims = self._decode(str(tokens.get("id_token", "")))
        self._check_id_token(claims, saved["nonce"])
        info = claims if claims.get("email") else self._userinfo(provider, tokens)
        if info and info.get("sub") != claims["sub"]:
            raise SignInFailed(
                "The sign-in service's user information is about someone else. Sign in again; "
                "if this happens again, tell the people who run this service."
            )
        email = info.get("email")
        return Identity(
            issuer=self.issuer,
            subject=str(claims["sub"]),
            email=str(email) if email else None,
            name=str(claims.get("name") or email or ""),
            email_verified=info.get("email_verified") is True,
            claims={k: claims[k] for k in ("vot", "acr", "amr", "sid") if k in claims},
        )

    def _token(self, provider: Provider, code: str, saved: dict[str, str]) -> dict[str, Any]:
        try:
            with self._oauth(provider, saved["redirect_uri"]) as client:
                tokens = client.fetch_token(
                    provider.token_endpoint, code=code, code_verifier=saved["verifier"]
                )
        except (OAuthError, httpx.HTTPError, ValueError) as error:
            message = "The sign-in service did not accept the sign-in. Try again."
            raise SignInFailed(message) from error
        return dict(tokens)

    def client_assertion(self, audience: str) -> str:
        """A short-lived JWT that proves this client holds its private key (private_key_jwt)."""
        assert self.private_key is not None
        return _assertion(self.private_key, self.client_id, audience, _algorithm(self.private_key))

    def _check_id_token(self, claims: dict[str, Any], nonce: str) -> None:
        now = time.time()
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        problems = [
            str(claims.get("iss", "")).rstrip("/") != self.issuer and "issuer",
            self.client_id not in audiences and "audience",
            not self._azp_ours(claims, audiences) and "authorised party",
            _number(claims.get("exp")) < now - LEEWAY and "expiry",
            not _recent(claims.get("iat"), now, ID_TOKEN_MAX_AGE) and "time of issue",
            not secrets.compare_digest(str(claims.get("nonce", "")), nonce) and "nonce",
            not claims.get("sub") and "subject",
            self.vtr and claims.get("vot") not in _vectors(self.vtr) and "level of assurance",
        ]
        wrong = [p for p in problems if p]
        if wrong:
            raise SignInFailed(
                f"The sign-in service's ID token has the wrong {wrong[0]}. Sign in again; if "
                "this happens again, tell the people who run this service."
            )

    def _azp_ours(self, claims: dict[str, Any], audiences: list[Any]) -> bool:
        """With several audiences an ``azp`` must name us; any ``azp`` must name us."""
        azp = claims.get("azp")
        if azp is None:
            return len(audiences) == 1
        return bool(azp == self.client_id)

    def _userinfo(self, provider: Provider, tokens: dict[str, Any]) -> dict[str, Any]:
        token = tokens.get("access_token")
        if not provider.userinfo_endpoint or not token:
            return {}
        try:
            response = httpx.get(
                provider.userinfo_endpoint,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT,
            )
            response.raise_for_status()
            found: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError):
            return {}
        return found

    # --- back-channel logout --------------------------------------------------------------

    def logout_token(self, logout_token: str) -> LogoutToken:
        """A checked back-channel logout token: its ``sub``, ``jti`` and time of issue.

        Whether its ``jti`` was seen before is for the caller to check, with the database
        (``localdata.access.sessions.accept_logout_token``).
        """
        claims = self._decode(logout_token)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        events = claims.get("events")
        now = time.time()
        valid = (
            str(claims.get("iss", "")).rstrip("/") == self.issuer
            and self.client_id in audiences
            and self._azp_ours(claims, audiences)
            and isinstance(events, dict)
            and LOGOUT_EVENT in events
            and "nonce" not in claims
            and _recent(claims.get("iat"), now, LOGOUT_TOKEN_MAX_AGE)
            and ("exp" not in claims or _number(claims["exp"]) >= now - LEEWAY)
            and isinstance(claims.get("jti"), str)
            and 0 < len(claims["jti"]) <= 255
            and bool(claims.get("sub"))
        )
        if not valid:
            raise SignInFailed("The logout token is not one this service accepts.")
        return LogoutToken(str(claims["sub"]), str(claims["jti"]), _number(claims["iat"]))


def _number(value: Any) -> float:
    """A numeric date claim as seconds, or 0 (long ago) when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value)


def _recent(issued: Any, now: float, max_age: float) -> bool:
    """True when ``iat`` is a number, not in the future and at most ``max_age`` seconds ago
    (each allowing ``LEEWAY`` for clocks that differ)."""
    at = _number(issued)
    return now - max_age - LEEWAY <= at <= now + LEEWAY
