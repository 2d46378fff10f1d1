"""Write the awkward and bad input files in this folder (see README.md for what each tests).

Run from the repository root: ``python tests/data/bad/make_bad_files.py``. The files are
committed, so this only needs running to change them. Two files need extra packages that
the library itself does not use: ``workbook.xls`` needs ``xlwt`` and ``password.xlsx`` needs
``msoffcrypto-tool``; without them those two are left as they are.

Workbooks are written by hand (a few XML parts in a ZIP) so the bytes are small and exact.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
Cell = str | int | float | dt.date | None
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
EPOCH = dt.datetime(1899, 12, 30)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_cell(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    if isinstance(value, dt.datetime):
        serial = (value - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        serial = (dt.datetime.combine(value, dt.time()) - EPOCH).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def worksheet(rows: Sequence[Sequence[Cell]], first_row: int = 1, first_col: int = 0) -> str:
    body = []
    for r, row in enumerate(rows, start=first_row):
        cells = "".join(
            xlsx_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row, start=first_col)
        )
        body.append(f'<row r="{r}">{cells}</row>')
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(body)}</sheetData></worksheet>'


def xlsx(sheets: dict[str, str], *, macros: bool = False) -> bytes:
    """A workbook from worksheet XML by sheet name (in order)."""
    main_type = (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        if macros
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'
    )
    sheet_list = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>{sheet_list}</sheets></workbook>'
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    styles_id = len(sheets) + 1
    rels += f'<Relationship Id="rId{styles_id}" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
    styles = (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill/>'
        '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
        '</cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/>'
        '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/>'
        "</cellXfs></styleSheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", content_types)
        book.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr("xl/workbook.xml", workbook)
        book.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{rels}</Relationships>'
        )
        book.writestr("xl/styles.xml", styles)
        for i, xml in enumerate(sheets.values(), start=1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        if macros:
            book.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real macro project")
    return out.getvalue()


def ods(rows: Sequence[Sequence[Cell]]) -> bytes:
    """An OpenDocument spreadsheet with one sheet."""

    def cell(value: Cell) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, str):
            return (
                '<table:table-cell office:value-type="string">'
                f"<text:p>{escape(value)}</text:p></table:table-cell>"
            )
        if isinstance(value, dt.date):
            return (
                '<table:table-cell office:value-type="date" '
                f'office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="float" office:value="{value!r}">'
            f"<text:p>{value!r}</text:p></table:table-cell>"
        )

    body = "".join(
        f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows
    )
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Spend">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        book.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def mark_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag on every entry, as a password-protected ZIP has."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := raw.find(signature, start)) >= 0:
            flags = struct.unpack_from("<H", raw, found + offset)[0]
            struct.pack_into("<H", raw, found + offset, flags | 0x1)
            start = found + 4
    return bytes(raw)


SPEND_HEADER = ["Transaction Number", "Payment Date", "Supplier Name", "Amount"]
SPEND_ROWS: list[list[Cell]] = [
    ["6011404", dt.date(2025, 4, 1), "BANNER GROUP LTD", 1041.44],
    ["6011406", dt.datetime(2025, 4, 1, 9, 30), "BHW PRINT GROUP LTD", 1280.0],
    ["IQ101", dt.date(2025, 4, 17), "DR J WILLIAMS", 0.1 + 0.2],
]


def text_files() -> dict[str, bytes]:
    spill = (
        "Department Area,,Service Area,,Description,Amount\r\n"
        "RESO - Resources,,AAF - Finance,,External Audit,100.00\r\n"
        "RESO - Resources,,AAF - Finance,dit Fee,Audit,200.00\r\n"
    ) + "".join(f"ENVS,,CAE - Waste,,Bins {i},{i}.00\r\n" for i in range(60))
    return {
        "empty.csv": b"",
        "whitespace-only.csv": b"  \r\n\r\n \t \n",
        "header-only.csv": b"ref,name,amount\r\n",
        "binary-garbage.csv": random.Random(7).randbytes(2048),
        "pdf-named.csv": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n",
        "csv-named.xls": b"ref,name,amount\r\nA1,Leisure centre,12.50\r\n",
        "html-named.xls": b"<html><body><table><tr><td>ref</td></tr></table></body></html>\n",
        "unterminated-quote.csv": b'ref,name,amount\nA1,Pool,10\nA2,"Gym,20\nA3,Park,30\n',
        "ragged-rows.csv": (
            b"ref,name,amount\nA1,Pool,10\nA2,Gym\nA3,Park,30,extra,more\nA4,Hall,40\n"
        ),
        "stray-quotes.csv": b'ref,item,amount\nA1,12" ruler,1.50\nA2,"Paper, A4",3.00\n',
        "dos-code-page-850.csv": (
            b"Ref,Caf\x82 name,Net Amount(\x9c)\r\nA1,Caf\x82 Rouge,858.00\r\n"
        ),
        "mixed-encoding.csv": "ref,name,amount\nA1,Café – crèche,£10\n".encode()
        + b"A2,Tea cake,\xa35\n",
        "utf16.csv": "ref\tname\tamount\r\nA1\tCafé\t£10\r\n".encode("utf-16"),
        "semicolon.csv": b"ref;name;amount\nA1;Pool;10,50\nA2;Gym;20,00\n",
        "pipe.csv": b"ref|name|amount\nA1|Pool, indoor|10.50\nA2|Gym|20.00\n",
        "tab.tsv": b"ref\tname\tamount\nA1\tPool, indoor\t10.50\n",
        "title-rows.csv": (
            b"Spend over \xc2\xa3500,,\r\nMarch 2024,,\r\n,,\r\n"
            b"ref,name,amount\r\nA1,Pool,10\r\n\r\nA2,Gym,20\r\n,,\r\n,,\r\n"
        ),
        "header-last-line.csv": b"A1,Pool,10.00\nA2,Gym,20.00\n\nref,name,amount\n",
        "spacer-columns.csv": spill.encode(),
        "multi-row-header.csv": (
            b"Brownfield land register,,\n(a) Site,(b) site,(c) area\n"
            b"reference,address,hectares\nBP01,Land off Bridgeside,0.426\n"
        ),
        "duplicate-headers.csv": b"ref,amount,,Amount\nA1,10,x,11\nA2,20,y,21\n",
    }


def workbook_files() -> dict[str, bytes]:
    notes = worksheet([["About this workbook"], ["The data is on the next sheet."]])
    data = worksheet(
        [["Spend over £500, April 2025"], [], SPEND_HEADER, *SPEND_ROWS], first_row=2, first_col=1
    )
    return {
        "two-sheets.xlsx": xlsx({"Notes": notes, "Spend": data}),
        "macros.xlsm": xlsx({"Spend": worksheet([SPEND_HEADER, *SPEND_ROWS])}, macros=True),
        "workbook.ods": ods([SPEND_HEADER, *SPEND_ROWS]),
        "truncated.xlsx": xlsx({"Spend": worksheet([SPEND_HEADER, *SPEND_ROWS])})[:400],
        "word.docx": zip_of({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b""}),
        "no-data.xlsx": xlsx({"Empty": worksheet([])}),
    }


def json_files() -> dict[str, bytes]:
    records = [
        {"ref": "A1", "amount": 10.5, "paid": True, "tags": ["x"]},
        {"ref": "A2", "note": None},
    ]
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"reference": "BP01", "hectares": 0.426},
                "geometry": {"type": "Point", "coordinates": [-3.04941, 53.776994]},
            },
            {"type": "Feature", "properties": {"reference": "BP02"}, "geometry": None},
        ],
    }
    return {
        "records.json": json.dumps(records).encode(),
        "wrapped.json": json.dumps({"meta": {"count": 2}, "data": records}).encode(),
        "features.geojson": json.dumps(features).encode(),
        "invalid.json": b'[{"ref": "A1",}]',
        "not-records.json": b"[1, 2, 3]",
    }


def zip_files() -> dict[str, bytes]:
    spend = b"Supplier Name,Amount,Payment Date\nACME,10.00,2025-04-01\n"
    other = b"note\nnothing here\n"
    return {
        "one-csv.zip": zip_of({"spend.csv": spend, "__MACOSX/._spend.csv": b"junk"}),
        "two-csvs.zip": zip_of({"readme.csv": other, "data/spend.csv": spend}),
        "nested.zip": zip_of({"inner.zip": zip_of({"spend.csv": spend})}),
        "encrypted.zip": mark_encrypted(zip_of({"spend.csv": spend})),
    }


def optional_files() -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    try:
        import xlwt  # type: ignore[import-not-found]
    except ImportError:
        return found
    book = xlwt.Workbook()
    sheet = book.add_sheet("Spend")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c, heading in enumerate(SPEND_HEADER):
        sheet.write(0, c, heading)
    for r, row in enumerate(SPEND_ROWS, start=1):
        for c, value in enumerate(row):
            style = date_style if isinstance(value, dt.date) else xlwt.Style.default_style
            sheet.write(r, c, value, style)
    out = io.BytesIO()
    book.save(out)
    found["workbook.xls"] = out.getvalue()
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-not-found]
    except ImportError:
        return found
    plain = io.BytesIO(xlsx({"Spend": worksheet([SPEND_HEADER, *SPEND_ROWS])}))
    locked = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", locked)
    found["password.xlsx"] = locked.getvalue()
    return found


def main() -> None:
    for group in (text_files, workbook_files, json_files, zip_files, optional_files):
        for name, data in group().items():
            (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
