"""``localdata events``: list the change events in the feed, or follow it."""

from __future__ import annotations

import json
import time

import typer

from localdata.access.model import ANONYMOUS
from localdata.cli.library import open_library
from localdata.cli.output import console
from localdata.events.feed import FeedQuery, feed_query, read_feed

FOLLOW_POLL_SECONDS = 0.5


def events_command(
    after: int = typer.Option(0, "--after", help="Only events after this cursor (seq)."),
    types: list[str] = typer.Option([], "--type", help="Only this event type (repeatable)."),
    dataset: str | None = typer.Option(None, "--dataset", help="Only events about this dataset."),
    organisation: str | None = typer.Option(
        None, "--organisation", help="Only events about this organisation (any of its codes)."
    ),
    limit: int = typer.Option(100, "--limit", help="Most events to list (1 to 1,000)."),
    follow: bool = typer.Option(False, "--follow", help="Keep listing new events as they come."),
    as_json: bool = typer.Option(False, "--json", help="Print each event as a line of JSON."),
    api_key: str | None = typer.Option(
        None, "--api-key", help="Read as this API key's owner (for restricted datasets' events)."
    ),
) -> None:
    """List change events (CloudEvents), oldest first: the feed at /api/v1/events.

    Each line shows the event's seq (give it to --after to continue from there), time, type,
    dataset, organisation and subject. Events about restricted datasets are listed only with
    an --api-key that may read them.

    Example: localdata events --type version-published --dataset spend
    """
    with open_library() as library:
        principal = library.access.key_principal(api_key) if api_key else ANONYMOUS
        query = feed_query(
            library,
            after=after,
            limit=limit,
            types=types,
            dataset=dataset,
            organisation=organisation,
        )
        while True:
            page = read_feed(library, principal, query)
            for stored in page.events:
                console.print(_line(stored.to_dict(), as_json), markup=False, soft_wrap=True)
            if not follow:
                break
            if not page.events:
                time.sleep(FOLLOW_POLL_SECONDS)
            query = FeedQuery(
                page.next, query.limit, query.types, query.dataset, query.organisation
            )


def _line(event: dict[str, object], as_json: bool) -> str:
    if as_json:
        return json.dumps(event, ensure_ascii=False)
    parts = [event.get(k) for k in ("seq", "time", "type", "dataset", "organisation", "subject")]
    return "  ".join(str(p) for p in parts if p is not None)
