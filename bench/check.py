"""Benchmark the file check against Frictionless and a bare Polars read.

Run it from the repository root::

    python bench/check.py                       # 1,000,000 rows
    python bench/check.py --rows 10000000 --skip-frictionless
    python bench/check.py --json                # the figures as JSON

What it does, in one run:

1. Generates a spend file (Local Government Transparency Code, expenditure over £500) of
   ``--rows`` rows into ``--workdir`` (``bench/out/`` by default), or reuses the file already
   there for the same size and seed. The layout follows real council exports: ``Body Name,
   Service Area, Expense Type, Payment Date, Transaction Number, Net Amount, Supplier Name,
   Supplier ID, Purpose, Capital or Revenue``, CRLF line endings, four date styles mixed in one
   file (``05-Apr-23``, ``25/06/2023``, ``25 Jun 2023``, ``2023-06-25``), amounts written four
   ways (``858.00``, ``"1,234.50"``, ``"£1,234.50"``, credits as ``"(1,234.00)"`` or ``-858.00``),
   a few thousand company-like supplier names with a long tail, and about 0.5% bad rows (dates
   such as ``31/02/2023`` or ``TBC``, amounts such as ``n/a``, missing supplier names). It is
   built in chunks with NumPy and Polars, so memory stays bounded at 10 million rows, and it is
   seeded, so the same ``--rows`` and ``--seed`` always give the same bytes.

2. Runs each contender in its own child process and measures wall time and the child's peak
   resident memory (``ru_maxrss`` from ``os.wait4`` for that one child, so no extra dependency):

   a. ``python -m localdata check FILE --standard spend --format json`` (plus ``--output`` and
      ``--organisation`` when given): the real command, end to end, interpreter start included.
   b. Frictionless v5 ``validate`` on the first ``--frictionless-rows`` rows of the same file
      (``limit_rows``), twice: with the spend standard's own Table Schema export (the
      equivalent schema: ``standard_schema()``, the target is judged against it) and with a
      lenient schema a publisher might write by hand (below), shown for comparison. Its time is
      the ``validate`` call alone (imports and interpreter start excluded, which flatters
      Frictionless), and its rows per second are extrapolated linearly to the whole file.
   c. ``polars.read_csv(FILE, infer_schema=False)``: every column read as a string, the floor
      any check that reads the whole file has to stand on. Timed like (a), end to end.

   With ``--repeat N`` each contender runs N times and the fastest run is kept (with the highest
   peak memory of the N), which steadies the figures on a busy machine.

3. Prints a table and three ratios against the targets, with PASS or MISS:

   - localdata rows per second / Frictionless rows per second: at least 20;
   - localdata seconds / bare Polars read seconds: at most 4;
   - localdata peak memory: under 1.5 GiB up to 1 million rows, under 2 GiB above that.

   The exit code is 0 whatever the figures are (a benchmark reports, it does not fail CI), and
   1 only when a contender crashed: a signal, an exit code other than 0 or 1 from the check
   (1 means "the file has something to fix", which this file does), or a traceback.

The lenient Frictionless schema. A publisher describing this layout in a Table Schema cannot type
``Payment Date`` as ``date``: a Frictionless date field takes one format, and these files mix
four, so most rows would fail. So the schema keeps the messy date column as a ``string`` with a
``pattern`` that accepts the four styles (the nearest Frictionless gets to checking a date), and
types what the standard demands and Frictionless can express: ``Net Amount`` is a ``number``
with ``groupChar: ","`` and ``bareNumber: false`` (so ``£`` and thousands separators parse),
required fields are ``required``, and ``Capital or Revenue`` is an ``enum``. ``limit_errors`` is
lifted so Frictionless reads every row it is given instead of stopping at 1,000 errors.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
CHUNK_ROWS = 500_000
MIB = 1024 * 1024

# --- the generated file ---------------------------------------------------------------------


def listed(text: str) -> tuple[str, ...]:
    """The items of a semicolon-separated list written across lines."""
    return tuple(" ".join(item.split()) for item in text.split(";"))


BODY_NAME = "Leeds City Council"
FIRST_DAY = date(2023, 4, 1)
DAYS_IN_YEAR = 366

SERVICE_AREAS = listed("""
Adult Social Care; Children's Services; Education; Highways & Transportation; Waste Management;
Parks & Countryside; Housing Benefit Administration; Housing Advice; Strategic Housing;
Environmental Health; Planning; Building Control; Licensing; Legal & Democratic Services;
Elections; Human Resources; Finance; Revenues & Benefits; ICT Services; Facilities Management;
Libraries; Museums & Galleries; Leisure Centres; Cemeteries & Crematoria; Street Cleansing; Car
Parking; Economic Development; Regeneration; Community Safety; Public Health; Trading
Standards; Emergency Planning; Customer Services; Procurement; Internal Audit; Registration
Services; Youth Services; Fleet Management; Property Services; Corporate Management
""")
EXPENSE_TYPES = listed("""
Agency Staff; Private Contractors; Contractor Other; Computer Rental & Maint; Software
Licences; Hardware Purchase; Stationery; Printing; Postage; Telephones; Mobile Phones;
Electricity; Gas; Water Charges; Business Rates; Rents; Repairs & Maintenance; Cleaning;
Security; Vehicle Hire; Vehicle Fuel; Vehicle Repairs; Vehicle Tax; Materials-Direct; Equipment
Purchase; Furniture; Catering Provisions; Food & Drink; Training Expenses; Conference Fees;
General Subscriptions; Publications & Periodicals; Consultancy Fees; Legal Fees; Audit Fees;
Bank Charges; Insurance; Grants to Voluntary Organisations; Third Party Payments; Residential
Care; Nursing Care; Home Care; Supported Living; Foster Care Payments; School Transport; Taxi
Services; Tipping Charges; Hired Vehicle; Work Done DLO-Highways; Street Lighting Energy;
Grounds Maintenance; Advertising; Marketing & Promotion; Translation Services; Medical Fees;
Professional Services; Protective Clothing; Recruitment Advertising; Temporary Accommodation;
Disabled Facilities Grants
""")
PURPOSES = listed("""
Agency staff w/e; Temp staff; Monthly charge; Quarterly charge; Annual licence; Licence
renewal; Support and maintenance; Repairs, maintenance and servicing; Supply and fit; Emergency
works; Planned maintenance; Roof repairs; Boiler service; Window cleaning; Gully cleansing;
Pothole repairs; Resurfacing works; Street name plates; Grass cutting; Tree works; Vehicle
parts; Tyres; Fuel card; Hire of vehicle; Skip hire; Print and post; Election printing/envelope
fees; Stationery order; Toner; Laptops; Mobile devices; Network upgrade; Consultancy support;
Legal advice; Counsel's fees; Court fees; Training course; Enrolment fee; Conference booking;
Subscription; Membership fees; Care package; Residential placement; Nursing placement; Home
care hours; Respite care; Foster care allowance; School transport contract; Taxi journeys; Bed
and breakfast accommodation; Temporary accommodation; Grant payment; Household Support Fund;
Affordable warmth grant; Disabled facilities grant; Catering for event; Venue hire; Advertising
campaign; Recruitment advert; Interpreting services; Medical report; PPE; Uniforms; Cleaning
materials; Security patrols; Alarm monitoring; Electricity supply; Gas supply; Water charges;
Business rates; Rent; Service charge; Insurance premium; Bank charges; Audit fee; Software,
hardware and support
""")
SURNAMES = listed("""
Smith; Jones; Taylor; Brown; Williams; Wilson; Johnson; Davies; Robinson; Wright; Thompson;
Evans; Walker; White; Roberts; Green; Hall; Wood; Jackson; Clarke; Patel; Khan; Lewis; James;
Phillips; Mason; Mitchell; Rose; Davis; Rodgers; Ward; Turner; Harris; Martin; Cooper; Hill;
Morris; Moore; Clark; Lee; King; Baker; Harrison; Morgan; Allen; Young; Scott; Watson; Hughes;
Edwards; Hussain; Marshall; Collins; Bell; Bennett; Bailey; Cook; Murphy; Kelly; Ahmed;
Stanley; Glossop; Eden; Booker; Haymarket; Marchbridge; Sterling; Oyster; Rhea; Civica; Capita;
Northgate; Thomson; Xerox; Vivid
""")
PLACES = listed("""
Pennine; Lancashire; Yorkshire; Northern; Leeds; Bradford; Burnley; Accrington; Preston;
Wakefield; Harrogate; Calder; Aire; Ribble; Wharfedale; Airedale; Moorside; Kirkstall;
Roundhay; Headingley; Pudsey; Morley; Otley; Wetherby; Garforth; Rothwell; Horsforth; Oakhill;
Willows; Haworth; Northumbria; Mercia; Wessex; Anglia; Cumbria; Humber; Tees; Mersey; Trent;
Severn
""")
WORDS = listed("""
Apex; Premier; Summit; Phoenix; Crown; Liberty; Sovereign; Vertex; Pinnacle; Horizon; Keystone;
Beacon; Evergreen; Cornerstone; Vanguard; Optimum; Synergy; Clearview; Brightwater; Redwood;
Bluebell; Kestrel; Falcon; Heron; Oak; Ash; Willow; Elm; Cedar; Granite
""")
TRADES = listed("""
Building Services; Building & Joinery; Construction; Civil Engineering; Highways; Surfacing;
Roofing; Plumbing & Heating; Electrical; Glazing; Scaffolding; Landscapes; Tree Surgeons;
Grounds Maintenance; Cleaning Services; Facilities Management; Security; Waste Management;
Recycling; Skip Hire; Tippers; Transport; Coaches; Taxis; Travel; Vehicle Hire; Motors;
Commercials; Fuels; Recruitment; Recruitment Solutions; Resourcing; Staffing; Care Services;
Home Care; Care Homes; Healthcare; Nursing Homes; Supported Living; Foster Care; Education
Services; Training; Consulting; Consultancy; Associates; Solicitors; Legal Services;
Accountants; IT Solutions; Software; Systems; Digital; Communications; Print Solutions;
Printing; Office Supplies; Furniture; Catering; Foods; Hospitality
""")
SUFFIXES = ("Ltd", "Limited", "LTD", "PLC", "LLP", "& Sons Ltd", "Group Ltd", "(UK) Ltd", "CIC")
OTHER_SUPPLIERS = listed("""
HM Revenue & Customs; Lancashire County Council; West Yorkshire Combined Authority; Environment
Agency; Barclaycard; DVLA; Royal Mail Group Ltd; British Telecom PLC; REDACTED PERSONAL DATA
""")
BAD_DATES = ("31/02/2023", "30/02/2024", "TBC", "2023-13-01", "45/06/2023", "00/00/0000")
BAD_AMOUNTS = ("n/a", "TBC", "N/A", "-", "1.234.50")
CAPITAL_OR_REVENUE = ("R", "C", "Revenue", "Capital")
SUPPLIER_COUNT = 4_000
GENERATOR_VERSION = 2  # bump when the generator changes, so old files are not reused


def spend_path(workdir: Path, rows: int, seed: int) -> Path:
    """Where the generated file for this size and seed lives."""
    return workdir / f"spend-{rows}-seed{seed}-v{GENERATOR_VERSION}.csv"


def ensure_spend_file(workdir: Path, rows: int, seed: int) -> tuple[Path, float]:
    """The spend file for this size and seed, generated unless it already exists."""
    path = spend_path(workdir, rows, seed)
    if path.exists():
        return path, 0.0
    workdir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    started = time.perf_counter()
    suppliers = make_suppliers(np.random.default_rng([seed, 0]))
    with partial.open("wb") as out:
        for start in range(0, rows, CHUNK_ROWS):
            size = min(CHUNK_ROWS, rows - start)
            rng = np.random.default_rng([seed, 1, start])
            chunk = make_chunk(rng, suppliers, start, size)
            chunk.write_csv(out, include_header=start == 0, line_terminator="\r\n")
    partial.rename(path)
    return path, time.perf_counter() - started


def make_suppliers(rng: np.random.Generator) -> pl.DataFrame:
    """A few thousand company-like supplier names with stable IDs, most used first."""
    firsts = SURNAMES + PLACES + WORDS
    combos = len(firsts) * len(TRADES) * len(SUFFIXES)
    picks = rng.choice(combos, size=SUPPLIER_COUNT - len(OTHER_SUPPLIERS), replace=False)
    first, rest = np.divmod(picks, len(TRADES) * len(SUFFIXES))
    trade, suffix = np.divmod(rest, len(SUFFIXES))
    parts = [
        pl.Series(words).gather(at)
        for words, at in zip((firsts, TRADES, SUFFIXES), (first, trade, suffix), strict=True)
    ]
    names = parts[0] + " " + parts[1] + " " + parts[2]
    shout = pl.Series(rng.random(names.len()) < 0.3)  # old finance systems export capitals
    names = pl.select(pl.when(shout).then(names.str.to_uppercase()).otherwise(names)).to_series()
    names = pl.concat([pl.Series(OTHER_SUPPLIERS), names])
    ids = rng.choice(900_000, size=SUPPLIER_COUNT, replace=False) + 100_000
    return pl.DataFrame({"name": names, "id": ids.astype(str)}).with_columns(
        pl.when(pl.col("name") == "REDACTED PERSONAL DATA")
        .then(None)
        .otherwise("V" + pl.col("id"))
        .alias("id")
    )


def make_chunk(
    rng: np.random.Generator, suppliers: pl.DataFrame, start: int, size: int
) -> pl.DataFrame:
    """``size`` rows of spend, the first being row ``start`` of the file."""
    supplier = suppliers[pick_long_tail(rng, suppliers.height, size)]
    frame = pl.DataFrame(
        {
            "Body Name": pl.repeat(BODY_NAME, size, eager=True),
            "Service Area": pick(rng, SERVICE_AREAS, size),
            "Expense Type": pick(rng, EXPENSE_TYPES, size),
            "Payment Date": payment_dates(rng, size),
            "Transaction Number": transaction_numbers(rng, start, size),
            "Net Amount": amounts(rng, size),
            "Supplier Name": supplier["name"],
            "Supplier ID": supplier["id"],
            "Purpose": purposes(rng, size),
            "Capital or Revenue": pick(rng, CAPITAL_OR_REVENUE, size, [0.7, 0.1, 0.15, 0.05]),
        }
    )
    return spoil_rows(rng, frame)


def pick(
    rng: np.random.Generator, values: Sequence[str], size: int, p: list[float] | None = None
) -> pl.Series:
    """``size`` values drawn from ``values``, evenly or with probabilities ``p``."""
    return pl.Series(values, dtype=pl.String).gather(rng.choice(len(values), size=size, p=p))


def pick_long_tail(rng: np.random.Generator, count: int, size: int) -> np.ndarray:
    """Indexes into ``count`` items where a few items are picked far more often than most."""
    weights = 1.0 / (np.arange(count) + 20.0)
    return rng.choice(count, size=size, p=weights / weights.sum())


def payment_dates(rng: np.random.Generator, size: int) -> pl.Series:
    """Payment dates in one financial year, written in four styles mixed row by row."""
    days = pl.date_range(FIRST_DAY, FIRST_DAY + timedelta(days=DAYS_IN_YEAR - 1), eager=True)
    styles = ("%d/%m/%Y", "%d-%b-%y", "%-d %b %Y", "%Y-%m-%d")
    written = pl.concat([days.dt.strftime(style) for style in styles])
    style = rng.choice(len(styles), size=size, p=[0.4, 0.25, 0.2, 0.15])
    return written.gather(style * DAYS_IN_YEAR + rng.integers(DAYS_IN_YEAR, size=size))


def transaction_numbers(rng: np.random.Generator, start: int, size: int) -> pl.Series:
    """Invoice references; about one row in twenty is another line of the invoice before it."""
    new_invoice = rng.random(size) >= 0.05
    sequence = start + np.cumsum(new_invoice)
    return "CRINV" + pl.Series(sequence).cast(pl.String).str.zfill(9)


def amounts(rng: np.random.Generator, size: int) -> pl.Series:
    """Net amounts over £500, credits among them, written the four ways councils write them."""
    pence = (50_000 + np.exp(rng.normal(11.5, 1.6, size=size))).clip(max=500_000_000)
    credit = pl.Series(rng.random(size) < 0.015)
    pence = pl.Series(pence.astype(np.int64))
    pounds, fraction = pence // 100, (pence % 100).cast(pl.String).str.zfill(2)
    plain = pounds.cast(pl.String) + "." + fraction
    grouped = group_thousands(pounds) + "." + fraction
    style = pl.Series(rng.choice(4, size=size, p=[0.45, 0.1, 0.3, 0.15]))
    return pl.select(
        pl.when(style == 1)
        .then(pl.when(fraction == "00").then(pounds.cast(pl.String)).otherwise(plain))
        .when(style == 2)
        .then(pl.when(credit).then("(" + grouped + ")").otherwise(grouped))
        .when(style == 3)
        .then(pl.when(credit).then("-£" + grouped).otherwise("£" + grouped))
        .otherwise(pl.when(credit).then("-" + plain).otherwise(plain))
    ).to_series()


def group_thousands(pounds: pl.Series) -> pl.Series:
    """Whole pounds with commas between each group of three digits: 1,234,567."""
    millions, thousands, units = pounds // 1_000_000, pounds // 1000 % 1000, pounds % 1000

    def padded(part: pl.Series) -> pl.Series:
        return part.cast(pl.String).str.zfill(3)

    return pl.select(
        pl.when(millions > 0)
        .then(millions.cast(pl.String) + "," + padded(thousands) + "," + padded(units))
        .when(thousands > 0)
        .then(thousands.cast(pl.String) + "," + padded(units))
        .otherwise(units.cast(pl.String))
    ).to_series()


def purposes(rng: np.random.Generator, size: int) -> pl.Series:
    """Free-text descriptions; half carry the month they relate to."""
    months = [""] * 12 + [f" {month:02}/23" for month in range(1, 13)]
    written = [text + month for month in months for text in PURPOSES]
    return pick(rng, written, size)


def spoil_rows(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """The same frame with about 0.5% of rows given one mistake a publisher would make."""
    size = frame.height
    fault = np.where(rng.random(size) < 0.005, rng.choice(3, size=size, p=[0.4, 0.3, 0.3]), -1)
    bad_date, bad_amount = pick(rng, BAD_DATES, size), pick(rng, BAD_AMOUNTS, size)
    return frame.with_columns(
        pl.when(pl.Series(fault == 0))
        .then(bad_date)
        .otherwise("Payment Date")
        .alias("Payment Date"),
        pl.when(pl.Series(fault == 1)).then(bad_amount).otherwise("Net Amount").alias("Net Amount"),
        pl.when(pl.Series(fault == 2)).then(None).otherwise("Supplier Name").alias("Supplier Name"),
    )


# --- running the contenders -----------------------------------------------------------------


@dataclass
class Run:
    """What one contender did: how long it took, its peak memory and how it ended."""

    contender: str
    rows: int
    seconds: float
    peak_rss_mib: float
    exit_code: int
    crashed: bool
    timed: str
    wall_seconds: float
    details: dict[str, object] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        """Rows handled per second of the timed work."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


