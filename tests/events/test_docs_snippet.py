"""The signature check in docs/webhooks.md works on a real delivery (issue 7)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from localdata.events import webhooks
from localdata.store.library import Library
from tests.events.conftest import MARCH, make_key, publish, worker
from tests.events.receiver import Receiver

PAGE = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def snippet() -> Callable[[str, dict[str, str], bytes], None]:
    """``verify_webhook`` as the page defines it."""
    code = re.search(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert code, "docs/webhooks.md has no Python snippet"
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), str(PAGE), "exec"), namespace)  # the page's own code
    return namespace["verify_webhook"]  # type: ignore[return-value]


def test_docs_snippet_verifies_a_real_delivery_and_refuses_a_changed_body(
    library: Library, receiver: Receiver
) -> None:
    verify_webhook = snippet()
    _, principal = make_key(library)
    _, secret = webhooks.create_subscription(library, principal, url=receiver.url)
    with worker(library):
        publish(library, MARCH)
        [post] = receiver.wait_for(1)
    verify_webhook(secret, post.headers, post.body)
    with pytest.raises(ValueError, match="does not match"):
        verify_webhook(secret, post.headers, post.body.replace(b"version", b"versions"))
