"""Rate limits: a token bucket per API key and per anonymous client, kept in memory.

Each bucket holds up to a minute's allowance and refills continuously. A request that finds its
bucket empty is refused with 429 and ``Retry-After`` (whole seconds until a token is back).
``check`` asks whether a bucket has a token without spending it, so that costly work a failure
would pay for (checking a key's secret with Argon2) is refused before it is done.
Buckets live in the process; behind several processes, each enforces its own share. The
number of buckets is bounded: the least recently used are dropped first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

from localdata.errors import RateLimited

MAX_BUCKETS = 100_000


class RateLimiter:
    """Token buckets, one per caller, of ``per_minute`` requests."""

    def __init__(self, max_buckets: int = MAX_BUCKETS) -> None:
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, caller: str, per_minute: int, now: float | None = None) -> None:
        """Spend one request of ``caller``'s allowance, or raise ``RateLimited``."""
        self._spend(caller, per_minute, 1.0, now)

    def check(self, caller: str, per_minute: int, now: float | None = None) -> None:
        """Raise ``RateLimited`` if ``caller``'s allowance is used up, spending nothing: asked
        before costly work (such as checking a key's secret) that a failure would pay for."""
        self._spend(caller, per_minute, 0.0, now)

    def _spend(self, caller: str, per_minute: int, cost: float, now: float | None) -> None:
        now = time.monotonic() if now is None else now
        rate = per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.pop(caller, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            self._buckets[caller] = (tokens - cost if tokens >= 1 else tokens, now)
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        if tokens < 1:
            wait = max(1, math.ceil((1 - tokens) / rate))
            raise RateLimited(
                f"Too many requests: at most {per_minute} a minute. Try again in {wait} seconds.",
                retry_after=wait,
            )
