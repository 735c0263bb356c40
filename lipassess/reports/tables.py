"""The dashboard's tables: analysis results -> named tables for HTML and CSV.

Each builder takes results of :mod:`lipassess.analysis` (or plain mappings)
and returns a :class:`Table`: a name (the CSV file name), a caption, typed
columns and one mapping per row. A row whose statistic could not be computed
keeps its labels, leaves every number ``None`` and says why under ``missing``
(the reason the analysis recorded), so no number ever disappears silently.

Rounding happens only in :meth:`Table.cells` (for people); :meth:`Table.csv`
writes full precision. Confidence intervals are one column on screen
(``[low, high]``) and two in CSV (``<key>_low``, ``<key>_high``).

Tables marked ``per_participant`` hold one row per (pseudonymous) participant
and are only for evaluators and admins; :func:`suppress_small_groups` hides
subgroups under the minimum size for managers.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lipassess.analysis.cohort import WAVE_ORDER, CohortAnalysis, OutcomeAnalysis
from lipassess.analysis.paired import PairedResult
from lipassess.analysis.proportion import ProportionResult
from lipassess.analysis.subgroups import SubgroupResult
from lipassess.reports.narrative import OUTCOME_LABELS, PROGRAM_EARLIER_APPLIED_SHARE
from lipassess.reports.numbers import fmt_decimal, fmt_percent

KINDS = ("text", "int", "num", "num3", "p", "share", "ci", "share_ci", "bool", "date", "note")
DASH = "\u2013"
TOTAL = "total"
WAVE_NAMES = {"pre": "pre", "post": "post", "retro_pre": "retrospective pre", "followup": "follow-up"}
# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """One column: its key in the rows, its header for people, and how to show its values."""

    key: str
    header: str
    kind: str = "num"

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
    """

    name: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    row_headers: int = 1
    per_participant: bool = False
    notes: tuple[str, ...] = ()

    @property
    def has_missing(self) -> bool:
        return any(row.get("missing") for row in self.rows)

    def cells(self, row: Mapping[str, Any]) -> list[str]:
        """The row's values formatted for people, one string per column."""
        return [format_value(row, column) for column in self.columns]

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
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def format_value(row: Mapping[str, Any], column: Column) -> str:
    """One cell for people: 2 decimals, p as ``<.001``, shares in %, CIs in brackets, NA as a dash."""
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


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------


def outcome_label(name: str) -> str:
    """English label of an outcome (the behaviour total or a subscale)."""
    key = "leadership_total" if name == TOTAL else name
    if key in OUTCOME_LABELS:
        return OUTCOME_LABELS[key]["en"]
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


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def progress_table(waves: Iterable[Mapping[str, Any]]) -> Table:
    """Per wave: dates, invited, started, submitted, response rate, reminders (``WaveProgress.to_dict()``)."""
    rows = []
    for w in waves:
        rows.append({**w, "wave": WAVE_NAMES.get(str(w["kind"]), str(w["kind"])),
                     "opens_at": _date(w.get("opens_at")), "closes_at": _date(w.get("closes_at"))})
    columns = (
        Column(key="wave", header="Wave", kind="text"),
        Column(key="opens_at", header="Opens", kind="date"),
        Column(key="closes_at", header="Closes", kind="date"),
        Column(key="active_students", header="Active students", kind="int"),
        Column(key="invited", header="Invited", kind="int"),
        Column(key="started", header="Started", kind="int"),
        Column(key="submitted", header="Submitted", kind="int"),
        Column(key="response_rate", header="Response rate", kind="share"),
        Column(key="reminders_sent", header="Reminders sent", kind="int"),
        Column(key="messages_failed", header="Messages failed", kind="int"),
    )
    return Table(name="progress", caption="Response rate and reminders per wave (submitted / active students)",
                 columns=columns, rows=tuple(rows))


def _date(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10]


