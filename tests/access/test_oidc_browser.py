"""The OpenID Connect sign-in journey in a real browser against the test provider.

Chromium (Debian's, as for the web page tests) goes to /auth/login on the library, served by
Uvicorn, is sent to oidc-provider-mock (a real HTTP server), picks the user there, comes back
to /auth/callback, and lands signed in. Skips without Chromium or Playwright, like the web
page tests (and fails under ``LOCALDATA_BROWSER_TESTS=required``).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from localdata.app import create_app
from localdata.settings import Settings
from localdata.store.library import Library
from tests.access.test_oidc import CLIENT, SUBJECT, RunningProvider, provider

__all__ = ["provider"]  # the module's fixture, shared with the HTTP journey's tests
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:authlib", "ignore::DeprecationWarning:oidc_provider_mock"
)
CHROMIUM = Path("/usr/bin/chromium")


def _skip_without_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = "Chromium is not installed: apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright Python package is not installed"
    if reason and os.environ.get("LOCALDATA_BROWSER_TESTS") == "required":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(settings: Settings, provider: RunningProvider) -> Iterator[str]:
    _skip_without_browser()
    configured = settings.model_copy(
        update={
            "oidc_issuer": provider.url,
            "oidc_client_id": CLIENT,
            "oidc_client_secret": "not-a-real-secret",
        }
    )
    library = Library(configured)
    port = _free_port()
    app = create_app(configured, library)
    server = uvicorn.Server(uvicorn.Config(app, host="localhost", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://localhost:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    library.close()


def test_oidc_sign_in_journey_in_a_real_browser(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"{server}/auth/login?next=/api/v1/keys")
        page.get_by_role("button", name=SUBJECT).click()
        page.wait_for_url(f"{server}/api/v1/keys")
        body = json.loads(page.locator("body").inner_text())
        assert (body["keys"], body["count"]) == ([], 0)
        cookie = next(c for c in page.context.cookies() if c["name"] == "localdata_session")
        assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax")
        browser.close()
