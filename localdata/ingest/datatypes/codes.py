"""Harmonise values of a code list: match them to the allowed values, as the standard spells them.

Each distinct value is compared with every code's spellings (its value, label and aliases) in
four steps; the first step that finds a code decides:

1. **Spelling.** The same, ignoring case, spaces, hyphens and underscores: ``Not Permissioned``,
   ``not_permissioned`` and ``NOT-PERMISSIONED`` are all ``not permissioned``. Values win over
   labels, and labels over aliases, when two codes share a spelling.
2. **Words.** The same words once each side is put in a normal form: ``&`` and ``+`` read as
   "and"; other punctuation is a space; the small words a, an, the, and, of, by, for, with,
   in, on, to and at are dropped; plurals are singular (``Buildings``, ``supplies``); and the
   order does not matter. ``Land & Buildings`` is "land and building", and ``ownership
   unknown`` is "unknown ownership".
3. **Start.** The value's words, in order, are the start of a spelling (the last word may be
   cut short) and make up at least half of it, and at least 4 letters: ``mixed owner`` is
   "mixed ownership", ``reserved matters app`` (a value cut short to fit a column) is
   "reserved matters approval". Both must have the same negating words (not, no, non,
   never, without).
4. **Slip of the keyboard.** At least 90% alike (rapidfuzz's normalised Indel similarity of
   the words in normal form), with the same number of words, each starting with the same
   letter: ``Unkown ownership``, ``Onwed by a public authorty``. Keeping first letters and
   word counts equal is what stops "known" matching "unknown", or "no permission" matching
   "permission". Only values of at least 6 letters are matched this way; numbers never are.

A value that steps 2 to 4 find in the spellings of two or more codes is ambiguous, and stays an
error that lists the allowed values: we never guess between codes. A value changed in any way
gets the info issue ``code-matched``; a value that matches no code is an error.

Work is per distinct value, and code lists are short, so comparing every distinct value with
every spelling is cheap.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz, process

from localdata.ingest.datatypes.columns import by_distinct, first_issue
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

CODE_MATCHED = IssueType(
    "code-matched",
    "Value matched to the allowed spelling",
    Severity.INFO,
    "We changed this to the spelling the standard uses for it.",
    fixed_by="library",
)
CODE_NOT_ALLOWED = IssueType(
    "code-not-allowed",
    "Value not in the list",
    Severity.ERROR,
    "Enter one of the allowed values: {detail}.",
)

_SHOWN = 12  # the message lists at most this many allowed values
SMALL_WORDS = ("a", "an", "the", "and", "of", "by", "for", "with", "in", "on", "to", "at")
NEGATIONS = ("not", "no", "non", "never", "without")
SIMILARITY = 90  # step 4's threshold, out of 100
_FEWEST_LETTERS = {"start": 4, "slip": 6}


def code_key(values: pl.Expr) -> pl.Expr:
    """The form in which values and codes are compared first: lower case, no spaces, - or _."""
    return values.str.to_lowercase().str.replace_all(r"[\s_\-]+", "")


def code_words(values: pl.Expr) -> pl.Expr:
    """Each value's words in normal form, in order: lower case, singular, no small words."""
    word = pl.element()
    singular = (
        pl.when(word.str.ends_with("ies") & (word.str.len_chars() > 4))
        .then(word.str.head(-3) + pl.lit("y"))
        .when(word.str.contains(r"[^su]s$") & (word.str.len_chars() > 3))
        .then(word.str.head(-1))
        .otherwise(word)
    )
    return (
        values.str.to_lowercase()
        .str.replace_all(r"[&+]", " and ")
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
        .str.split(" ")
        .list.eval(singular.filter((word != "") & ~word.is_in(SMALL_WORDS)))
    )


def code_lookup(field: StandardField) -> dict[str, str]:
    """Each spelling's comparison key, mapped to the code value it stands for.

    Values win over labels, and labels over aliases, when two codes share a spelling.
    """
    keyed = _spellings(field).select(code_key(pl.col("spelling")).alias("key"), "code")
    return dict(keyed.unique("key", keep="first", maintain_order=True).iter_rows())


def allowed_values(field: StandardField) -> str:
    """The allowed values, as the message lists them."""
    values = list(field.code_values)
    shown = ", ".join(values[:_SHOWN])
    more = len(values) - _SHOWN
    return f"{shown} (and {more} more: see the standard's guidance)" if more > 0 else shown


def harmonise_codes(values: pl.Series, field: StandardField) -> Harmonised:
    """The code value each value matches (pl.String), or null and an error."""
    spellings = _in_normal_form(_spellings(field).rename({"spelling": "raw"}))
    lookup = code_lookup(field)
    result = by_distinct(values, lambda distinct: _matched(distinct, lookup, spellings))
    result.details[CODE_NOT_ALLOWED.slug] = allowed_values(field)
    return result


