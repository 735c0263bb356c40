"""The summary's "What supervisors saw" section: observer figures -> sentences in English and Khmer.

Rules, each sentence keyed like the rest of the narrative (``observers.*``):

* the section comes right after participation, before the self-rated change:
  observers' ratings are the stronger evidence (``observers.prefer``);
* the observer-rated change pre to post and to the follow-up, with its CI
  and d_z (``observers.change``, ``observers.followup``);
* self against observer: whether the gap narrowed (its values before and after
  are on the dashboard's observer table), and
  whether the self-rated and observer-rated changes disagree (the CI of their
  difference excludes 0: ``observers.disagree``) or agree (``observers.agree``);
* agreement among the observers of one person (ICC, r_wg) is an evaluator's
  figure: it is on the dashboard's observer table and its CSV, not in the one-page summary;
* relations with too few raters, merged into all observers (``observers.merged``);
* every missing number as a sentence saying why, as elsewhere in the summary.

The words are data in :mod:`lipassess.text.raters` (keys ``report.raters.*``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lipassess.reports.narrative_result import Section, Sentence
from lipassess.reports.narrative_words import text
from lipassess.reports.observer_figures import ObserverChange, ObserverFigures

if TYPE_CHECKING:
    from lipassess.reports.narrative_writer import Writer

__all__ = ["observer_section"]


def _say(writer: Writer, key: str, rule: str, **values: object) -> Sentence:
    return Sentence(key=rule, text=text(f"raters.{key}", writer.lang, **values))


def _change_values(writer: Writer, change: ObserverChange) -> dict[str, str]:
    assert change.mean_diff is not None and change.ci_low is not None and change.ci_high is not None
    return {"diff": writer.num(change.mean_diff), "low": writer.num(change.ci_low),
            "high": writer.num(change.ci_high), "n": writer.cnt(change.n or 0),
            "d": writer.num(change.d_z) if change.d_z is not None else "\u2013"}


def _missing(writer: Writer, what: str, figures_missing: object, rule: str) -> Sentence:
    from lipassess.reports.figures import Missing

    assert isinstance(figures_missing, Missing)
    return Sentence(key=rule, text=text("missing", writer.lang, what=what, why=writer.why(figures_missing)))


def observer_section(writer: Writer, observers: ObserverFigures | None) -> Section | None:
    """The section, or None when no observer ratings were planned for this scope."""
    if observers is None:
        return None
    lang = writer.lang
    who = text(f"raters.who_{'supervisors' if observers.group == 'supervisor' else 'observers'}", lang)
    heading = text("raters.heading" if observers.group == "supervisor" else "raters.heading_others", lang)
    out: list[Sentence] = []
    if observers.missing is not None:
        what = text("raters.what_section", lang, who=who)
        out.append(_missing(writer, what, observers.missing, "observers.missing"))
        return Section(key="observers", heading=heading, sentences=tuple(out))
    assert observers.pre_post is not None and observers.pre_followup is not None
    assert observers.gap is not None and observers.agreement is not None and observers.self_pre_post is not None
    if observers.pre_post.available:
        out.append(_say(writer, "prefer_observer", "observers.prefer"))
        out.append(_say(writer, "change", "observers.change", who=who.capitalize() if lang == "en" else who,
                        **_change_values(writer, observers.pre_post)))
    else:
        out.append(_missing(writer, text("raters.what_change", lang, who=who), observers.pre_post.missing,
                            "observers.change_missing"))
    if observers.pre_followup.available:
        out.append(_say(writer, "followup_change", "observers.followup", who=who,
                        **_change_values(writer, observers.pre_followup)))
    elif observers.pre_post.available:
        out.append(_missing(writer, text("raters.what_followup", lang, who=who), observers.pre_followup.missing,
                            "observers.followup_missing"))
    gap = observers.gap
    if gap.missing is None:
        assert gap.pre is not None and gap.post is not None
        out.append(_say(writer, f"gap_{gap.verdict}", f"observers.gap_{gap.verdict}"))
        own, seen = observers.self_pre_post, observers.pre_post
        if own.available and seen.available:
            assert own.mean_diff is not None and seen.mean_diff is not None
            values = {"who": who, "self_diff": writer.num(own.mean_diff), "other_diff": writer.num(seen.mean_diff)}
            rule = "disagree" if gap.disagree else "agree"
            out.append(_say(writer, rule, f"observers.{rule}", **values))
    elif observers.pre_post.available:
        out.append(_missing(writer, text("raters.what_gap", lang), gap.missing, "observers.gap_missing"))
    for relation in observers.merged:
        out.append(_say(writer, "merged", "observers.merged", min=writer.cnt(observers.min_raters),
                        relation=text(f"relation.{relation}", lang)))
    return Section(key="observers", heading=heading, sentences=tuple(out))
