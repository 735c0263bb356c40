"""What a narrative is: :class:`Narrative`, its :class:`Section` s and :class:`Sentence` s (each with its rule's key).

Built by :func:`lipassess.reports.narrative.build_narrative`; the summary
page, the PDF, the API and ``ImpactFigures.summary()`` read it.
"""

from __future__ import annotations

import dataclasses

from lipassess.reports.narrative_words import heading


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence and the rule that produced it (``key``, the same in every language)."""

    key: str
    text: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A titled group of sentences."""

    key: str
    heading: str
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Narrative:
    """The words of one impact summary in one language.

    Attributes
    ----------
    lang : str
        ``en`` or ``km``.
    title : str
        Page title.
    synthetic_notice : str or None
        The "synthetic data" banner text, when the figures are synthetic.
    sections : tuple of Section
        participation, observers (when planned), change, lasting, application, research, subgroups (when any).
    caveats : tuple of Sentence
        Cautions generated from the data.
    missing : tuple of Sentence
        Why further numbers (subscales, reliability, ...) are missing.
    method : Sentence
        How to read effect sizes and CIs (Cohen's thresholds).
    references : tuple of str
        Full references, in English in both languages.
    """

    lang: str
    title: str
    synthetic_notice: str | None
    sections: tuple[Section, ...]
    caveats: tuple[Sentence, ...]
    missing: tuple[Sentence, ...]
    method: Sentence
    references: tuple[str, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def sentences(self) -> tuple[Sentence, ...]:
        """Every sentence, in page order."""
        body = tuple(s for section in self.sections for s in section.sentences)
        return body + self.caveats + self.missing + (self.method,)

    def keys(self) -> set[str]:
        """The rules that fired."""
        return {s.key for s in self.sentences()}

    def text(self) -> str:
        """All the words as plain text (title, banner, sections, caveats, missing, method)."""
        parts = [self.title]
        if self.synthetic_notice:
            parts.append(self.synthetic_notice)
        parts += [f"{section.heading}\n{section.text}" for section in self.sections]
        if self.caveats:
            parts.append(heading("caveats", self.lang) + "\n" + "\n".join(s.text for s in self.caveats))
        if self.missing:
            parts.append(heading("missing", self.lang) + "\n" + "\n".join(s.text for s in self.missing))
        parts.append(self.method.text)
        return "\n\n".join(parts)



__all__ = ["Narrative", "Section", "Sentence"]
