"""A dashboard table shown in Khmer: the catalogue's words, Khmer digits, the English terms kept for tooltips.

The expected cells are written out by hand from the formatting rules (2
decimals, shares with one decimal and %, Latin digits 0-9 -> Khmer ០-៩), not
taken from the code under test.
"""

from __future__ import annotations

import datetime as dt

from lipassess.reports.tables import Column, Table, progress_table
from lipassess.reports.tables.localize import item_heading, localize
from lipassess.text import text

WAVE = {"wave_id": 7, "kind": "post", "opens_at": dt.datetime(2025, 3, 1, 9), "closes_at": None,
        "active_students": 24, "invited": 24, "started": 13, "submitted": 12, "response_rate": 0.5,
        "reminders_sent": 2, "messages_failed": 0}


def test_a_table_in_khmer_has_khmer_words_and_digits_and_keeps_its_english_terms() -> None:
    english = progress_table([WAVE])
    khmer = localize(english, "km")
    assert khmer.caption == text("staff.caption.progress", "km")
    assert [c.header for c in khmer.columns][:3] == ["ដំណាក់កាល", "បើក", "បិទ"]
    assert [c.term for c in khmer.columns][:3] == ["Wave", "Opens", "Closes"]
    assert khmer.cells(khmer.rows[0]) == ["ក្រោយវគ្គ", "២០២៥-០៣-០១", "\u2013", "២៤", "២៤", "១៣", "១២", "៥០.០%", "២", "០",
                                          "\u2013", "\u2013"]
    # the table the CSV is written from is untouched: English words, Latin digits, full precision
    assert english.cells(english.rows[0])[:2] == ["post", "2025-03-01"]
    assert "post" in english.csv() and ",0.5," in english.csv()
    assert localize(english, "en") is english


def test_yes_no_reasons_and_item_headings_in_khmer() -> None:
    table = Table(name="attrition", caption="Attrition before the follow-up",
                  columns=(Column(key="n", header="At baseline", kind="int"),
                           Column(key="flag", header="Needs attention", kind="bool"),
                           Column(key="wwc_category", header="WWC baseline equivalence", kind="text")),
                  rows=({"n": 1234, "flag": True, "wwc_category": "requires statistical adjustment",
                         "missing": "too few pairs (5 needed)"},), row_headers=0)
    khmer = localize(table, "km")
    assert khmer.cells(khmer.rows[0]) == ["១,២៣៤", text("staff.cell.yes", "km"), "ត្រូវការការកែតម្រូវស្ថិតិ"]
    assert khmer.rows[0]["missing"] == "ចំនួនគូតិចពេក (ត្រូវការ ៥)"
    items = Table(name="items", caption="Item analysis: Communication, pre", columns=(),
                  rows=({"outcome_id": "communication", "wave_id": "pre"},))
    assert item_heading(localize(items, "km")) == "ការប្រាស្រ័យទាក់ទង, មុនវគ្គ"
    assert item_heading(items) == "Communication, pre"