# The launcher is a bare interpreter that starts the contender and reports its resource use.
# Measuring through it, not from this process, matters on Linux: a child's peak RSS starts at
# the RSS of the process that forked it, and this one holds the generator's imports.
LAUNCHER = """
import json, os, sys, time
out, err, *command = sys.argv[1:]
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
files = [(os.POSIX_SPAWN_OPEN, 1, out, flags, 0o644), (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o644)]
started = time.perf_counter()
pid = os.posix_spawn(command[0], command, os.environ, file_actions=files)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"exit_code": code, "seconds": seconds, "max_rss": usage.ru_maxrss}))
"""


def run_child(
    command: list[str], log_stem: Path, env: dict[str, str] | None = None
) -> tuple[int, float, float]:
    """Run a command with output to files; return its exit code, wall seconds and peak RSS MiB.

    ``os.wait4`` in the launcher gives the resource use of that one child, where
    ``RUSAGE_CHILDREN`` would give the largest of all the children so far.
    """
    out, err = log_stem.with_suffix(".out"), log_stem.with_suffix(".err")
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(out), str(err), *command]
    ran = subprocess.run(launcher, capture_output=True, check=True, env=env)
    figures = json.loads(ran.stdout)
    max_rss_bytes = figures["max_rss"] * (1 if sys.platform == "darwin" else 1024)
    return figures["exit_code"], figures["seconds"], max_rss_bytes / MIB


