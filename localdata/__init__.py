"""The Local Data Library: check, publish and serve local government data against standards.

Example::

    import localdata

    report = localdata.check("spend-2024-03.csv", "spend", organisation="E07000120")
    print(report.counts_by_severity)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

from localdata.errors import LocalDataError
from localdata.ingest.pipeline import check
from localdata.ingest.report import Report
from localdata.settings import Settings
from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.model import Standard

if TYPE_CHECKING:
    from localdata.store.library import Library


def open_library(settings: Settings | None = None) -> Library:
    """The library the settings describe (by default, the ``LOCALDATA_`` environment).

    Example::

        library = localdata.open_library()
        library.publish("spend-2024-03.csv", "spend", "E07000120")
    """
    from localdata.store.library import Library  # the store's libraries load only when used

    return Library(settings or Settings())


__all__ = [
    "LocalDataError",
    "Report",
    "Settings",
    "Standard",
    "StandardCatalogue",
    "__version__",
    "check",
    "open_library",
]