def retention_table(n_pre: int, n_retained: int) -> Table:
    """Pre respondents and how many of them answered the follow-up."""
    row: dict[str, Any] = {"n_pre": n_pre, "n_retained": n_retained,
                           "retention_rate": n_retained / n_pre if n_pre else None}
    if not n_pre:
        row["missing"] = "nobody has answered the pre-training survey yet"
    columns = (
        Column(key="n_pre", header="Answered the pre survey", kind="int"),
        Column(key="n_retained", header="Of them answered the follow-up", kind="int"),
        Column(key="retention_rate", header="Retention", kind="share"),
    )
    return Table(name="retention", caption="Retention from the pre survey to the follow-up", columns=columns,
                 rows=(row,), row_headers=0)


PAIRED_COLUMNS = (
    Column(key="outcome", header="Outcome", kind="text"),
    Column(key="n", header="Pairs", kind="int"),
    Column(key="mean_pre", header="Mean before"),
    Column(key="mean_post", header="Mean after"),
    Column(key="mean_diff", header="Change"),
    Column(key="mean_diff_ci", header="95% CI", kind="ci"),
    Column(key="p_value", header="p (t)", kind="p"),
    Column(key="wilcoxon_p_value", header="p (Wilcoxon)", kind="p"),
    Column(key="d_z", header="d_z"),
    Column(key="d_z_ci", header="d_z 95% CI", kind="ci"),
    Column(key="g_av", header="g_av"),
    Column(key="g_av_ci", header="g_av 95% CI", kind="ci"),
)


def paired_table(analysis: CohortAnalysis, which: str = "pre_post") -> Table:
    """Pre/post (``pre_post``) or pre/follow-up (``pre_followup``) per outcome: means, d_z, g_av, CIs."""
    rows = []
    for o in ordered_outcomes(analysis):
        result: PairedResult | None = getattr(o, which)
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        if result is None:
            row["missing"] = o.missing.get(which, "not computed")
        else:
            row = _explain({**row, **_paired_values(result)}, result.notes)
        rows.append(row)
    later = "after the training" if which == "pre_post" else "at the follow-up"
    caption = (f"Change from before the training to {later}: paired means, Cohen's d_z and Hedges' g_av "
               "with 95% CIs")
    return Table(name=which, caption=caption, columns=PAIRED_COLUMNS, rows=tuple(rows))


def _waves_of(o: OutcomeAnalysis) -> list[str]:
    """pre, post, follow-up (each gets a row, with a reason when it has no data), then any other wave."""
    seen = set(o.reliability) | {k.removeprefix("reliability_") for k in o.missing if k.startswith("reliability_")}
    return [*WAVE_ORDER, *sorted(seen - set(WAVE_ORDER))]


def reliability_table(analysis: CohortAnalysis) -> Table:
    """Cronbach's alpha (Feldt CI) and McDonald's omega total per outcome and wave."""
    rows = []
    for o in ordered_outcomes(analysis):
        for wave in _waves_of(o):
            row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name,
                                   "wave": WAVE_NAMES.get(wave, wave), "wave_id": wave}
            result = o.reliability.get(wave)
            if result is None:
                row["missing"] = o.missing.get(f"reliability_{wave}", f"no {WAVE_NAMES.get(wave, wave)} responses yet")
            else:
                row.update({
                    "n": result.n_obs, "n_items": result.n_items, "alpha": result.alpha,
                    **_ci("alpha_ci", result.alpha_ci_low, result.alpha_ci_high),
                    "omega_total": result.omega_total,
                    **_ci("omega_ci", result.omega_ci_low, result.omega_ci_high),
                    "mean_score": result.mean_score, "sd_score": result.sd_score, "sem": result.sem,
                    "notes": "; ".join(result.notes) or None,
                })
                _explain(row, result.notes)
            rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="wave", header="Wave", kind="text"),
        Column(key="n", header="n", kind="int"),
        Column(key="n_items", header="Items", kind="int"),
        Column(key="alpha", header="alpha"),
        Column(key="alpha_ci", header="alpha 95% CI", kind="ci"),
        Column(key="omega_total", header="omega total"),
        Column(key="omega_ci", header="omega 95% CI", kind="ci"),
        Column(key="mean_score", header="Mean"),
        Column(key="sd_score", header="SD"),
        Column(key="sem", header="SEM"),
        Column(key="notes", header="Notes", kind="note"),
    )
    return Table(name="reliability", caption="Reliability per outcome and wave: Cronbach's alpha (Feldt 95% CI) "
                 "and McDonald's omega total (one-factor ML, delta-method 95% CI)", columns=columns, rows=tuple(rows),
                 row_headers=2)