def run_localdata(path: Path, options: argparse.Namespace) -> Run:
    """Time ``localdata check`` on the whole file through its command line."""
    command = [sys.executable, "-m", "localdata", "check", str(path), "--standard", "spend"]
    command += ["--format", "json"]
    if options.organisation:
        command += ["--organisation", options.organisation]
    if options.output:
        command += ["--output", str(options.workdir / "localdata-check.parquet")]
    stem = options.workdir / "localdata-check"
    code, wall, peak = run_child(command, stem, dict(os.environ))
    crashed = code not in (0, 1) or b"Traceback" in stem.with_suffix(".err").read_bytes()
    details: dict[str, object] = {
        "command": " ".join(["python", *command[1:3], "check", path.name, *command[5:]])
    }
    details |= summarise_report(stem.with_suffix(".out")) | {"stderr": last_line(stem)}
    return Run(
        "localdata check", options.rows, wall, peak, code, crashed, "end to end", wall, details
    )


def last_line(log_stem: Path) -> str:
    """The last line a child wrote to standard error: on a crash, what went wrong."""
    lines = log_stem.with_suffix(".err").read_text(errors="replace").strip().splitlines()
    return lines[-1] if lines else ""


def summarise_report(path: Path) -> dict[str, object]:
    """A few figures from the check's JSON report: rows read, issue counts, issues listed."""
    try:
        report = json.loads(path.read_bytes())
    except ValueError:
        return {"report": "not JSON"}
    if not isinstance(report, dict):
        return {"report": type(report).__name__}
    wanted = {key: report[key] for key in ("ok", "rows", "counts") if key in report}
    return {"report": wanted | {"issues_listed": len(report.get("issues", []))}}


