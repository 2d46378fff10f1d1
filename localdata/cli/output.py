"""Shared pieces of the command line: consoles, errors and progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK = 0
EXIT_MUST_FIX = 1
EXIT_USAGE = 2


def fail(message: str, *details: str) -> NoReturn:
    """Print a plain-English error to standard error and exit with code 2."""
    errors.print(f"Error: {message}", markup=False)
    for detail in details:
        errors.print(f"  {detail}", markup=False)
    sys.exit(EXIT_USAGE)


@contextmanager
def row_progress(label: str) -> Iterator[ProgressCallback]:
    """A progress display of rows done, shown only once the work takes over a second."""
    callback = ProgressCallback(label)
    try:
        yield callback
    finally:
        callback.close()


class ProgressCallback:
    """Counts rows; starts a progress bar on a terminal after the first second."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, rows: int) -> None:
        if self._progress is None:
            if time.monotonic() - self.started < 1 or not errors.is_terminal:
                return
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=errors,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label)
        assert self._task is not None
        self._progress.update(self._task, description=f"{self.label}: {rows:,} rows")

    def close(self) -> None:
        """Stop the progress bar if it was shown."""
        if self._progress is not None:
            self._progress.stop()
