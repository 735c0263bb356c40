"""The narrative's rules: :class:`Writer` looks at the figures and picks each sentence, in one language.

Each method is one part of the summary (participation, change, lasting,
application, research, subgroups, caveats, further missing numbers, method);
:class:`Thresholds` says when a caveat fires. The module docstring of
:mod:`lipassess.reports.narrative` says how numbers are described;
:mod:`lipassess.reports.observer_narrative` adds the observers' section with
the same writer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from lipassess.reports.figures import Effect, ImpactFigures, Missing, MissingReason
from lipassess.reports.invariance import invariance_caveats
from lipassess.reports.narrative_result import Section, Sentence
from lipassess.reports.narrative_words import (
    COHEN_LARGE,
    COHEN_MEDIUM,
    COHEN_SMALL,
    LACERENZA_OVERALL,
    LACERENZA_TRANSFER,
    PROGRAM_EARLIER_APPLIED_SHARE,
    capitalise,
    cohen_size,
    direction,
    heading,
    join_list,
    outcome_label,
    text,
    word,
)
from lipassess.reports.numbers import check_lang, fmt_decimal, fmt_int, fmt_percent
from lipassess.vocabulary import TOTAL_OUTCOME

_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """When a caveat is raised. Defaults follow common practice; see the module docstring."""

    reliability_min: float = 0.70
    small_n: int = 30
    attrition_max: float = 0.20
    baseline_smd_max: float = 0.25
    ceiling_max: float = 0.15
    then_test_gap: float = 0.20




def given(value: _T | None, name: str) -> _T:
    """A number the figures guarantee once no missing reason is given (their ``_check_group``).

    Raises ``RuntimeError`` naming the number when that guarantee is broken.
    """
    if value is None:
        raise RuntimeError(f"{name} is None although no missing reason is given")
    return value


class EffectNumbers(NamedTuple):
    g_av: float
    ci_low: float
    ci_high: float


def effect_numbers(effect: Effect) -> EffectNumbers:
    """``g_av`` and its CI of an available effect (:class:`Effect` requires all three without a missing reason)."""
    return EffectNumbers(given(effect.g_av, "Effect.g_av"), given(effect.ci_low, "Effect.ci_low"),
                          given(effect.ci_high, "Effect.ci_high"))



class Writer:
    """Binds a language and thresholds to the rules."""

    def __init__(self, figures: ImpactFigures, lang: str, thresholds: Thresholds, khmer_digits: bool) -> None:
        self.f = figures
        self.lang = check_lang(lang)
        self.th = thresholds
        self.kd = khmer_digits

    # numbers -----------------------------------------------------------
    def num(self, value: float, digits: int = 2) -> str:
        return fmt_decimal(value, self.lang, digits=digits, khmer_digits=self.kd)

    def pct(self, value: float) -> str:
        return fmt_percent(value, self.lang, khmer_digits=self.kd)

    def cnt(self, value: int) -> str:
        return fmt_int(value, self.lang, khmer_digits=self.kd)

    def say(self, key: str, **values: object) -> Sentence:
        return Sentence(key=key, text=text(key, self.lang, **values))

    # missing -----------------------------------------------------------
    def why(self, missing: Missing) -> str:
        wave = word("wave_survey", missing.wave, self.lang) if missing.wave else None
        match missing.reason:
            case MissingReason.NOT_YET:
                return text("why.not_yet.wave", self.lang, wave=wave) if wave else text("why.not_yet", self.lang)
            case MissingReason.TOO_FEW:
                if missing.n is None or missing.needed is None:
                    return text("why.too_few.bare", self.lang)
                values = {"n": self.cnt(missing.n), "needed": self.cnt(missing.needed)}
                if wave:
                    return text("why.too_few.wave", self.lang, wave=wave, **values)
                return text("why.too_few", self.lang, **values)
            case MissingReason.NO_VARIANCE:
                return text("why.no_variance", self.lang)
            case MissingReason.NOT_MEASURED:
                return text("why.not_measured", self.lang)
            case _:
                if missing.detail:
                    return text("why.error", self.lang, detail=missing.detail.rstrip("."))
                return text("why.error.bare", self.lang)

    def missing_sentence(self, whats: Sequence[str], missing: Missing, key: str = "missing") -> Sentence:
        what = capitalise(join_list(whats, self.lang))
        return Sentence(key=key, text=text("missing", self.lang, what=what, why=self.why(missing)))

    def what(self, key: str, **values: object) -> str:
        return text(f"what.{key}", self.lang, **values)

    # sections ----------------------------------------------------------
    def participation(self) -> Section:
        f = self.f
        out = [self.say("participation.counts", enrolled=self.cnt(f.n_enrolled), pre=self.cnt(f.n_pre),
                        post=self.cnt(f.n_post), followup=self.cnt(f.n_followup), months=self.cnt(f.followup_months))]
        r = f.retention
        if r.missing is not None:
            out.append(self.missing_sentence([self.what("retention")], r.missing, "participation.retention_missing"))
        else:
            count = r.count if r.count is not None else f.n_followup
            n = r.n if r.n is not None else f.n_pre
            out.append(self.say("participation.retention", share=self.pct(given(r.share, "Share.share")),
                                count=self.cnt(count),
                                n=self.cnt(n)))
        return Section(key="participation", heading=heading("participation", self.lang), sentences=tuple(out))

    def _effect_values(self, e: Effect) -> dict[str, str]:
        g_av, ci_low, ci_high = effect_numbers(e)
        return {"g": self.num(g_av), "lo": self.num(ci_low), "hi": self.num(ci_high),
                "n": self.cnt(e.n) if e.n is not None else "?",
                "size": word("size", cohen_size(g_av), self.lang),
                "dz": self.num(e.d_z) if e.d_z is not None else "\u2013"}

    def change(self) -> Section:
        total = self.f.total
        out: list[Sentence] = []
        e = total.pre_post
        if e.missing is not None:
            out.append(self.missing_sentence(
                [self.what("pre_post", outcome=outcome_label(TOTAL_OUTCOME, self.lang))],
                e.missing, "change.missing"))
        else:
            numbers = effect_numbers(e)
            out.append(self.say(f"change.{direction(numbers.ci_low, numbers.ci_high)}", **self._effect_values(e)))
        out += self.subscale_sentences()
        out += self.rci_sentences()
        return Section(key="change", heading=heading("change", self.lang), sentences=tuple(out))

    def subscale_sentences(self) -> list[Sentence]:
        shown = [(o.outcome, effect_numbers(o.pre_post)) for o in self.f.subscales if o.pre_post.available]
        out: list[Sentence] = []
        if len(shown) >= 2:
            best, g_best = max(shown, key=lambda item: item[1].g_av)
            worst, g_worst = min(shown, key=lambda item: item[1].g_av)
            out.append(self.say("subscales.range", k=self.cnt(len(shown)),
                                best=outcome_label(best, self.lang), g_best=self.num(g_best.g_av),
                                worst=outcome_label(worst, self.lang),
                                g_worst=self.num(g_worst.g_av)))
        for kind in ("none", "down"):
            areas = [outcome_label(outcome, self.lang) for outcome, numbers in shown
                     if direction(numbers.ci_low, numbers.ci_high) == kind]
            if areas:
                out.append(self.say(f"subscales.{kind}", areas=join_list(areas, self.lang)))
        return out

    def rci_sentences(self) -> list[Sentence]:
        up, down = self.f.reliably_improved, self.f.reliably_declined
        if up.missing is not None or down.missing is not None:
            return self._missing_group([("improved", up.missing), ("declined", down.missing)], "rci.missing")
        n = up.n if up.n is not None else (self.f.total.pre_post.n or 0)
        return [self.say("rci", improved=self.pct(given(up.share, "Share.share")), lo=self.pct_or_dash(up.ci_low),
                         hi=self.pct_or_dash(up.ci_high), n=self.cnt(n),
                         declined=self.pct(given(down.share, "Share.share")),
                         dlo=self.pct_or_dash(down.ci_low), dhi=self.pct_or_dash(down.ci_high))]

    def pct_or_dash(self, value: float | None) -> str:
        return "\u2013" if value is None else self.pct(value)

    def _missing_group(self, items: Sequence[tuple[str, Missing | None]], key: str) -> list[Sentence]:
        groups: dict[Missing, list[str]] = {}
        for what_key, missing in items:
            if missing is not None:
                groups.setdefault(missing, []).append(self.what(what_key))
        return [self.missing_sentence(whats, missing, key) for missing, whats in groups.items()]

    def lasting(self) -> Section:
        total = self.f.total
        e = total.pre_followup
        months = self.cnt(self.f.followup_months)
        out: list[Sentence] = []
        if e.missing is not None:
            out.append(self.missing_sentence(
                [self.what("pre_followup", outcome=outcome_label(TOTAL_OUTCOME, self.lang))],
                e.missing, "lasting.missing"))
        else:
            numbers = effect_numbers(e)
            out.append(self.say(f"lasting.{direction(numbers.ci_low, numbers.ci_high)}", months=months,
                                **self._effect_values(e)))
            if total.pre_post.available:
                out.append(self.say("lasting.compare", g_post=self.num(effect_numbers(total.pre_post).g_av)))
        return Section(key="lasting", heading=heading("lasting", self.lang), sentences=tuple(out))

    def application(self) -> Section:
        a = self.f.applied_skills
        earlier = self.pct(PROGRAM_EARLIER_APPLIED_SHARE)
        out: list[Sentence] = []
        if a.missing is not None:
            out.append(self.missing_sentence([self.what("applied")], a.missing, "application.missing"))
            out.append(self.say("application.earlier", earlier=earlier))
        else:
            lo = self.pct(a.ci_low) if a.ci_low is not None else "\u2013"
            hi = self.pct(a.ci_high) if a.ci_high is not None else "\u2013"
            n = a.n if a.n is not None else self.f.n_followup
            out.append(self.say("application", months=self.cnt(self.f.followup_months),
                                share=self.pct(given(a.share, "Share.share")), lo=lo, hi=hi, n=self.cnt(n)))
            if a.ci_low is None or a.ci_high is None:  # a Share has both CI bounds or neither
                out.append(self.say("application.earlier", earlier=earlier))
            elif a.ci_high < PROGRAM_EARLIER_APPLIED_SHARE:
                out.append(self.say("application.earlier.lower", earlier=earlier))
            elif a.ci_low > PROGRAM_EARLIER_APPLIED_SHARE:
                out.append(self.say("application.earlier.higher", earlier=earlier))
            else:
                out.append(self.say("application.earlier.same", earlier=earlier))
        return Section(key="application", heading=heading("application", self.lang), sentences=tuple(out))

    def research(self) -> Section:
        out = [self.say("research.cite", overall=self.num(LACERENZA_OVERALL), transfer=self.num(LACERENZA_TRANSFER))]
        e = self.f.total.pre_post
        if e.available:
            numbers = effect_numbers(e)
            if numbers.ci_low > LACERENZA_TRANSFER:
                kind = "larger"
            elif numbers.ci_high < LACERENZA_TRANSFER:
                kind = "smaller"
            else:
                kind = "similar"
            out.append(self.say(f"research.{kind}", g=self.num(numbers.g_av)))
        out.append(self.say("research.rough"))
        return Section(key="research", heading=heading("research", self.lang), sentences=tuple(out))

    def subgroups(self) -> Section | None:
        if not self.f.subgroups:
            return None
        out: list[Sentence] = []
        if any(row.suppressed for row in self.f.subgroups):
            out.append(self.say("subgroups.suppressed", min=self.cnt(self.f.min_subgroup_size)))
        return Section(key="subgroups", heading=heading("subgroups", self.lang), sentences=tuple(out))

    # caveats -----------------------------------------------------------
    def caveats(self) -> tuple[Sentence, ...]:
        f, th = self.f, self.th
        out: list[Sentence] = []
        if f.self_report and not (f.observers and f.observers.pre_post and f.observers.pre_post.available):
            out.append(self.say("caveat.self_report"))  # with observer change, observers.prefer says it
        low = [(o.outcome, r.wave, r.alpha) for o in f.outcomes for r in o.reliability
               if r.alpha is not None and r.alpha < th.reliability_min]
        if low:
            by: dict[str, list[str]] = {}  # one name per scale, its waves in brackets
            for o, wave, alpha in low:
                by.setdefault(o, []).append(f"{word('wave', wave, self.lang)}, \u03b1 = {self.num(alpha)}")
            items = [f"{outcome_label(o, self.lang)} ({'; '.join(w)})" for o, w in by.items()]
            out.append(self.say("caveat.reliability", min=self.num(th.reliability_min),
                                items=join_list(items, self.lang)))
        pairs = f.total.pre_post.n
        if pairs is not None and pairs < th.small_n:
            out.append(self.say("caveat.small_n", n=self.cnt(pairs), min=self.cnt(th.small_n)))
        fu_n = f.total.pre_followup.n if f.total.pre_followup.n is not None else f.n_followup
        if f.n_followup and fu_n < th.small_n:
            out.append(self.say("caveat.small_n_followup", n=self.cnt(fu_n),
                                months=self.cnt(f.followup_months), min=self.cnt(th.small_n)))
        out += self.attrition_caveats()
        # A Share has its share exactly when it is available.
        ceiling = [(o.outcome, o.ceiling_pre.share) for o in f.outcomes
                   if o.ceiling_pre is not None and o.ceiling_pre.share is not None
                   and o.ceiling_pre.share > th.ceiling_max]
        if ceiling:
            items = [f"{outcome_label(outcome, self.lang)} ({self.pct(share)})" for outcome, share in ceiling]
            out.append(self.say("caveat.ceiling", max=self.pct(th.ceiling_max), items=join_list(items, self.lang)))
        t = f.then_test
        gap = given(t.gap, "ThenTest.gap") if t.missing is None else None
        if gap is not None and abs(gap) >= th.then_test_gap:
            lo = self.num(t.ci_low) if t.ci_low is not None else "\u2013"
            hi = self.num(t.ci_high) if t.ci_high is not None else "\u2013"
            key = "caveat.then_test_lower" if gap < 0 else "caveat.then_test_higher"
            out.append(self.say(key, gap=self.num(gap), lo=lo, hi=hi, n=self.cnt(t.n) if t.n is not None else "?"))
        out += [self.say(key, **{name: join_list(values, self.lang) for name, values in lists.items()})
                for key, lists in invariance_caveats(f.invariance, lambda o: outcome_label(o, self.lang))]
        return tuple(out)

    def attrition_caveats(self) -> list[Sentence]:
        a, th = self.f.attrition, self.th
        if a.missing is not None:
            return []
        out: list[Sentence] = []
        overall_rate = given(a.overall_rate, "Attrition.overall_rate")
        if overall_rate > th.attrition_max:
            out.append(self.say("caveat.attrition_high", rate=self.pct(overall_rate),
                                months=self.cnt(self.f.followup_months), max=self.pct(th.attrition_max)))
        if a.baseline_smd is not None and abs(a.baseline_smd) > th.baseline_smd_max:
            out.append(self.say("caveat.attrition_biased", smd=self.num(a.baseline_smd),
                                max=self.num(th.baseline_smd_max)))
        if a.wwc_high:
            differential = self.pct(a.differential_rate) if a.differential_rate is not None else "\u2013"
            out.append(self.say("caveat.attrition_wwc", overall=self.pct(overall_rate), differential=differential))
        return out

    # further missing numbers -----------------------------------------------
    def missing(self) -> tuple[Sentence, ...]:
        """Missing numbers not already explained in a section, grouped by reason."""
        f = self.f
        items: list[tuple[str, Missing]] = []

        def add(what: str, missing: Missing | None) -> None:
            if missing is not None:
                items.append((what, missing))

        for o in f.subscales:
            label = outcome_label(o.outcome, self.lang)
            add(self.what("pre_post", outcome=label), o.pre_post.missing)
            add(self.what("pre_followup", outcome=label), o.pre_followup.missing)
        for o in f.outcomes:
            label = outcome_label(o.outcome, self.lang)
            for r in o.reliability:
                add(self.what("reliability", outcome=label, wave=word("wave", r.wave, self.lang)), r.missing)
            if o.ceiling_pre is not None:
                add(self.what("ceiling", outcome=label), o.ceiling_pre.missing)
        add(self.what("then_test"), f.then_test.missing)
        add(self.what("attrition"), f.attrition.missing)
        for row in f.subgroups:
            if row.pre_post is not None:
                add(self.what("subgroup", group=row.label), row.pre_post.missing)
        for cohort in f.cohorts:
            add(self.what("subgroup", group=cohort.label), cohort.pre_post.missing)
        groups: dict[Missing, list[str]] = {}
        for what, missing in items:
            groups.setdefault(missing, []).append(what)
        return tuple(self.missing_sentence(whats, missing) for missing, whats in groups.items())

    def method(self) -> Sentence:
        return self.say("method", small=self.num(COHEN_SMALL, 1), medium=self.num(COHEN_MEDIUM, 1),
                        large=self.num(COHEN_LARGE, 1))


__all__ = ["EffectNumbers", "Thresholds", "Writer", "effect_numbers", "given"]
