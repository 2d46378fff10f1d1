"""Which format a file is in, decided by its content, not its name.

- ZIP (``PK``): a workbook when it holds one (``xl/workbook.xml``: XLSX, or XLSM with
  ``xl/vbaProject.bin``; ``xl/workbook.bin``: XLSB; an OpenDocument ``mimetype``: ODS),
  otherwise a ZIP of data files;
- OLE2 (``D0 CF 11 E0``): an Excel 97-2003 ``.xls`` workbook, or a password-protected
  Office file, which we cannot read;
- text starting with ``{`` or ``[``: JSON or GeoJSON;
- PDFs, images, web pages and other known binary formats: refused with a plain message;
- anything else: delimited text (CSV, TSV, ...), which ``delimited.py`` checks is text.

When the content says something other than the name (a ``.xls`` that is really CSV), the file
is read as what it is, with an info issue.
"""

from __future__ import annotations

import zipfile

from localdata.errors import EmptyFile, UnreadableFile, UnsupportedFormat
from localdata.ingest.files import FileBytes
from localdata.ingest.issues import Issue, IssueType, Severity

FORMAT_NOT_AS_NAMED = IssueType(
    "format-differs-from-name",
    "File type differs from its name",
    Severity.INFO,
    "The file's name ends in '{value}', but it holds {detail}. We read it as {detail}. "
    "Give the file the extension that matches what it holds.",
    fixed_by="library",
    scope="file",
)

WORKBOOKS = frozenset({"xlsx", "xlsm", "xlsb", "xls", "ods"})
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
NOT_A_TABLE = "Save it as CSV (comma separated) or Excel (.xlsx) and try again."
_BINARY = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3", "a database file"),
    (b"{\\rtf", "a Rich Text document"),
)
_MARKUP = (
    (b"<!doctype html", "a web page (HTML)"),
    (b"<html", "a web page (HTML)"),
    (b"<table", "a web page (HTML)"),
    (b"<?xml", "an XML file"),
)
_OFFICE = {
    "word/": "a Word document",
    "ppt/": "a PowerPoint presentation",
}
_WHAT = {
    "text": "CSV text",
    "json": "JSON",
    "zip": "a ZIP file",
    "xlsx": "an Excel workbook",
    "xlsm": "an Excel workbook",
    "xlsb": "an Excel workbook",
    "xls": "an Excel 97-2003 workbook",
    "ods": "an OpenDocument spreadsheet",
}
_FAMILY = {
    "csv": "text",
    "tsv": "text",
    "txt": "text",
    "tab": "text",
    "psv": "text",
    "json": "json",
    "geojson": "json",
    "zip": "zip",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "xlsb": "xlsx",
    "xls": "xls",
    "ods": "ods",
}


def not_a_table(what: str | None = None) -> UnsupportedFormat:
    """The error for a file that is not a table we can read."""
    start = (
        f"The file is {what}, not a spreadsheet or CSV file."
        if what
        else ("The file is not a spreadsheet or CSV file.")
    )
    return UnsupportedFormat(f"{start} {NOT_A_TABLE}")


def detect_format(data: FileBytes) -> str:
    """The file's format: "text", "json", "zip" or a workbook format ("xlsx", "xls", ...)."""
    head = data.head(8192)
    if not head:
        raise EmptyFile("The file is empty. Check you chose the right file, then try again.")
    if head.startswith(ZIP_MAGIC):
        return _zip_format(data)
    if head.startswith(OLE2_MAGIC):
        return _ole2_format(data.head(1024 * 1024))
    for magic, what in _BINARY:
        if head.startswith(magic):
            raise not_a_table(what)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for magic, what in _MARKUP:
        if text.startswith(magic):
            raise not_a_table(what)
    return "json" if text[:1] in (b"{", b"[") else "text"


def format_issues(data: FileBytes, found: str) -> list[Issue]:
    """An info issue when the file's extension says something other than what it holds."""
    named = _FAMILY.get(data.suffix)
    family = "xlsx" if found in {"xlsx", "xlsm", "xlsb"} else found
    family = "text" if family in {"csv", "tsv"} else family
    family = "json" if family == "geojson" else family
    if named is None or named == family:
        return []
    return [
        Issue(FORMAT_NOT_AS_NAMED.slug, value=f".{data.suffix}", detail=_WHAT.get(family, family))
    ]


def _zip_format(data: FileBytes) -> str:
    try:
        with data.open() as stream, zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise UnreadableFile(
            "The file looks like a ZIP file or workbook, but it is damaged. Save or download "
            "it again and try again."
        ) from error
    return _zip_contents_format(names, mimetype)


def _zip_contents_format(names: set[str], mimetype: bytes) -> str:
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    for prefix, what in _OFFICE.items():
        if any(n.startswith(prefix) for n in names):
            raise not_a_table(what)
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise not_a_table("an OpenDocument file that is not a spreadsheet")
    return "zip"


def _ole2_format(head: bytes) -> str:
    if ENCRYPTED_MARK in head:
        raise password_protected()
    return "xls"


def password_protected() -> UnreadableFile:
    """The error for a workbook or ZIP file protected with a password."""
    return UnreadableFile(
        "The file is protected with a password, so we cannot read it. Save a copy without "
        "the password and try again."
    )


def is_workbook(found: str) -> bool:
    """True for the formats read as workbooks."""
    return found in WORKBOOKS
