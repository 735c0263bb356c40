"""Answers out of lipassess: tidy long CSV, wide CSV, XLSX with a codebook, SPSS ``.sav``.

Input shape
-----------
``data`` is a tidy long :class:`pandas.DataFrame`, one row per answer:

==============  =======================================================
``pseudonym``   participant code (``P-7KQ3M9XA``), never a name
``cohort``      cohort short name
``wave``        ``pre``, ``post``, ``retro_pre``, ``followup`` (others allowed)
``instrument``  instrument key (``leadership_behaviour``...)
``item``        item id within the instrument (``al1``...)
``value``       the answer as a number; NaN when the item was skipped
(other)         profile fields, constant per participant and cohort
                (``ministry``, ``province``, ``language``...)
==============  =======================================================

``scores`` (optional) is long too: ``pseudonym``, ``cohort``, ``wave``,
``scale``, ``score`` - scale scores computed by the scoring module.

Identities: columns in :data:`IDENTITY_COLUMNS` (names, e-mail, Moodle ids)
are dropped unless ``include_identities=True``; the caller (a service run by
an admin who asked explicitly) records that in the audit log. Every writer
accepts ``synthetic=True``, which adds a ``synthetic`` column (value 1) to the
CSVs and states "Synthetic data" in the XLSX and the ``.sav`` file label.

The wide layout has one row per participant and cohort, columns
``<wave>_<item>`` then ``<wave>_<scale>``, waves in study order. Labels come
from a :class:`Codebook` keyed by item id, scale id and profile field; the
lead builds it from :mod:`lipassess.instruments`. Khmer wave names used in
variable labels are pending review by the program's translators, as the
narrative's are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lipassess.errors import InvalidInput
from lipassess.reports.cells import spreadsheet_frame, spreadsheet_value
from lipassess.vocabulary import LANGUAGES, WAVE_LABELS, wave_sort_key

KEY_COLUMNS = ("pseudonym", "cohort")
ANSWER_COLUMNS = ("pseudonym", "cohort", "wave", "instrument", "item", "value")
SCORE_COLUMNS = ("pseudonym", "cohort", "wave", "scale", "score")
IDENTITY_COLUMNS = ("firstname", "lastname", "fullname", "name", "email", "username", "idnumber", "moodle_user_id")
SPSS_RESERVED = frozenset({"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"})
SPSS_NAME_BYTES = 64
SPSS_LABEL_BYTES = 255  # what ReadStat keeps of a variable label
SPSS_VALUE_LABEL_BYTES = 120  # and of a value label
MEASURES = ("nominal", "ordinal", "scale")


# ---------------------------------------------------------------------------
# Codebook
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ValueLabel:
    """One labelled response point, e.g. ``1 = Never / មិនដែល``."""

    value: float
    en: str
    km: str = ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Variable:
    """What one item, scale or profile field means.

    Attributes
    ----------
    name : str
        The item id, scale id or profile column, as in the data.
    label_en, label_km : str
        Its label (item text, scale name, field name).
    values : tuple of ValueLabel
        Labelled values (response scale points, codes).
    measure : str
        SPSS level: ``nominal``, ``ordinal`` or ``scale``.
    """

    name: str
    label_en: str
    label_km: str = ""
    values: tuple[ValueLabel, ...] = ()
    measure: str = "ordinal"

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))
        if self.measure not in MEASURES:
            raise InvalidInput(f"Variable {self.name!r}: measure must be one of {', '.join(MEASURES)}.")

    def label(self, lang: str) -> str:
        return (self.label_km or self.label_en) if lang == "km" else self.label_en

    def value_labels(self, lang: str) -> dict[float, str]:
        return {float(v.value): ((v.km or v.en) if lang == "km" else v.en) for v in self.values}


@dataclasses.dataclass(frozen=True, slots=True)
class Codebook:
    """Labels for the variables of an export, keyed by item id, scale id or profile field."""

    variables: tuple[Variable, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", tuple(self.variables))
        names = [v.name for v in self.variables]
        if len(names) != len(set(names)):
            raise InvalidInput("The codebook names a variable twice.")

    def get(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Mapping[str, Any]]) -> Codebook:
        """Build from ``{name: {"label": {"en", "km"}, "values": {1: {"en", "km"}}, "measure": ...}}``."""
        variables = []
        for name, spec in data.items():
            label = spec.get("label", {})
            values = tuple(ValueLabel(value=float(v), en=text.get("en", ""), km=text.get("km", ""))
                           for v, text in (spec.get("values") or {}).items())
            variables.append(Variable(name=name, label_en=label.get("en", name), label_km=label.get("km", ""),
                                      values=values, measure=spec.get("measure", "ordinal")))
        return cls(tuple(variables))


# ---------------------------------------------------------------------------
# Shaping
# ---------------------------------------------------------------------------


def _check_columns(frame: pd.DataFrame, required: Sequence[str], what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidInput(f"The {what} lacks column(s) {', '.join(missing)}; expected at least "
                           f"{', '.join(required)}.")


def profile_columns(data: pd.DataFrame, *, include_identities: bool = False) -> list[str]:
    """The profile fields of ``data`` that an export carries (identities only when asked)."""
    extra = [c for c in data.columns if c not in ANSWER_COLUMNS]
    if not include_identities:
        extra = [c for c in extra if c not in IDENTITY_COLUMNS]
    return extra


def prepare_long(data: pd.DataFrame, *, include_identities: bool = False, synthetic: bool = False) -> pd.DataFrame:
    """Validate the long answers and drop identities unless asked; the tidy CSV's rows.

    Raises
    ------
    InvalidInput
        Missing columns, non-numeric values, or the same answer twice.
    """
    _check_columns(data, ANSWER_COLUMNS, "answer table")
    frame = data.loc[:, [*ANSWER_COLUMNS, *profile_columns(data, include_identities=include_identities)]].copy()
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = values.isna() & frame["value"].notna()
    if bad.any():
        example = frame.loc[bad, "value"].iloc[0]
        raise InvalidInput(f"{int(bad.sum())} answer value(s) are not numbers (e.g. {example!r}); "
                           "export numeric codes and describe them in the codebook.")
    frame["value"] = values.astype(float)
    for column in ("pseudonym", "cohort", "wave", "instrument", "item"):
        if frame[column].isna().any():
            raise InvalidInput(f"Some answers have no {column}; every answer needs one.")
        frame[column] = frame[column].astype(str)
    duplicated = frame.duplicated(subset=["pseudonym", "cohort", "wave", "instrument", "item"])
    if duplicated.any():
        row = frame.loc[duplicated].iloc[0]
        raise InvalidInput(f"Participant {row['pseudonym']} has two answers to {row['instrument']}/{row['item']} "
                           f"in wave {row['wave']}; keep one answer per item and wave.")
    if synthetic:
        frame["synthetic"] = 1
    return frame.reset_index(drop=True)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WideColumn:
    """Where a wide column comes from: ``kind`` is ``key``, ``profile``, ``item``, ``scale`` or ``flag``."""

    name: str
    kind: str
    source: str
    wave: str | None = None
    instrument: str | None = None


def wide_frame(data: pd.DataFrame, scores: pd.DataFrame | None = None, *, include_identities: bool = False,
               synthetic: bool = False) -> tuple[pd.DataFrame, tuple[WideColumn, ...]]:
    """One row per participant and cohort; returns the frame and where each column comes from.

    Raises
    ------
    InvalidInput
        As :func:`prepare_long`; also when a participant's profile differs between
        rows, or two instruments use the same item id in one wave.
    """
    long = prepare_long(data, include_identities=include_identities)
    profile = profile_columns(long, include_identities=include_identities)
    people = long[[*KEY_COLUMNS, *profile]].drop_duplicates()
    clash = people.duplicated(subset=list(KEY_COLUMNS))
    if clash.any():
        who = people.loc[clash].iloc[0]
        raise InvalidInput(f"Participant {who['pseudonym']} in {who['cohort']} has different profile values "
                           "in different rows; give one profile per participant.")
    pairs = long[["wave", "instrument", "item"]].drop_duplicates()
    shared = pairs.duplicated(subset=["wave", "item"], keep=False)
    if shared.any():
        row = pairs.loc[shared].iloc[0]
        raise InvalidInput(f"Item id {row['item']!r} belongs to more than one instrument in wave {row['wave']}; "
                           "item ids must be unique within a wave for the wide layout.")
    waves = sorted(long["wave"].unique(), key=wave_sort_key)
    columns: list[WideColumn] = [WideColumn(name=c, kind="key", source=c) for c in KEY_COLUMNS]
    columns += [WideColumn(name=c, kind="profile", source=c) for c in profile]
    wide = people.set_index(list(KEY_COLUMNS))
    score_table = None
    if scores is not None:
        _check_columns(scores, SCORE_COLUMNS, "score table")
        score_table = scores.loc[:, list(SCORE_COLUMNS)].copy()
        score_table["score"] = pd.to_numeric(score_table["score"], errors="coerce").astype(float)
        for column in ("pseudonym", "cohort", "wave", "scale"):
            score_table[column] = score_table[column].astype(str)
        if score_table.duplicated(subset=["pseudonym", "cohort", "wave", "scale"]).any():
            raise InvalidInput("The score table has two scores for one participant, wave and scale.")
        waves = sorted(set(waves) | set(score_table["wave"].unique()), key=wave_sort_key)
    item_order = {item: i for i, item in enumerate(dict.fromkeys(long["item"]))}
    pieces = [wide]
    for wave in waves:
        part = long[long["wave"] == wave]
        if len(part):
            table = part.pivot(index=list(KEY_COLUMNS), columns="item", values="value")
            items = sorted(table.columns, key=item_order.__getitem__)
            instrument_of = dict(zip(part["item"], part["instrument"], strict=True))
            table = table[items]
            table.columns = [f"{wave}_{item}" for item in items]
            columns += [WideColumn(name=f"{wave}_{item}", kind="item", source=item, wave=wave,
                                   instrument=instrument_of[item]) for item in items]
            pieces.append(table)
        if score_table is not None:
            part = score_table[score_table["wave"] == wave]
            if len(part):
                table = part.pivot(index=list(KEY_COLUMNS), columns="scale", values="score")
                scales = list(dict.fromkeys(part["scale"]))
                table = table[scales]
                table.columns = [f"{wave}_{scale}" for scale in scales]
                columns += [WideColumn(name=f"{wave}_{scale}", kind="scale", source=scale, wave=wave)
                            for scale in scales]
                pieces.append(table)
    result = pd.concat(pieces, axis=1, join="outer").reset_index()
    names = [c.name for c in columns]
    if len(names) != len(set(names)):
        seen = {n for n in names if names.count(n) > 1}
        raise InvalidInput(f"Column name(s) {', '.join(sorted(seen))} come from both an item and a scale or a "
                           "profile field; rename one of them.")
    if synthetic:
        result["synthetic"] = 1
        columns.append(WideColumn(name="synthetic", kind="flag", source="synthetic"))
    result = result[[c.name for c in columns]]
    result = result.sort_values(list(KEY_COLUMNS), kind="stable").reset_index(drop=True)
    return result, tuple(columns)


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------

_SYNTHETIC_LABEL = {"en": "Synthetic data (1 = simulated, not real people)", "km": "ទិន្នន័យសំយោគ (1 = និម្មិត)"}
_KEY_LABELS = {"pseudonym": {"en": "Participant pseudonym", "km": "លេខកូដអ្នកចូលរួម"},
               "cohort": {"en": "Cohort", "km": "ជំនាន់"}}


def column_label(column: WideColumn, codebook: Codebook, lang: str) -> str:
    """A variable label: the codebook's, prefixed with the wave for items and scales."""
    variable = codebook.get(column.source)
    if column.kind == "flag":
        return _SYNTHETIC_LABEL[lang]
    if column.kind == "key" and variable is None:
        return _KEY_LABELS[column.source][lang]
    base = variable.label(lang) if variable is not None else column.source
    if column.wave is None:
        return base
    wave = WAVE_LABELS.get(column.wave, {}).get(lang, column.wave)
    return f"{wave}\u17d6 {base}" if lang == "km" else f"{wave}: {base}"


