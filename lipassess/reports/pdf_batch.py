"""Render impact-summary PDFs in a separate process: ``python -m lipassess.reports.pdf_batch JOBS.json``.

WeasyPrint's layout is the slow part of a summary, and it holds the GIL; a
caller with many summaries (the demo) starts a few of these processes to use
every CPU. The file JOBS.json holds ``{"jobs": [{"figures": ImpactFigures.to_dict(),
"lang": "en" | "km", "path": "/where/summary.pdf"}, ...]}``; each figures object
is validated again by :meth:`ImpactFigures.from_dict`. Exit code 0 when every
PDF was written; otherwise 1, with one line per failure on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lipassess.reports.figures import ImpactFigures
from lipassess.reports.render import render_pdf


def run(jobs: list[dict[str, Any]]) -> list[str]:
    """Render every job; returns one message per job that failed."""
    failures = []
    for job in jobs:
        try:
            figures = ImpactFigures.from_dict(job["figures"])
            Path(job["path"]).write_bytes(render_pdf(figures, job["lang"]))
        except Exception as exc:  # reported to the parent, which renders the job itself
            failures.append(f"{job.get('path')}: {type(exc).__name__}: {exc}")
    return failures


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m lipassess.reports.pdf_batch JOBS.json", file=sys.stderr)
        return 2
    failures = run(json.loads(Path(args[0]).read_text(encoding="utf-8"))["jobs"])
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
