"""The bytes of one uploaded file, from a path or from memory, read in bounded pieces.

Readers never load a whole file to look at it: they take a sample from the start (``head``)
and, when they need it, from the end (``tail``), and stream the rest through ``open()``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from localdata.errors import FileTooLarge, UnreadableFile
from localdata.settings import Settings

MEGABYTE = 1024 * 1024


class FileBytes:
    """One file's bytes, from a path on disk or from memory."""

    def __init__(self, source: Path | bytes, name: str | None = None) -> None:
        self.path = source if isinstance(source, Path) else None
        self._data = source if isinstance(source, bytes) else None
        self.name = name or (self.path.name if self.path else "")
        self.size = len(self._data) if self._data is not None else _file_size(source)

    @property
    def data(self) -> bytes | None:
        """The bytes, when the file is in memory."""
        return self._data

    def open(self) -> BinaryIO:
        """A binary stream of the file from its first byte."""
        if self._data is not None:
            return io.BytesIO(self._data)
        assert self.path is not None
        try:
            return self.path.open("rb")
        except OSError as error:
            raise _cannot_open() from error

    def head(self, size: int) -> bytes:
        """Up to ``size`` bytes from the start of the file."""
        if self._data is not None:
            return self._data[:size]
        with self.open() as stream:
            return stream.read(size)

    def tail(self, size: int) -> bytes:
        """Up to ``size`` bytes from the end of the file."""
        if self._data is not None:
            return self._data[-size:]
        with self.open() as stream:
            stream.seek(max(0, self.size - size))
            return stream.read(size)

    @property
    def suffix(self) -> str:
        """The file name's extension, lower case, without the dot ("" when there is none)."""
        return Path(self.name).suffix.lower().lstrip(".")

    def check_size(self, settings: Settings) -> None:
        """Refuse a file over the limit before reading any of it.

        An upload (bytes) is held to ``max_upload_bytes``; a file on disk, which is read in
        batches, to ``max_file_bytes``.
        """
        limit = settings.max_upload_bytes if self.path is None else settings.max_file_bytes
        if self.size > limit:
            raise FileTooLarge(
                f"The file is {describe_size(self.size)}. The largest file we can check is "
                f"{describe_size(limit)}. Split it into smaller files and check each one."
            )


def describe_size(size: int) -> str:
    """A size in bytes as a person would say it: "250 MB", "12 KB"."""
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:,.0f} MB"
    return f"{max(1, round(size / 1024)):,} KB"


def _file_size(source: Path | bytes) -> int:
    assert isinstance(source, Path)
    try:
        return source.stat().st_size
    except OSError as error:
        raise _cannot_open() from error


def _cannot_open() -> UnreadableFile:
    return UnreadableFile(
        "The file could not be opened. Check that it exists and that you chose the right "
        "file, then try again."
    )
