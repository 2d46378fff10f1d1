"""Event emails through GOV.UK Notify, for subscribers who chose email over a webhook.

The Notify API key comes from ``LOCALDATA_NOTIFY_API_KEY`` and the email template from
``LOCALDATA_NOTIFY_TEMPLATE_ID``. The template needs two placeholders, ``((subject))`` and
``((body))``: the library fills them with a one-line summary and a short plain-text message
(what changed, and where to see it in the API). The event id is sent as Notify's
``reference``, so a retried email can be traced to the event it announces.
"""

from __future__ import annotations

from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from requests import RequestException

from localdata.events.types import EVENT_TYPES, CloudEvent
from localdata.settings import Settings


class EmailFailed(Exception):
    """Notify did not accept the email; ``status`` is its HTTP status, when it answered."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def email_text(event: CloudEvent, api_url: str) -> dict[str, str]:
    """The subject and body of an event's email."""
    kind = EVENT_TYPES.get(event.type)
    title = kind.title if kind else event.type
    about = ", ".join(p for p in (event.dataset, event.organisation) if p)
    lines = [f"{title}{f': {about}' if about else ''}.", ""]
    lines += [f"{name}: {value}" for name, value in event.data.items() if value is not None]
    if event.subject:
        lines += ["", f"See {api_url.rstrip('/')}/{event.subject}"]
    return {"subject": f"{title}{f': {about}' if about else ''}", "body": "\n".join(lines)}


def send_email(settings: Settings, address: str, event: CloudEvent) -> int:
    """Ask Notify to email the event to ``address``; return Notify's HTTP status."""
    if not settings.notify_api_key or not settings.notify_template_id:
        raise EmailFailed(
            "Email is not set up in this library: LOCALDATA_NOTIFY_API_KEY and "
            "LOCALDATA_NOTIFY_TEMPLATE_ID are needed."
        )
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]  # the client has no types
        settings.notify_api_key,
        base_url=settings.notify_base_url,
        timeout=settings.webhook_timeout,
    )
    try:
        client.send_email_notification(  # type: ignore[no-untyped-call]  # as above
            email_address=address,
            template_id=settings.notify_template_id,
            personalisation=email_text(event, settings.events_source),
            reference=event.id,
        )
    except HTTPError as error:
        raise EmailFailed(
            f"GOV.UK Notify answered {error.status_code}.", error.status_code
        ) from error
    except RequestException as error:
        raise EmailFailed(
            f"GOV.UK Notify could not be reached ({type(error).__name__})."
        ) from error
    finally:
        client.request_session.close()
    return 201
