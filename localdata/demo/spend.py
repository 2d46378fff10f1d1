"""Demo spend files: a council's payments over £500, in the layouts councils really publish.

Each file holds one month's payments, as councils publish them, and spend is a periodic
standard, so each file replaces only its own month. A council may publish a month again later,
corrected: a few payments revised (a new amount) or withdrawn (a cancelled payment), which makes
that version's differences real. One council publishes a quarter at a time instead
(``spend_file(..., months=3)``).

Suppliers are invented names, apart from public bodies every council pays; payments to
private individuals are written REDACTED PERSONAL DATA, as the Transparency Code asks.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from localdata.demo.files import CsvStyle, csv_bytes, format_date, format_money, seeded
from localdata.demo.places import Council
from localdata.demo.purchases import PURCHASES, Purchase

CORRECTED_WITHIN = 3  # months after a payment within which it may be revised or withdrawn
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


_ROWS_PER_MONTH = {
    "county-council": (150, 190),
    "metropolitan-district": (120, 190),
    "london-borough": (100, 180),
    "unitary-authority": (90, 180),
    "non-metropolitan-district": (60, 95),
}

Cell = Callable[["Payment", "SpendStyle"], str]


@dataclass(frozen=True)
class Payment:
    """One line of one payment, and whether later files revise or withdraw it."""

    month: int  # months since the year 0, so that a month's payments never depend on today
    reference: str
    line: int
    day: date
    purchase: Purchase
    supplier_id: str
    pence: int
    revised_pence: int | None = None
    revised_after: int | None = None  # months after its own that the revised amount appears
    cancelled_after: int | None = None  # months after its own that it is left out

    def as_of(self, file_month: int) -> Payment | None:
        """The payment as a file made in ``file_month`` shows it, or None when it is left out."""
        age = file_month - self.month
        cancelled = self.cancelled_after is not None and age >= self.cancelled_after
        if age < 0 or cancelled:
            return None
        revised = self.revised_after is not None and age >= self.revised_after
        if revised and self.revised_pence is not None:
            return replace(self, pence=self.revised_pence)
        return self


@dataclass(frozen=True)
class SpendStyle:
    """One council's layout and spellings, fixed for all its spend files."""

    council: Council
    layout: str
    date_style: str
    money_style: str
    csv: CsvStyle
    prefix: str


@dataclass(frozen=True)
class Layout:
    """A header layout seen in real spend files, and how its files are named."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (header, cell name)
    date_styles: tuple[str, ...]
    money_styles: tuple[str, ...]
    filename: str  # formatted with slug, year, month (01-12), month_name, yy


LAYOUTS = (
    Layout(
        "lga-2015",
        (("OrganisationURI", "org-uri"), ("OrganisationLabel", "org-name"),
         ("ServiceCategoryLabel", "service"), ("ExpenditureCategory", "category"),
         ("PaymentDate", "date"), ("TransactionNumber", "reference"), ("Amount", "amount"),
         ("IrrecoverableVATAmount", "vat"), ("BeneficiaryName", "supplier"),
         ("BeneficiaryRegistrationNumber", "supplier-id"), ("OrganisationalUnit", "department"),
         ("Purpose", "purpose"), ("ProcurementClassification", "proclass")),
        ("iso",), ("plain",), "{slug}-spend-{year}-{month}.csv",
    ),
    Layout(
        "dclg-2011",
        (("Body", "org-uri"), ("Body name", "org-name"), ("Service label", "service"),
         ("Service divison label", "division"), ("Expenditure category", "category"),
         ("Detailed expenditure type", "expense-type"),
         ("Detailed expenditure code", "code"), ("Date paid", "date"),
         ("Transaction number", "reference"), ("Net amount", "amount"),
         ("Supplier name", "supplier")),
        ("dmy", "d mon yyyy"), ("plain", "thousands"), "Spending over 500 {month_name} {year}.csv",
    ),
    Layout(
        "hyndburn",
        (("Service Cost Centre", "service-upper"), ("Account Detail", "expense-type-upper"),
         ("Date", "date"), ("Reference number", "reference"), ("Line", "line"),
         ("Name", "supplier"), ("Net Amount(£)", "amount"), ("Description", "purpose"),
         ("RecId", "record")),
        ("d-mon-yy", "dmy"), ("thousands", "plain"), "payments-over-500-{month_name}-{yy}.csv",
    ),
    Layout(
        "directorate",
        (("Directorate", "department"), ("Service", "service"), ("Expense type", "expense-type"),
         ("Account code", "code"), ("Supplier", "supplier"), ("Supplier reference", "supplier-id"),
         ("Payment date", "date"), ("Transaction ID", "reference"), ("Amount paid", "amount"),
         ("Capital/Revenue", "cap-rev"), ("Purpose of spend", "purpose")),
        ("dmy-midnight", "dmy"), ("pound", "thousands"), "transparency-{year}{month}.csv",
    ),
)  # fmt: skip

CELLS: dict[str, Cell] = {
    "org-uri": lambda p, s: _organisation_uri(s.council),
    "org-name": lambda p, s: s.council.name,
    "service": lambda p, s: p.purchase.service,
    "service-upper": lambda p, s: p.purchase.service.upper(),
    "division": lambda p, s: p.purchase.division,
    "department": lambda p, s: p.purchase.department,
    "category": lambda p, s: p.purchase.category,
    "expense-type": lambda p, s: p.purchase.expense_type,
    "expense-type-upper": lambda p, s: p.purchase.expense_type.upper(),
    "code": lambda p, s: p.purchase.code,
    "date": lambda p, s: format_date(p.day, s.date_style),
    "reference": lambda p, s: p.reference,
    "line": lambda p, s: str(p.line),
    "supplier": lambda p, s: p.purchase.supplier,
    "supplier-id": lambda p, s: p.supplier_id,
    "amount": lambda p, s: format_money(p.pence, s.money_style),
    "vat": lambda p, s: "0.00",
    "purpose": lambda p, s: p.purchase.purpose,
    "proclass": lambda p, s: p.purchase.proclass,
    "cap-rev": lambda p, s: "C" if p.purchase.category == "Capital" else "R",
    "record": lambda p, s: str(hash_reference(p.reference, p.line) % 900_000 + 100_000),
}


def hash_reference(reference: str, line: int) -> int:
    """A stable number for a payment line, for a layout's internal record id."""
    return sum((i + 1) * ord(c) for i, c in enumerate(f"{reference}/{line}")) * 7919


