"""``lipassess analyze refresh``, and the refresh ``sync`` and ``dispatch`` run when they finish.

``analyze refresh`` also renders the summary PDFs whose figures or day changed
(:func:`lipassess.services.summaries.prerender`), so the staff pages' PDF links
answer from the store; ``sync`` and ``dispatch`` leave the PDFs to it (a PDF
takes seconds to render, and cron runs the refresh every few minutes).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click
from flask import Flask

from lipassess.cli.context import cli_app, transaction
from lipassess.errors import LipassessError

if TYPE_CHECKING:
    from lipassess.services.analyses import Refreshed
    from lipassess.services.summaries import Prerendered

log = logging.getLogger("lipassess.analyses")


def refresh_stored(app: Flask) -> None:
    """Compute and store the cohort and program analyses whose data changed, after a sync or a dispatch.

    What was computed is logged at DEBUG level, so the command's own report
    (stdout) and its quiet stderr are unchanged. A failure is logged as a
    warning and does not change the command's exit code: the pages then
    compute on demand.
    """
    from lipassess.services import analyses

    try:
        with transaction(app) as session:
            done = analyses.refresh(session, min_group_size=int(app.config["MIN_GROUP_SIZE"]))
    except LipassessError as exc:
        log.warning("stored analyses not refreshed: %s", exc.message)
        return
    log.debug("%s", _line(done))


def _line(done: Sequence[Refreshed]) -> str:
    computed = [r for r in done if r.computed]
    if not computed:
        return f"analyses: all {len(done)} stored results up to date"
    names = ", ".join(r.scope for r in computed)
    seconds = sum(r.seconds for r in computed)
    return (f"analyses: computed {len(computed)} of {len(done)} ({names}) in {seconds:.1f} s; "
            "the staff pages and the API answer from them")


@click.command("refresh", help="Compute and store the analyses of every cohort and of the program whose data "
                               "changed since they were computed (new answers, a sync, a wave edit), then render "
                               "their summary PDFs (English and Khmer) where stale; the staff pages and the API "
                               "answer from the stored results. Safe to run from cron on several hosts; cheap "
                               "when nothing changed.")
@click.option("--json", "as_json", is_flag=True, help="Print what was computed as JSON.")
def refresh(as_json: bool) -> None:
    from lipassess.services import analyses, summaries

    app = cli_app()
    min_group_size = int(app.config["MIN_GROUP_SIZE"])
    with transaction(app) as session:
        done = analyses.refresh(session, min_group_size=min_group_size)
    with transaction(app) as session:  # the analyses stay stored if a PDF fails to render
        pdfs = summaries.prerender(session, min_group_size=min_group_size)
    if as_json:
        rendered = {(p.scope, p.lang): p.rendered for p in pdfs}
        click.echo(json.dumps([{"scope": r.scope, "computed": r.computed, "seconds": round(r.seconds, 3),
                                "summary_pdfs_rendered": sorted(lang for (scope, lang), new in rendered.items()
                                                                if scope == r.scope and new)}
                               for r in done], ensure_ascii=False, indent=2))
    else:
        click.echo(_line(done))
        click.echo(_pdf_line(pdfs))


def _pdf_line(pdfs: Sequence[Prerendered]) -> str:
    rendered = [p for p in pdfs if p.rendered]
    if not rendered:
        return f"summary PDFs: all {len(pdfs)} stored PDFs up to date"
    seconds = sum(p.seconds for p in rendered)
    return f"summary PDFs: rendered {len(rendered)} of {len(pdfs)} in {seconds:.1f} s"
