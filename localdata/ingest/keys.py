"""Part of step 5 of the check: keys used on more than one row of one organisation.

A standard's key (``Standard.key``: ``transaction-number`` and ``transaction-line`` for spend,
``reference`` for brownfield land) is what diffs and record history match rows on. Real files
repeat it (33 keys in Hyndburn's April 2017 spend, 78 in its June 2023 one), usually because a
transaction has several lines and the file has no line number. That is a ``warning``, not an
error: the library keeps every row as it was published, and matches the rows that share a key
by their order among those rows (``compare`` in ``store/library.py``). The publisher should
know, because a diff then pairs those rows by position.

The decisions:

- Rows are grouped by organisation (the standard's organisation field) and by the key's
  harmonised values, as diffs compare them: ``1`` and ``1.0`` are the same line, and an empty
  part equals an empty part (``B000018805/1937`` with no line, twice, is a repeated key).
- A row whose key is wholly empty has no key and is not reported here; a required key field
  that is empty is a ``missing-value`` error already.
- A key of one field that the standard marks ``unique`` is left to ``duplicate-value``.
- One warning per organisation: its ``value`` lists every repeated key and its rows
  (``B000018805/1937 (rows 12 to 32); ...``), and its message shows how many and the first, so a
  file with thousands of them gets one message, not thousands.
- Memory stays bounded as the file is checked in batches: each row leaves a 64-bit hash of its
  organisation and key and its row number (16 bytes), and only rows whose key was seen before
  leave its text. Two different keys with the same hash (about one chance in
  30 million for a million keys) would be reported as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from localdata.ingest.issues import IssueType, Severity
from localdata.ingest.report import issue_frame
from localdata.standards.model import Datatype, Standard

DUPLICATE_KEY = IssueType(
    "duplicate-key",
    "Key used on more than one row",
    Severity.WARNING,
    "{detail} each on more than one row. Give each row its own {field}. We kept every row; "
    "when you publish again, rows with the same {field} are matched in the order they come "
    "in the file. The repeated values: {value}",
    scope="file",
)

_HASH, _ROW, _ORG, _TEXT = "__hash", "_row", "__organisation", "__key"
_SEED = 0x10CA1DA7A


@dataclass
class KeyCollector:
    """Each row's key, remembered batch by batch, to report keys used on more than one row."""

    key: tuple[str, ...]
    organisation: str | None = None
    _hashes: list[pl.DataFrame] = field(default_factory=list)
    _texts: list[pl.DataFrame] = field(default_factory=list)
    _organisations: set[str | None] = field(default_factory=set)

    @classmethod
    def for_standard(cls, standard: Standard) -> KeyCollector | None:
        """A collector for the standard's key, or None when it has none worth checking."""
        if not standard.key:
            return None
        if len(standard.key) == 1 and standard.field(standard.key[0]).constraints.unique:
            return None
        organisation = next(
            (f.name for f in standard.fields if f.datatype is Datatype.ORGANISATION), None
        )
        return cls(tuple(standard.key), organisation)

    def add(self, table: pl.DataFrame) -> None:
        """Remember the keys of one batch of harmonised rows (with their ``_row``)."""
        keyed = self._keyed(table)
        if keyed.height == 0:
            return
        earlier = [f[_HASH] for f in self._hashes]
        again = pl.col(_HASH).is_duplicated()
        if earlier:
            again = again | pl.col(_HASH).is_in(pl.concat(earlier).implode())
        self._texts.append(keyed.filter(again).select(_HASH, _ORG, _TEXT))
        self._organisations.update(keyed[_ORG].unique().to_list())
        self._hashes.append(keyed.select(_HASH, pl.col(_ROW).cast(pl.Int64)))

    def issues(self) -> pl.DataFrame:
        """One ``duplicate-key`` warning per organisation with repeated keys."""
        if not self._hashes:
            return issue_frame([])
        rows = pl.concat(self._hashes).filter(pl.col(_HASH).is_duplicated())
        if rows.height == 0:
            return issue_frame([])
        texts = pl.concat(self._texts).unique(_HASH, keep="first")
        keys = _row_runs(rows).join(texts, on=_HASH).sort("first")
        several = len(self._organisations) > 1
        return pl.concat(
            [self._issue(group, several) for _, group in keys.group_by(_ORG, maintain_order=True)]
        )

    def _keyed(self, table: pl.DataFrame) -> pl.DataFrame:
        parts = [pl.col(name).cast(pl.String) for name in self.key]
        organisation = (
            pl.col(self.organisation).cast(pl.String)
            if self.organisation in table.columns
            else pl.lit(None, pl.String)
        )
        keyed = table.select(
            _ROW, organisation.alias(_ORG), *(p.alias(f"__part{i}") for i, p in enumerate(parts))
        ).filter(pl.any_horizontal(pl.col(f"__part{i}").is_not_null() for i in range(len(parts))))
        part_names = [f"__part{i}" for i in range(len(parts))]
        return keyed.select(
            _ROW,
            _ORG,
            pl.struct(_ORG, *part_names).hash(_SEED).alias(_HASH),
            pl.concat_str(part_names, separator=", ", ignore_nulls=True).alias(_TEXT),
        )

    def _issue(self, keys: pl.DataFrame, name_organisation: bool) -> pl.DataFrame:
        label = " and ".join(self.key)
        organisation = keys[_ORG][0]
        count = keys.height
        detail = f"{count:,} {'value' if count == 1 else 'values'} of {label}"
        if name_organisation and organisation:
            detail += f" for {organisation}"
        detail += " is" if count == 1 else " are"
        listed = keys.select(
            pl.concat_str(pl.col(_TEXT), pl.lit(" (rows "), pl.col("rows"), pl.lit(")"))
        ).to_series()
        return pl.DataFrame(
            {
                "row": [None],
                "field": [label],
                "column": [None],
                "type": [DUPLICATE_KEY.slug],
                "value": ["; ".join(listed)],
                "detail": [detail],
            },
            schema=issue_frame([]).schema,
        )


def _row_runs(rows: pl.DataFrame) -> pl.DataFrame:
    """Per repeated key, its rows written out with runs shortened: '2, 3 and 9', '12 to 32'."""
    runs = (
        rows.sort(_HASH, _ROW)
        .with_columns(run=(pl.col(_ROW).diff().over(_HASH).fill_null(0) != 1).cum_sum().over(_HASH))
        .group_by(_HASH, "run")
        .agg(low=pl.col(_ROW).min(), high=pl.col(_ROW).max())
        .sort(_HASH, "low")
    )
    low, high = pl.col("low").cast(pl.String), pl.col("high").cast(pl.String)
    written = (
        pl.when(pl.col("low") == pl.col("high"))
        .then(low)
        .when(pl.col("high") == pl.col("low") + 1)
        .then(low + pl.lit(", ") + high)
        .otherwise(low + pl.lit(" to ") + high)
    )
    return (
        runs.group_by(_HASH, maintain_order=True)
        .agg(first=pl.col("low").min(), rows=written.str.join(", "))
        .with_columns(pl.col("rows").str.replace(r", ([^,]+)$", " and $1"))
    )