def run_in_child(kind: str, path: Path, options: argparse.Namespace) -> Run:
    """Run one of this script's own child jobs (Frictionless or Polars) and read its figures."""
    stem = options.workdir / f"{kind}-run"
    rows = options.frictionless_rows if kind.startswith("frictionless") else options.rows
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path), str(rows)]
    code, wall, peak = run_child(command, stem)
    try:
        figures = json.loads(stem.with_suffix(".out").read_bytes())
    except ValueError:
        figures = {}
    name = NAMES[kind]
    timed = "end to end" if kind == "polars" else "validate() only"
    seconds = wall if kind == "polars" else figures.get("seconds", 0.0)
    crashed = code != 0 or not figures.get("rows")
    figures["stderr"] = last_line(stem)
    return Run(name, figures.get("rows", 0), seconds, peak, code, crashed, timed, wall, figures)


def standard_schema(path: str) -> dict[str, object]:
    """The spend standard's own Table Schema export, renamed to this file's headers.

    ``localdata standards export spend`` gives the schema; each field takes the header the
    check maps to it, so Frictionless and the check validate the same columns by the same
    rules. Two favours to Frictionless, which cannot parse the UK forms otherwise: numbers
    accept ``£`` and thousands separators, and dates are read as ``dd/mm/yyyy``.
    """
    from localdata.ingest.mapping import map_columns
    from localdata.standards.catalogue import StandardCatalogue
    from localdata.standards.tableschema import export_table_schema

    standard = StandardCatalogue().get("spend")
    with open(path, encoding="utf-8-sig") as handle:
        headers = handle.readline().rstrip("\r\n").split(",")
    mapping, _ = map_columns(headers, standard)
    exported = {spec["name"]: spec for spec in export_table_schema(standard)["fields"]}
    fields = []
    for header in headers:
        name = mapping.columns.get(header)
        spec = {"type": "string"} if name is None else dict(exported[name])
        spec.pop("localdata", None)
        spec.pop("example", None)  # written in the standard's ISO form, not the file's
        spec["name"] = header
        if spec["type"] == "number":
            spec |= {"groupChar": ",", "bareNumber": False}
        if spec["type"] == "date":
            spec["format"] = "%d/%m/%Y"
        fields.append(spec)
    return {"fields": fields}