def spend_style(council: Council, seed: int) -> SpendStyle:
    """The layout and spellings a council's finance system uses, chosen from the seed."""
    rng = seeded(seed, "spend-style", council.id)
    layout = _layout(council, rng)
    encoding = "cp1252" if layout.name == "hyndburn" else rng.choice(("utf-8", "utf-8-sig"))
    title = None
    if layout.name == "hyndburn":
        title = f"{council.name.upper()} - PAYMENTS OVER £500"
    return SpendStyle(
        council=council,
        layout=layout.name,
        date_style=rng.choice(layout.date_styles),
        money_style=rng.choice(layout.money_styles),
        csv=CsvStyle(encoding, rng.choice(("\r\n", "\n")), title),
        prefix=rng.choice(("", "INV", "PAY", "AP", "CR")),
    )


def _layout(council: Council, rng: random.Random) -> Layout:
    if council.id.endswith(":HYN"):
        return LAYOUTS[2]
    return rng.choices(LAYOUTS, weights=(4, 3, 2, 3))[0]


def payments(style: SpendStyle, seed: int, month: int) -> list[Payment]:
    """The payments a council made in one month (months counted from the year 0)."""
    council = style.council
    rng = seeded(seed, "spend", council.id, month)
    low, high = _ROWS_PER_MONTH.get(council.organisation.type, (80, 150))
    purchases = [p for p in PURCHASES if _fits(p, council.organisation.type)]
    days = _payment_days(month, rng)
    split = style.layout == "hyndburn"  # the only layout that numbers invoice lines
    count = rng.randint(low, high) * (2 if split else 3) // 3  # split invoices average 1.5 lines
    invoices = sorted(
        (
            (rng.choice(days), rng.choice(purchases), rng.choice((1, 1, 1, 1, 2, 3)))
            for _ in range(count)
        ),
        key=lambda invoice: invoice[0],
    )
    number = 100_000 + (month % 1000) * 600 + seeded(seed, "refs", council.id).randint(0, 99)
    found: list[Payment] = []
    for day, purchase, lines in invoices:
        number += 1
        for line in range(1, (lines if split else 1) + 1):
            reference = f"{style.prefix}{number}"
            found.append(_payment(rng, month, reference, line, day, purchase))
    return found


