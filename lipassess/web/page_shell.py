"""A page rendered once and filled per request: the template's output cut at the few places that differ.

A survey page shows the same HTML to every participant on that page in that
language, except for a handful of values: the form's CSRF token, the device
draft's key, the page's stored answers (as JSON for the page's script) and the
questions with their answers. The consent page, the review page and the
receipt likewise differ only in their answers, the receipt's code and time.
Rendering the whole template for every view costs more than a millisecond of
server CPU in Jinja calls; filling a few gaps costs a few string joins.

:func:`render` renders the template once per ``key`` with a marker in each
gap (``slots``: values that the template prints as they are, already escaped),
cuts the output at the markers and keeps the pieces; each request joins the
pieces with its own values. The key must name everything else the template
shows (the caller's job: the wave's instruments and their versions, the page,
the language, the notice, the script root); the static files the page links are
checked on every use (a new version of ``survey.css`` renders the page again).
Without a key (a page with errors: every value is its own) the template is
simply rendered. Each process builds the same pieces, so nothing relies on one
process's memory.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import render_template
from markupsafe import Markup

from lipassess.web import assets
from lipassess.web.lru import LRU

#: Rendered pages kept per process (a post wave: 7 pages x 2 languages x a few notices).
CACHE_SIZE = 512

_MARK = "\x00"
_GAP = re.compile(r"\x00([a-z_]+)\x00")


@dataclass(frozen=True)
class Shell:
    """The template's output in pieces: text, gap, text, ..., gap, text."""

    texts: tuple[str, ...]
    gaps: tuple[str, ...]
    linked: tuple[tuple[str, str], ...]  # (static file, version) as rendered

    def fill(self, values: Mapping[str, str]) -> str:
        out = [self.texts[0]]
        for gap, text in zip(self.gaps, self.texts[1:], strict=True):
            out.append(values[gap])
            out.append(text)
        return "".join(out)

    def current(self) -> bool:
        """Whether every static file it links is still at the version it was rendered with."""
        store = assets.assets()
        return all((store.version(name) or "") == digest for name, digest in self.linked)


_SHELLS: LRU[Hashable, Shell] = LRU(CACHE_SIZE)


def render(template: str, key: Hashable | None, context: Mapping[str, Any], slots: Mapping[str, Markup]) -> str:
    """``render_template(template, **context, **slots)``, from kept pieces when ``key`` names them."""
    if key is None:
        return render_template(template, **context, **slots)
    full_key = (template, key)
    shell = _SHELLS.get(full_key)
    if shell is None or not shell.current():
        shell = _cut(template, context, slots)
        if shell is None:  # a value went where it could not be cut out: render it whole, keep nothing
            return render_template(template, **context, **slots)
        _SHELLS.put(full_key, shell)
    return shell.fill(slots)


def _cut(template: str, context: Mapping[str, Any], slots: Mapping[str, Markup]) -> Shell | None:
    """The template rendered with a marker in each slot, cut at the markers; None if a marker was altered."""
    recording: list[tuple[str, str]] = []
    token = assets.linked_assets.set(recording)
    try:
        html = render_template(template, **context, **{name: Markup(f"{_MARK}{name}{_MARK}") for name in slots})
    finally:
        assets.linked_assets.reset(token)
    pieces = _GAP.split(html)
    texts, gaps = tuple(pieces[0::2]), tuple(pieces[1::2])
    if any(_MARK in text for text in texts) or not set(gaps) <= set(slots):
        return None
    return Shell(texts, gaps, tuple(dict.fromkeys(recording)))


def clear() -> None:
    """Forget every kept page (tests that change templates in place)."""
    _SHELLS.clear()
