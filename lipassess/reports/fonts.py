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

import functools
import shutil
import subprocess

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


def css_font_stack() -> str:
    """The CSS ``font-family`` value used by the summary page and its charts."""
    families = [*LATIN_FAMILIES, *KHMER_FAMILIES]
    return ", ".join(f'"{name}"' for name in families) + f", {GENERIC}"


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