ITEM_COLUMNS = (
    Column(key="item", header="Item", kind="text"),
    Column(key="reversed", header="Reverse-keyed", kind="bool"),
    Column(key="mean", header="Mean"),
    Column(key="sd", header="SD"),
    Column(key="r_drop", header="Corrected item-total r"),
    Column(key="alpha_if_deleted", header="alpha if deleted"),
    Column(key="floor", header="At lowest", kind="share"),
    Column(key="ceiling", header="At highest", kind="share"),
    Column(key="loading", header="Loading"),
)


def item_rows(analysis: CohortAnalysis, reverse_keyed: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One row per outcome, wave and item (the item analysis behind each reliability).

    The analysis receives answers already reverse-keyed; ``reverse_keyed`` names the
    items the instrument reverses, so the table can say which they are.
    """
    reversed_items = set(reverse_keyed)
    rows = []
    for o in ordered_outcomes(analysis):
        for wave in WAVE_ORDER:
            result = o.reliability.get(wave)
            if result is None:
                continue
            for item in result.items:
                rows.append({"outcome": outcome_label(o.name), "outcome_id": o.name,
                             "wave": WAVE_NAMES.get(wave, wave), "wave_id": wave, "item": item.item,
                             "reversed": item.reversed or str(item.item) in reversed_items, "mean": item.mean,
                             "sd": item.sd, "r_drop": item.r_drop, "alpha_if_deleted": item.alpha_if_deleted,
                             "floor": item.floor, "ceiling": item.ceiling, "loading": item.loading})
    return rows


def items_table(analysis: CohortAnalysis, *, outcome: str | None = None, wave: str | None = None,
                reverse_keyed: Iterable[str] = ()) -> Table:
    """Item analysis: all outcomes and waves (the CSV), or one outcome and wave (an expandable block)."""
    rows = [r for r in item_rows(analysis, reverse_keyed)
            if (outcome is None or r["outcome_id"] == outcome) and (wave is None or r["wave_id"] == wave)]
    if outcome is None:
        columns = (Column(key="outcome", header="Outcome", kind="text"),
                   Column(key="wave", header="Wave", kind="text"), *ITEM_COLUMNS)
        return Table(name="items", caption="Item analysis per outcome and wave", columns=columns,
                     rows=tuple(rows), row_headers=3)
    caption = f"Item analysis: {outcome_label(outcome)}, {WAVE_NAMES.get(wave or '', wave)}"
    return Table(name="items", caption=caption, columns=ITEM_COLUMNS, rows=tuple(rows))


def item_tables(analysis: CohortAnalysis, reverse_keyed: Iterable[str] = ()) -> dict[tuple[str, str], Table]:
    """One item-analysis table per outcome and wave that has a reliability, total first, waves in order."""
    keyed = frozenset(reverse_keyed)
    return {(o.name, wave): items_table(analysis, outcome=o.name, wave=wave, reverse_keyed=keyed)
            for o in ordered_outcomes(analysis) for wave in WAVE_ORDER if wave in o.reliability}


def change_table(analysis: CohortAnalysis) -> Table:
    """Reliable change (Jacobson-Truax) pre -> post: shares improved, unchanged, declined with Wilson CIs."""
    rows = []
    for o in ordered_outcomes(analysis):
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        c = o.change
        if c is None:
            row["missing"] = o.missing.get("change", "not computed")
        else:
            row.update({"n": c.n_obs, "reliability": c.reliability, "sdiff": c.sdiff,
                        **_share_values("improved", c.improved), "unchanged": c.unchanged.share,
                        **_share_values("declined", c.declined)})
            _explain(row, c.notes)
        rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="n", header="Pairs", kind="int"),
        Column(key="reliability", header="alpha (pre) used"),
        Column(key="sdiff", header="SE of difference"),
        Column(key="improved", header="Reliably improved", kind="share"),
        Column(key="improved_ci", header="95% CI", kind="share_ci"),
        Column(key="unchanged", header="No reliable change", kind="share"),
        Column(key="declined", header="Reliably declined", kind="share"),
        Column(key="declined_ci", header="95% CI", kind="share_ci"),
    )
    return Table(name="reliable_change", caption="Share of participants who reliably improved or declined "
                 "from before to after the training (RCI, |RCI| > 1.96; Wilson 95% CIs)", columns=columns,
                 rows=tuple(rows))


def change_participants_table(analysis: CohortAnalysis) -> Table:
    """One row per participant and outcome: RCI and category (pseudonyms; evaluators and admins only)."""
    rows = []
    for o in ordered_outcomes(analysis):
        if o.change is None:
            continue
        for p in o.change.participants:
            rows.append({"participant": str(p.id), "outcome": outcome_label(o.name), "outcome_id": o.name,
                         "rci": p.rci, "category": p.category})
    columns = (
        Column(key="participant", header="Participant (pseudonym)", kind="text"),
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="rci", header="RCI"),
        Column(key="category", header="Category", kind="text"),
    )
    return Table(name="reliable_change_participants", caption="Reliable change index per participant "
                 "(pseudonymous)", columns=columns, rows=tuple(rows), row_headers=2, per_participant=True)


def repeated_table(analysis: CohortAnalysis) -> Table:
    """Three waves, complete cases: wave means, RM-ANOVA with Greenhouse-Geisser, Friedman."""
    rows = []
    for o in ordered_outcomes(analysis):
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        r = o.repeated
        if r is None:
            row["missing"] = o.missing.get("repeated", "not computed")
        else:
            means = {f"mean_{w.wave}": w.mean for w in r.wave_summaries}
            row.update({"n": r.n_obs, **means, "f": r.f, "df1": r.df1, "df2": r.df2, "p_value": r.p_value,
                        "gg_epsilon": r.gg_epsilon, "p_value_gg": r.p_value_gg,
                        "eta2_generalized": r.eta2_generalized, "friedman_q": r.friedman_q,
                        "friedman_p_value": r.friedman_p_value, "kendall_w": r.kendall_w})
            _explain(row, r.notes)
        rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="n", header="Complete cases", kind="int"),
        Column(key="mean_pre", header="Mean pre"),
        Column(key="mean_post", header="Mean post"),
        Column(key="mean_followup", header="Mean follow-up"),
        Column(key="f", header="F"),
        Column(key="df1", header="df1", kind="int"),
        Column(key="df2", header="df2", kind="int"),
        Column(key="gg_epsilon", header="GG epsilon"),
        Column(key="p_value_gg", header="p (GG)", kind="p"),
        Column(key="eta2_generalized", header="eta2 (generalized)", kind="num3"),
        Column(key="friedman_q", header="Friedman Q"),
        Column(key="friedman_p_value", header="p (Friedman)", kind="p"),
        Column(key="kendall_w", header="Kendall's W", kind="num3"),
    )
    return Table(name="repeated", caption="Three waves, complete cases: repeated-measures ANOVA "
                 "(Greenhouse-Geisser corrected) and Friedman test", columns=columns, rows=tuple(rows))


def pairwise_table(analysis: CohortAnalysis) -> Table:
    """Every pair of waves (complete cases), paired t with Holm-adjusted p."""
    rows = []
    for o in ordered_outcomes(analysis):
        if o.repeated is None:
            continue
        for c in o.repeated.pairwise:
            rows.append(_explain({"outcome": outcome_label(o.name), "outcome_id": o.name,
                                  "comparison": f"{WAVE_NAMES.get(c.b, c.b)} \u2212 {WAVE_NAMES.get(c.a, c.a)}",
                                  "n": c.n_obs, "mean_diff": c.mean_diff, "t": c.t, "df": c.df,
                                  "p_value": c.p_value, "p_holm": c.p_holm, "d_z": c.d_z}, o.repeated.notes))
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="comparison", header="Comparison", kind="text"),
        Column(key="n", header="n", kind="int"),
        Column(key="mean_diff", header="Difference"),
        Column(key="t", header="t"),
        Column(key="df", header="df", kind="int"),
        Column(key="p_value", header="p", kind="p"),
        Column(key="p_holm", header="p (Holm)", kind="p"),
        Column(key="d_z", header="d_z"),
    )
    return Table(name="pairwise", caption="Pairwise comparisons of the three waves (complete cases, Holm)",
                 columns=columns, rows=tuple(rows), row_headers=2)


def mixed_model_table(analysis: CohortAnalysis) -> Table:
    """Mixed model ``score ~ wave + (1 | id)`` on every available score: wave means and change from pre."""
    rows = []
    for o in ordered_outcomes(analysis):
        base: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        if o.repeated is None:
            rows.append({**base, "missing": o.missing.get("repeated", "not computed")})
            continue
        model = o.repeated.mixed_model
        contrasts = {c.wave: c for c in model.contrasts}
        for m in model.means:
            c = contrasts.get(m.wave)
            rows.append(_explain({
                **base, "wave": WAVE_NAMES.get(m.wave, m.wave), "wave_id": m.wave,
                "n_participants": model.n_participants, "estimate": m.estimate,
                **_ci("estimate_ci", m.ci_low, m.ci_high),
                "change": c.estimate if c else None,
                **_ci("change_ci", c.ci_low if c else None, c.ci_high if c else None),
                "p_value": c.p_value if c else None,
                "f": model.f, "f_p_value": model.p_value, "icc": model.icc,
            }, model.notes))
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="wave", header="Wave", kind="text"),
        Column(key="n_participants", header="Participants", kind="int"),
        Column(key="estimate", header="Estimated mean"),
        Column(key="estimate_ci", header="95% CI", kind="ci"),
        Column(key="change", header="Change from pre"),
        Column(key="change_ci", header="95% CI", kind="ci"),
        Column(key="p_value", header="p", kind="p"),
        Column(key="f", header="F (wave)"),
        Column(key="f_p_value", header="p (F)", kind="p"),
        Column(key="icc", header="ICC"),
    )
    return Table(name="mixed_model", caption="Mixed model (REML, random intercept per participant, "
                 "Satterthwaite df): keeps participants with a missing wave", columns=columns, rows=tuple(rows),
                 row_headers=2)


def then_test_table(analysis: CohortAnalysis) -> Table:
    """Retrospective pretest vs real pretest (response shift), and the pre/post effect both ways."""
    rows = []
    for o in ordered_outcomes(analysis):
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        t = o.then_test
        if t is None:
            row["missing"] = o.missing.get("then_test", "not computed")
        else:
            row.update({
                "n": t.n_obs, "gap": t.gap.mean_diff, **_ci("gap_ci", t.gap.mean_diff_ci_low, t.gap.mean_diff_ci_high),
                "gap_d_z": t.gap.d_z, "g_av_pretest": t.with_pretest.g_av,
                **_ci("g_av_pretest_ci", t.with_pretest.g_av_ci_low, t.with_pretest.g_av_ci_high),
                "g_av_retro": t.with_retro_pre.g_av,
                **_ci("g_av_retro_ci", t.with_retro_pre.g_av_ci_low, t.with_retro_pre.g_av_ci_high),
                "direction": t.shift_direction.replace("_", " "),
            })
            _explain(row, (*t.notes, *t.gap.notes))
        rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="n", header="n", kind="int"),
        Column(key="gap", header="Gap (retro \u2212 pre)"),
        Column(key="gap_ci", header="95% CI", kind="ci"),
        Column(key="gap_d_z", header="Gap d_z"),
        Column(key="g_av_pretest", header="g_av with pretest"),
        Column(key="g_av_pretest_ci", header="95% CI", kind="ci"),
        Column(key="g_av_retro", header="g_av with retro pretest"),
        Column(key="g_av_retro_ci", header="95% CI", kind="ci"),
        Column(key="direction", header="Shift", kind="text"),
    )
    return Table(name="then_test", caption="Then-test: the retrospective pretest against the real pretest "
                 "(response shift)", columns=columns, rows=tuple(rows))


def attrition_table(analysis: CohortAnalysis) -> Table:
    """Overall and differential attrition at the follow-up and the WWC baseline-equivalence check."""
    a = analysis.attrition
    row: dict[str, Any] = {}
    if a is None:
        row["missing"] = analysis.missing.get("attrition", "not computed")
    else:
        row.update({"n": a.n_obs, "n_retained": a.n_retained, "n_lost": a.n_lost,
                    "overall_attrition": a.overall_attrition, "differential_attrition": a.differential_attrition,
                    "max_abs_effect": a.max_abs_effect, "wwc_category": a.wwc_category, "flag": a.flag})
        _explain(row, a.notes)
    columns = (
        Column(key="n", header="At baseline", kind="int"),
        Column(key="n_retained", header="Retained", kind="int"),
        Column(key="n_lost", header="Lost", kind="int"),
        Column(key="overall_attrition", header="Attrition", kind="share"),
        Column(key="differential_attrition", header="Differential attrition", kind="share"),
        Column(key="max_abs_effect", header="Largest baseline difference"),
        Column(key="wwc_category", header="WWC baseline equivalence", kind="text"),
        Column(key="flag", header="Needs attention", kind="bool"),
    )
    notes = tuple(a.notes) if a is not None else ()
    return Table(name="attrition", caption="Attrition before the follow-up", columns=columns, rows=(row,),
                 row_headers=0, notes=notes)


def attrition_baseline_table(analysis: CohortAnalysis, *, min_group_size: int | None = None) -> Table:
    """Baseline differences between retained and lost participants, one row per variable or level.

    With ``min_group_size`` (managers), a categorical level held by fewer people than that
    is shown without numbers.
    """
    a = analysis.attrition
    rows = []
    if a is None:
        rows.append({"variable": "baseline", "missing": analysis.missing.get("attrition", "not computed")})
    else:
        for v in a.variables:
            row: dict[str, Any] = {"variable": v.variable.replace("_", " "), "level": v.level}
            size = _level_size(v.retained_value, v.n_retained, v.lost_value, v.n_lost) if v.level is not None else None
            if min_group_size is not None and size is not None and size < min_group_size:
                row["missing"] = f"fewer than {min_group_size} people: not shown"
            else:
                row.update({"n_retained": v.n_retained, "n_lost": v.n_lost, "retained_value": v.retained_value,
                            "lost_value": v.lost_value, "effect_size": v.effect_size, "measure": v.measure,
                            "wwc": v.wwc})
                label = v.variable if v.level is None else f"{v.variable}={v.level}"
                _explain(row, [note for note in a.notes if note.startswith(label)] or a.notes)
            rows.append(row)
    columns = (
        Column(key="variable", header="Variable", kind="text"),
        Column(key="level", header="Level", kind="text"),
        Column(key="n_retained", header="n retained", kind="int"),
        Column(key="n_lost", header="n lost", kind="int"),
        Column(key="retained_value", header="Retained (mean or share)"),
        Column(key="lost_value", header="Lost (mean or share)"),
        Column(key="effect_size", header="Standardized difference"),
        Column(key="measure", header="Measure", kind="text"),
        Column(key="wwc", header="WWC", kind="text"),
    )
    return Table(name="attrition_baseline", caption="Did those lost before the follow-up differ at baseline?",
                 columns=columns, rows=tuple(rows), row_headers=2)


def _level_size(retained_share: float, n_retained: int, lost_share: float, n_lost: int) -> int:
    values = [(s, n) for s, n in ((retained_share, n_retained), (lost_share, n_lost)) if _number(s) is not None]
    return int(round(sum(s * n for s, n in values)))


def applied_table(analysis: CohortAnalysis) -> Table:
    """Share who applied the skills at six months (Wilson CI), beside the program's earlier figure."""
    p = analysis.applied
    row: dict[str, Any] = {"earlier": PROGRAM_EARLIER_APPLIED_SHARE}
    if p is None:
        row["missing"] = analysis.missing.get("applied", "not computed")
    else:
        row.update({"n": p.n_obs, "applied": p.successes, "share": p.share, **_ci("share_ci", p.ci_low, p.ci_high)})
    columns = (
        Column(key="n", header="Answered", kind="int"),
        Column(key="applied", header="Applied the skills", kind="int"),
        Column(key="share", header="Share", kind="share"),
        Column(key="share_ci", header="95% CI (Wilson)", kind="share_ci"),
        Column(key="earlier", header="Program's earlier figure", kind="share"),
    )
    return Table(name="applied", caption="Application of the skills at six months", columns=columns, rows=(row,),
                 row_headers=0)


def suppress_small_groups(result: SubgroupResult, min_group_size: int) -> list[tuple[str, int | None, Any]]:
    """(group, n or None, result or None) with groups under ``min_group_size`` hidden.

    When exactly one group would be hidden, the next smallest is hidden too, so its
    numbers cannot be worked out from the others and the total.
    """
    entries = [(str(g.group), g.n if isinstance(g.n, int) else None, g.result) for g in result.groups]
    hidden = {i for i, (_, n, _r) in enumerate(entries) if n is None or n < min_group_size}
    if len(hidden) == 1 and len(entries) > 1:
        shown = [(n, i) for i, (_, n, _r) in enumerate(entries) if i not in hidden and n is not None]
        if shown:
            hidden.add(min(shown)[1])
    return [(label, None, None) if i in hidden else (label, n, r) for i, (label, n, r) in enumerate(entries)]


def subgroup_table(dimension: str, result: SubgroupResult | None, *, missing: str | None = None,
                   min_group_size: int | None = None) -> Table:
    """Pre/post change of the behaviour total per ministry or province.

    ``min_group_size`` (managers) hides groups under that size (see :func:`suppress_small_groups`);
    without it every computed group is shown.
    """
    rows: list[dict[str, Any]] = []
    if result is None:
        rows.append({"group": "all", "missing": missing or "not computed"})
    else:
        if min_group_size is not None:
            entries = suppress_small_groups(result, min_group_size)
            why = f"hidden: groups under {min_group_size} people are not shown"
        else:
            entries = [(str(g.group), g.n if isinstance(g.n, int) else None, g.result) for g in result.groups]
            why = f"too few pairs ({result.min_n} needed)"
        for label, n, paired_result in entries:
            row: dict[str, Any] = {"group": label}
            if paired_result is None:
                row["missing"] = why
            else:
                row.update({"n": n, "mean_diff": paired_result.mean_diff, "d_z": paired_result.d_z,
                            "g_av": paired_result.g_av,
                            **_ci("g_av_ci", paired_result.g_av_ci_low, paired_result.g_av_ci_high),
                            "p_value": paired_result.p_value})
                _explain(row, paired_result.notes)
            rows.append(row)
    columns = (
        Column(key="group", header=dimension.capitalize(), kind="text"),
        Column(key="n", header="Pairs", kind="int"),
        Column(key="mean_diff", header="Change"),
        Column(key="d_z", header="d_z"),
        Column(key="g_av", header="g_av"),
        Column(key="g_av_ci", header="g_av 95% CI", kind="ci"),
        Column(key="p_value", header="p", kind="p"),
    )
    return Table(name=f"subgroups_{dimension}", caption=f"Change in leadership behaviour (total) by {dimension}",
                 columns=columns, rows=tuple(rows))


def cohort_comparison_table(cohorts: Sequence[Mapping[str, Any]]) -> Table:
    """The cohorts side by side: response rates, retention and the behaviour-total effects.

    Each mapping has ``cohort`` (label), ``students``, ``response_rates`` (wave -> rate),
    ``n_pre``, ``n_retained`` and ``analysis`` (its :class:`CohortAnalysis`).
    """
    rows = []
    for c in cohorts:
        analysis: CohortAnalysis = c["analysis"]
        rates = c.get("response_rates", {})
        row: dict[str, Any] = {
            "cohort": c["cohort"], "students": c["students"], "response_pre": rates.get("pre"),
            "response_post": rates.get("post"), "response_followup": rates.get("followup"),
            "retention": c["n_retained"] / c["n_pre"] if c["n_pre"] else None,
            "applied": analysis.applied.share if analysis.applied else None,
        }
        total = analysis.outcomes.get(TOTAL)
        if total is None or total.pre_post is None:
            row["missing"] = (total.missing.get("pre_post") if total is not None else None) or \
                "no answers to the leadership behaviour survey yet"
        else:
            pp, pf = total.pre_post, total.pre_followup
            row.update({"n_pairs": pp.n_obs, "g_av": pp.g_av, **_ci("g_av_ci", pp.g_av_ci_low, pp.g_av_ci_high),
                        "g_av_followup": pf.g_av if pf else None,
                        **_ci("g_av_followup_ci", pf.g_av_ci_low if pf else None, pf.g_av_ci_high if pf else None),
                        "improved": total.change.improved.share if total.change else None})
            _explain(row, pp.notes)
            if pf is None and not row.get("missing"):
                row["missing"] = total.missing.get("pre_followup")
        rows.append(row)
    columns = (
        Column(key="cohort", header="Cohort", kind="text"),
        Column(key="students", header="Active students", kind="int"),
        Column(key="response_pre", header="Response pre", kind="share"),
        Column(key="response_post", header="Response post", kind="share"),
        Column(key="response_followup", header="Response follow-up", kind="share"),
        Column(key="retention", header="Retention", kind="share"),
        Column(key="n_pairs", header="Pre/post pairs", kind="int"),
        Column(key="g_av", header="g_av after"),
        Column(key="g_av_ci", header="95% CI", kind="ci"),
        Column(key="g_av_followup", header="g_av follow-up"),
        Column(key="g_av_followup_ci", header="95% CI", kind="ci"),
        Column(key="improved", header="Reliably improved", kind="share"),
        Column(key="applied", header="Applied at 6 months", kind="share"),
    )
    return Table(name="cohorts", caption="Cohorts side by side: leadership behaviour (total)", columns=columns,
                 rows=tuple(rows))


def missing_table(analysis: CohortAnalysis) -> Table:
    """Every statistic that could not be computed, and why."""
    rows = [{"scope": outcome_label(o.name), "statistic": stat.replace("_", " "), "reason": why}
            for o in ordered_outcomes(analysis) for stat, why in o.missing.items()]
    rows += [{"scope": "cohort" if analysis.scope != "program" else "program", "statistic": stat.replace("_", " "),
              "reason": why} for stat, why in analysis.missing.items()]
    columns = (
        Column(key="scope", header="Outcome", kind="text"),
        Column(key="statistic", header="Statistic", kind="text"),
        Column(key="reason", header="Why it is missing", kind="note"),
    )
    return Table(name="missing", caption="Statistics that could not be computed, and why", columns=columns,
                 rows=tuple(rows), row_headers=2)


def cohort_tables(analysis: CohortAnalysis, *, sees_individuals: bool, min_group_size: int,
                  subgroups: Sequence[tuple[str, SubgroupResult | None, str | None]] = (),
                  progress: Iterable[Mapping[str, Any]] | None = None,
                  retention: tuple[int, int] | None = None, reverse_keyed: Iterable[str] = ()) -> dict[str, Table]:
    """Every table of a cohort dashboard by name, for one audience.

    ``sees_individuals`` False (managers): no per-participant table, subgroups and
    categorical baseline levels under ``min_group_size`` hidden.
    """
    limit = None if sees_individuals else min_group_size
    tables: list[Table] = []
    if progress is not None:
        tables.append(progress_table(progress))
    if retention is not None:
        tables.append(retention_table(*retention))
    tables += [
        paired_table(analysis, "pre_post"), paired_table(analysis, "pre_followup"), reliability_table(analysis),
        items_table(analysis, reverse_keyed=reverse_keyed), change_table(analysis),
    ]
    if sees_individuals:
        tables.append(change_participants_table(analysis))
    tables += [
        repeated_table(analysis), pairwise_table(analysis), mixed_model_table(analysis), then_test_table(analysis),
        attrition_table(analysis), attrition_baseline_table(analysis, min_group_size=limit), applied_table(analysis),
    ]
    tables += [subgroup_table(dimension, result, missing=why, min_group_size=limit)
               for dimension, result, why in subgroups]
    tables.append(missing_table(analysis))
    return {t.name: t for t in tables}

