"""The dashboard's observer table: one row per statistic, numbers from the figures, reasons when missing."""

from __future__ import annotations

from lipassess.reports.figures import Missing, MissingReason
from lipassess.reports.observer_figures import ObserverAgreement, ObserverChange, ObserverFigures, ObserverGap
from lipassess.reports.tables.observers import observers_table


def test_rows_carry_the_figures_and_the_csv_keeps_full_precision() -> None:
    figures = ObserverFigures(
        group="supervisor", min_raters=3, n_raters=40,
        pre_post=ObserverChange(mean_diff=0.1875, ci_low=0.05, ci_high=0.325, d_z=0.44, n=20),
        pre_followup=ObserverChange(missing=Missing(reason=MissingReason.NOT_YET, wave="followup")),
        self_pre_post=ObserverChange(mean_diff=0.4, ci_low=0.3, ci_high=0.5, d_z=1.2, n=20),
        gap=ObserverGap(pre=0.1, post=0.3, change=0.2, ci_low=0.08, ci_high=0.32, verdict="widened", n=20),
        agreement=ObserverAgreement(missing=Missing(reason=MissingReason.TOO_FEW, n=1, needed=2, wave="pre")))
    table = observers_table(figures)
    assert table.name == "observers" and table.caption.startswith("What supervisors saw:")
    statistics = [row["statistic"] for row in table.rows]
    assert statistics[0] == "Change seen by supervisors, before \u2192 after"
    assert table.rows[0]["estimate"] == 0.1875 and table.rows[0]["ci_high"] == 0.325
    assert table.rows[1]["missing"] == "not yet: the wave has not taken place (followup)"
    assert statistics[-1] == "Agreement among observers"
    assert table.rows[-1]["missing"] == "too few: 1 of the 2 needed (pre)"
    csv = table.csv()
    assert "0.1875" in csv and "0.325" in csv and "missing_reason" in csv.splitlines()[0]


def test_a_withheld_section_is_one_row_with_its_reason() -> None:
    table = observers_table(ObserverFigures(min_raters=3, missing=Missing(reason=MissingReason.TOO_FEW, n=2,
                                                                          needed=3)))
    assert table.caption.startswith("What observers saw:")
    assert [dict(r) for r in table.rows] == [{"statistic": "Observer ratings", "missing": "too few: 2 of the 3 needed"}]
