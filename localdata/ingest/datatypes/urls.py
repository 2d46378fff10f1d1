"""Harmonise web addresses.

A URL must start ``http://`` or ``https://`` and name a host with a dot in it. A web address
without its scheme (``www.example.gov.uk/page``) gets ``https://`` added, with an info issue.
Spaces before or after the address are taken off silently. Spaces inside the path or query of
one full address (``.../StdDetails.aspx?PT=Planning Applications On-Line``, as planning systems
write them) are written as ``%20``, with an info issue, as a browser would. Anything else
(several addresses in one cell like ``a|b`` or on separate lines, words) is an error.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import first_issue
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

URL_SCHEME_ADDED = IssueType(
    "url-scheme-added",
    "https:// added to a web address",
    Severity.INFO,
    "We added https:// to the start of this web address. Check the link works.",
    fixed_by="library",
)
URL_SPACES_ENCODED = IssueType(
    "url-spaces-encoded",
    "Spaces in a web address written as %20",
    Severity.INFO,
    "We wrote the spaces in this web address as %20, as a browser does. Check the link works.",
    fixed_by="library",
)
URL_UNRECOGNISED = IssueType(
    "url-unrecognised",
    "Not a web address",
    Severity.ERROR,
    "Enter one full web address, starting with https://, like https://www.example.gov.uk/page.",
)

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# No spaces, and no "|": files list several addresses in one cell as "a|b".
_HOST_AND_PATH = rf"{_LABEL}(?:\.{_LABEL})*\.[a-z]{{2,}}\.?(?::\d+)?(?:[/?#][^\s|]*)?"
_URL = rf"(?i)^https?://(?:[^\s/@]+@)?{_HOST_AND_PATH}$"
_WITHOUT_SCHEME = rf"(?i)^{_HOST_AND_PATH}$"


def harmonise_url(values: pl.Series, field: StandardField) -> Harmonised:
    """Web addresses as pl.String, each starting http:// or https://."""
    url = pl.col("raw").str.strip_chars()
    complete = url.str.contains(_URL)
    encoded = url.str.replace_all(" ", "%20", literal=True)
    spaced = (
        ~complete
        & url.str.contains(r"^(?i)https?://[^\s/]+/[^\t\n\r|]* ")
        & (url.str.count_matches(r"(?i)https?://") == 1)
        & encoded.str.contains(_URL)
    )
    schemeless = ~complete & ~spaced & url.str.contains(_WITHOUT_SCHEME)
    value = (
        pl.when(complete)
        .then(url)
        .when(spaced)
        .then(encoded)
        .when(schemeless)
        .then(pl.lit("https://") + url)
    )
    found = (
        values.alias("raw")
        .to_frame()
        .select(
            value.alias("value"),
            first_issue(
                (url.is_not_null() & value.is_null(), URL_UNRECOGNISED),
                (spaced, URL_SPACES_ENCODED),
                (schemeless, URL_SCHEME_ADDED),
            ).alias("issue"),
        )
    )
    return Harmonised(found["value"].alias(values.name), found["issue"].alias(values.name))
