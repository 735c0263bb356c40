"""Numbers as people read them, in English or Khmer.

Choice for Khmer (``lang="km"``): Khmer digits (U+17E0-U+17E9) with the CLDR
``km`` separators, a decimal comma and a dot between thousands: ``0.76`` is
written ``០,៧៦`` and ``1,234`` is ``១.២៣៤``. Official Cambodian documents use
Khmer digits, and CLDR is what browsers and spreadsheets will show a Khmer
reader. Statistical symbols (g_av, d_z, n, α, δ) stay Latin/Greek in both
languages, as in Khmer-language research reports. Pass ``khmer_digits=False``
to get Latin digits (still with the Khmer separators) where a reader asks for
them. Negative numbers use the minus sign U+2212 in both languages, so a
minus never looks like a hyphen or a range dash.

Rounding happens here and nowhere in the analysis (STYLE: rounding belongs to reports).
"""

from __future__ import annotations

import math
from datetime import date

from lipassess.vocabulary import KHMER_DIGITS, LANGUAGES, format_date

MINUS = "\u2212"


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is a supported language code; raise otherwise."""
    from lipassess.errors import InvalidInput

    if lang not in LANGUAGES:
        raise InvalidInput(f"Unknown language {lang!r}: use one of {', '.join(LANGUAGES)}.")
    return lang


def _localise(text: str, lang: str, khmer_digits: bool) -> str:
    """Swap separators (and digits) of an English-formatted number for Khmer ones."""
    if lang != "km":
        return text
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text.translate(KHMER_DIGITS) if khmer_digits else text


def _sign(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def fmt_decimal(value: float, lang: str = "en", *, digits: int = 2, khmer_digits: bool = True) -> str:
    """A decimal such as an effect size: ``0.76`` / ``០,៧៦``; ``-0.3`` -> ``−0.30``.

    A value that rounds to zero is written without a sign (``0.00``, not ``−0.00``).
    """
    check_lang(lang)
    if value is None or math.isnan(value):
        raise ValueError("fmt_decimal needs a number; say why it is missing instead")
    text = f"{value:,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("-")
    return _sign(_localise(text, lang, khmer_digits))


def fmt_int(value: int, lang: str = "en", *, khmer_digits: bool = True) -> str:
    """A count: ``1,234`` / ``១.២៣៤``."""
    check_lang(lang)
    return _sign(_localise(f"{int(value):,}", lang, khmer_digits))


def fmt_percent(share: float, lang: str = "en", *, digits: int = 0, khmer_digits: bool = True) -> str:
    """A share in [0, 1] as a percentage: ``0.724`` -> ``72%`` / ``៧២%``."""
    check_lang(lang)
    if share is None or math.isnan(share):
        raise ValueError("fmt_percent needs a number; say why it is missing instead")
    text = f"{share * 100:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return _sign(_localise(text, lang, khmer_digits)) + "%"


def fmt_interval(low: float, high: float, lang: str = "en", *, digits: int = 2, khmer_digits: bool = True) -> str:
    """A CI in brackets: ``[0.68, 1.02]``; in Khmer ``[០,៦៨; ១,០២]`` (a semicolon, since the comma is decimal)."""
    sep = "; " if lang == "km" else ", "
    lo = fmt_decimal(low, lang, digits=digits, khmer_digits=khmer_digits)
    hi = fmt_decimal(high, lang, digits=digits, khmer_digits=khmer_digits)
    return f"[{lo}{sep}{hi}]"


def fmt_date(day: date, lang: str = "en", *, khmer_digits: bool = True) -> str:
    """``1 March 2025`` / ``ថ្ងៃទី ១ ខែមីនា ឆ្នាំ ២០២៥`` (:func:`lipassess.vocabulary.format_date`)."""
    return format_date(day, check_lang(lang), use_khmer_digits=khmer_digits)
