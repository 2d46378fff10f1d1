"""Collect a source once, and publish what it brought; both safe to run twice.

``collect`` fetches the source's URL (following a page's link to its data file, see
``links.py``), keeps a new file by its sha256 and records the attempt. A file with the same
sha256 as the source's last one, or a 304, is recorded as ``unchanged`` and not checked again.
A new file gets a ``publish`` job, queued in the same transaction as the attempt.

``publish`` checks and publishes an attempt's file with ``Library.publish`` and records the
submission on the attempt. If it runs twice (its worker died after publishing, before the job
was marked done), it finds the submission the first run made and records that instead of
publishing again. A run that died between the Delta commit and the metadata row left a commit
no submission records: the next publish of the dataset rolls it back before writing, so the
dataset still ends with exactly one new version.
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from localdata.collect import deadline, links
from localdata.collect.announce import announce_source
from localdata.collect.fetch import Fetched, Fetcher, FetchFailed
from localdata.collect.sources import (
    Attempt,
    Source,
    get_attempt,
    get_source,
    last_collected,
    record_attempt,
    record_result,
)
from localdata.errors import LocalDataError
from localdata.jobs import queue
from localdata.standards.model import Standard
from localdata.store import metadata
from localdata.store.library import Library
from localdata.store.metadata import now

MOST_HTML_BYTES = 5 * 1024 * 1024


def collect(library: Library, fetcher: Fetcher, source_id: int) -> Attempt:
    """Fetch a source once and record the attempt; queue a publish job for a new file."""
    with library.database.transaction() as conn:
        source = get_source(conn, source_id)
        previous = last_collected(conn, source_id)
    standard = library.standards.get(source.dataset)
    started, clock = now(), time.monotonic()
    values: dict[str, object] = {"source_id": source.id, "started_at": started, "url": source.url}
    fetched: Fetched | None = None
    try:
        # The page and the file it links to share one deadline: together they are one fetch.
        with deadline.within(library.settings.collect_total_timeout):
            fetched = _fetch(fetcher, source, standard, previous)
        values |= _outcome(library, fetched, previous)
    except FetchFailed as failed:
        values |= {"outcome": "failed", "error": failed.message, "http_status": failed.http_status}
    finally:
        if fetched is not None:
            fetched.discard()
    values["elapsed_ms"] = int((time.monotonic() - clock) * 1000)
    with library.database.transaction() as conn:
        attempt_id = record_attempt(conn, **values)
        if values["outcome"] == "new":
            queue.enqueue(
                conn,
                "publish",
                f"publish:{attempt_id}",
                {"attempt_id": attempt_id},
                max_attempts=library.settings.job_max_attempts,
            )
        announce_source(conn, source.id, attempt_id, library.settings.events_source)
        return get_attempt(conn, attempt_id)


def _fetch(
    fetcher: Fetcher, source: Source, standard: Standard, previous: Attempt | None
) -> Fetched:
    """The source's data file: fetched directly, or through the link on its page."""
    fetched = fetcher.fetch(source.url, **_conditions(previous, source.url))
    if fetched.http_status == 304 or not links.looks_like_html(fetched.media_type, fetched.head()):
        return fetched
    try:
        if fetched.size > MOST_HTML_BYTES:
            raise FetchFailed(
                f"The address is a web page of over {MOST_HTML_BYTES:,} bytes, too large to "
                "look for its data file in. Register the address of the file itself."
            )
        assert fetched.path is not None
        page = fetched.path.read_bytes().decode("utf-8", errors="replace")
    finally:
        fetched.discard()
    chosen = links.choose_link(links.data_links(page, fetched.url), standard)
    if isinstance(chosen, str):
        raise FetchFailed(chosen, http_status=fetched.http_status)
    found = fetcher.fetch(chosen.url, **_conditions(previous, chosen.url))
    if found.http_status != 304 and links.looks_like_html(found.media_type, found.head()):
        found.discard()
        raise FetchFailed(
            f"The page links to {chosen.url}, which is another web page rather than a data "
            "file. Register the address of the file itself."
        )
    return found


def _conditions(previous: Attempt | None, url: str) -> dict[str, str | None]:
    """The validators to send: those the same URL gave last time, if any."""
    if previous is None or previous.url != url:
        return {}
    return {"etag": previous.etag, "last_modified": previous.last_modified}


def _outcome(library: Library, fetched: Fetched, previous: Attempt | None) -> dict[str, object]:
    """The attempt's columns for a fetch that worked: new or unchanged, and its file."""
    values: dict[str, object] = {
        "url": fetched.url,
        "http_status": fetched.http_status,
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "bytes": fetched.size if fetched.path is not None else None,
    }
    if previous is not None and (fetched.http_status == 304 or fetched.sha256 == previous.resource):
        # Keep the validators of the fetch that brought the file when a 304 sends none.
        values["etag"] = fetched.etag or previous.etag
        values["last_modified"] = fetched.last_modified or previous.last_modified
        if previous.submission_id is None and previous.error is not None:
            # The same file as last time, but last time's check never finished (a fault on
            # our side): check it again rather than call it unchanged and never publish it.
            return values | {"outcome": "new", "resource": previous.resource}
        return values | {
            "outcome": "unchanged",
            "resource": previous.resource,
            "submission_id": previous.submission_id,
        }
    if fetched.path is None:
        raise FetchFailed(
            "The server answered 304 Not Modified, but no file was collected from it before."
        )
    sha256, size = library.lake.store_raw(fetched.path)
    with library.database.transaction() as conn:
        metadata.record_resource(conn, sha256, size, _media_type(fetched))
    return values | {"outcome": "new", "resource": sha256, "bytes": size}


def _media_type(fetched: Fetched) -> str:
    if fetched.media_type:
        return fetched.media_type.split(";")[0].strip()[:255] or "application/octet-stream"
    return mimetypes.guess_type(filename(fetched.url))[0] or "application/octet-stream"


def filename(url: str) -> str:
    """The file name at the end of a URL's path, or ``download`` when it has none."""
    name = PurePosixPath(unquote(urlsplit(url).path)).name
    return name or "download"


def publish(library: Library, attempt_id: int) -> Attempt:
    """Check and publish an attempt's file, once, and record what became of it."""
    with library.database.transaction() as conn:
        attempt = get_attempt(conn, attempt_id)
        source = get_source(conn, attempt.source_id)
    if attempt.submission_id is not None or attempt.resource is None:
        return attempt
    earlier = _earlier_run(library, source, attempt)
    error: str | None = None
    submission_id: int | None = earlier.id if earlier else None
    if earlier is None:
        try:
            done = library.publish(
                library.lake.raw_path(attempt.resource),
                source.dataset,
                source.organisation,
                filename=filename(attempt.url),
                submitted_by=f"source:{source.id}",
                period=source.period,
            )
            submission_id = done.submission.id
        except LocalDataError as failed:
            error = " ".join([failed.message, *failed.details])
    with library.database.transaction() as conn:
        record_result(conn, attempt_id, submission_id=submission_id, error=error)
        announce_source(conn, source.id, attempt_id, library.settings.events_source)
        return get_attempt(conn, attempt_id)


def _earlier_run(library: Library, source: Source, attempt: Attempt) -> metadata.Submission | None:
    """The submission an earlier run of this publish made, if it died before recording it."""
    with library.database.transaction() as conn:
        latest = metadata.latest_submission(conn, source.dataset, source.organisation)
    if (
        latest is not None
        and latest.resource == attempt.resource
        and latest.submitted_by == f"source:{source.id}"
        and latest.submitted_at >= attempt.started_at
    ):
        return latest
    return None
