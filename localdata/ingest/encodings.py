"""Which character encoding a text file uses, and a stream of it as UTF-8.

The rules, in order:

1. A byte order mark decides: UTF-8 (``EF BB BF``) or UTF-16 (``FF FE`` / ``FE FF``).
2. Text with a NUL in every other byte is UTF-16 without a mark.
3. A file that is valid UTF-8 all the way through is UTF-8. The whole file is checked in
   pieces (plain ASCII pieces are skipped at memory speed), so a stray byte near the end is
   still found.
4. A file that is mostly UTF-8 with a few bytes that are not (a spreadsheet saved twice) is
   "mixed": it is read as UTF-8, and each stray byte as Windows-1252.
5. Otherwise it is a single-byte code page. Windows-1252 and the DOS code pages 850 and 437
   put different characters on the same bytes (``0x9C`` is ``œ`` in Windows-1252 and ``£`` in
   DOS), so each is tried on a sample and the one whose non-ASCII characters are the most
   plausible in UK council data wins (``£`` and ``’`` beat ``œ``, ``ú`` and ``Æ``). Ties go
   to Windows-1252, which is what Excel writes.

Anything not UTF-8 is reported with an info issue, so the publisher can check the characters.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from localdata.ingest.files import FileBytes
from localdata.ingest.issues import Issue, IssueType, Severity

ENCODING_NOT_UTF8 = IssueType(
    "encoding-not-utf8",
    "File not saved as UTF-8",
    Severity.INFO,
    "The file is saved as {detail}, not UTF-8, and we read it that way. Check that characters "
    "such as £ and é look right. Next time, save it as 'CSV UTF-8'.",
    fixed_by="library",
    scope="file",
)
ENCODING_MIXED = IssueType(
    "encoding-mixed",
    "Mixed character encodings",
    Severity.WARNING,
    "Most of the file is UTF-8, but {detail} characters are saved in another encoding. We read "
    "those as Windows-1252. Check that characters such as £ and quotation marks look right, "
    "then save the file as 'CSV UTF-8'.",
    fixed_by="library",
    scope="file",
)

CHUNK = 4 * 1024 * 1024
SAMPLE = 1024 * 1024
FALLBACK_ERRORS = "localdata-cp1252"
_SINGLE_BYTE = ("cp1252", "cp850", "cp437")
_NAMES = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252 (Western European)",
    "cp850": "DOS code page 850",
    "cp437": "DOS code page 437",
}
# Characters common in UK council data; other letters score less, symbols and controls lose.
_NON_ASCII = re.compile("[^\x00-\x7f]")
_STRAY = re.compile("[\udc80-\udcff]")
_LIKELY = set("£€‘’“”–—•…éèêëàâäçôöûüîïñ°½¼¾©®™²³\xa0")


def _decode_stray_byte(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes a codec could not read as Windows-1252, or Latin-1 where that has a gap."""
    assert isinstance(error, UnicodeDecodeError)
    text = "".join(_cp1252_char(byte) for byte in error.object[error.start : error.end])
    return text, error.end


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error(FALLBACK_ERRORS, _decode_stray_byte)


@dataclass(frozen=True)
class TextEncoding:
    """How to decode a text file: the codec, and what to tell the publisher about it."""

    codec: str
    mixed: bool = False

    @property
    def label(self) -> str:
        """The short name reported in ``TableSource.encoding``: "utf-8", "cp1252", ..."""
        if self.codec.startswith("utf-16"):
            return "utf-16"
        return "utf-8" if self.codec == "utf-8-sig" else self.codec

    @property
    def is_utf8(self) -> bool:
        """True when the bytes can be handed on as they are (UTF-8, perhaps with a BOM)."""
        return self.codec in {"utf-8", "utf-8-sig"} and not self.mixed

    def decode(self, data: bytes, *, final: bool = True) -> str:
        """Decode a sample of the file (``final=False`` for a sample cut mid-file)."""
        decoder = codecs.getincrementaldecoder(self.codec)(errors=FALLBACK_ERRORS)
        return decoder.decode(data, final)

    def issues(self, mixed_count: int = 0) -> list[Issue]:
        """The issue that says how the file was decoded, if it was not plain UTF-8."""
        if self.mixed:
            return [Issue(ENCODING_MIXED.slug, detail=f"{mixed_count:,}")]
        if self.label == "utf-8":
            return []
        return [Issue(ENCODING_NOT_UTF8.slug, detail=_NAMES.get(self.label, self.label))]


