"""Find the data file a web page links to, when it can be told apart from the others.

Councils often register the page their file is published on rather than the file. When a
fetch brings back HTML, the page's links to data files (by the file's extension: CSV, TSV,
Excel, ODS, JSON, GeoJSON, ZIP) are listed. One such link is followed. Among several, the
ones that name the standard (every word of its name, or of its title, in the link's address
or text) are kept; if that leaves exactly one file, it is followed. Otherwise nothing is
guessed, and the reason is returned for the attempt log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from localdata.standards.model import Standard

DATA_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".json", ".geojson", ".zip")
HTML_TYPES = ("text/html", "application/xhtml+xml")
MOST_LINKS_LISTED = 5


@dataclass(frozen=True)
class Link:
    """A link on a page: where it goes and the text it shows."""

    url: str
    text: str


def looks_like_html(media_type: str | None, head: bytes) -> bool:
    """Whether a response is a web page rather than a data file."""
    if media_type and media_type.split(";")[0].strip().lower() in HTML_TYPES:
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def data_links(html: str, base_url: str) -> list[Link]:
    """The page's links to data files, made absolute, in the order they appear."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    found: list[Link] = []
    for href, text in parser.links:
        url = urljoin(base_url, href.strip())
        path = unquote(urlsplit(url).path).lower()
        if urlsplit(url).scheme in ("http", "https") and path.endswith(DATA_SUFFIXES):
            found.append(Link(url, " ".join(text.split())))
    return found


def choose_link(links: list[Link], standard: Standard) -> Link | str:
    """The one link to follow, or why none can be chosen (in plain English)."""
    distinct = list({link.url: link for link in links}.values())
    if not distinct:
        return (
            "The address is a web page with no link to a data file (CSV, Excel, ODS, JSON or "
            "ZIP). Register the address of the file itself."
        )
    if len(distinct) == 1:
        return distinct[0]
    naming = [link for link in distinct if _names(link, standard)]
    if len(naming) == 1:
        return naming[0]
    listed = ", ".join(link.url for link in (naming or distinct)[:MOST_LINKS_LISTED])
    return (
        f"The address is a web page linking to {len(naming or distinct)} data files that could "
        f"each be the {standard.name} file ({listed}), so none was collected. Register the "
        "address of the file itself."
    )


def _names(link: Link, standard: Standard) -> bool:
    """True when every word of the standard's name, or of its title, is in the link."""
    haystack = f"{unquote(link.url)} {link.text}".lower()
    for label in (standard.name, standard.title):
        words = [w for w in re.split(r"[^a-z0-9]+", label.lower()) if w]
        if words and all(word in haystack for word in words):
            return True
    return False


class _LinkParser(HTMLParser):
    """Collects ``<a href>`` links and their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._close_link()
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close_link()

    def close(self) -> None:
        super().close()
        self._close_link()

    def _close_link(self) -> None:
        if self._href:
            self.links.append((self._href, "".join(self._text)))
        self._href = None
        self._text = []
