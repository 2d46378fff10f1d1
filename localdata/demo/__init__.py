"""Demo data: realistic files from real councils, published with 18 months of history.

``load_demo(library)`` picks a mix of real, current English councils from the register
(``places.py``), writes the files they would publish (``spend.py``, ``brownfield.py``,
``assets.py``) and publishes them through ``Library.publish`` in the order and at the times
``plan.py`` gives them, so that every page of the library has something to show: versions to
compare, councils that are current, overdue, failing or have never published, and files that
were rejected or changed nothing.

Decisions:

- Everything is generated in memory from the seed: no downloads. The same seed and the same
  ``today`` give the same bytes, so the demo is the same on every machine.
- The files are invented; only the councils, their codes and their towns are real.
- Loading twice does nothing the second time: if the first council already has a published
  spend version, ``load_demo`` returns at once with ``already_loaded`` set and all counts
  zero. Republishing the files would not be safe, because the demo's history publishes older
  versions before newer ones. To load a demo again, start from an empty data folder.
- One council publishes through a source instead (``source.py``): the demo registers its
  transparency page, and ``localdata serve`` serves the page and collects it.
- Every publish announces a change event (``localdata.events``), so after loading, the feed
  (``localdata events``, ``/api/v1/events``) holds the demo's history, and a later
  ``localdata publish`` appears at its end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from localdata.demo.places import Council, choose_councils
from localdata.demo.plan import Planned, plan_demo
from localdata.demo.source import register_demo_source
from localdata.registers import Register
from localdata.store.library import Library

DATASETS = ("spend", "brownfield-land", "land-and-assets")


@dataclass(frozen=True)
class DatasetCounts:
    """What happened to the demo files of one dataset."""

    dataset: str
    organisations: int
    published: int
    rejected: int
    unchanged: int
    rows: int


@dataclass(frozen=True)
class DemoSummary:
    """What loading the demo did: files published, rejected and unchanged, and rows published.

    ``rows`` counts the rows of every published file, each version counted once.
    """

    organisations: int
    published: int
    rejected: int
    unchanged: int
    rows: int
    datasets: tuple[DatasetCounts, ...] = ()
    already_loaded: bool = False


def load_demo(
    library: Library,
    *,
    seed: int = 0,
    organisations: int = 36,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Publish realistic demo files from ``organisations`` real councils into the library.

    The files are submitted with dates over the 18 months before ``today``. ``progress``
    is called with one line per file submitted.

    Example::

        summary = load_demo(Library(Settings()), organisations=12)
    """
    councils = choose_councils(Register.default(), seed, organisations)
    register_demo_source(library, councils, seed, today or date.today())
    if library.versions("spend", councils[0].id):
        return DemoSummary(len(councils), 0, 0, 0, 0, already_loaded=True)
    results: list[tuple[Planned, str, int]] = []
    for planned in plan_demo(councils, seed, today or date.today()):
        publication = library.publish(
            planned.content,
            planned.dataset,
            planned.council.id,
            filename=planned.filename,
            submitted_by="demo",
            submitted_at=planned.when,
        )
        status = publication.submission.status
        rows = publication.report.rows if publication.published and publication.report else 0
        results.append((planned, status, rows))
        if progress:
            progress(f"{planned.when:%Y-%m-%d} {planned.council.name}: {planned.filename} {status}")
    return _summary(councils, results)


def _summary(councils: list[Council], results: list[tuple[Planned, str, int]]) -> DemoSummary:
    datasets = tuple(
        _counts(name, [r for r in results if r[0].dataset == name]) for name in DATASETS
    )
    return DemoSummary(
        organisations=len(councils),
        published=sum(d.published for d in datasets),
        rejected=sum(d.rejected for d in datasets),
        unchanged=sum(d.unchanged for d in datasets),
        rows=sum(d.rows for d in datasets),
        datasets=datasets,
    )


def _counts(dataset: str, results: list[tuple[Planned, str, int]]) -> DatasetCounts:
    statuses = [status for _, status, _ in results]
    return DatasetCounts(
        dataset=dataset,
        organisations=len({planned.council.id for planned, _, _ in results}),
        published=statuses.count("published"),
        rejected=statuses.count("rejected"),
        unchanged=statuses.count("unchanged"),
        rows=sum(rows for _, _, rows in results),
    )


__all__ = ["DATASETS", "DatasetCounts", "DemoSummary", "load_demo"]
