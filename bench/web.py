"""Benchmark the web pages on the national spend dataset, against Datasette's HTML table page.

Run it from the repository root (Datasette is optional: ``pip install "datasette==0.65.*"``)::

    python bench/web.py --rows 1000000          # a quick run
    python bench/web.py                          # 10,000,000 rows, the issue's target

It builds (or reuses) exactly the dataset ``bench/api.py`` builds, in the same place
(``bench/out/api/`` by default, so one build serves both benchmarks), with the same code: it
imports ``ensure_dataset`` and the server helpers from ``api.py``. Then it starts
``localdata serve`` and ``datasette serve spend.db`` on 127.0.0.1, one at a time, and times,
one request after another (``--requests`` each, after a few to warm up):

- the dataset page, ``/datasets/spend`` (description, coverage of all 317 councils, the first
  records, downloads, history and the chart), against Datasette's table page ``/spend/spend``;
- a filtered records page, one council's payments over £500
  (``/datasets/spend/records?organisation=...&amount__gt=500``), a different council each
  time, against the same filter on Datasette's table page.

It prints p50 and p95 in milliseconds for each, and PASS or FAIL for the target: both of our
pages at p50 under 300 ms. Datasette runs with ``suggest_facets off`` unless other
``--datasette-setting`` values are given: with its defaults it spends its one-second time limit
suggesting facets over 10 million rows and answers with an error. The exit code is 1 when a
server did not start or a page failed, else 0, whatever the figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
from api import (
    HERE,
    ServerFailed,
    current_councils,
    dataset_folder,
    datasette_installed,
    datasette_server,
    describe_build,
    ensure_dataset,
    localdata_server,
    running,
    sample_councils,
    say,
)

TARGET_MS = 300.0
WARM_UP = 3
TIMEOUT = 60.0


@dataclass
class Timing:
    """How long one server took over one page's requests."""

    server: str
    page: str
    requests: int
    failed: int
    p50_ms: float
    p95_ms: float


def page_requests(server: str, councils: list[str]) -> dict[str, list[str]]:
    """The paths each page is measured with, on localdata or on Datasette."""
    if server == "localdata":
        dataset = "/datasets/spend"
        filtered = "/datasets/spend/records?organisation={}&amount__gt=500"
    else:
        dataset = "/spend/spend"
        filtered = "/spend/spend?organisation={}&amount__gt=500"
    return {
        "dataset page": [dataset],
        "filtered records page": [filtered.format(c) for c in councils],
    }


def time_page(base_url: str, server: str, page: str, paths: list[str], count: int) -> Timing:
    """Warm up, then request ``count`` times one after another, cycling through ``paths``."""
    timings: list[float] = []
    failed = 0
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        for path in (paths * WARM_UP)[:WARM_UP]:
            client.get(path)
        for index in range(count):
            started = time.perf_counter()
            response = client.get(paths[index % len(paths)])
            timings.append((time.perf_counter() - started) * 1000)
            failed += response.status_code != 200 or "text/html" not in response.headers.get(
                "content-type", ""
            )
    return Timing(server, page, count, failed, _percentile(timings, 50), _percentile(timings, 95))


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def render(timings: list[Timing]) -> str:
    """The figures as a table, with the target's verdict for each of our pages."""
    lines = [f"{'page':<24}{'server':<12}{'p50 ms':>10}{'p95 ms':>10}{'failed':>8}  target"]
    for t in timings:
        verdict = ""
        if t.server == "localdata":
            passed = t.p50_ms < TARGET_MS and not t.failed
            verdict = f"{'PASS' if passed else 'FAIL'} (p50 < {TARGET_MS:.0f} ms)"
        lines.append(
            f"{t.page:<24}{t.server:<12}{t.p50_ms:>10.1f}{t.p95_ms:>10.1f}{t.failed:>8}  {verdict}"
        )
    return "\n".join(lines)


def parse_options(argv: list[str]) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows in the dataset")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated files")
    parser.add_argument(
        "--workdir", type=Path, default=HERE / "out" / "api", help="where the dataset goes"
    )
    parser.add_argument("--requests", type=int, default=50, help="requests per page")
    parser.add_argument(
        "--datasette-setting",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="pass --setting NAME VALUE to Datasette (default: suggest_facets off)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Build or reuse the dataset, time both servers' pages, print the figures."""
    options = parse_options(argv)
    folder = dataset_folder(options.workdir, options.rows, options.seed)
    options.workdir.mkdir(parents=True, exist_ok=True)
    build = ensure_dataset(folder, options.rows, options.seed)
    say(describe_build(build))
    councils = sample_councils(current_councils())
    servers = [localdata_server(folder / "library", options.workdir)]
    if datasette_installed():
        settings = options.datasette_setting or [["suggest_facets", "off"]]
        servers.append(datasette_server(folder / "spend.db", options.workdir, settings))
    else:
        say('Datasette is not installed: pip install "datasette==0.65.*" to compare with it')
    timings: list[Timing] = []
    crashed = False
    for server in servers:  # one at a time, so they never compete for the cores
        try:
            with ExitStack() as stack:
                stack.enter_context(running(server))
                for page, paths in page_requests(server.name, councils).items():
                    timings.append(
                        time_page(server.base_url, server.name, page, paths, options.requests)
                    )
        except ServerFailed as error:
            say(str(error))
            crashed = True
    print(f"{options.rows:,} rows, {options.requests} requests per page, one at a time")
    print(render(timings))
    failed = any(t.failed for t in timings if t.server == "localdata")
    return 1 if crashed or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
