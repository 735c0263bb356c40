"""Every note the analysis can put on a dashboard table has its Khmer words (no "(reason in English)").

:func:`test_every_note_the_analysis_can_write_has_khmer_words` reads the
analysis modules whose results the dashboard tables show, collects each note
they write (``notes.append(...)``, ``notes = (...)``, ``notes=(...)``), each
:class:`~lipassess.errors.InsufficientData` they raise (kept as a missing
reason) and the message of ``require_rows``, fills each ``{value}`` with a
sample, and asks :func:`lipassess.reports.tables.localize.reason_words` for
the Khmer: a note without a catalogue entry comes back behind the marker and
fails the test, naming the line. A note the scan cannot read fails too, until
its possible texts are listed in :data:`EXPANDED`.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

import lipassess.analysis
from lipassess.analysis.cohort import OutcomeData, analyze_cohort
from lipassess.reports.tables import paired_table, repeated_table
from lipassess.reports.tables.localize import localize, reason_words
from lipassess.text import has, text

ANALYSIS = Path(lipassess.analysis.__file__).parent
MODULES = ("_lmm", "_omega", "_alpha", "_pairstats", "_ranks", "attrition", "change", "cohort", "paired",
           "proportion", "reliability", "repeated", "then_test", "validation")
"""The analysis modules whose notes and reasons the dashboard tables show (lipassess.reports.tables)."""
MARKER = text("staff.page.reason_in_english", "km")
EXPANDED = {
    # the note's expression (as ast.unparse writes it) -> every text it can be
    "f'Wilcoxon: normal approximation used because of {reason} (as R does)'": [
        "Wilcoxon: normal approximation used because of ties (as R does)",
        "Wilcoxon: normal approximation used because of zero differences (as R does)",
        "Wilcoxon: normal approximation used because of ties and zero differences (as R does)"],
}
SAMPLES = ("7", "x")
"""Values a ``{placeholder}`` of a note is tried with (a count, a name): one of them must find the words."""


def _texts(node: ast.expr, local: dict[str, list[str]], fill: str) -> list[str] | None:
    """Every text ``node`` can be, each unknown value written as ``fill``; None when it cannot be read."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts: list[list[str]] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append([str(part.value)])
            elif isinstance(part, ast.FormattedValue):
                known = local.get(part.value.id) if isinstance(part.value, ast.Name) else None
                parts.append(known or [f"'{fill}'" if part.conversion == ord("r") else fill])
        return ["".join(combination) for combination in itertools.product(*parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left, local, fill), _texts(node.right, local, fill)
        return None if left is None or right is None else [a + b for a in left for b in right]
    if isinstance(node, ast.IfExp):
        body, orelse = _texts(node.body, local, fill), _texts(node.orelse, local, fill)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        joiner = _texts(node.func.value, local, fill)
        return [joiner[0].join([fill, fill])] if joiner else None
    return None


def _locals(function: ast.AST) -> dict[str, list[str]]:
    """Local names assigned a readable text (``exact_t = "infinite" if ... else "0/0"``)."""
    local: dict[str, list[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found = _texts(node.value, {}, SAMPLES[0])
            if found and not isinstance(node.value, ast.JoinedStr):
                local[node.targets[0].id] = found
    return local


def _written(node: ast.AST) -> list[ast.expr]:
    """The note or reason expressions one node writes."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "extend")
            and isinstance(node.func.value, ast.Name) and "note" in node.func.value.id):
        args = list(node.args)
        if node.func.attr == "extend":
            args = [e for a in args if isinstance(a, ast.List | ast.Tuple) for e in a.elts]  # x.notes: read there
        return args
    if isinstance(node, ast.keyword) and node.arg == "notes" and isinstance(node.value, ast.Tuple):
        return list(node.value.elts)
    if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple)
            and any(isinstance(t, ast.Name) and "note" in t.id for t in node.targets)):
        return list(node.value.elts)
    if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name)
            and node.exc.func.id in ("InsufficientData", "InvalidInput") and node.exc.args):
        message = node.exc.args[0]
        keywords = {k.arg for k in node.exc.keywords}
        # data conditions only: InsufficientData, and require_rows' too-few-rows (errors={"reason": ...})
        return [message] if node.exc.func.id == "InsufficientData" or "errors" in keywords else []
    return []


def _notes() -> Iterator[tuple[str, str, list[list[str]] | None]]:
    """(where, source, the texts per sample value, None when unreadable) of every note the modules write."""
    for module in MODULES:
        tree = ast.parse((ANALYSIS / f"{module}.py").read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            local = _locals(function)
            for node in ast.walk(function):
                for expr in _written(node):
                    source = ast.unparse(expr)
                    if source in EXPANDED:
                        found: list[list[str]] | None = [EXPANDED[source]]
                    else:
                        variants = [_texts(expr, local, fill) for fill in SAMPLES]
                        found = None if any(v is None for v in variants) else variants  # type: ignore[misc]
                    yield f"{module}.py:{expr.lineno}", source, found


def test_every_note_the_analysis_can_write_has_khmer_words() -> None:
    seen, unread, missing = set(), [], []
    for where, source, variants in _notes():
        if variants is None:
            unread.append(f"{where}: {source}")
            continue
        seen.add(where)
        count = len(variants[0])
        for i in range(count):  # each possible text: some sample value must find its words
            if all(MARKER in reason_words(variant[i], "km") for variant in variants):
                missing.append(f"{where}: {variants[0][i]}")
    assert len(seen) > 60  # the scan reads the modules, so the check means something
    assert unread == [], "list the texts these notes can be in EXPANDED:\n" + "\n".join(unread)
    assert missing == [], ("add Khmer words for these notes to lipassess/text/staff_notes.py:\n"
                           + "\n".join(sorted(set(missing))))


def test_the_reasons_the_dashboard_service_gives_have_khmer_words() -> None:
    tree = ast.parse((ANALYSIS.parent / "services" / "dashboard.py").read_text(encoding="utf-8"))
    reasons = [node.value.value for node in ast.walk(tree)
               if isinstance(node, ast.keyword) and node.arg == "missing"
               and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)]
    assert reasons  # the scan finds the subgroup tables' reason
    assert [r for r in reasons if MARKER in reason_words(r, "km")] == []


def test_what_needs_more_rows_is_named_in_khmer() -> None:
    whats = set()
    for module in MODULES:
        source = (ANALYSIS / f"{module}.py").read_text(encoding="utf-8")
        whats |= set(re.findall(r"require_rows\(.*?what=\"([^\"]+)\"", source))
    assert whats >= {"Reliability", "paired", "repeated", "then_test", "attrition"}
    slugs = {re.sub(r"[^a-z0-9]+", "_", w.lower()).strip("_") for w in whats}
    assert sorted(s for s in slugs if not has(f"staff.cell.what.{s}")) == []
    said = reason_words("Reliability needs at least 3 participants with complete data; 2 remain after removing 1 "
                        "with missing values. Add data or analyse a larger group.", "km")
    assert said == ("ភាពជឿជាក់ ត្រូវការអ្នកចូលរួមយ៉ាងតិច ៣ នាក់ដែលមានទិន្នន័យពេញលេញ ប៉ុន្តែនៅសល់តែ ២ នាក់ "
                    "បន្ទាប់ពីដកចេញ ១ នាក់ដែលមានតម្លៃខ្វះ។ សូមបន្ថែមទិន្នន័យ ឬវិភាគក្រុមធំជាងនេះ។")


def test_notes_of_a_real_analysis_reach_a_khmer_table_in_khmer() -> None:
    # everyone changes by exactly 0.5: t, d_z and the RM-ANOVA are undefined, each with its note
    pre = pd.Series([2.0, 2.5, 3.0, 3.5, 4.0, 3.0], index=[f"p{i}" for i in range(6)])
    scores = pd.DataFrame({"pre": pre, "post": pre + 0.5, "followup": pre + 1.0})
    analysis = analyze_cohort([OutcomeData(name="total", scores=scores)], scope="test")
    total = analysis.outcomes["total"]
    assert total.pre_post is not None and np.isnan(total.pre_post.t)
    tables = [paired_table(analysis, "pre_post"), repeated_table(analysis)]
    words = [str(row.get("missing") or "") for table in tables for row in localize(table, "km").rows]
    assert any(text("staff.reason.note.same_change_infinite", "km") in w for w in words), words
    assert any(text("staff.reason.note.rm_no_error", "km") in w for w in words), words
    assert not any(MARKER in w for w in words), words