def child_frictionless(path: str, rows: int, *, standard: bool = False) -> dict[str, object]:
    """Validate the first ``rows`` rows with Frictionless and one of the two schemas."""
    from frictionless import Resource, Schema  # only the child needs it

    # Frictionless refuses absolute paths as unsafe, so give it the folder as its base path.
    where = Path(path)
    schema = Schema.from_descriptor(standard_schema(path) if standard else FRICTIONLESS_SCHEMA)
    resource = Resource(where.name, basepath=str(where.parent), schema=schema)
    started = time.perf_counter()
    report = resource.validate(limit_rows=rows, limit_errors=10**9)
    seconds = time.perf_counter() - started
    task = report.tasks[0]
    return {"rows": task.stats.get("rows", 0), "seconds": seconds, "errors": len(task.errors)}


def child_polars(path: str, rows: int) -> dict[str, object]:
    """Read the whole file with Polars, every column as a string."""
    started = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    return {"rows": frame.height, "seconds": time.perf_counter() - started}


DATE_STYLES = (
    r"\d{2}/\d{2}/\d{4}",  # 25/06/2023
    r"\d{2}-[A-Z][a-z]{2}-\d{2}",  # 25-Jun-23
    r"\d{1,2} [A-Z][a-z]{2} \d{4}",  # 5 Jun 2023
    r"\d{4}-\d{2}-\d{2}",  # 2023-06-25
)
FRICTIONLESS_SCHEMA = {
    "fields": [
        {"name": "Body Name", "type": "string", "constraints": {"required": True}},
        {"name": "Service Area", "type": "string", "constraints": {"required": True}},
        {"name": "Expense Type", "type": "string", "constraints": {"required": True}},
        {
            "name": "Payment Date",
            "type": "string",
            "constraints": {"required": True, "pattern": "|".join(DATE_STYLES)},
        },
        {"name": "Transaction Number", "type": "string", "constraints": {"required": True}},
        {
            "name": "Net Amount",
            "type": "number",
            "groupChar": ",",
            "bareNumber": False,
            "constraints": {"required": True},
        },
        {"name": "Supplier Name", "type": "string", "constraints": {"required": True}},
        {"name": "Supplier ID", "type": "string"},
        {"name": "Purpose", "type": "string"},
        {
            "name": "Capital or Revenue",
            "type": "string",
            "constraints": {"enum": list(CAPITAL_OR_REVENUE)},
        },
    ]
}
CHILD_JOBS = {
    "frictionless-standard": partial(child_frictionless, standard=True),
    "frictionless": child_frictionless,
    "polars": child_polars,
}
NAMES = {
    "frictionless-standard": "frictionless (standard)",
    "frictionless": "frictionless (lenient)",
    "polars": "polars.read_csv",
}


