"""The plain answer a manager reads first: did leadership behaviour change, by how much, did it last, how sure.

Built from the behaviour total's effects in :class:`~lipassess.reports.figures.ImpactFigures`,
in English or Khmer (templates ``report.answer.*`` of :mod:`lipassess.text.report`):

1. **Whether and how much** (before -> after): the direction comes from the
   95% CI of Hedges' g_av (above 0 improved, below 0 declined, including 0 no
   clear change, as in :func:`lipassess.reports.narrative.direction`); the
   amount is Cohen's (1988) label of |g_av| (below 0.2 very slightly, 0.2
   slightly, 0.5 moderately, 0.8 or more strongly; :func:`~lipassess.reports.narrative.cohen_size`).
2. **Whether it lasted** (before -> follow-up), when the change was an
   improvement: with the follow-up CI above 0, the share of the gain kept is
   ``r = g_av(pre, follow-up) / g_av(pre, post)``: ``r >= 0.9`` all of the
   gain, ``0.5 <= r < 0.9`` most, below 0.5 part; a follow-up CI including 0
   means the gain is no longer clear, one below 0 that scores fell below the
   start. A follow-up not yet run, or with too few answers, is said as such.
   After no change or a decline, the follow-up is described against the start.
3. **How sure**, from the CI of the before -> after change (Cumming 2014: read
   the interval, not the point): "confident" when the CI's end nearest zero
   falls in the same Cohen band as the estimate (the data rule out a smaller
   kind of change); "fairly sure" when the CI excludes zero but spans bands;
   "cannot be sure" when it includes zero. Fewer than ``Thresholds.small_n``
   pairs add "early figures, a first sign".
4. **What others saw**, when observers (supervisors, or every observer
   together) rated the same people before and after
   (:class:`~lipassess.reports.observer_figures.ObserverFigures`): a sentence
   right after the first, with the direction of the observers' change from its
   95% CI and its d_z, and, when self and observer change differ (the CI of
   self-rated minus observer-rated change excludes 0), whether observers saw a
   smaller or a larger change. Observer ratings are the stronger evidence
   (self-ratings rise after almost any training), so they come before the
   certainty of the self-rated change.

References
----------
Cohen, J. (1988). Statistical power analysis for the behavioral sciences (2nd ed.). Erlbaum.
Cumming, G. (2014). The new statistics: Why and how. Psychological Science, 25(1), 7-29.
Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science.
Frontiers in Psychology, 4, 863.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable

from lipassess.reports.figures import Effect, ImpactFigures, MissingReason
from lipassess.reports.narrative import Thresholds, cohen_size, direction, why_missing, word
from lipassess.reports.numbers import check_lang, fmt_decimal, fmt_int
from lipassess.reports.observer_figures import ObserverFigures
from lipassess.text import text as catalogue_text

ALL_KEPT = 0.9
"""Share of the post-training g_av still present at the follow-up from which "all of the gain remained"."""
MOST_KEPT = 0.5
"""Share from which "most of the gain remained" (below it: "part of the gain")."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PlainAnswer:
    """The first words of a summary: one to three sentences, and the rules that produced them.

    Attributes
    ----------
    heading : str
        "In short" in the summary's language.
    sentences : tuple of str
        What changed and whether it lasted; how sure we are; a thin-data warning when one applies.
    rules : tuple of str
        The rules that fired, in order, the same in every language
        (``change.up``, ``lasting.most``, ``observer.up.smaller``, ``sure.high``, ``sure.thin``).
    """

    heading: str
    sentences: tuple[str, ...]
    rules: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def _say(key: str, lang: str, **values: object) -> str:
    return unicodedata.normalize("NFC", catalogue_text(f"report.answer.{key}", lang, **values))


def _numbers(effect: Effect) -> tuple[float, float, float] | None:
    if effect.g_av is None or effect.ci_low is None or effect.ci_high is None:
        return None
    return effect.g_av, effect.ci_low, effect.ci_high


def _lasting_rule(post: str, g_post: float, followup: Effect) -> str | None:
    """Which ``lasting.*`` clause follows a before -> after change in direction ``post``; None for none."""
    numbers = _numbers(followup)
    if numbers is None:
        if post != "up":
            return None
        missing = followup.missing
        return "pending" if missing is not None and missing.reason == MissingReason.NOT_YET else "unknown"
    g_fu, lo, hi = numbers
    later = direction(lo, hi)
    if post != "up":
        return f"later_{later}"
    if later == "none":
        return "faded"
    if later == "down":
        return "below"
    kept = g_fu / g_post
    return "full" if kept >= ALL_KEPT else ("most" if kept >= MOST_KEPT else "part")


