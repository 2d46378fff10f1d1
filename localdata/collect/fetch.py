"""Fetch a source's URL safely: limits, redirects, conditional requests and retries.

- Only ``http`` and ``https``; at most ``MAX_REDIRECTS`` redirects, each checked again.
- No private, loopback or link-local addresses (``addresses.py``), unless
  ``LOCALDATA_COLLECT_ALLOW_PRIVATE`` is set; proxies from the environment are not used, so the
  check always sees the real destination.
- ``LOCALDATA_COLLECT_TIMEOUT`` to connect and between bytes, ``LOCALDATA_COLLECT_TOTAL_TIMEOUT``
  for the whole fetch (the lookup, connecting, the headers, the body, redirects and retries:
  ``deadline.py``, so a server that drips its answer a byte at a time is cut off in time), and
  ``LOCALDATA_COLLECT_MAX_BYTES`` for the body, which is streamed to a file and never held in
  memory.
- ``If-None-Match`` and ``If-Modified-Since`` from the last fetch, so an unchanged file costs
  a 304 and no bytes.
- Server errors (5xx), timeouts and network errors are retried ``LOCALDATA_COLLECT_RETRIES``
  times after ``LOCALDATA_COLLECT_BACKOFF`` seconds, doubled each time, with jitter; other
  answers (4xx, too large, refused address) are not, as asking again would not change them.

Every failure is a ``FetchFailed`` whose message says, in plain English, what to do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpcore
import httpx

from localdata.collect import deadline
from localdata.collect.addresses import AddressRefused, GuardedBackend
from localdata.settings import Settings

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "localdata-collector (+https://github.com/localdata; the Local Data Library)"


class FetchFailed(Exception):
    """A fetch did not produce a file; ``message`` says why, for the publisher."""

    def __init__(self, message: str, *, retry: bool = False, http_status: int | None = None):
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.http_status = http_status


@dataclass(frozen=True)
class Fetched:
    """What a fetch brought back: a file (status 200) or "not modified" (304)."""

    url: str
    http_status: int
    media_type: str | None
    etag: str | None
    last_modified: str | None
    path: Path | None = None
    size: int = 0
    sha256: str | None = None

    def head(self, size: int = 4096) -> bytes:
        """The first bytes of the file, to tell a web page from a data file."""
        if self.path is None:
            return b""
        with self.path.open("rb") as handle:
            return handle.read(size)

    def discard(self) -> None:
        """Delete the downloaded file, if any."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class Fetcher:
    """Fetches URLs for collection; one per worker, closed when done."""

    def __init__(
        self, settings: Settings, *, allowed: frozenset[tuple[str, int]] = frozenset()
    ) -> None:
        self.settings = settings
        self.folder = settings.data_dir / "incoming"
        transport = httpx.HTTPTransport(trust_env=False)
        # httpx has no public way to choose the network backend; the pool is rebuilt around
        # ours so every connection goes through the address check.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=GuardedBackend(
                allow_private=settings.collect_allow_private, allowed=allowed
            ),
        )
        self.client = httpx.Client(
            transport=transport,
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(settings.collect_timeout),
            headers={"User-Agent": USER_AGENT},
        )

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """Fetch the URL, retrying what may pass; raise ``FetchFailed`` when it does not.

        Everything, retries included, happens within ``LOCALDATA_COLLECT_TOTAL_TIMEOUT`` (or
        the deadline of a ``deadline.within`` block around the call, when that is sooner).
        """
        retries = max(self.settings.collect_retries, 0)
        with deadline.within(self.settings.collect_total_timeout) as limit:
            for attempt in range(retries + 1):
                try:
                    return self._fetch_once(url, etag, last_modified)
                except FetchFailed as failed:
                    if not failed.retry or attempt == retries:
                        raise
                    delay = self.settings.collect_backoff * 2**attempt
                    delay *= random.uniform(0.5, 1.5)  # noqa: S311  # jitter, not secrecy
                    if time.monotonic() + delay >= limit.at:
                        raise
                time.sleep(delay)
        raise AssertionError("unreachable")

    def _fetch_once(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_scheme(current)
            try:
                result = self._get(current, headers)
            except AddressRefused as error:
                raise FetchFailed(str(error)) from error
            except (httpx.RequestError, httpcore.ConnectError, httpcore.TimeoutException) as error:
                raise self._network_failure(current, error) from error
            if isinstance(result, str):
                current = result
                continue
            return result
        raise FetchFailed(
            f"{url} redirected more than {MAX_REDIRECTS} times. Register the address the file "
            "is finally served from."
        )

    def _network_failure(self, url: str, error: Exception) -> FetchFailed:
        """What to say when the request failed on the network: too slow, or not reached."""
        if deadline.expired():
            return _too_slow(url, self.settings.collect_total_timeout)
        if isinstance(error, (httpx.TimeoutException, httpcore.TimeoutException)):
            return FetchFailed(
                f"{_host(url)} did not answer within {self.settings.collect_timeout:g} "
                "seconds. Check that the server is up, or try again later.",
                retry=True,
            )
        return FetchFailed(
            f"Could not fetch {url}: {error or type(error).__name__}. Check the "
            "address, and that the server is up.",
            retry=True,
        )

    def _get(self, url: str, headers: dict[str, str]) -> Fetched | str:
        """One request: a ``Fetched``, or the URL a redirect points to."""
        with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchFailed(f"{url} redirected without saying where to.")
                return str(response.url.join(location))
            _check_status(response)
            found = Fetched(
                url=str(response.url),
                http_status=response.status_code,
                media_type=response.headers.get("content-type"),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
            if response.status_code == 304:
                return found
            return self._download(response, found)

    def _download(self, response: httpx.Response, found: Fetched) -> Fetched:
        limit = self.settings.collect_max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(found.url, limit)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.folder, prefix=".fetch-")
        path = Path(name)
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(handle, "wb") as out:
                # As the bytes arrive, not a megabyte at a time: a server that drips them must
                # still meet the deadline.
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise _too_large(found.url, limit)
                    if deadline.expired():
                        raise _too_slow(found.url, self.settings.collect_total_timeout)
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return dataclasses.replace(found, path=path, size=size, sha256=digest.hexdigest())

    def close(self) -> None:
        """Close the connections."""
        self.client.close()


def check_scheme(url: str) -> None:
    """Refuse anything but an absolute http or https URL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError) as error:
        raise FetchFailed(f"'{url}' is not a web address.") from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchFailed(
            f"'{url}' is not an http or https address. Give the full address, starting https://."
        )


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status in (200, 304):
        return
    reason = f"{status} {response.reason_phrase}".strip()
    if status >= 500:
        raise FetchFailed(
            f"The server answered {reason}: a fault on its side. Collection tries again.",
            retry=True,
            http_status=status,
        )
    if status in (401, 403):
        message = "the file is not public. Publish it where anyone can download it."
    elif status in (404, 410):
        message = "there is no file at this address. Check it, or register the new one."
    else:
        message = "the file could not be downloaded from this address."
    raise FetchFailed(f"The server answered {reason}: {message}", http_status=status)


def _too_large(url: str, limit: int) -> FetchFailed:
    return FetchFailed(
        f"{url} is larger than {limit:,} bytes, the most the library collects. "
        "Split the file, or ask the people who run this library to raise the limit."
    )


def _too_slow(url: str, seconds: float) -> FetchFailed:
    return FetchFailed(
        f"{url} took longer than {seconds:g} seconds to download, from connecting to the last "
        "byte. Check that the server is up and answers promptly, or try again later.",
        retry=True,
    )


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or url
    except httpx.InvalidURL:
        return url