def _payment(
    rng: random.Random, month: int, reference: str, line: int, day: date, purchase: Purchase
) -> Payment:
    pounds = rng.lognormvariate(0, 0.7) * purchase.median
    if pounds < 500:  # only payments over £500 are published
        pounds = 500 + rng.random() * purchase.median / 2
    pence = round(pounds * 100)
    if rng.random() < 0.01:
        pence = -pence  # a credit note
    supplier_id = "" if purchase.supplier.startswith("REDACTED") else _supplier_id(purchase)
    fate = rng.random()
    if fate < 0.04:
        revised = round(pence * rng.uniform(0.85, 1.1))
        return Payment(
            month,
            reference,
            line,
            day,
            purchase,
            supplier_id,
            pence,
            revised,
            rng.randint(1, CORRECTED_WITHIN - 1),
        )
    if fate < 0.06:
        return Payment(
            month,
            reference,
            line,
            day,
            purchase,
            supplier_id,
            pence,
            cancelled_after=rng.randint(1, CORRECTED_WITHIN - 1),
        )
    return Payment(month, reference, line, day, purchase, supplier_id, pence)


def spend_file(
    style: SpendStyle,
    seed: int,
    month: int,
    *,
    months: int = 1,
    made: int | None = None,
    broken: bool = False,
) -> bytes:
    """The council's file of payments for ``months`` months ending with ``month``.

    ``made`` is the month the file was made in (``month`` by default): a file made later shows
    the payments corrected since. ``broken`` gives the file mistakes that must be fixed: payment
    dates of TBC and rows with no supplier name, as finance exports sometimes have.
    """
    shown = [
        p.as_of(month if made is None else made)
        for m in range(month - months + 1, month + 1)
        for p in payments(style, seed, m)
    ]
    rows = [p for p in shown if p is not None]
    layout = _layout_named(style.layout)
    table = [[CELLS[cell](p, style) for _, cell in layout.columns] for p in rows]
    if broken:
        _break(table, layout, seeded(seed, "broken-spend", style.council.id, month))
    return csv_bytes(_headers(layout, style.council), table, style.csv)


def _headers(layout: Layout, council: Council) -> list[str]:
    """The layout's headers; Hyndburn itself calls its reference "HBC ref no"."""
    headers = [header for header, _ in layout.columns]
    if council.id.endswith(":HYN"):
        return ["HBC ref no" if h == "Reference number" else h for h in headers]
    return headers


def spend_filename(style: SpendStyle, month: int, *, months: int = 1) -> str:
    """The name the council gives its file for ``month`` (or the quarter ending with it)."""
    year, index = divmod(month, 12)
    if months == 3:
        return f"{style.council.organisation.reference.lower()}-spend-{year}-q{index // 3 + 1}.csv"
    return _layout_named(style.layout).filename.format(
        slug=style.council.organisation.reference.lower(),
        year=year,
        month=f"{index + 1:02d}",
        month_name=MONTH_NAMES[index],
        yy=f"{year % 100:02d}",
    )


def _break(table: list[list[str]], layout: Layout, rng: random.Random) -> None:
    cells = [cell for _, cell in layout.columns]
    date_at, supplier_at = cells.index("date"), cells.index("supplier")
    for row in rng.sample(table, min(len(table), rng.randint(3, 8))):
        row[date_at] = "TBC"
    for row in rng.sample(table, min(len(table), rng.randint(2, 5))):
        row[supplier_at] = ""


def _layout_named(name: str) -> Layout:
    return next(layout for layout in LAYOUTS if layout.name == name)


def _fits(purchase: Purchase, council_type: str) -> bool:
    if purchase.tier == "upper":
        return council_type != "non-metropolitan-district"
    if purchase.tier == "lower":
        return council_type != "county-council"
    return True


def _payment_days(month: int, rng: random.Random) -> Sequence[date]:
    """The council's payment runs in a month: two weekdays a week."""
    year, index = divmod(month, 12)
    first = date(year, index + 1, 1)
    runs = set(rng.sample(range(5), 2))
    days = [first + timedelta(days=d) for d in range(31)]
    return [d for d in days if d.month == first.month and d.weekday() in runs]


def _supplier_id(purchase: Purchase) -> str:
    return f"S{hash_reference(purchase.supplier, 0) % 90_000 + 10_000}"


def _organisation_uri(council: Council) -> str:
    uris = council.organisation.codes("opendatacommunities")
    return uris[0] if uris else council.organisation.gss_code or council.organisation.id
