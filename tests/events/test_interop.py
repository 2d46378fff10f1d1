"""A real delivery read by the reference libraries of both standards (issue 7).

The CloudEvents Python SDK parses it as a structured-mode CloudEvent, and the Standard Webhooks
library verifies its signature, so receivers can use either instead of our own snippet.
"""

from __future__ import annotations

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from localdata.events import webhooks
from localdata.store.library import Library
from tests.events.conftest import HYNDBURN, MARCH, make_key, publish, worker
from tests.events.receiver import Receiver


def test_delivery_is_a_cloudevent_signed_the_standard_webhooks_way(
    library: Library, receiver: Receiver
) -> None:
    _, principal = make_key(library)
    _, secret = webhooks.create_subscription(library, principal, url=receiver.url)
    with worker(library):
        publish(library, MARCH)
        [post] = receiver.wait_for(1)
    event = from_http_event(HTTPMessage(headers=post.headers, body=post.body))
    assert event.get_type() == "version-published"
    assert event.get_id() == post.headers["webhook-id"]
    assert event.get_extension("organisation") == HYNDBURN
    assert event.get_data()["rows"] == 2  # type: ignore[index]
    Webhook(secret).verify(post.body, post.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(post.body.replace(b"2", b"3"), post.headers)