def _spellings(field: StandardField) -> pl.DataFrame:
    """Every spelling of every code (value, then label, then aliases) and its code value."""
    codes = field.constraints.codes
    rows = [
        *((code.value, code.value) for code in codes),
        *((code.label, code.value) for code in codes if code.label),
        *((alias, code.value) for code in codes for alias in code.aliases),
    ]
    return pl.DataFrame(rows, schema={"spelling": pl.String, "code": pl.String}, orient="row")


def _in_normal_form(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with each ``raw`` text's words in normal form, and what the steps compare."""
    words = pl.col("words")
    return frame.with_columns(words=code_words(pl.col("raw"))).with_columns(
        ordered=words.list.join(" "),
        bag=words.list.sort().list.join(" "),
        initials=words.list.eval(pl.element().str.head(1)).list.sort().list.join(""),
        count=words.list.len(),
        negations=words.list.eval(pl.element().is_in(NEGATIONS)).list.sum(),
        letters=pl.col("raw").str.count_matches(r"\p{L}"),
    )


def _matched(distinct: pl.Series, lookup: dict[str, str], spellings: pl.DataFrame) -> Harmonised:
    """Each distinct value's code (null when none or several match) and its issue."""
    frame = distinct.alias("raw").to_frame()
    exact = code_key(pl.col("raw")).replace_strict(lookup, default=None, return_dtype=pl.String)
    frame = frame.with_columns(value=exact)
    unmatched = frame.filter(pl.col("value").is_null())
    if unmatched.height and spellings.height:
        found = _matched_by_words(_in_normal_form(unmatched.select("raw")), spellings)
        frame = frame.join(found, on="raw", how="left", maintain_order="left").select(
            "raw", pl.coalesce("value", "found").alias("value")
        )
    value, raw = pl.col("value"), pl.col("raw")
    found = frame.select(
        value,
        first_issue((value.is_null(), CODE_NOT_ALLOWED), (value != raw, CODE_MATCHED)).alias(
            "issue"
        ),
    )
    return Harmonised(found["value"], found["issue"])


def _matched_by_words(values: pl.DataFrame, spellings: pl.DataFrame) -> pl.DataFrame:
    """The code each value's words match in steps 2 to 4, or null (``raw``, ``found``)."""
    steps = [_same_words, _start_of, _slip_of]
    decided = pl.DataFrame(schema={"raw": pl.String, "found": pl.String})
    for step in steps:
        rest = values.join(decided, on="raw", how="anti")
        if rest.height == 0:
            break
        candidates = step(rest, spellings).select("raw", "code").unique()
        codes = candidates.group_by("raw").agg(pl.col("code").unique())
        # A value that one step finds in two codes is ambiguous: it is decided, as no code.
        chosen = codes.select(
            "raw",
            pl.when(pl.col("code").list.len() == 1)
            .then(pl.col("code").list.first())
            .alias("found"),
        )
        decided = pl.concat([decided, chosen])
    return decided


def _same_words(values: pl.DataFrame, spellings: pl.DataFrame) -> pl.DataFrame:
    """Step 2: spellings with the same words, in any order."""
    named = values.filter(pl.col("bag") != "")
    return named.select("raw", "bag").join(spellings.select("bag", "code"), on="bag")


def _start_of(values: pl.DataFrame, spellings: pl.DataFrame) -> pl.DataFrame:
    """Step 3: spellings that the value's words start, making up at least half of them."""
    start, whole = pl.col("ordered"), pl.col("ordered_spelling")
    pairs = values.filter(pl.col("letters") >= _FEWEST_LETTERS["start"]).join(
        spellings, how="cross", suffix="_spelling"
    )
    return pairs.filter(
        whole.str.starts_with(start)
        & (start.str.len_chars() * 2 >= whole.str.len_chars())
        & (pl.col("negations") == pl.col("negations_spelling"))
    )


def _slip_of(values: pl.DataFrame, spellings: pl.DataFrame) -> pl.DataFrame:
    """Step 4: spellings at least ``SIMILARITY`` alike, with the same words' first letters."""
    values = values.filter(pl.col("letters") >= _FEWEST_LETTERS["slip"])
    if values.height == 0:
        return values.join(spellings, how="cross", suffix="_spelling")
    scores = process.cdist(
        values["bag"].to_list(),
        spellings["bag"].to_list(),
        scorer=fuzz.ratio,
        score_cutoff=SIMILARITY,
    )
    rows, columns = scores.nonzero()
    pairs = pl.concat(
        [
            values[rows.tolist()],
            spellings[columns.tolist()].rename(
                lambda name: name if name == "code" else f"{name}_spelling"
            ),
        ],
        how="horizontal",
    )
    return pairs.filter(
        (pl.col("count") == pl.col("count_spelling"))
        & (pl.col("initials") == pl.col("initials_spelling"))
    )