# --- the verdict ----------------------------------------------------------------------------


@dataclass
class Ratio:
    """One figure compared with its target."""

    name: str
    value: float | None
    target: str
    passed: bool | None


def judge(runs: dict[str, Run], rows: int) -> list[Ratio]:
    """The three figures the check is held to, each with PASS, MISS or no verdict."""
    check, friction, lenient, bare = (
        usable(runs.get(key))
        for key in ("localdata", "frictionless-standard", "frictionless", "polars")
    )
    speedup = check.rows_per_second / friction.rows_per_second if check and friction else None
    over_lenient = check.rows_per_second / lenient.rows_per_second if check and lenient else None
    slowdown = check.seconds / bare.seconds if check and bare else None
    peak = check.peak_rss_mib if check else None
    limit = 1536 if rows <= 1_000_000 else 2048
    return [
        Ratio(
            "localdata rows/s ÷ Frictionless (standard)",
            speedup,
            ">= 20",
            test(speedup, lambda v: v >= 20),
        ),
        Ratio("localdata rows/s ÷ Frictionless (lenient)", over_lenient, "-", None),
        Ratio(
            "localdata seconds ÷ bare read seconds",
            slowdown,
            "<= 4",
            test(slowdown, lambda v: v <= 4),
        ),
        Ratio("localdata peak RSS MiB", peak, f"< {limit}", test(peak, lambda v: v < limit)),
    ]


