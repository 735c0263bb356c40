"""``lipassess demo``: run as a real command into a temporary folder, then again, served, and rebuilt.

The demo renders eight PDFs and runs every analysis, so the module runs it
once and every test reads that output; the reuse, serve and rebuild tests run
it again. Its speed is measured by ``bench/demo.py``, not here.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
import urllib.request
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from lipassess import create_app
from tests.ports import PortTaken, free_port, on_a_free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCOPES = ("demo-lip-c5", "demo-lip-c6", "demo-lip-hfd", "program")


def environment(configured: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "LIPASSESS_DATABASE_URL": f"sqlite:///{configured}",
            "PYTHONUNBUFFERED": "1"}


def run_demo(out: Path, configured: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with a configured database it must not touch."""
    return subprocess.run([sys.executable, "-c", "import sys; from lipassess.cli import main; main(sys.argv[1:])",
                           "demo", "--out", str(out), *options], cwd=ROOT, env=environment(configured),
                          capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("demo")
    out, configured, port = base / "out", base / "configured.sqlite3", free_port()
    result = run_demo(out, configured, "--port", str(port))
    assert result.returncode == 0, result.stderr
    pristine = base / "pristine"  # the folder as the first run left it (later tests open a survey: new data)
    shutil.copytree(out, pristine)
    return {"out": out, "configured": configured, "stdout": result.stdout, "port": port, "pristine": pristine}


def untouched(demo: dict, tmp_path: Path) -> Path:
    """A copy of the demo folder as the first run left it, for a test that needs its data unchanged."""
    return Path(shutil.copytree(demo["pristine"], tmp_path / "demo"))


def hint(stdout: str, label: str) -> list[str]:
    """The command printed after ``label``, split as a shell splits it."""
    line = next(line for line in stdout.splitlines() if line.startswith(label))
    return shlex.split(line[len(label):])


def participant_url(stdout: str) -> str:
    return re.search(r"^Try the survey as a participant: (http://\S+)", stdout, re.M).group(1)


def opens_an_open_survey(url: str) -> bool:
    """Follow a personal link as a browser does: it lands on the consent page of a wave open now."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with browser.open(url, timeout=60) as page:
        body = page.read().decode("utf-8")
        return page.status == 200 and "/survey/wave/" in page.geturl() and 'name="consent"' in body


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
    # progress while it works: each step with the time since the start
    steps = [line for line in lines if re.match(r"^  \[ *\d+\.\d s\] ", line)]
    assert [s.split("] ")[1] for s in steps] == [
        "building the synthetic program (3 cohorts, about 500 participants)", "analysing demo-lip-c5",
        "analysing demo-lip-c6", "analysing demo-lip-hfd", "analysing program", "writing exports",
        "waiting for the PDF summaries"]
    assert (out / "sign-in.txt").read_text(encoding="utf-8").strip() == password(stdout)


def test_printed_hints_are_commands_to_paste(demo) -> None:
    port, out = str(demo["port"]), str(demo["out"])
    serve = hint(demo["stdout"], "open it with")
    assert serve[0] == ".venv/bin/lipassess" and (ROOT / serve[0]).is_file()  # run from the checkout
    assert serve[1:] == ["demo", "--out", out, "--serve", "--port", port]
    assert hint(demo["stdout"], "start over")[1:] == ["demo", "--out", out, "--rebuild"]
    assert participant_url(demo["stdout"]).startswith(f"http://127.0.0.1:{port}/s/")


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


def signs_in(out: Path, secret: str) -> bool:
    from lipassess import db

    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{out / 'lipassess-demo.sqlite3'}",
                      "SECRET_KEY": "x" * 40, "WTF_CSRF_ENABLED": False})
    try:
        return app.test_client().post("/staff/login", data={"username": "demo", "password": secret}).status_code \
            == 302
    finally:
        db.engine_for(app).dispose()


def test_the_printed_participant_link_opens_an_open_survey(demo) -> None:
    from lipassess import db

    url = participant_url(demo["stdout"])
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{demo['out'] / 'lipassess-demo.sqlite3'}",
                      "SECRET_KEY": "x" * 40})
    try:
        client = app.test_client()
        opened = client.get(url.removeprefix(f"http://127.0.0.1:{demo['port']}"))
        assert opened.status_code == 303
        consent = client.get(opened.headers["Location"])
        assert consent.status_code == 200 and 'name="consent"' in consent.get_data(as_text=True)
    finally:
        db.engine_for(app).dispose()


def outputs_written(out: Path) -> dict[str, int]:
    """Every output file under ``out``'s output folders, with the time it was last written."""
    return {path.relative_to(out).as_posix(): path.stat().st_mtime_ns
            for folder in ("summaries", "analyses", "tables", "exports", "needs")
            for path in sorted((out / folder).rglob("*")) if path.is_file()}


def test_a_second_run_keeps_the_program_the_password_and_unchanged_outputs(demo, tmp_path: Path) -> None:
    out = untouched(demo, tmp_path)
    first = password(demo["stdout"])
    written = outputs_written(out)
    assert len(written) >= 40 and "summaries/summary-program-km.pdf" in written
    again = run_demo(out, demo["configured"], "--port", str(demo["port"]))
    assert again.returncode == 0, again.stderr
    assert "reused" in again.stdout and "(created)" not in again.stdout
    assert password(again.stdout) == first and "(unchanged;" in again.stdout
    assert signs_in(out, first)
    # same data, same code: nothing analysed or written again, every file as the first run left it
    assert "unchanged since the last run" in again.stdout and "analysing" not in again.stdout
    assert outputs_written(out) == written
    assert "(8 files)" in again.stdout  # the PDF summaries are still listed where they are

    # a deleted output: the next run writes every output again
    (out / "summaries" / "summary-program-km.pdf").unlink()
    third = run_demo(out, demo["configured"], "--port", str(demo["port"]))
    assert third.returncode == 0, third.stderr
    assert "unchanged since the last run" not in third.stdout and "analysing program" in third.stdout
    rewritten = outputs_written(out)
    assert rewritten.keys() == written.keys()
    assert all(rewritten[name] > written[name] for name in written)
    assert (out / "summaries" / "summary-program-km.pdf").stat().st_size > 10_000
    program = json.loads((out / "analyses" / "analysis-program.json").read_text(encoding="utf-8"))
    assert program["n_participants"] == 505  # the same program, not a second one


def serve_pasted(demo: dict, port: int, out: Path) -> tuple[subprocess.Popen[str], str]:
    """The printed serve command, pasted, on ``port`` and folder ``out`` instead of the ones printed; the server
    and what it said.

    The demo was built with a port that was free then; by now a parallel test
    may hold it, so the server gets a port found free just before it starts
    (another one if it is taken in between: :class:`PortTaken`).
    """
    command = hint(demo["stdout"], "open it with")  # pasted as printed
    command[command.index("--port") + 1] = str(port)
    command[command.index("--out") + 1] = str(out)
    server = subprocess.Popen(command, cwd=ROOT, env=environment(demo["configured"]), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        printed = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            printed.append(line)
            if line.startswith("serving the demo at"):
                break
        stdout = "".join(printed)
        assert "serving the demo at" in stdout, stdout
        login = f"http://127.0.0.1:{port}/staff/login"
        for _ in range(50):  # the server starts listening just after it says so
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(login, timeout=10) as page:
                    assert page.status == 200
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(0.3)  # a server that could not bind its port exits at once: make sure this one is still up
        if server.poll() is not None:
            rest = server.stdout.read()
            if "in use" in rest:
                raise PortTaken(rest)
            raise AssertionError(stdout + rest)
        return server, stdout
    except BaseException:
        stop(server)
        raise


def stop(server: subprocess.Popen[str]) -> None:
    server.terminate()
    server.wait(timeout=30)
    server.stdout.close()


def test_serve_on_the_existing_folder_keeps_the_password_and_the_data(demo, tmp_path: Path) -> None:
    out, first = untouched(demo, tmp_path), password(demo["stdout"])
    summary = out / "summaries" / "summary-program-en.html"
    written = summary.stat().st_mtime_ns
    server, stdout = on_a_free_port(lambda port: serve_pasted(demo, port, out))
    try:
        assert "reused" in stdout and "(created)" not in stdout and password(stdout) == first
        assert "summaries (HTML)" not in stdout and summary.stat().st_mtime_ns == written  # served as it is
        assert "analysing" not in stdout  # the stored analyses were still fresh
        assert opens_an_open_survey(participant_url(stdout))
    finally:
        stop(server)
    assert signs_in(out, first)


def test_rebuild_starts_over(demo) -> None:
    out, first = demo["out"], password(demo["stdout"])
    stray = out / "needs" / "needs-old-cohort-en.html"  # left by an older demo: every output folder is cleared
    stray.write_text("old", encoding="utf-8")
    rebuilt = run_demo(out, demo["configured"], "--rebuild", "--port", str(demo["port"]))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "(created)" in rebuilt.stdout and "(new;" in rebuilt.stdout
    assert "unchanged since the last run" not in rebuilt.stdout and not stray.exists()
    second = password(rebuilt.stdout)
    assert second != first and signs_in(out, second) and not signs_in(out, first)


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
