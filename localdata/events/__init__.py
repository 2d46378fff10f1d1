"""Change events: every change is a CloudEvents 1.0 event, kept in an outbox and delivered.

- ``types.py``: every event type, declared once, and the CloudEvents envelope.
- ``tables.py``: the outbox (``events``), webhook subscriptions, deliveries and their log.
- ``outbox.py``: ``emit`` in the caller's transaction, and reading the feed back.
- ``announce.py``: the events each kind of change announces.
- ``visibility.py``: which events a principal may see (restricted datasets pass the gate).
- ``feed.py``: the feed as JSON pages and as Atom.
- ``signing.py``: Standard Webhooks signatures and encrypted secrets.
- ``webhooks.py``: subscriptions: create, list, delete, rotate the secret, the dead letters.
- ``delivery.py``: the ``deliver`` job: handshake, signed POST, retries, order, the log.
- ``notify.py``: email through GOV.UK Notify.
- ``asyncapi.py``: the AsyncAPI 3 document, generated from the declarations.

``docs/events.md`` and ``docs/webhooks.md`` describe them for subscribers.
"""
