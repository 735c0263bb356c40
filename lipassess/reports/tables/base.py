"""Shared parts of the dashboard's tables: :class:`Column`, :class:`Table`, cell formatting, labels.

Rounding happens only in :meth:`Table.cells` (for people); :meth:`Table.csv`
writes full precision. Confidence intervals are one column on screen
(``[low, high]``) and two in CSV (``<key>_low``, ``<key>_high``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Iterable, Mapping
from typing import Any

from lipassess.analysis.cohort import CohortAnalysis, OutcomeAnalysis
from lipassess.analysis.paired import PairedResult
from lipassess.analysis.proportion import ProportionResult
from lipassess.reports.cells import spreadsheet_text
from lipassess.reports.numbers import fmt_decimal, fmt_percent
from lipassess.text import has, text
from lipassess.vocabulary import TOTAL, WAVE_KINDS, khmer_digits, outcome_key

KINDS = ("text", "int", "num", "num3", "p", "share", "ci", "share_ci", "bool", "date", "note")
DASH = "\u2013"
WAVE_NAMES = {kind: text(f"wave.{kind}", "en").lower() for kind in WAVE_KINDS}
"""English wave names inside a sentence or cell (``retrospective pre``)."""



@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """One column: its key in the rows, its header for people, and how to show its values.

    ``term`` is the English header a page in another language keeps for the
    header's tooltip (:mod:`lipassess.reports.tables.localize`).
    """

    key: str
    header: str
    kind: str = "num"
    term: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def csv_keys(self) -> tuple[str, ...]:
        if self.kind in ("ci", "share_ci"):
            return (f"{self.key}_low", f"{self.key}_high")
        return (self.key,)

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "bool", "date", "note")



@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A named table: caption, columns, rows (mappings), and who may see it.

    Attributes
    ----------
    name : str
        File name stem of the CSV download (``pre_post`` -> ``pre_post.csv``).
    caption : str
        What the table shows, for the ``<caption>``.
    columns : tuple of Column
    rows : tuple of mapping
        Values by column key (CI columns by ``<key>_low`` / ``<key>_high``);
        ``missing`` holds the reason when the row's numbers are absent.
    row_headers : int
        How many leading columns name the row (``<th scope="row">``).
    per_participant : bool
        One row per participant: evaluators and admins only.
    notes : tuple of str
        Shown under the table and written nowhere else.
    lang : str
        The language of the words and numbers on a page (``km``: Khmer digits); the CSV ignores it.
    """

    name: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    row_headers: int = 1
    per_participant: bool = False
    notes: tuple[str, ...] = ()
    lang: str = "en"

    @property
    def has_missing(self) -> bool:
        return any(row.get("missing") for row in self.rows)

    def cells(self, row: Mapping[str, Any]) -> list[str]:
        """The row's values formatted for people, one string per column."""
        return [format_value(row, column, self.lang) for column in self.columns]

    def empty(self, row: Mapping[str, Any]) -> bool:
        """True when the row has a missing reason and no value outside its row headers."""
        if not row.get("missing"):
            return False
        return all(row.get(key) is None for column in self.columns[self.row_headers:] for key in column.csv_keys)

    @property
    def has_partial_missing(self) -> bool:
        """Some row shows numbers and a missing reason (HTML then adds a reason column)."""
        return any(row.get("missing") and not self.empty(row) for row in self.rows)

    def csv_header(self) -> list[str]:
        keys = [key for column in self.columns for key in column.csv_keys]
        return [*keys, "missing_reason"] if self.has_missing else keys

    def csv(self, *, synthetic: bool = False) -> str:
        """The table as CSV (UTF-8 text, full precision, empty cell for a missing number).

        ``synthetic`` adds a last column ``synthetic`` of 1s (demo data), so the file never loses the label.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        header = self.csv_header()
        writer.writerow([*header, "synthetic"] if synthetic else header)
        for row in self.rows:
            values = [_csv_value(row.get("missing") if key == "missing_reason" else row.get(key)) for key in header]
            writer.writerow([*values, "1"] if synthetic else values)
        return buffer.getvalue()

    def csv_file(self, *, synthetic: bool = False) -> str:
        """The CSV as downloaded: a byte order mark (so spreadsheets read Khmer as UTF-8), then :meth:`csv`."""
        return "\ufeff" + self.csv(synthetic=synthetic)



def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    return spreadsheet_text(str(value))



def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None



def format_value(row: Mapping[str, Any], column: Column, lang: str = "en") -> str:
    """One cell for people: 2 decimals, p as ``<.001``, shares in %, CIs in brackets, NA as a dash.

    In Khmer (``lang="km"``) numbers and dates are written in Khmer digits and yes/no in words;
    text cells are left as they are (names, pseudonyms).
    """
    value = _format_value(row, column)
    if lang == "en" or column.kind in ("text", "note"):
        return value
    if column.kind == "bool" and value != DASH:
        return text(f"staff.cell.{value}", lang)
    return khmer_digits(value)


def _format_value(row: Mapping[str, Any], column: Column) -> str:
    kind = column.kind
    if kind in ("ci", "share_ci"):
        low, high = _number(row.get(f"{column.key}_low")), _number(row.get(f"{column.key}_high"))
        if low is None or high is None:
            return DASH
        if kind == "share_ci":
            return f"[{fmt_percent(low, digits=1)}, {fmt_percent(high, digits=1)}]"
        return f"[{fmt_decimal(low)}, {fmt_decimal(high)}]"
    value = row.get(column.key)
    if kind in ("text", "note", "date"):
        return DASH if value in (None, "") else str(value)
    if kind == "bool":
        return DASH if value is None else ("yes" if value else "no")
    number = _number(value)
    if number is None:
        return DASH
    if kind == "int":
        return f"{int(round(number)):,}"
    if kind == "num3":
        return fmt_decimal(number, digits=3)
    if kind == "p":
        return "<.001" if number < 0.001 else f"{number:.3f}".replace("0.", ".", 1)
    if kind == "share":
        return fmt_percent(number, digits=1)
    return fmt_decimal(number)



def outcome_label(name: str) -> str:
    """English label of an outcome (the behaviour total or a subscale)."""
    key = f"report.outcome.{outcome_key(name)}"
    if has(key):
        return text(key, "en")
    return name.replace("_", " ").capitalize()



def ordered_outcomes(analysis: CohortAnalysis) -> list[OutcomeAnalysis]:
    """The total first, then the subscales in instrument order."""
    outcomes = list(analysis.outcomes.values())
    return sorted(outcomes, key=lambda o: o.name != TOTAL)



def _ci(prefix: str, low: Any, high: Any) -> dict[str, Any]:
    return {f"{prefix}_low": low, f"{prefix}_high": high}



def _paired_values(result: PairedResult) -> dict[str, Any]:
    return {
        "n": result.n_obs, "mean_pre": result.mean_pre, "mean_post": result.mean_post,
        "mean_diff": result.mean_diff, **_ci("mean_diff_ci", result.mean_diff_ci_low, result.mean_diff_ci_high),
        "t": result.t, "df": result.df, "p_value": result.p_value, "wilcoxon_p_value": result.wilcoxon_p_value,
        "d_z": result.d_z, **_ci("d_z_ci", result.d_z_ci_low, result.d_z_ci_high),
        "g_av": result.g_av, **_ci("g_av_ci", result.g_av_ci_low, result.g_av_ci_high),
    }



def _explain(row: dict[str, Any], notes: Iterable[str]) -> dict[str, Any]:
    """Give a row with an undefined (NaN) number the analysis notes as its reason.

    The analysis returns NaN, with a note, for what the data cannot define (no
    variance, all differences equal...); ``None`` set by a builder means "does not
    apply" and needs no reason.
    """
    undefined = any(isinstance(v, float) and math.isnan(v) for v in row.values())
    if undefined and not row.get("missing"):
        row["missing"] = "; ".join(notes) or "not defined for these data"
    return row



def _share_values(prefix: str, share: ProportionResult) -> dict[str, Any]:
    return {prefix: share.share, **_ci(f"{prefix}_ci", share.ci_low, share.ci_high)}
