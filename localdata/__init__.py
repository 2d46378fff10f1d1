"""The Local Data Library: check, publish and serve local government data against standards.

Example::

    import localdata

    report = localdata.check("spend-2024-03.csv", "spend", organisation="E07000120")
    print(report.counts_by_severity)
"""

from __future__ import annotations

__version__ = "0.1.0"

from localdata.errors import LocalDataError  # noqa: E402
from localdata.ingest.pipeline import check  # noqa: E402
from localdata.ingest.report import Report  # noqa: E402
from localdata.settings import Settings  # noqa: E402
from localdata.standards.catalogue import StandardCatalogue  # noqa: E402
from localdata.standards.model import Standard  # noqa: E402

__all__ = [
    "LocalDataError",
    "Report",
    "Settings",
    "Standard",
    "StandardCatalogue",
    "__version__",
    "check",
]
