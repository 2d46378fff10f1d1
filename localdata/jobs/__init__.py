"""Jobs: work kept in the metadata database and run by workers.

- ``tables.py``: the ``jobs`` table.
- ``queue.py``: add a job once per key, take one (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
  one writer at a time on SQLite) under a lease, renew, finish, retry or fail it.
- ``worker.py``: the loop that takes jobs and runs their handlers, renewing the lease.

The package knows nothing of what the jobs do: ``localdata.collect.work`` gives the handlers
of collection and ``localdata.events.delivery`` the handler of webhook deliveries.
``worker.notify_work()`` wakes this process's idle workers when a job was just committed.
"""
