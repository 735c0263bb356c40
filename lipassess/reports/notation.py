"""Effect-size names as a reader would print them: ``g_av`` -> g<sub>av</sub>, ``d_z`` -> d<sub>z</sub>."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_NOTATION = re.compile(r"\b([gd])_(av|z)\b")


def notation(value: object) -> Markup:
    """Escaped text with the effect sizes' names typeset: ``g_av`` -> g<sub>av</sub>, ``d_z`` -> d<sub>z</sub>.

    Their written names are statistical notation (Hedges' g_av and Cohen's
    d_z, d_av; Lakens 2013), not identifiers, so a page shows them as a
    reader would print them; everything else is escaped as Jinja would.
    """
    return Markup(_NOTATION.sub(r"\1<sub>\2</sub>", str(escape(value))))


__all__ = ["notation"]
