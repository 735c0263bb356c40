"""Charts: well-formed SVG whose words are <text>, and a WeasyPrint form whose words are HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from lipassess.errors import InvalidInput
from lipassess.reports.charts import (
    ForestRow,
    MeansRow,
    ResponseSeries,
    forest_plot,
    paired_means_chart,
    response_timeline,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"
KM_ROWS = [
    ForestRow(label="ឥរិយាបថភាពជាអ្នកដឹកនាំ (សរុប)", estimate=0.85, ci_low=0.68, ci_high=1.02, emphasis=True),
    ForestRow(label="ការគ្រប់គ្រងជម្លោះ", estimate=0.55, ci_low=0.38, ci_high=0.72),
    ForestRow(label="ការយល់ដឹងពីខ្លួនឯង និងសុខុមាលភាព", note="មិនមាន"),
]


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_forest_plot_svg_is_well_formed_and_its_khmer_labels_are_text() -> None:
    chart = forest_plot(KM_ROWS, lang="km", title="ការផ្លាស់ប្តូរ", axis_label="ទំហំឥទ្ធិពល g_av",
                        reference=(0.82, "Lacerenza et al. 2017៖ \u03b4 = ០,៨២"))
    labels = texts(chart.svg())
    assert "ឥរិយាបថភាពជាអ្នកដឹកនាំ" in labels and "(សរុប)" in labels  # wrapped at its space
    assert "ការគ្រប់គ្រងជម្លោះ" in labels
    assert "មិនមាន" in labels  # the missing row says so instead of drawing a bar
    assert "ទំហំឥទ្ធិពល g_av" in labels
    assert "Lacerenza et al. 2017៖ \u03b4 = ០,៨២" in labels
    assert "០,៨៥ [០,៦៨; ១,០២]" in labels  # estimate and CI, Khmer digits
    assert "០,០" in labels  # axis ticks in Khmer digits
    root = ET.fromstring(chart.svg())
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "km"
    assert root.find(f"{SVG}title").text == "ការផ្លាស់ប្តូរ"
    assert "Khmer OS" in root.get("font-family")
    # one diamond (the emphasised total) and one square; CI lines for the two estimates only
    assert len(root.findall(f"{SVG}path")) == 1 and len(root.findall(f"{SVG}rect")) == 1


def test_the_long_khmer_label_wraps_at_its_space_into_two_text_lines() -> None:
    chart = forest_plot(KM_ROWS, lang="km", title="t", axis_label="a", width=300)
    labels = chart.texts()
    assert "ការយល់ដឹងពីខ្លួនឯង" in labels and "និងសុខុមាលភាព" in labels


def test_html_form_has_no_svg_text_and_every_label_as_a_positioned_span() -> None:
    chart = forest_plot(KM_ROWS, lang="km", title="t", axis_label="ទំហំឥទ្ធិពល g_av")
    html = chart.html()
    assert "<text" not in html  # WeasyPrint would lay SVG text out per code point and break Khmer clusters
    root = ET.fromstring(html)
    spans = [s for s in root.iter("span") if s.get("class") == "chart-label"]
    assert [s.text for s in spans] == list(chart.texts())
    assert all("position: absolute" in s.get("style") for s in spans)
    assert root.get("style").startswith("position: relative")


def test_labels_are_escaped() -> None:
    chart = forest_plot([ForestRow(label="R&D <pilot>", estimate=0.1, ci_low=-0.1, ci_high=0.3)], lang="en",
                        title="a & b", axis_label="x")
    assert "R&D <pilot>" in texts(chart.svg())
    assert ET.fromstring(chart.html()) is not None


def test_forest_axis_spans_zero_the_estimates_and_the_reference() -> None:
    chart = forest_plot([ForestRow(label="a", estimate=-0.9, ci_low=-1.3, ci_high=-0.4)], lang="en", title="t",
                        axis_label="x", reference=(0.82, "ref"))
    ticks = [t for t in chart.texts() if t.replace("\u2212", "").replace(".", "").isdigit()]
    values = [float(t.replace("\u2212", "-")) for t in ticks]
    assert min(values) <= -1.3 and max(values) >= 0.82 and 0.0 in values


def test_forest_row_with_an_estimate_needs_both_ci_bounds() -> None:
    with pytest.raises(InvalidInput, match="needs ci_low and ci_high"):
        forest_plot([ForestRow(label="a", estimate=0.4, ci_low=0.1)], lang="en", title="t", axis_label="x")


def test_paired_means_chart() -> None:
    rows = [MeansRow(label="Communication", pre=3.1, post=3.6, followup=3.5),
            MeansRow(label="Conflict management", pre=3.0, post=None, note="not available")]
    chart = paired_means_chart(rows, lang="en", title="Means", legend=("Before", "After", "6 months"))
    labels = texts(chart.svg())
    assert {"Before", "After", "6 months", "Communication", "Conflict management", "1", "5"} <= set(labels)
    root = ET.fromstring(chart.svg())
    assert len(root.findall(f"{SVG}circle")) == 2 + 2 + 1  # legend pre/post, row 1 pre/post, row 2 pre
    km = paired_means_chart([MeansRow(label="ការប្រាស្រ័យទាក់ទង", pre=3.1, post=3.6)], lang="km", title="t",
                            legend=("មុនវគ្គ", "ក្រោយវគ្គ", "៦ ខែក្រោយ"))
    assert {"មុនវគ្គ", "ការប្រាស្រ័យទាក់ទង", "១", "៥"} <= set(texts(km.svg()))


def test_response_timeline() -> None:
    series = [ResponseSeries(label="មុនវគ្គ", points=((0, 0.0), (3, 0.52), (10, 0.91))),
              ResponseSeries(label="តាមដាន", points=((0, 0.0), (14, 0.48), (30, 0.71)))]
    chart = response_timeline(series, lang="km", title="ចម្លើយតាមពេលវេលា", x_label="ថ្ងៃ", y_label="អត្រាឆ្លើយតប")
    labels = texts(chart.svg())
    assert "មុនវគ្គ (៩១%)" in labels and "តាមដាន (៧១%)" in labels
    assert {"០%", "៥០%", "១០០%", "ថ្ងៃ", "អត្រាឆ្លើយតប"} <= set(labels)
    root = ET.fromstring(chart.svg())
    assert len([p for p in root.findall(f"{SVG}path") if p.get("fill") == "none"]) == 2


@pytest.mark.parametrize(
    ("text", "expected_em"),
    [
        ("ក", 0.84),
        ("ក្ក", 0.84),  # a subscript consonant sits under its base: no width
        ("កា", 0.84 + 0.38),
        ("កិ", 0.84),  # above-base vowel: no width
        ("ab", 1.12),
    ],
)
def test_text_width_estimate(text: str, expected_em: float) -> None:
    assert text_width(text, 10) == pytest.approx(expected_em * 10)


def test_latin_digits_on_a_khmer_chart_when_asked() -> None:
    chart = forest_plot(KM_ROWS[:1], lang="km", title="t", axis_label="a", khmer_digits=False)
    assert "0,85 [0,68; 1,02]" in chart.texts()
