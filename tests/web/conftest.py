"""A real server and a real browser for the web page tests.

The server is the application ``create_app`` builds, run by Uvicorn on 127.0.0.1 on a free
port in a thread, over a library in a temporary folder with the demo data of three councils
(the same ``load_demo`` as ``make run``). The browser is Debian's Chromium (``/usr/bin/chromium``)
driven by Playwright; no tool downloads a browser of its own.

Without Chromium, or without the npm packages (``node_modules``: GOV.UK Frontend's built assets
and axe-core), the browser tests skip with the reason, unless ``LOCALDATA_BROWSER_TESTS=required``
(which ``make test`` sets, after installing both), when they fail with it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from localdata.access.demo import set_up_sharing_demo
from localdata.app import create_app
from localdata.demo import load_demo
from localdata.settings import Settings
from localdata.store.library import Library
from localdata.web.assets import STATIC

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
UPLOAD_LIMIT = 2 * 1024 * 1024


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "Chromium is not installed: apt-get install -y chromium chromium-driver"
    if not AXE.exists():
        return "axe-core is not installed: run `npm ci`"
    if not (STATIC / "govuk-frontend.min.css").exists():
        return "the GOV.UK Frontend assets are not built: run `make install`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


@pytest.fixture(scope="session")
def browser_ready() -> None:
    """Skip (or, under ``make test``, fail) when the browser tests cannot run here."""
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("LOCALDATA_BROWSER_TESTS") == "required":
        pytest.fail(f"The browser tests cannot run: {reason}.")
    pytest.skip(f"Browser tests skipped: {reason}.")


@pytest.fixture(scope="session")
def demo_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The demo data of three councils, which lets anyone publish, and the sharing demo."""
    folder = tmp_path_factory.mktemp("web") / "data"
    settings = Settings(
        env="test", data_dir=folder, open_submissions=True, max_upload_bytes=UPLOAD_LIMIT
    )
    library = Library(settings)
    load_demo(library, organisations=3, today=dt.date.today())
    set_up_sharing_demo(library)  # a restricted dataset, its agreement and councils' users
    yield library
    library.close()


@pytest.fixture(scope="session")
def base_url(browser_ready: None, demo_library: Library) -> Iterator[str]:
    """The address of a real server over the demo library, with the development sign-in."""
    development = {"env": "development", "dev_sign_in": True}
    app = create_app(demo_library.settings.model_copy(update=development), demo_library)

    @app.get("/test-only/fail")
    def fail() -> None:
        raise RuntimeError("a fault, to see the page for a problem on our side")

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("The web server did not start.")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(browser_ready: None) -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser tab with JavaScript on."""
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def page_without_js(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser tab with JavaScript off."""
    context = browser.new_context(
        base_url=base_url, java_script_enabled=False, accept_downloads=True
    )
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under build/screenshots/ (kept by CI as an artifact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
