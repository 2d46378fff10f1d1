"""Whatever bytes arrive, the check answers with a report or a plain-English error."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import localdata
from localdata.errors import LocalDataError
from localdata.settings import Settings

HEADERS = ["Payment Date", "Amount", "Supplier Name", "Transaction Number", ""]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["05-Apr-17", "£1,234.50", "(12.00)", "=SUM(A1)", '"', "\r", "\x00", ""]),
)


def _check(content: bytes, name: str, tmp_path: Path) -> None:
    try:
        report = localdata.check(
            content, "spend", filename=name, settings=Settings(data_dir=tmp_path)
        )  # type: ignore[call-arg]
    except LocalDataError as error:
        assert error.message and "Traceback" not in error.message
    else:
        assert report.rows >= 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.binary(max_size=2048),
    name=st.sampled_from(["x.csv", "x.xlsx", "x.json", "x.zip", "x.xls", "x"]),
)
def test_check_survives_any_bytes(content: bytes, name: str, tmp_path: Path) -> None:
    _check(content, name, tmp_path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
    rows=st.lists(st.lists(CELLS, max_size=8), max_size=8),
    delimiter=st.sampled_from([",", "\t", ";"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_check_survives_any_csv_shaped_text(
    header: list[str],
    rows: list[list[str]],
    delimiter: str,
    ending: str,
    encoding: str,
    tmp_path: Path,
) -> None:
    lines = [delimiter.join(header), *(delimiter.join(r) for r in rows)]
    content = ending.join(lines).encode(encoding, errors="replace")
    _check(content, "x.csv", tmp_path)