def column_value_labels(column: WideColumn, codebook: Codebook, lang: str) -> dict[float, str]:
    if column.kind == "flag":
        return {1.0: "synthetic" if lang == "en" else "សំយោគ"}
    variable = codebook.get(column.source)
    return variable.value_labels(lang) if variable is not None else {}


def column_measure(column: WideColumn, codebook: Codebook) -> str:
    variable = codebook.get(column.source)
    if variable is not None:
        return variable.measure
    return "scale" if column.kind == "scale" else "nominal"


def spss_names(names: Iterable[str]) -> dict[str, str]:
    """SPSS-valid, unique variable names: ASCII letters, digits, ``_`` and ``.``, a letter first,
    at most 64 bytes, no reserved word, no trailing period."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        candidate = re.sub(r"[^A-Za-z0-9_.]", "_", ascii_name).rstrip(".")
        if not candidate or not candidate[0].isalpha():
            candidate = "v_" + candidate
        if candidate.upper() in SPSS_RESERVED:
            candidate = "v_" + candidate
        candidate = candidate[:SPSS_NAME_BYTES].rstrip(".")
        unique, n = candidate, 1
        while unique.upper() in taken:
            n += 1
            suffix = f"_{n}"
            unique = candidate[:SPSS_NAME_BYTES - len(suffix)] + suffix
        taken.add(unique.upper())
        out[name] = unique
    return out


def truncate_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, at a space when one is near, marked with an ellipsis."""
    if len(text.encode("utf-8")) <= limit:
        return text
    budget = limit - len("\u2026".encode())
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    # never end on a Khmer subscript marker or a combining mark left without its letter
    while cut and (cut[-1] == "\u17d2" or unicodedata.category(cut[-1]) == "Mn"):
        cut = cut[:-1]
    return cut.rstrip() + "\u2026"