@dataclass(frozen=True)
class EncodingGuess:
    """The encoding found, and how many bytes were not UTF-8 in a mixed file's sample."""

    encoding: TextEncoding
    stray_bytes: int = 0

    @property
    def issues(self) -> list[Issue]:
        """The issue saying how the file was decoded, if it was not plain UTF-8."""
        return self.encoding.issues(self.stray_bytes)


def detect_encoding(data: FileBytes) -> EncodingGuess:
    """Find the encoding of a text file from its bytes (see the module docstring)."""
    head = data.head(SAMPLE)
    marked = _from_byte_order_mark(head) or _utf16_without_mark(head)
    if marked and marked.startswith("utf-16"):
        return EncodingGuess(TextEncoding(marked))
    failure = _first_invalid_utf8(data)
    if failure is None:
        return EncodingGuess(TextEncoding(marked or "utf-8"))
    sample = head + data_slice(data, failure)
    valid, stray = _count_utf8(sample)
    if valid and valid >= stray:
        return EncodingGuess(TextEncoding(marked or "utf-8", mixed=True), stray)
    return EncodingGuess(TextEncoding(_best_single_byte(sample)))


def _from_byte_order_mark(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    return None


def _utf16_without_mark(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _first_invalid_utf8(data: FileBytes) -> int | None:
    """The offset of the first byte that is not UTF-8, or None when the whole file is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with data.open() as stream:
        for chunk in _chunks(stream):
            if not (chunk.isascii() and decoder.getstate()[0] == b""):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    return offset + error.start
            offset += len(chunk)
    try:
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        return offset
    return None


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def data_slice(data: FileBytes, offset: int, size: int = 64 * 1024) -> bytes:
    """Bytes around ``offset``, when that is beyond the start sample."""
    if offset < SAMPLE:
        return b""
    with data.open() as stream:
        stream.seek(offset)
        return stream.read(size)


def _count_utf8(sample: bytes) -> tuple[int, int]:
    """How many multi-byte UTF-8 characters, and how many stray bytes, a sample holds."""
    text = sample.decode("utf-8", "surrogateescape")
    stray = len(_STRAY.findall(text))
    return len(_NON_ASCII.findall(text)) - stray, stray


def _best_single_byte(sample: bytes) -> str:
    scores = {codec: _plausibility(sample.decode(codec, FALLBACK_ERRORS)) for codec in _SINGLE_BYTE}
    return max(_SINGLE_BYTE, key=lambda codec: scores[codec])


def _plausibility(text: str) -> int:
    return sum(_char_score(ch) for ch in _NON_ASCII.findall(text))


def _char_score(ch: str) -> int:
    if ch in _LIKELY:
        return 3 if unicodedata.category(ch) == "Sc" else 2
    category = unicodedata.category(ch)
    if category.startswith("L") and unicodedata.name(ch, "").startswith("LATIN"):
        return 1
    return -3 if category.startswith("C") else -1


class Utf8Stream(io.RawIOBase):
    """A readable binary stream of a text file re-encoded as UTF-8, a piece at a time."""

    def __init__(self, source: BinaryIO, encoding: TextEncoding) -> None:
        super().__init__()
        self._source = source
        self._decoder = codecs.getincrementaldecoder(encoding.codec)(errors=FALLBACK_ERRORS)
        self._buffer = b""
        self._offset = 0
        self._done = False

    def readable(self) -> bool:
        """This stream can be read."""
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``target`` with the next UTF-8 bytes; 0 at the end of the file."""
        while self._offset >= len(self._buffer) and not self._done:
            chunk = self._source.read(CHUNK)
            self._done = not chunk
            self._buffer = self._decoder.decode(chunk, self._done).encode("utf-8")
            self._offset = 0
        size = min(len(target), len(self._buffer) - self._offset)
        target[:size] = self._buffer[self._offset : self._offset + size]
        self._offset += size
        return size

    def close(self) -> None:
        """Close this stream and the file under it."""
        self._source.close()
        super().close()
