"""A publish killed at any moment leaves the earlier version current; concurrent publishes land.

Each crash runs a real publish in a child process and kills it with SIGKILL at a chosen
point: while storing the raw file, before the Delta commit, right after the Delta commit (before
the metadata records it), and at random moments.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from localdata.settings import Settings
from localdata.store.library import Library

HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
HYNDBURN = "local-authority:HYN"


def spend_file(tag: str, rows: int = 50) -> bytes:
    lines = [f"05/03/2024,{tag}-{i},1,{100 + i}.00,SUPPLIER {tag}\n" for i in range(rows)]
    return (HEADER + "".join(lines)).encode()


CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from localdata.settings import Settings
    from localdata.store import lake, library as library_module

    point, data_dir, database_url, path, organisation = sys.argv[1:6]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    original_replace = lake.Lake.replace
    original_store = lake.Lake.store_raw

    def replace(self, *args, **kwargs):
        if point == "before-commit":
            die()
        version = original_replace(self, *args, **kwargs)
        if point == "after-commit":
            die()
        return version

    def store(self, source):
        if point == "storing-raw":
            die()
        return original_store(self, source)

    lake.Lake.replace = replace
    lake.Lake.store_raw = store
    settings = Settings(env="test", data_dir=Path(data_dir), database_url=database_url)
    library = library_module.Library(settings)
    while True:  # for "random": publish until killed from outside
        library.publish(Path(path), "spend", organisation)
        if point != "random":
            break
""")


def run_child(
    point: str,
    settings: Settings,
    path: Path,
    *,
    kill_after: float | None = None,
    organisation: str = HYNDBURN,
) -> int:
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            point,
            str(settings.data_dir),
            settings.sqlalchemy_url,
            str(path),
            organisation,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if kill_after is not None:
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
    child.communicate(timeout=120)
    return child.returncode


def publish_at_once(settings: Settings, jobs: list[tuple[Path, str]]) -> None:
    """Publish each (file, organisation) in its own process, all at the same time."""
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                "none",
                str(settings.data_dir),
                settings.sqlalchemy_url,
                str(path),
                organisation,
            ],
            stderr=subprocess.PIPE,
        )
        for path, organisation in jobs
    ]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()


def suppliers(library: Library) -> set[str]:
    return set(library.rows("spend").collect()["supplier-name"].to_list())


@pytest.mark.slow
@pytest.mark.parametrize("point", ["storing-raw", "before-commit", "after-commit"])
def test_publish_killed_leaves_the_earlier_version_current(
    point: str, settings: Settings, tmp_path: Path
) -> None:
    library = Library(settings)
    library.publish(spend_file("OLD"), "spend", HYNDBURN)
    path = tmp_path / "new.csv"
    path.write_bytes(spend_file("NEW"))
    assert run_child(point, settings, path) == -signal.SIGKILL
    assert suppliers(library) == {"SUPPLIER OLD"}
    assert [v.rows for v in library.versions("spend")] == [50]
    again = library.publish(spend_file("NEWER"), "spend", HYNDBURN)
    assert again.published
    assert suppliers(library) == {"SUPPLIER NEWER"}
    library.close()


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.9, 1.6, 2.4])
def test_publish_killed_at_random_moments_never_half_writes(
    delay: float, settings: Settings, tmp_path: Path
) -> None:
    library = Library(settings)
    library.publish(spend_file("OLD", rows=2000), "spend", HYNDBURN)
    path = tmp_path / "new.csv"
    path.write_bytes(spend_file("NEW", rows=2000))
    run_child("random", settings, path, kill_after=delay)
    rows = library.rows("spend").collect()
    assert rows.height == 2000
    assert rows["supplier-name"].n_unique() == 1  # one whole version, never a mixture
    assert library.publish(spend_file("LAST", rows=10), "spend", HYNDBURN).published
    assert suppliers(library) == {"SUPPLIER LAST"}
    library.close()


@pytest.mark.slow
def test_two_organisations_publishing_at_once_both_land(settings: Settings, tmp_path: Path) -> None:
    Library(settings).close()  # create the database before the children race
    files = {}
    for org in (HYNDBURN, "local-authority:LDS"):
        files[org] = tmp_path / f"{org.replace(':', '-')}.csv"
        files[org].write_bytes(spend_file(org, rows=500))
    publish_at_once(settings, [(path, org) for org, path in files.items()])
    library = Library(settings)
    assert suppliers(library) == {f"SUPPLIER {org}" for org in files}
    assert len(library.versions("spend")) == 2
    library.close()


@pytest.mark.slow
def test_same_organisation_publishing_twice_at_once_ends_with_one_current(
    settings: Settings, tmp_path: Path
) -> None:
    Library(settings).close()
    paths = []
    for tag in ("A", "B"):
        paths.append(tmp_path / f"{tag}.csv")
        paths[-1].write_bytes(spend_file(tag, rows=500))
    publish_at_once(settings, [(path, HYNDBURN) for path in paths])
    library = Library(settings)
    rows = library.rows("spend").collect()
    assert rows.height == 500
    assert suppliers(library) in ({"SUPPLIER A"}, {"SUPPLIER B"})
    current = library.versions("spend")[0]
    assert suppliers(library) == {f"SUPPLIER {'A' if current.filename == 'A.csv' else 'B'}"}
    library.close()