def _value_labels_text(labels: Mapping[float, str]) -> str:
    return "; ".join(f"{_code(v)} = {text}" for v, text in sorted(labels.items()))


def _code(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """RFC 4180 CSV in UTF-8: CRLF line ends, so a field holding a lone CR or LF is quoted and stays one cell."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")


def write_long_csv(data: pd.DataFrame, path: str | os.PathLike[str], *, include_identities: bool = False,
                   synthetic: bool = False) -> pd.DataFrame:
    """Tidy long CSV (UTF-8), one row per answer; returns the rows written."""
    frame = prepare_long(data, include_identities=include_identities, synthetic=synthetic)
    write_csv(spreadsheet_frame(frame), path)
    return frame


def write_wide_csv(data: pd.DataFrame, path: str | os.PathLike[str], *, scores: pd.DataFrame | None = None,
                   include_identities: bool = False, synthetic: bool = False) -> pd.DataFrame:
    """Wide CSV (UTF-8), one row per participant and cohort; returns the rows written."""
    frame, _ = wide_frame(data, scores, include_identities=include_identities, synthetic=synthetic)
    write_csv(spreadsheet_frame(frame), path)
    return frame


def codebook_rows(columns: Sequence[WideColumn], codebook: Codebook) -> list[dict[str, str]]:
    """One row per wide column: names, labels and value labels in both languages."""
    names = spss_names(c.name for c in columns)
    rows = []
    for column in columns:
        rows.append({
            "variable": column.name,
            "spss_name": names[column.name],
            "label_en": column_label(column, codebook, "en"),
            "label_km": column_label(column, codebook, "km"),
            "value_labels_en": _value_labels_text(column_value_labels(column, codebook, "en")),
            "value_labels_km": _value_labels_text(column_value_labels(column, codebook, "km")),
            "measure": column_measure(column, codebook),
            "kind": column.kind,
            "wave": column.wave or "",
            "instrument": column.instrument or "",
            "source": column.source,
        })
    return rows


def write_xlsx(data: pd.DataFrame, path: str | os.PathLike[str], codebook: Codebook, *,
               scores: pd.DataFrame | None = None, include_identities: bool = False, synthetic: bool = False,
               generated_on: dt.date | None = None) -> pd.DataFrame:
    """Workbook with sheets ``data`` (wide), ``codebook`` and ``about``; returns the data written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    frame, columns = wide_frame(data, scores, include_identities=include_identities, synthetic=synthetic)
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    _append_text_row(sheet, [c.name for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False):
        _append_text_row(sheet, [_cell(v) for v in record])
    sheet.freeze_panes = "C2"

    rows = codebook_rows(columns, codebook)
    cb = book.create_sheet("codebook")
    header = list(rows[0].keys()) if rows else ["variable"]
    _append_text_row(cb, header)
    for cell in cb[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append_text_row(cb, [row[h] for h in header])
    cb.freeze_panes = "B2"

    about = book.create_sheet("about")
    about.append(["lipassess export"])
    about["A1"].font = Font(bold=True, size=13)
    if synthetic:
        about.append(["SYNTHETIC DATA: simulated participants, not real people.",
                      "ទិន្នន័យសំយោគ៖ អ្នកចូលរួមនិម្មិត មិនមែនមនុស្សពិតទេ។"])
        about["A2"].font = Font(bold=True, color="B00020")
        about["A2"].fill = PatternFill("solid", fgColor="FDECEE")
    about.append(["generated_on", (generated_on or dt.date.today()).isoformat()])
    about.append(["participants", len(frame)])
    about.append(["identities_included", "yes" if include_identities else "no (pseudonyms only)"])
    about.append(["layout", "one row per participant and cohort; columns <wave>_<item> and <wave>_<scale>"])
    book.save(path)
    return frame


def _append_text_row(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row whose text cells are stored as text: openpyxl would store ``=...`` as a live formula."""
    sheet.append([spreadsheet_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if pd.isna(value):
        return None
    return value


def write_sav(data: pd.DataFrame, path: str | os.PathLike[str], codebook: Codebook, *,
              scores: pd.DataFrame | None = None, include_identities: bool = False, synthetic: bool = False,
              lang: str = "en") -> pd.DataFrame:
    """SPSS ``.sav`` of the wide layout with variable labels, value labels and measures in ``lang``.

    Variable names are made SPSS-valid (:func:`spss_names`; the XLSX codebook
    lists both names); labels are cut to what SPSS keeps (255 bytes for
    variable labels, 120 for value labels) at a word boundary. Returns the
    frame written, with the SPSS names.
    """
    import pyreadstat

    if lang not in LANGUAGES:
        raise InvalidInput(f"Unknown language {lang!r}: use {' or '.join(LANGUAGES)}.")
    frame, columns = wide_frame(data, scores, include_identities=include_identities, synthetic=synthetic)
    names = spss_names(c.name for c in columns)
    frame = frame.rename(columns=names)
    labels: dict[str, str | None] = {  # the type pyreadstat's column_labels asks for (a label may be None)
        names[c.name]: truncate_utf8(column_label(c, codebook, lang), SPSS_LABEL_BYTES) for c in columns
    }
    value_labels = {}
    for c in columns:
        mapping = column_value_labels(c, codebook, lang)
        if mapping and pd.api.types.is_numeric_dtype(frame[names[c.name]]):
            value_labels[names[c.name]] = {v: truncate_utf8(t, SPSS_VALUE_LABEL_BYTES) for v, t in mapping.items()}
    measures = {names[c.name]: column_measure(c, codebook) for c in columns}
    file_label = "lipassess export" + (" - SYNTHETIC DATA (simulated participants)" if synthetic else "")
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].where(frame[column].notna(), "").astype(str)
    pyreadstat.write_sav(frame, os.fspath(path), column_labels=labels, variable_value_labels=value_labels,
                         variable_measure=measures, file_label=file_label)
    return frame
