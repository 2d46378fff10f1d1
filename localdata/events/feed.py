"""The feed: events a principal may see, after a cursor, filtered; as JSON pages or Atom.

The cursor is an event's ``seq``: ask with ``after=`` the ``next`` of the page before, and
nothing is missed or repeated (``outbox.py`` says why). A page with no events keeps the
cursor where it was, so a client can ask again with the same ``after``, or wait for the next
event with ``wait=`` (the API's long-poll, at most ``MAX_WAIT_SECONDS``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from localdata.access.model import Principal
from localdata.errors import UsageError
from localdata.events import outbox, visibility
from localdata.events.outbox import StoredEvent
from localdata.events.types import EVENT_TYPES
from localdata.store.library import Library

MAX_PAGE = 1000
MAX_WAIT_SECONDS = 30.0
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedQuery:
    """What a reader asked for: after which event, how many, and which."""

    after: int = 0
    limit: int = 100
    types: tuple[str, ...] = ()
    dataset: str | None = None
    organisation: str | None = None
    newest: bool = False


@dataclass(frozen=True)
class FeedPage:
    """Events in order, and the cursor to ask for the next ones with."""

    events: list[StoredEvent]
    next: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "events": [e.to_dict() for e in self.events],
            "count": len(self.events),
            "next": self.next,
        }


def feed_query(
    library: Library,
    *,
    after: int = 0,
    limit: int = 100,
    types: Sequence[str] = (),
    dataset: str | None = None,
    organisation: str | None = None,
    newest: bool = False,
) -> FeedQuery:
    """A feed query with its filters checked and made canonical."""
    wanted = tuple(t.strip() for t in types if t.strip())
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise UsageError(
            f"There is no event type {', '.join(unknown)}. Use one of: {', '.join(EVENT_TYPES)}."
        )
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"Ask for between 1 and {MAX_PAGE} events a page.")
    return FeedQuery(
        after=max(after, 0),
        limit=limit,
        types=wanted,
        dataset=library.standards.get(dataset).name if dataset else None,
        organisation=library.organisation(organisation) if organisation else None,
        newest=newest,
    )


def read_feed(library: Library, principal: Principal, query: FeedQuery) -> FeedPage:
    """One page of the events the principal may see, after the query's cursor."""
    with library.database.engine.connect() as conn:
        visible = visibility.condition(conn, principal, library.standards, library.access.today())
        found = outbox.read(
            conn,
            after=query.after,
            limit=query.limit,
            types=query.types,
            dataset=query.dataset,
            organisation=query.organisation,
            visible=visible,
            newest=query.newest,
        )
    return FeedPage(found, found[-1].seq if found else query.after)


def atom(page: FeedPage, *, feed_url: str, api_url: str) -> bytes:
    """The page as an Atom feed: one entry per event, its CloudEvent as the content."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "title", "Local Data Library: changes")
    _text(root, "id", feed_url)
    newest = page.events[-1].event.time if page.events else dt.datetime.now(dt.UTC)
    _text(root, "updated", _stamp(newest))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", "Local Data Library")
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=feed_url)
    for stored in reversed(page.events):  # newest first, as feed readers expect
        _entry(root, stored, api_url)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _entry(root: ET.Element, stored: StoredEvent, api_url: str) -> None:
    event = stored.event
    entry = ET.SubElement(root, f"{{{ATOM}}}entry")
    _text(entry, "id", uuid.UUID(hex=event.id.removeprefix("evt_")).urn)
    kind = EVENT_TYPES.get(event.type)
    about = " ".join(p for p in (event.dataset, event.organisation) if p)
    _text(entry, "title", f"{kind.title if kind else event.type}: {about}".rstrip(": "))
    _text(entry, "updated", _stamp(event.time))
    ET.SubElement(entry, f"{{{ATOM}}}category", term=event.type)
    if event.subject:
        ET.SubElement(entry, f"{{{ATOM}}}link", href=f"{api_url.rstrip('/')}/{event.subject}")
    content = ET.SubElement(entry, f"{{{ATOM}}}content", type="application/json")
    content.text = json.dumps(stored.to_dict(), ensure_ascii=False)


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = text


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
