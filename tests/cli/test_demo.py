"""``lipassess demo``: run as a real command into a temporary folder, twice.

The demo renders eight PDFs and runs every analysis, so the module runs it
once (and the reuse test a second time) and every test reads that output.
Its speed is measured by ``bench/demo.py``, not here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from lipassess import create_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCOPES = ("demo-lip-c5", "demo-lip-c6", "demo-lip-hfd", "program")


def run_demo(out: Path, configured: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with a configured database it must not touch."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIPASSESS_DATABASE_URL": f"sqlite:///{configured}"}
    return subprocess.run([sys.executable, "-c", "import sys; from lipassess.cli import main; main(sys.argv[1:])",
                           "demo", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("demo")
    out, configured = base / "out", base / "configured.sqlite3"
    result = run_demo(out, configured)
    assert result.returncode == 0, result.stderr
    return {"out": out, "configured": configured, "stdout": result.stdout}


def squash(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", unicodedata.normalize("NFC", text))


def pdftotext(path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed to read the PDFs back"
    return subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True, timeout=60).stdout


def password(stdout: str) -> str:
    return re.search(r"user 'demo', password '([^']+)'", stdout).group(1)


def test_every_output_is_where_it_says(demo) -> None:
    out, stdout = demo["out"], demo["stdout"]
    for scope in SCOPES:
        for lang in ("en", "km"):
            assert (out / "summaries" / f"summary-{scope}-{lang}.html").is_file()
            assert (out / "summaries" / f"summary-{scope}-{lang}.pdf").stat().st_size > 10_000
        assert (out / "analyses" / f"analysis-{scope}.json").is_file()
        assert (out / "tables" / f"{scope}-pre_post.csv").is_file()
        assert (out / "tables" / f"{scope}-reliable_change_participants.csv").is_file()  # the evaluator's view
    for scope in SCOPES[:3]:
        assert (out / "tables" / f"{scope}-progress.csv").is_file()
    assert (out / "tables" / "program-cohorts.csv").is_file()
    for name in ("lipassess-demo-long.csv", "lipassess-demo-wide.csv", "lipassess-demo.xlsx", "lipassess-demo.sav"):
        assert (out / "exports" / name).is_file()
    assert (out / "lipassess-demo.sqlite3").is_file()
    assert "SYNTHETIC" in (out / "README.txt").read_text(encoding="utf-8")
    lines = stdout.splitlines()
    for label in ("database", "summaries (HTML)", "summaries (PDF)", "analyses (JSON)", "dashboard tables",
                  "exports", "dashboard login"):
        assert sum(line.startswith(label) for line in lines) == 1, label
    assert lines[0].startswith("SYNTHETIC DEMO DATA") and "(created)" in stdout
    assert re.search(r"^finished in \d+\.\d s$", stdout, re.M)


def test_the_configured_database_is_never_touched(demo) -> None:
    assert not demo["configured"].exists()


def test_pdfs_say_synthetic(demo) -> None:
    for scope in SCOPES:
        english = squash(pdftotext(demo["out"] / "summaries" / f"summary-{scope}-en.pdf"))
        assert "SYNTHETICDATA" in english and "Impactsummary" in english
        khmer = squash(pdftotext(demo["out"] / "summaries" / f"summary-{scope}-km.pdf"))
        assert "ទិន្នន័យ" in khmer and "សំយោគ" in khmer
    html = (demo["out"] / "summaries" / "summary-program-en.html").read_text(encoding="utf-8")
    assert "synthetic-banner" in html and "DEMO-LIP-C6" in html  # the per-cohort forest plot


def test_analysis_numbers_are_sane(demo) -> None:
    program = json.loads((demo["out"] / "analyses" / "analysis-program.json").read_text(encoding="utf-8"))
    assert program["synthetic"] is True and program["n_participants"] == 505
    total = program["outcomes"]["total"]
    # the generator's true shift is +0.45 on the latent scale at post, +0.35 at follow-up
    assert 0 < total["pre_post"]["g_av_ci_low"] < total["pre_post"]["g_av"] < total["pre_post"]["g_av_ci_high"]
    assert total["pre_followup"]["g_av_ci_low"] > 0
    assert total["then_test"]["gap"]["mean_diff_ci_high"] < 0  # retro-pre sits below the real pretest
    assert 0.15 < program["attrition"]["overall_attrition"] < 0.32
    for scope in SCOPES[:3]:
        cohort = json.loads((demo["out"] / "analyses" / f"analysis-{scope}.json").read_text(encoding="utf-8"))
        assert cohort["scope"] == scope.upper() and cohort["outcomes"]["total"]["pre_post"]["g_av_ci_low"] > 0


def test_tables_and_exports_are_labelled_synthetic(demo) -> None:
    out = demo["out"]
    for table in (out / "tables").glob("*.csv"):
        frame = pd.read_csv(table)
        assert "synthetic" in frame.columns, table.name
    outcomes = pd.read_csv(out / "tables" / "program-pre_post.csv").set_index("outcome")
    program = json.loads((out / "analyses" / "analysis-program.json").read_text(encoding="utf-8"))
    assert outcomes.loc["Leadership behaviour (total)", "g_av"] == pytest.approx(
        program["outcomes"]["total"]["pre_post"]["g_av"])
    cohorts = pd.read_csv(out / "tables" / "program-cohorts.csv")
    assert sorted(cohorts["cohort"]) == sorted(scope.upper() for scope in SCOPES[:3])
    long = pd.read_csv(out / "exports" / "lipassess-demo-long.csv")
    assert long["synthetic"].unique().tolist() == [1] and long["pseudonym"].nunique() == 505
    assert "email" not in long.columns
    _, meta = pyreadstat.read_sav(str(out / "exports" / "lipassess-demo.sav"), metadataonly=True)
    assert "SYNTHETIC" in meta.file_label
    about = [row[0] for row in openpyxl.load_workbook(out / "exports" / "lipassess-demo.xlsx")["about"].values]
    assert any("SYNTHETIC" in str(cell) for cell in about)


def test_printed_password_signs_in_and_a_second_run_reuses(demo) -> None:
    out = demo["out"]
    first = password(demo["stdout"])
    again = run_demo(out, demo["configured"])
    assert again.returncode == 0, again.stderr
    assert "reused" in again.stdout and "(created)" not in again.stdout
    second = password(again.stdout)
    assert second != first
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{out / 'lipassess-demo.sqlite3'}",
                      "SECRET_KEY": "x" * 40, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/staff/login", data={"username": "demo", "password": first}).status_code == 401
    assert client.post("/staff/login", data={"username": "demo", "password": second}).status_code == 302
    program = json.loads((out / "analyses" / "analysis-program.json").read_text(encoding="utf-8"))
    assert program["n_participants"] == 505  # the same program, not a second one
    from lipassess import db

    db.engine_for(app).dispose()


def test_needs_reports_are_written(demo) -> None:
    out, stdout = demo["out"], demo["stdout"]
    for scope in SCOPES:
        for lang in ("en", "km"):
            html = (out / "needs" / f"needs-{scope}-{lang}.html").read_text(encoding="utf-8")
            assert 'class="synthetic-banner"' in html and 'data-rule="rec.first"' in html
    for lang in ("en", "km"):
        assert (out / "needs" / f"needs-program-{lang}.pdf").stat().st_size > 10_000
    english = squash(pdftotext(out / "needs" / "needs-program-en.pdf"))
    assert "PutConflictmanagementfirstforthewholeprogram" in english and "SYNTHETIC" in english
    assert sum(line.startswith("needs reports") for line in stdout.splitlines()) == 1
