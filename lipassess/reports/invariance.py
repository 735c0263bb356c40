"""Whether the questions were understood the same way before and after the training, for the summary.

:class:`Invariance` is the part of :class:`~lipassess.reports.figures.ImpactFigures`
that carries the verdicts of :func:`lipassess.analysis.invariance.invariance_across_waves`
(pre against post, per subscale). :func:`invariance_caveats` is the narrative's rule:

* every subscale tested holds scalar invariance (fully or partially): one sentence,
  "the questions were understood the same way before and after the training";
* some held only once a few questions were set aside: one sentence naming them;
* scalar invariance fails for a subscale: a warning naming it;
* scalar invariance across the Khmer and English forms fails (at the pre-test): a warning
  to compare the language groups with care.

Nothing is said when nothing could be tested (too few people answered both surveys, one language).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from lipassess.errors import InvalidInput
from lipassess.vocabulary import SUBSCALE_OUTCOMES


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Invariance:
    """Scalar measurement invariance of the behaviour subscales from the pre- to the post-test.

    Attributes
    ----------
    holds : tuple of str
        Subscales (outcome keys) invariant with every question constrained.
    partial : tuple of str
        Subscales invariant once the questions in ``partial_items`` were set aside.
    partial_items : tuple of str
        Item ids whose loadings or intercepts differed before and after.
    fails : tuple of str
        Subscales whose scalar invariance fails even then.
    language_fails : tuple of str
        Subscales whose scalar invariance across the languages fails (pre-test answers).
    """

    holds: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    partial_items: tuple[str, ...] = ()
    fails: tuple[str, ...] = ()
    language_fails: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("holds", "partial", "partial_items", "fails", "language_fails"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name)))
        for key in (*self.holds, *self.partial, *self.fails, *self.language_fails):
            if key not in SUBSCALE_OUTCOMES:
                raise InvalidInput(f"Invariance: unknown subscale {key!r}; use one of {', '.join(SUBSCALE_OUTCOMES)}.")
        if self.partial and not self.partial_items:
            raise InvalidInput("Invariance.partial needs the items set aside in partial_items.")

    @property
    def tested(self) -> bool:
        return bool(self.holds or self.partial or self.fails or self.language_fails)


Rule = tuple[str, dict[str, Sequence[str]]]


def invariance_caveats(invariance: Invariance | None, label: Callable[[str], str]) -> list[Rule]:
    """The caveat keys to say and the lists to fill in (``outcomes`` as labels, ``items`` as ids)."""
    if invariance is None:
        return []
    out: list[Rule] = []
    understood = [*invariance.holds, *invariance.partial]
    if understood:
        out.append(("caveat.invariance_holds", {"outcomes": [label(o) for o in understood]}))
    if invariance.partial:
        out.append(("caveat.invariance_partial", {"outcomes": [label(o) for o in invariance.partial],
                                                  "items": list(invariance.partial_items)}))
    if invariance.fails:
        out.append(("caveat.invariance_fails", {"outcomes": [label(o) for o in invariance.fails]}))
    if invariance.language_fails:
        out.append(("caveat.invariance_language", {"outcomes": [label(o) for o in invariance.language_fails]}))
    return out
