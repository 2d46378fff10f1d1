"""The API docs page: our own pinned Swagger UI, under a Content Security Policy (issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.settings import Settings
from localdata.web.assets import SWAGGER_UI

ROOT = Path(__file__).resolve().parents[2]


def test_api_docs_load_swagger_ui_from_our_own_assets_under_a_csp(tmp_path: Path) -> None:
    if not (SWAGGER_UI / "swagger-ui-bundle.js").exists():
        pytest.fail("Swagger UI is not built into the static assets: run `make install`.")
    client = TestClient(create_app(Settings(env="test", data_dir=tmp_path / "data")))
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    sources = [s for s in re.findall(r'(?:src|href)="([^"]+)"', page.text) if s != "data:,"]
    assert sources and all(s.startswith("/assets/") for s in sources), sources
    assert "<script>" not in page.text  # no inline script: the policy allows none
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'none'"
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert client.get("/docs/oauth2-redirect").status_code == 404


def test_api_docs_swagger_ui_is_the_version_pinned_in_the_lock_file() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    assert (
        json.loads((ROOT / "package.json").read_text())["dependencies"]["swagger-ui-dist"] == pinned
    )
    installed = ROOT / "node_modules" / "swagger-ui-dist" / "package.json"
    if not installed.exists():
        pytest.fail("The npm packages are not installed: run `make install`.")
    assert json.loads(installed.read_text())["version"] == pinned
    assert (SWAGGER_UI / "swagger-ui-bundle.js").read_bytes() == (
        installed.parent / "swagger-ui-bundle.js"
    ).read_bytes()
