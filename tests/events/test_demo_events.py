"""The demo, then ``localdata publish``: the new version is in the feed (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from localdata.settings import Settings
from tests.cli.test_check_command import run_cli
from tests.events.conftest import MARCH


@pytest.fixture(autouse=True)
def _library(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOCALDATA_DATABASE_URL", settings.sqlalchemy_url)


def test_demo_then_publish_shows_events_in_the_feed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(["demo", "--organisations", "3"], capsys, monkeypatch)[0] == 0
    code, out, _ = run_cli(["events", "--limit", "1000", "--json"], capsys, monkeypatch)
    demo = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {"version-published", "submission-failed"} <= {e["type"] for e in demo}
    path = tmp_path / "march.csv"
    path.write_text(MARCH)
    assert (
        run_cli(["publish", str(path), "-s", "spend", "-o", "Hyndburn"], capsys, monkeypatch)[0]
        == 0
    )
    code, out, _ = run_cli(["events", "--after", str(demo[-1]["seq"])], capsys, monkeypatch)
    [line] = out.splitlines()
    assert "version-published  spend  local-authority:HYN  datasets/spend/versions/" in line
    code, out, _ = run_cli(["events", "--type", "nothing"], capsys, monkeypatch)
    assert code == 2 and "There is no event type nothing" in out + _
