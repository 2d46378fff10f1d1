"""Collection: sources registered once, fetched on a schedule, published when they change.

- ``tables.py``: the ``sources`` and ``collection_attempts`` tables.
- ``sources.py``: register, list, pause, resume and retire sources; the attempt log.
- ``addresses.py`` and ``fetch.py``: fetching a URL safely (no private addresses, limits,
  redirects, conditional requests, retries with backoff).
- ``links.py``: finding the data file a web page links to, when it is unambiguous.
- ``collector.py``: one collection of a source, and publishing what it brought; both safe to
  run twice.
- ``work.py``: the scheduler and the job handlers, a worker wired for them, and the worker
  ``localdata serve`` runs in a thread.
- ``status.py``: each source's status (working, failing since, unchanged since) and whether it
  makes its organisation overdue.

``docs/collect.md`` describes the whole, for people who run a library.
"""
