"""The one-page summary: self-contained HTML, and an A4 PDF whose Khmer text and chart labels are real text.

pdftotext (poppler) reads the PDF back. Khmer extraction from PDF is lossy:
glyphs for pre-base vowels and subscript consonants often come back reordered
or as neighbouring code points. So the checks compare NFC text with all
whitespace (and U+200B) removed, and look for words whose glyphs map back
one-to-one; the chart-only strings prove the charts' text is there too.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from lipassess.reports import render
from lipassess.reports.figures import Attrition, Effect, Missing, Reliability, Share, ThenTest
from lipassess.reports.render import render_html, render_pdf, summary_charts
from tests.reports.factories import make_figures, program_figures

TODAY = dt.date(2025, 3, 2)


def squash(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", unicodedata.normalize("NFC", text))


def poppler(tool: str, *args: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} (poppler-utils) is needed to read the PDF back: apt-get install poppler-utils"
    return subprocess.run([path, *args], capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("summary")
    paths = {}
    for lang in ("en", "km"):
        path = out / f"summary-{lang}.pdf"
        path.write_bytes(render_pdf(make_figures(synthetic=True), lang, generated_on=TODAY))
        paths[lang] = path
    return paths


def pages(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(path)), re.M).group(1))


def test_english_pdf_is_one_a4_page_with_its_text_and_chart_labels(pdfs: dict[str, Path]) -> None:
    path = pdfs["en"]
    assert pages(path) == 1
    info = poppler("pdfinfo", str(path))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    text = squash(poppler("pdftotext", str(path), "-"))
    # the plain answer comes first; g_av is typeset as g with a subscript "av"
    assert text.index(squash("Leadership behaviour improved strongly after the training (g = 0.85)")) < text.index(
        squash("Who took part"))
    assert "g_av" not in text
    for phrase in ("Impact summary: LIP cohort 5 (2024)", "SYNTHETIC DATA", "Who took part",
                   "The change is large (Hedges' gav = 0.85, 95% CI 0.68 to 1.02",
                   "Lacerenza, Reyes, Marlow, Joseph & Salas, 2017",
                   "Groups with fewer than 5 participants are not shown"):
        assert squash(phrase) in text, phrase
    # chart labels: these strings exist only in the forest plot and the means chart
    for label in ("Lacerenza et al. 2017: \u03b4 = 0.82", "Effect size with 95% CI (0 = no change)",
                  "0.92 [0.74, 1.10]", "Cross-sector collaboration", "6 months"):
        assert squash(label) in text, label
    # the Khmer province names in the subgroup table survive too; the suppressed one shows no numbers
    assert "ភ្នំពេញ" in text and "fewerthan5:notshown" in text


def test_khmer_pdf_is_one_page_with_khmer_text_in_a_khmer_font(pdfs: dict[str, Path]) -> None:
    path = pdfs["km"]
    assert pages(path) == 1
    fonts = poppler("pdffonts", str(path))
    assert "Khmer-OS" in fonts, fonts
    text = squash(poppler("pdftotext", str(path), "-"))
    # words from the banner, the title area, the plain answer, the narrative and the table (pdftotext maps a
    # glyph to the text of its first use, so a word whose consonant first appears inside a cluster is cut)
    for word in ("ទិន្នន័យ", "សំយោគ", "ជំនាន់", "សរុបមក", "១៨០នាក់បាន", "ភាពជាអ្នកដឹកនាំ",
                 "ស្រាវជ្រាវ", "ឯកជនភាព", "ក្រសួង", "ខេត្ត", "ថ្ងៃទី"):
        assert word in text, word
    # numbers in Khmer digits, with the Khmer decimal comma
    for number in ("១៧២", "៨៦%", "០,៨៥", "៨១%", "៨៩%"):
        assert number in text, number
    # chart-only strings: a Khmer outcome label, an estimate with its CI, the Lacerenza reference line
    for label in ("០,៩២[០,៧៤;១,១០]", "Lacerenzaetal.2017", "(PDIA)"):
        assert label in text, label
    assert "Impact summary" not in text and "0.85" not in text


def test_html_is_self_contained_and_its_charts_are_svg_text() -> None:
    html = render_html(make_figures(synthetic=True), "km", generated_on=TODAY)
    assert html.startswith("<!doctype html>") and '<html lang="km">' in html
    assert not re.search(r"<(link|script|img)\b|\bsrc=", html)
    # the only url()s: the bundled Khmer web font, regular and bold, embedded (the file stands alone)
    fonts = re.findall(r'font-weight: (\d+);[^}]*url\("data:font/woff2;base64,([A-Za-z0-9+/=]+)"\)', html)
    assert [weight for weight, _ in fonts] == ["400", "700"] and html.count("url(") == 2
    assert base64.b64decode(fonts[0][1])[:4] == b"wOF2"
    assert '"DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "LIP Khmer"' in html
    assert html.count("<svg") == 2 and "<text" in html
    assert "ការគ្រប់គ្រងជម្លោះ</text>" in html
    assert 'class="synthetic-banner"' in html and "ទិន្នន័យសំយោគ" in html
    assert "Khmer OS System" in html and "Noto Sans Khmer" in html
    assert 'data-rule="change.up"' in html
    assert "\u200b" not in html  # browsers break Khmer words themselves


def test_html_served_by_the_app_points_at_its_web_font() -> None:
    html = render_html(make_figures(), "km", generated_on=TODAY,
                       web_fonts={400: "/static/fonts/NotoSansKhmer-Regular.woff2"})
    assert re.findall(r'url\("([^"]+)"\)', html) == ["/static/fonts/NotoSansKhmer-Regular.woff2"]
    assert "unicode-range: U+1780-17FF" in html


def test_pdf_html_uses_text_labels_and_marks_khmer_word_breaks() -> None:
    html = render_html(make_figures(), "km", for_pdf=True, generated_on=TODAY)
    assert "<text" not in html and 'class="chart-label"' in html
    assert "\u200b" in html


def test_not_synthetic_means_no_synthetic_label() -> None:
    html = render_html(make_figures(synthetic=False), "en", generated_on=TODAY)
    assert "SYNTHETIC" not in html and "Synthetic data" not in html


def test_program_summary_forest_plot_lists_the_cohorts() -> None:
    charts = summary_charts(program_figures(), "en")
    labels = charts["forest"].texts()
    assert {"Areas", "Cohorts (total)", "Cohort 3 (2023)", "Cohort 5 (2024)"} <= set(labels)


def test_a_warning_when_no_khmer_font_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "installed_khmer_fonts", lambda: ())
    html = render_html(make_figures(), "en", for_pdf=True, generated_on=TODAY)
    assert "No Khmer font was found on the server that made this page" in html
    assert "No Khmer font" not in render_html(make_figures(), "en", generated_on=TODAY)


def troubled_cohort():
    """Everything goes wrong at once: the longest page the rules can write."""
    missing = Missing(reason="too_few", n=3, needed=5, wave="followup")
    base = make_figures(synthetic=True)
    outcomes = tuple(dataclasses.replace(o, pre_followup=Effect(missing=missing), mean_followup=None,
                                         reliability=(Reliability(wave="pre", alpha=0.61, n=22),),
                                         ceiling_pre=Share(share=0.2, count=4, n=22))
                     for o in base.outcomes)
    return dataclasses.replace(
        base, n_enrolled=30, n_pre=22, n_post=19, n_followup=3, outcomes=outcomes,
        retention=Share(share=3 / 22, count=3, n=22), applied_skills=Share(missing=missing),
        attrition=Attrition(overall_rate=19 / 22, baseline_smd=0.4, wwc_high=True, differential_rate=0.2),
        then_test=ThenTest(gap=-0.4, ci_low=-0.7, ci_high=-0.1, n=19))


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("en", ("because there are only 3 follow-up responses and at least 5 are needed",
                "Reliability was below 0.70", "ceiling effect", "What Works Clearinghouse", "response shift")),
        ("km", ("ឥទ្ធិពលពិដាន", "What Works Clearinghouse", "response shift", "០,៦១")),
    ],
)
def test_a_troubled_cohort_still_fits_on_one_page_and_says_why_numbers_are_missing(
        lang: str, phrases: tuple[str, ...], tmp_path: Path) -> None:
    path = tmp_path / f"troubled-{lang}.pdf"
    path.write_bytes(render_pdf(troubled_cohort(), lang, generated_on=TODAY))
    assert pages(path) == 1
    text = squash(poppler("pdftotext", str(path), "-"))
    for phrase in phrases:
        assert squash(phrase) in text, phrase
