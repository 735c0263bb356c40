"""Exports read back with pandas, openpyxl and pyreadstat, with their labels intact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from lipassess.errors import InvalidInput
from lipassess.reports.exports import (
    Codebook,
    spss_names,
    truncate_utf8,
    wide_frame,
    write_long_csv,
    write_sav,
    write_wide_csv,
    write_xlsx,
)

AGREE = {1: {"en": "Never", "km": "មិនដែល"}, 2: {"en": "Rarely", "km": "កម្រ"},
         3: {"en": "Sometimes", "km": "ម្តងម្កាល"}, 4: {"en": "Often", "km": "ញឹកញាប់"},
         5: {"en": "Always", "km": "ជានិច្ច"}}
CODEBOOK = Codebook.from_mapping({
    "al1": {"label": {"en": "I change my plans when the situation changes",
                      "km": "ខ្ញុំកែប្រែផែនការ នៅពេលស្ថានភាពផ្លាស់ប្តូរ"}, "values": AGREE},
    "com1": {"label": {"en": "I listen before I decide", "km": "ខ្ញុំស្តាប់មុននឹងសម្រេចចិត្ត"}, "values": AGREE},
    "applied": {"label": {"en": "I applied the skills at work", "km": "ខ្ញុំបានអនុវត្តជំនាញនៅកន្លែងធ្វើការ"},
                "values": {0: {"en": "No", "km": "ទេ"}, 1: {"en": "Yes", "km": "បាទ/ចាស"}}, "measure": "nominal"},
    "adaptive_leadership": {"label": {"en": "Adaptive leadership (mean)", "km": "ភាពជាអ្នកដឹកនាំបែបបត់បែន"},
                            "measure": "scale"},
    "ministry": {"label": {"en": "Ministry", "km": "ក្រសួង"}, "measure": "nominal"},
})


@pytest.fixture
def answers() -> pd.DataFrame:
    rows = []
    people = [("P-7KQ3M9XA", "ក្រសួងសុខាភិបាល", "Aok", "aok@example.org"),
              ("P-2MV8RT4N", "Ministry of Interior", "Bopha", "bopha@example.org"),
              ("P-H9W3KC6D", "ក្រសួងសុខាភិបាល", "Chan", "chan@example.org")]
    rng = np.random.default_rng(7)
    for pseudonym, ministry, name, email in people:
        for wave in ("followup", "pre", "post"):
            for item in ("al1", "com1"):
                rows.append({"pseudonym": pseudonym, "cohort": "C5", "wave": wave, "instrument": "behaviour",
                             "item": item, "value": float(rng.integers(1, 6)), "ministry": ministry,
                             "firstname": name, "email": email})
        rows.append({"pseudonym": pseudonym, "cohort": "C5", "wave": "followup", "instrument": "application",
                     "item": "applied", "value": 1.0, "ministry": ministry, "firstname": name, "email": email})
    frame = pd.DataFrame(rows)
    frame.loc[(frame["pseudonym"] == "P-2MV8RT4N") & (frame["wave"] == "post") & (frame["item"] == "com1"),
              "value"] = np.nan
    return frame


@pytest.fixture
def scores(answers: pd.DataFrame) -> pd.DataFrame:
    items = answers[answers["item"] == "al1"]
    return pd.DataFrame({"pseudonym": items["pseudonym"], "cohort": items["cohort"], "wave": items["wave"],
                         "scale": "adaptive_leadership", "score": items["value"] / 1.0})


def test_long_csv_round_trips_without_identities(answers: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    write_long_csv(answers, path)
    back = pd.read_csv(path, encoding="utf-8")
    assert list(back.columns) == ["pseudonym", "cohort", "wave", "instrument", "item", "value", "ministry"]
    assert len(back) == len(answers)
    assert "ក្រសួងសុខាភិបាល" in set(back["ministry"])
    assert back["value"].isna().sum() == 1
    text = path.read_text(encoding="utf-8")
    assert "aok@example.org" not in text and "Aok" not in text


def test_identities_only_when_asked(answers: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    write_long_csv(answers, path, include_identities=True)
    back = pd.read_csv(path)
    assert {"firstname", "email"} <= set(back.columns)
    wide, _ = wide_frame(answers, include_identities=True)
    assert "email" in wide.columns
    wide, _ = wide_frame(answers)
    assert "email" not in wide.columns and "firstname" not in wide.columns


def test_wide_csv_has_one_row_per_participant_and_wave_item_columns(answers: pd.DataFrame, scores: pd.DataFrame,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    write_wide_csv(answers, path, scores=scores, synthetic=True)
    back = pd.read_csv(path)
    assert list(back.columns) == [
        "pseudonym", "cohort", "ministry",
        "pre_al1", "pre_com1", "pre_adaptive_leadership",
        "post_al1", "post_com1", "post_adaptive_leadership",
        "followup_al1", "followup_com1", "followup_applied", "followup_adaptive_leadership",
        "synthetic",
    ]
    assert list(back["pseudonym"]) == sorted(back["pseudonym"])
    row = back.set_index("pseudonym").loc["P-2MV8RT4N"]
    long = answers.set_index(["pseudonym", "wave", "item"])["value"]
    assert row["pre_al1"] == long.loc[("P-2MV8RT4N", "pre", "al1")]
    assert np.isnan(row["post_com1"])
    assert row["followup_adaptive_leadership"] == long.loc[("P-2MV8RT4N", "followup", "al1")]
    assert set(back["synthetic"]) == {1}


def test_sav_has_spss_names_variable_labels_value_labels_and_measures(answers: pd.DataFrame, scores: pd.DataFrame,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "export.sav"
    write_sav(answers, path, CODEBOOK, scores=scores, synthetic=True)
    data, meta = pyreadstat.read_sav(str(path))
    assert len(data) == 3
    labels = meta.column_names_to_labels
    assert labels["pre_al1"] == "Pre: I change my plans when the situation changes"
    assert labels["followup_applied"] == "Follow-up: I applied the skills at work"
    assert labels["post_adaptive_leadership"] == "Post: Adaptive leadership (mean)"
    assert labels["pseudonym"] == "Participant pseudonym"
    assert meta.variable_value_labels["pre_al1"] == {1.0: "Never", 2.0: "Rarely", 3.0: "Sometimes",
                                                     4.0: "Often", 5.0: "Always"}
    assert meta.variable_value_labels["followup_applied"] == {0.0: "No", 1.0: "Yes"}
    assert meta.variable_measure["pre_al1"] == "ordinal"
    assert meta.variable_measure["followup_applied"] == "nominal"
    assert meta.variable_measure["pre_adaptive_leadership"] == "scale"
    assert "SYNTHETIC DATA" in meta.file_label
    assert "ក្រសួងសុខាភិបាល" in set(data["ministry"])
    assert data["post_com1"].isna().sum() == 1


def test_sav_in_khmer_keeps_khmer_labels(answers: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "export-km.sav"
    write_sav(answers, path, CODEBOOK, lang="km")
    _, meta = pyreadstat.read_sav(str(path))
    assert meta.column_names_to_labels["pre_al1"] == "មុនវគ្គ\u17d6 ខ្ញុំកែប្រែផែនការ នៅពេលស្ថានភាពផ្លាស់ប្តូរ"
    assert meta.variable_value_labels["followup_al1"][5.0] == "ជានិច្ច"
    assert meta.column_names_to_labels["ministry"] == "ក្រសួង"


def test_xlsx_has_data_codebook_and_about_sheets(answers: pd.DataFrame, scores: pd.DataFrame,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(answers, path, CODEBOOK, scores=scores, synthetic=True)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["data", "codebook", "about"]
    data = list(book["data"].iter_rows(values_only=True))
    assert data[0][:4] == ("pseudonym", "cohort", "ministry", "pre_al1")
    assert len(data) == 4
    rows = list(book["codebook"].iter_rows(values_only=True))
    header = rows[0]
    codebook = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    entry = codebook["pre_al1"]
    assert entry["spss_name"] == "pre_al1"
    assert entry["label_en"] == "Pre: I change my plans when the situation changes"
    assert entry["label_km"] == "មុនវគ្គ\u17d6 ខ្ញុំកែប្រែផែនការ នៅពេលស្ថានភាពផ្លាស់ប្តូរ"
    assert entry["value_labels_en"] == "1 = Never; 2 = Rarely; 3 = Sometimes; 4 = Often; 5 = Always"
    assert entry["value_labels_km"].startswith("1 = មិនដែល; 2 = កម្រ")
    assert (entry["wave"], entry["instrument"], entry["source"]) == ("pre", "behaviour", "al1")
    assert codebook["followup_adaptive_leadership"]["kind"] == "scale"
    assert codebook["synthetic"]["label_en"].startswith("Synthetic data")
    about = [row for row in book["about"].iter_rows(values_only=True)]
    book.close()  # a read-only workbook keeps its file open until closed
    assert about[1][0].startswith("SYNTHETIC DATA")
    assert ("identities_included", "no (pseudonyms only)") in about


def test_spss_names_are_valid_and_unique() -> None:
    names = spss_names(["pre_al1", "1st item", "with", "ក្រសួង", "a.b.", "x" * 80, "x" * 80 + "y", "pre al1"])
    for original, name in names.items():
        assert len(name.encode("ascii")) <= 64, original
        assert name[0].isalpha() and not name.endswith(".") and " " not in name
        assert name.upper() not in {"WITH"}
    assert names["pre_al1"] == "pre_al1"
    assert names["1st item"] == "v_1st_item"
    assert names["with"] == "v_with"
    assert names["pre al1"] == "pre_al1_2"
    assert len({n.upper() for n in names.values()}) == len(names)


def test_long_khmer_labels_are_cut_at_a_word_to_what_spss_keeps() -> None:
    label = "ខ្ញុំស្តាប់មតិរបស់អ្នកដទៃ មុនពេលសម្រេចចិត្ត " * 8
    cut = truncate_utf8(label, 255)
    assert len(cut.encode("utf-8")) <= 255
    assert cut.endswith("\u2026") and not cut[:-1].endswith("\u17d2")
    assert label.startswith(cut[:-1])
    assert truncate_utf8("short", 255) == "short"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["item"]), "lacks column"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "has two answers to behaviour/al1"),
        (lambda f: f.assign(value=f["value"].astype(object).where(f.index != 0, "often")), "not numbers"),
        (lambda f: f.assign(ministry=f["ministry"].where(f.index != 0, "Other")), "different profile values"),
        (lambda f: f.assign(instrument=f["instrument"].where(f.index != 0, "other")), "more than one instrument"),
        (lambda f: f.assign(wave=f["wave"].where(f.index != 0, None)), "no wave"),
    ],
)
def test_bad_answer_tables_are_refused_with_a_reason(answers: pd.DataFrame, change, message: str,
                                                      tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=message):
        write_wide_csv(change(answers), tmp_path / "x.csv")


def test_an_item_and_a_scale_with_the_same_name_are_refused(answers: pd.DataFrame) -> None:
    clash = pd.DataFrame({"pseudonym": ["P-7KQ3M9XA"], "cohort": ["C5"], "wave": ["pre"], "scale": ["al1"],
                          "score": [3.0]})
    with pytest.raises(InvalidInput, match="come from both"):
        wide_frame(answers, clash)
