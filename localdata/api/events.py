"""The change feed: events after a cursor, filtered, long-polled; as JSON or Atom.

A long-poll (``wait=``) sleeps on the event loop between short looks at the ``events`` table,
so a waiting client holds neither a database connection nor a thread, and an event written
by any process (a separate ``localdata worker``, another web process) is seen within
``POLL_SECONDS``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from localdata.access.model import Principal
from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep
from localdata.events import asyncapi
from localdata.events.feed import MAX_PAGE, MAX_WAIT_SECONDS, FeedPage, atom, feed_query, read_feed
from localdata.events.types import TypeName
from localdata.store.filters import organisation_filter
from localdata.store.library import Library

router = APIRouter(tags=["events"], responses=PROBLEMS)
POLL_SECONDS = 0.2

After = Annotated[int, Query(ge=0, le=2**62, description="Only events after this cursor")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Most events in the page")]
Types = Annotated[
    list[TypeName] | None,
    Query(alias="type", description="Only these event types (repeatable)"),
]
Dataset = Annotated[str | None, Query(description="Only events about this dataset")]
Organisation = Annotated[str | None, Query(description="Only events about this organisation")]
Wait = Annotated[
    float,
    Query(
        ge=0,
        le=MAX_WAIT_SECONDS,
        description="Seconds to wait for an event when there is none yet (long-polling)",
    ),
]


async def _page(
    library: Library,
    principal: Principal,
    *,
    after: int,
    limit: int,
    types: list[TypeName] | None,
    dataset: str | None,
    organisation: str | None,
    wait: float,
) -> FeedPage:
    query = await run_in_threadpool(
        feed_query,
        library,
        after=after,
        limit=limit,
        types=list(types or ()),
        dataset=dataset,
        organisation=organisation_filter(organisation) if organisation else None,
    )
    deadline = time.monotonic() + wait
    while True:
        page = await run_in_threadpool(read_feed, library, principal, query)
        if page.events or time.monotonic() >= deadline:
            return page
        await asyncio.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0)))


@router.get("/events")
async def get_events(
    library: LibraryDep,
    principal: PrincipalDep,
    after: After = 0,
    limit: Limit = 100,
    type: Types = None,  # the URL's own name for the filter
    dataset: Dataset = None,
    organisation: Organisation = None,
    wait: Wait = 0,
) -> dict[str, Any]:
    """Change events (CloudEvents 1.0), oldest first, after the cursor ``after``.

    Ask again with ``after`` set to the answer's ``next``. With ``wait``, an empty answer
    waits up to that many seconds (at most 30) for the next event. Events about restricted
    datasets are only shown to those who may read the organisation's rows.
    """
    page = await _page(
        library,
        principal,
        after=after,
        limit=limit,
        types=type,
        dataset=dataset,
        organisation=organisation,
        wait=wait,
    )
    return page.to_dict()


@router.get(
    "/events.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "An Atom feed"}},
)
async def get_events_atom(
    request: Request,
    library: LibraryDep,
    principal: PrincipalDep,
    type: Types = None,  # as above
    dataset: Dataset = None,
    organisation: Organisation = None,
    limit: Limit = 100,
) -> Response:
    """The newest change events as an Atom feed, for feed readers and simple tools."""
    query = await run_in_threadpool(
        feed_query,
        library,
        types=type or (),
        dataset=dataset,
        organisation=organisation,
        limit=limit,
        newest=True,
    )
    page = await run_in_threadpool(read_feed, library, principal, query)
    api_url = str(request.url_for("get_events")).removesuffix("/events")
    body = atom(page, feed_url=str(request.url), api_url=api_url)
    return Response(body, media_type="application/atom+xml")


@router.get("/asyncapi.json")
def get_asyncapi(library: LibraryDep) -> dict[str, Any]:
    """The AsyncAPI 3 document describing the events and how webhooks deliver them."""
    return asyncapi.document(library.settings)