def usable(run: Run | None) -> Run | None:
    """The run when its figures mean something: it finished and took measurable time."""
    return run if run is not None and not run.crashed and run.seconds > 0 and run.rows else None


def test(value: float | None, meets: Callable[[float], bool]) -> bool | None:
    """Whether a figure meets its target; None when there is no figure."""
    return None if value is None else meets(value)


# --- output ---------------------------------------------------------------------------------


def render_table(runs: list[Run], ratios: list[Ratio], file_rows: int) -> str:
    """The figures as a plain-text table, then the ratios with their verdicts."""
    lines = [
        f"{'contender':<24}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'peak RSS MiB':>14}  timed"
    ]
    for run in runs:
        rate = "-" if run.crashed else f"{run.rows_per_second:,.0f}"
        status = f"  CRASHED (exit {run.exit_code})" if run.crashed else ""
        lines.append(
            f"{run.contender:<24}{run.rows:>12,}{run.seconds:>10.2f}{rate:>12}"
            f"{run.peak_rss_mib:>14,.0f}  {run.timed}{status}"
        )
    lines += [f"{run.contender} said: {run.details.get('stderr')}" for run in runs if run.crashed]
    lines += extrapolation(runs, file_rows)
    lines.append("")
    for ratio in ratios:
        shown = "n/a" if ratio.value is None else f"{ratio.value:,.2f}"
        mark = {True: "PASS", False: "MISS", None: "-"}[ratio.passed]
        lines.append(f"{ratio.name:<42}{shown:>10}  target {ratio.target:<8}{mark}")
    return "\n".join(lines)


