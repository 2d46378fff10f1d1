"""ZIP files: which files inside hold data, and taking them out safely.

A ZIP can expand to far more than its own size (a "ZIP bomb"), and the sizes it declares can
lie. So nothing trusts them: every byte taken out is counted as it is decompressed, and
reading stops with ``FileTooLarge`` once the total passes ``max_uncompressed_bytes``.
ZIP files inside a ZIP are not opened, and a ZIP protected with a password is refused.
"""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from localdata.errors import FileTooLarge, UnreadableFile, UnsupportedFormat
from localdata.ingest.files import FileBytes, describe_size
from localdata.ingest.formats import password_protected
from localdata.ingest.issues import Issue, IssueType, Severity

ZIP_MEMBER_CHOSEN = IssueType(
    "zip-file-chosen",
    "One file read from the ZIP file",
    Severity.INFO,
    "The ZIP file holds {detail} data files. We read '{value}', whose columns best match the "
    "standard. Check it is the right one, or upload that file on its own.",
    fixed_by="library",
    scope="file",
)
NESTED_ZIP_SKIPPED = IssueType(
    "zip-inside-zip-skipped",
    "ZIP file inside the ZIP file not opened",
    Severity.INFO,
    "The ZIP file holds another ZIP file, '{value}'. We do not open ZIP files inside ZIP "
    "files. If the data is in it, upload that file on its own.",
    fixed_by="library",
    scope="file",
)

DATA_SUFFIXES = frozenset(
    {"csv", "tsv", "txt", "tab", "psv", "json", "geojson", "xlsx", "xlsm", "xlsb", "xls", "ods"}
)
PIECE = 1024 * 1024


class ExpansionBudget:
    """How many more bytes may be taken out of a ZIP file before it counts as a bomb."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, size: int) -> None:
        """Count ``size`` more bytes out, refusing once the limit is passed."""
        self.left -= size
        if self.left < 0:
            raise FileTooLarge(
                f"The ZIP file expands to more than {describe_size(self.limit)}, the most we "
                "accept. Upload the data file on its own, or split it into smaller files."
            )


def open_zip(stream: BinaryIO) -> zipfile.ZipFile:
    """Open a ZIP file, with a plain error when it is damaged."""
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise UnreadableFile(
            "The ZIP file is damaged. Save or download it again and try again."
        ) from error


def check_expansion(data: FileBytes, limit: int) -> None:
    """Decompress every file in a ZIP-based file, counting bytes, and stop at a bomb."""
    budget = ExpansionBudget(limit)
    with data.open() as stream, open_zip(stream) as archive:
        for info in archive.infolist():
            _copy(archive, info, budget, None)


def data_members(archive: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], list[Issue]]:
    """The files in a ZIP that may hold data, and issues for ZIP files inside it."""
    files = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
    nested = [i for i in files if _suffix(i.filename) == "zip"]
    named = [i for i in files if _suffix(i.filename) in DATA_SUFFIXES]
    candidates = named or [i for i in files if i not in nested]
    issues = [Issue(NESTED_ZIP_SKIPPED.slug, value=i.filename) for i in nested]
    if not candidates:
        raise UnsupportedFormat(
            "The ZIP file holds no spreadsheet or CSV file. Upload the data file on its own, "
            "saved as CSV (comma separated) or Excel (.xlsx)."
        )
    return candidates, issues


def extract(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path, budget: ExpansionBudget
) -> Path:
    """Copy one file out of the ZIP into ``folder``, counting every byte against the budget."""
    target = folder / f"{len(list(folder.iterdir()))}-{PurePosixPath(info.filename).name}"
    with target.open("wb") as out:
        _copy(archive, info, budget, out)
    return target


def _copy(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: ExpansionBudget, out: BinaryIO | None
) -> None:
    if info.flag_bits & 0x1:
        raise password_protected()
    try:
        with archive.open(info) as member:
            while piece := member.read(PIECE):
                budget.spend(len(piece))
                if out is not None:
                    out.write(piece)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as error:
        raise UnreadableFile(
            f"'{info.filename}' in the ZIP file cannot be read. Save the ZIP file again, or "
            "upload the data file on its own."
        ) from error


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def remove_folder(folder: Path) -> None:
    """Delete a folder of extracted files."""
    shutil.rmtree(folder, ignore_errors=True)
