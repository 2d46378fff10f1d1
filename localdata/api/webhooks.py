"""Webhook subscriptions in the JSON API: made and managed with an API key.

Every route needs the API key that owns the subscriptions (``Authorization: Bearer <key>``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from localdata.api.deps import PROBLEMS, LibraryDep, SignedInDep
from localdata.events import webhooks
from localdata.events.types import TypeName

router = APIRouter(tags=["webhooks"], responses=PROBLEMS)
SubscriptionId = Annotated[
    str, Path(min_length=1, max_length=32, description="The subscription's id (whs_…)")
]


class NewSubscription(BaseModel):
    """Where to send events, and which."""

    url: str | None = Field(
        None, max_length=2000, description="POST events here (https in production)."
    )
    email: str | None = Field(
        None, max_length=320, description="Or email them here, through GOV.UK Notify."
    )
    types: list[TypeName] = Field([], description="Only these event types; all when empty.")
    dataset: str | None = Field(None, description="Only events about this dataset.")
    organisation: str | None = Field(None, description="Only events about this organisation.")


@router.post("/webhooks", status_code=201)
async def post_webhook(
    new: Annotated[NewSubscription, Body()], library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Subscribe your API key to events. The signing secret is in this answer only."""
    made, secret = await run_in_threadpool(
        webhooks.create_subscription,
        library,
        principal,
        url=new.url,
        email=new.email,
        types=new.types,
        dataset=new.dataset,
        organisation=new.organisation,
    )
    return {"subscription": made.to_dict(), "secret": secret}


@router.get("/webhooks")
def get_webhooks(library: LibraryDep, principal: SignedInDep) -> dict[str, Any]:
    """Your key's subscriptions."""
    found = webhooks.list_subscriptions(library, principal)
    return {"subscriptions": [s.to_dict() for s in found], "count": len(found)}


@router.get("/webhooks/{subscription_id}")
def get_webhook(
    subscription_id: SubscriptionId, library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """One of your key's subscriptions."""
    return {
        "subscription": webhooks.get_subscription(library, principal, subscription_id).to_dict()
    }


@router.delete("/webhooks/{subscription_id}", status_code=204)
def delete_webhook(
    subscription_id: SubscriptionId, library: LibraryDep, principal: SignedInDep
) -> None:
    """Stop a subscription; deliveries not yet made are cancelled."""
    webhooks.delete_subscription(library, principal, subscription_id)


@router.post("/webhooks/{subscription_id}/rotate")
def rotate_webhook_secret(
    subscription_id: SubscriptionId, library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Give the subscription a new secret (in this answer only); the old one keeps signing,
    beside it, for the rotation period."""
    found, secret = webhooks.rotate_secret(library, principal, subscription_id)
    return {"subscription": found.to_dict(), "secret": secret}


@router.get("/webhooks/{subscription_id}/deliveries")
def get_deliveries(
    subscription_id: SubscriptionId,
    library: LibraryDep,
    principal: SignedInDep,
    state: Annotated[
        Literal["pending", "delivered", "dead", "withheld", "cancelled"] | None,
        Query(description="Only deliveries in this state; dead is the dead-letter list"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Deliveries per page")] = 50,
    before: Annotated[
        int | None, Query(ge=1, le=2**62, description="Only deliveries older than this id")
    ] = None,
) -> dict[str, Any]:
    """The subscription's delivery log, newest first, with every attempt."""
    found = webhooks.delivery_log(
        library, principal, subscription_id, state=state, limit=limit, before=before
    )
    return {
        "deliveries": found,
        "count": len(found),
        "next": found[-1]["id"] if len(found) == limit else None,
    }


@router.post("/webhooks/{subscription_id}/redeliver")
def post_redeliver(
    subscription_id: SubscriptionId,
    library: LibraryDep,
    principal: SignedInDep,
    delivery: Annotated[
        int | None, Query(ge=1, le=2**62, description="Only this dead delivery; all when unset")
    ] = None,
) -> dict[str, Any]:
    """Send dead-lettered deliveries again, in their order."""
    return {"redelivering": webhooks.redeliver(library, principal, subscription_id, delivery)}