def extrapolation(runs: list[Run], file_rows: int) -> list[str]:
    """A line saying how long Frictionless would take on the whole file, if it ran on part."""
    friction = usable(next((r for r in runs if r.contender.startswith("frictionless")), None))
    if friction is None or friction.rows >= file_rows:
        return []
    estimate = file_rows / friction.rows_per_second
    return [
        f"Frictionless ran on the first {friction.rows:,} rows; at the same rate the whole "
        f"{file_rows:,} rows would take about {estimate:,.0f} s (linear extrapolation)."
    ]


def render_json(runs: list[Run], ratios: list[Ratio], context: dict[str, object]) -> str:
    """The figures as JSON, for scripts and for keeping a history of runs."""
    return json.dumps(
        {
            **context,
            "runs": [asdict(run) | {"rows_per_second": run.rows_per_second} for run in runs],
            "ratios": [asdict(ratio) for ratio in ratios],
        },
        indent=2,
    )


# --- command line ---------------------------------------------------------------------------


def parse_options(argv: list[str]) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the spend file")
    parser.add_argument("--seed", type=int, default=0, help="seed for the generated file")
    parser.add_argument("--workdir", type=Path, default=HERE / "out", help="where files go")
    parser.add_argument(
        "--frictionless-rows",
        type=int,
        default=100_000,
        help="rows Frictionless validates (from the top of the file)",
    )
    parser.add_argument("--skip-frictionless", action="store_true", help="leave Frictionless out")
    parser.add_argument(
        "--output", action="store_true", help="also have the check write its parquet output"
    )
    parser.add_argument("--organisation", help="pass --organisation ID to the check")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each contender N times and keep the fastest"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Generate the file, run each contender, print the figures; 1 if a contender crashed."""
    options = parse_options(argv)
    path, generated = ensure_spend_file(options.workdir, options.rows, options.seed)
    say(
        f"spend file: {path.name}, {path.stat().st_size / MIB:,.0f} MiB"
        + (f", generated in {generated:.1f} s" if generated else ", reused")
    )
    runs = {"localdata": best_of(options.repeat, lambda: run_localdata(path, options))}
    if not options.skip_frictionless:
        for kind in ("frictionless-standard", "frictionless"):
            runs[kind] = best_of(
                options.repeat, lambda kind=kind: run_in_child(kind, path, options)
            )
    runs["polars"] = best_of(options.repeat, lambda: run_in_child("polars", path, options))
    ratios = judge(runs, options.rows)
    context = {"file": path.name, "file_rows": options.rows, "generate_seconds": generated}
    if options.json:
        print(render_json(list(runs.values()), ratios, context))
    else:
        print(render_table(list(runs.values()), ratios, options.rows))
    return 1 if any(run.crashed for run in runs.values()) else 0


def best_of(repeat: int, run_once: Callable[[], Run]) -> Run:
    """The fastest of ``repeat`` runs, with the highest peak memory of them all.

    A crash in any run is what gets reported.
    """
    runs = []
    for attempt in range(repeat):
        runs.append(run := run_once())
        say(f"{run.contender} ({attempt + 1}/{repeat}): {run.seconds:.2f} s")
        if run.crashed:
            return run
    best = min(runs, key=lambda run: run.seconds)
    best.peak_rss_mib = max(run.peak_rss_mib for run in runs)
    best.details["all_seconds"] = [round(run.seconds, 3) for run in runs]
    return best


def say(message: str) -> None:
    """Progress, on standard error so that standard output stays clean for --json."""
    print(message, file=sys.stderr, flush=True)


def child_main(kind: str, path: str, rows: str) -> int:
    """Entry point of a child process: run one job and print its figures as JSON."""
    print(json.dumps(CHILD_JOBS[kind](path, int(rows))))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(child_main(*sys.argv[2:5]))
    sys.exit(main(sys.argv[1:]))
