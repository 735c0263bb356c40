"""Font families for reports and charts, and which Khmer fonts this machine has.

The CSS stack names a Latin font first and Khmer fonts after it: Pango
(WeasyPrint) and browsers fall back per character, so Latin text and digits
come from the Latin font and every Khmer cluster from one Khmer font, which
keeps the cluster shaped as a whole. The Khmer names cover Debian's
``fonts-khmeros`` (Khmer OS, Khmer OS System...), Google's Noto and the fonts
that ship with Windows (Khmer UI, DaunPenh) and macOS (Khmer Sangam MN), so
the HTML summary also reads well on the manager's own computer.
"""

from __future__ import annotations

import base64
import functools
import shutil
import subprocess
from collections.abc import Mapping
from importlib import resources

LATIN_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")
KHMER_FAMILIES = (
    "Khmer OS System",
    "Khmer OS",
    "Khmer OS Content",
    "Khmer OS Siemreap",
    "Khmer OS Battambang",
    "Noto Sans Khmer",
    "Noto Serif Khmer",
    "Khmer UI",
    "Khmer Sangam MN",
    "DaunPenh",
)
GENERIC = "sans-serif"
WEB_KHMER_FAMILY = "LIP Khmer"
"""The family name of the bundled Khmer web font (``lipassess/static/fonts``) in every page that declares it."""
WEB_KHMER_FILES = {400: "fonts/NotoSansKhmer-Regular.woff2", 700: "fonts/NotoSansKhmer-Bold.woff2"}
"""The bundled Khmer web font by weight, as paths inside the static folder."""
KHMER_RANGE = "U+1780-17FF, U+19E0-19FF, U+200B-200D, U+25CC"
"""The code points the web font covers: a page without Khmer text never downloads it."""


def css_font_stack() -> str:
    """The CSS ``font-family`` value used by the summary page and its charts."""
    families = [*LATIN_FAMILIES, *KHMER_FAMILIES]
    return ", ".join(f'"{name}"' for name in families) + f", {GENERIC}"


def screen_font_stack() -> str:
    """:func:`css_font_stack` with the bundled web font right after the Latin fonts (browsers only).

    The web font is declared by :func:`web_font_faces`; WeasyPrint uses the
    system's fonts, so the PDF keeps :func:`css_font_stack`.
    """
    families = [*LATIN_FAMILIES, WEB_KHMER_FAMILY, *KHMER_FAMILIES]
    return ", ".join(f'"{name}"' for name in families) + f", {GENERIC}"


def web_font_faces(urls: Mapping[int, str] | None = None) -> str:
    """``@font-face`` rules of the bundled Khmer web font, one per weight.

    ``urls`` maps a weight (400, 700) to the address the app serves the file
    at (the web pages: the font is loaded from the app, and cached). Without
    it the files are embedded as ``data:`` URLs, so a summary saved to disk or
    sent as an attachment still shows Khmer on a device without a Khmer font.
    """
    rules = []
    for weight, name in WEB_KHMER_FILES.items():
        if urls is not None:
            if weight not in urls:
                continue
            source = urls[weight]
        else:
            data = resources.files("lipassess").joinpath("static", *name.split("/")).read_bytes()
            source = "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{WEB_KHMER_FAMILY}"; font-weight: {weight}; '
                     f'font-display: swap; unicode-range: {KHMER_RANGE}; src: url("{source}") format("woff2"); }}')
    return "\n".join(rules)


def svg_font_stack() -> str:
    """The same list for an SVG ``font-family`` attribute (single quotes, safe inside double quotes)."""
    families = [*LATIN_FAMILIES, *KHMER_FAMILIES]
    return ", ".join(f"'{name}'" for name in families) + f", {GENERIC}"


@functools.cache
def installed_khmer_fonts() -> tuple[str, ...]:
    """Families fontconfig reports for the Khmer language (``fc-list :lang=km family``).

    Returns an empty tuple when fontconfig is absent or knows no Khmer font;
    the PDF then carries a visible note that Khmer text may not display.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        out = subprocess.run([fc_list, ":lang=km", "family"], capture_output=True, text=True, timeout=20,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    names = {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(names))