def plain_answer(figures: ImpactFigures, lang: str = "en", *, thresholds: Thresholds | None = None,
                 khmer_digits: bool = True) -> PlainAnswer:
    """The plain answer of ``figures`` in ``lang`` (rules in the module docstring).

    Examples
    --------
    A medium improvement (g_av = 0.78, 95% CI 0.72 to 0.84, 456 pairs) of which
    0.57 remains at six months reads "Leadership behaviour improved moderately
    after the training (g = 0.78), and most of the gain remained 6 months later
    (g = 0.57). We can be confident of this: the plausible range (95% CI 0.72 to
    0.84) shows at least a medium change."
    """
    check_lang(lang)
    th = thresholds or Thresholds()

    def num(value: float) -> str:
        return fmt_decimal(value, lang, khmer_digits=khmer_digits)

    heading = _say("heading", lang)
    total = figures.total
    post = _numbers(total.pre_post)
    if post is None:
        missing = total.pre_post.missing
        why = why_missing(figures, missing, lang, khmer_digits=khmer_digits) if missing else ""
        return PlainAnswer(heading=heading, sentences=(_say("change.missing", lang, why=why),),
                           rules=("change.missing",))
    g, lo, hi = post
    kind = direction(lo, hi)
    rules = [f"change.{kind}"]
    change = _say(f"change.{kind}", lang, how=_say(f"how.{cohen_size(g)}", lang), g=num(g))
    lasting = _lasting_rule(kind, g, total.pre_followup)
    if lasting is None:
        sentences = [_say("alone", lang, change=change)]
    else:
        rules.append(f"lasting.{lasting}")
        fu = _numbers(total.pre_followup)
        clause = _say(f"lasting.{lasting}", lang, months=fmt_int(figures.followup_months, lang,
                                                                 khmer_digits=khmer_digits),
                      g=num(fu[0]) if fu else "")
        sentences = [_say("joined", lang, change=change, lasting=clause)]
    observed = _observed(figures.observers, lang, num)
    if observed is not None:
        rules.append(observed[0])
        sentences.append(observed[1])
    sure, sentence = _sureness(kind, g, lo, hi, lang, num)
    rules.append(sure)
    sentences.append(sentence)
    n = total.pre_post.n
    if n is not None and n < th.small_n:
        rules.append("sure.thin")
        sentences.append(_say("sure.thin", lang, n=fmt_int(n, lang, khmer_digits=khmer_digits)))
    return PlainAnswer(heading=heading, sentences=tuple(sentences), rules=tuple(rules))


def _observed(observers: ObserverFigures | None, lang: str,
              num: Callable[[float], str]) -> tuple[str, str] | None:
    """What observers saw before -> after (module docstring, point 4): ``(rule, sentence)``; None without it."""
    if observers is None or not observers.available:
        return None
    change = observers.pre_post
    if change is None or not change.available or change.ci_low is None or change.ci_high is None or change.d_z is None:
        return None
    kind = direction(change.ci_low, change.ci_high)
    observed = _say(f"observer.{kind}", lang, who=_say(f"observer.who.{observers.group}", lang), d=num(change.d_z))
    gap = observers.gap
    if gap is not None and gap.disagree and gap.change is not None:
        compared = "smaller" if gap.change > 0 else "larger"
        return f"observer.{kind}.{compared}", _say(f"observer.{compared}", lang, observed=observed)
    return f"observer.{kind}", _say("observer.alone", lang, observed=observed)


def _sureness(kind: str, g: float, lo: float, hi: float, lang: str,
              num: Callable[[float], str]) -> tuple[str, str]:
    """How sure we are, from the before -> after CI (module docstring, point 3): ``(rule, sentence)``."""
    values = {"lo": num(lo), "hi": num(hi)}
    if kind == "none":
        return "sure.none", _say("sure.none", lang, **values)
    near, far = (lo, hi) if kind == "up" else (hi, lo)
    near_size, far_size = cohen_size(near), cohen_size(far)
    if near_size == cohen_size(g):
        return "sure.high", _say("sure.high", lang, size=word("size", near_size, lang), **values)
    return "sure.fair", _say("sure.fair", lang, near=word("size", near_size, lang),
                             far=word("size", far_size, lang), **values)


__all__ = ["ALL_KEPT", "MOST_KEPT", "PlainAnswer", "plain_answer"]
