"""Plain-language rules: :class:`~lipassess.reports.figures.ImpactFigures` -> sentences in English and Khmer.

Each rule looks at the figures and picks one sentence template; every
sentence carries the ``key`` of the rule that produced it (``change.up``,
``caveat.reliability`` ...) so tests and the dashboard can tell which rule
fired in either language. A number that is missing always becomes a sentence
saying why ("... cannot be given, because there are only 3 responses and at
least 5 are needed").

How numbers are described
-------------------------
* Effect sizes in words use Cohen's (1988) conventional thresholds on |g|:
  below 0.2 very small, 0.2 small, 0.5 medium, 0.8 or more large; the 95% CI
  is always given in numbers beside the word.
* A CI that includes 0 is "no clear change", whatever the point estimate;
  a CI wholly below 0 is said plainly as a decline.
* Caveats come from the data, with the thresholds in :class:`Thresholds`
  (reliability below .70, fewer than 30 pairs, attrition above 20%,
  a baseline difference above .25 (What Works Clearinghouse) or the WWC flag,
  more than 15% at the scale maximum at the pre-test, a then-test gap of 0.2 or more).
* The research comparison is Lacerenza, Reyes, Marlow, Joseph & Salas (2017),
  J. Applied Psychology 102(12), 1686-1718: overall delta = .76, transfer
  (behaviour at work) delta = .82. It is rough, and the text says so.
* Khmer numbers follow :mod:`lipassess.reports.numbers` (Khmer digits, decimal comma).

Khmer text: PENDING REVIEW
--------------------------
The templates are data in :mod:`lipassess.text.report` (keys ``report.*`` of
the one text catalogue, :func:`lipassess.text.text`). Every Khmer template
(and the Khmer outcome and wave names) was written for this module and is
**pending review by the program's translators** at the Royal School of
Administration. The English templates are the reference. Keep one
``{placeholder}`` set per key in both languages; ``tests/test_text.py`` and
``tests/reports/test_narrative.py`` check that they match.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

from lipassess.reports.figures import Effect, ImpactFigures, Missing, MissingReason
from lipassess.reports.invariance import invariance_caveats
from lipassess.reports.numbers import check_lang, fmt_decimal, fmt_int, fmt_percent
from lipassess.text import text as catalogue_text
from lipassess.text.report import OUTCOME_LABELS, SIZE_WORDS, TEXT, WAVE_LABELS, WAVE_SURVEY_NAMES
from lipassess.vocabulary import TOTAL_OUTCOME

KHMER_REVIEW_STATUS = "pending review by the program's translators"

PROGRAM_EARLIER_APPLIED_SHARE = 0.89
"""The program's own earlier, self-reported share of graduates who applied the skills."""

LACERENZA_OVERALL = 0.76
LACERENZA_TRANSFER = 0.82
LACERENZA_2017 = (
    "Lacerenza, C. N., Reyes, D. L., Marlow, S. L., Joseph, D. L., & Salas, E. (2017). "
    "Leadership training design, delivery, and implementation: A meta-analysis. "
    "Journal of Applied Psychology, 102(12), 1686\u20131718. https://doi.org/10.1037/apl0000241"
)
REFERENCES = (
    LACERENZA_2017,
    "Cohen, J. (1988). Statistical power analysis for the behavioral sciences (2nd ed.). Erlbaum.",
    "Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to defining "
    "meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology, 59(1), 12\u201319.",
    "Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science. "
    "Frontiers in Psychology, 4, 863.",
    "What Works Clearinghouse (2022). Procedures and Standards Handbook, Version 5.0. "
    "U.S. Department of Education, Institute of Education Sciences.",
)

COHEN_SMALL, COHEN_MEDIUM, COHEN_LARGE = 0.2, 0.5, 0.8

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



# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


def text(key: str, lang: str, **values: object) -> str:
    """One template filled in, NFC-normalised (``key`` without its ``report.`` prefix)."""
    return unicodedata.normalize("NFC", catalogue_text(f"report.{key}", check_lang(lang), **values))


def word(kind: str, name: str, lang: str) -> str:
    """One word of the summary's vocabulary: ``word("size", "large", "km")`` (``report.<kind>.<name>``)."""
    return catalogue_text(f"report.{kind}.{name}", check_lang(lang))


def heading(key: str, lang: str) -> str:
    return text(f"heading.{key}", lang)


def outcome_label(outcome: str, lang: str) -> str:
    return word("outcome", outcome, lang)


def cohen_size(g: float) -> str:
    """Cohen's (1988) conventional label for |g|: negligible, small, medium or large."""
    size = abs(g)
    if size >= COHEN_LARGE:
        return "large"
    if size >= COHEN_MEDIUM:
        return "medium"
    if size >= COHEN_SMALL:
        return "small"
    return "negligible"


def direction(low: float, high: float) -> str:
    """``up`` when the CI lies above 0, ``down`` when below, ``none`` when it includes 0."""
    if low > 0:
        return "up"
    if high < 0:
        return "down"
    return "none"


def join_list(items: Sequence[str], lang: str) -> str:
    """"a, b and c" / "a, b និង c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + catalogue_text("report.and", lang) + items[-1]


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _given(value: _T | None, name: str) -> _T:
    """A number the figures guarantee once no missing reason is given (their ``_check_group``).

    Raises ``RuntimeError`` naming the number when that guarantee is broken.
    """
    if value is None:
        raise RuntimeError(f"{name} is None although no missing reason is given")
    return value


class _EffectNumbers(NamedTuple):
    g_av: float
    ci_low: float
    ci_high: float


def _effect_numbers(effect: Effect) -> _EffectNumbers:
    """``g_av`` and its CI of an available effect (:class:`Effect` requires all three without a missing reason)."""
    return _EffectNumbers(_given(effect.g_av, "Effect.g_av"), _given(effect.ci_low, "Effect.ci_low"),
                          _given(effect.ci_high, "Effect.ci_high"))


class _Writer:
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
        what = _capitalise(join_list(whats, self.lang))
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
            out.append(self.say("participation.retention", share=self.pct(_given(r.share, "Share.share")),
                                count=self.cnt(count),
                                n=self.cnt(n)))
        return Section(key="participation", heading=heading("participation", self.lang), sentences=tuple(out))

    def _effect_values(self, e: Effect) -> dict[str, str]:
        g_av, ci_low, ci_high = _effect_numbers(e)
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
            numbers = _effect_numbers(e)
            out.append(self.say(f"change.{direction(numbers.ci_low, numbers.ci_high)}", **self._effect_values(e)))
        out += self.subscale_sentences()
        out += self.rci_sentences()
        return Section(key="change", heading=heading("change", self.lang), sentences=tuple(out))

    def subscale_sentences(self) -> list[Sentence]:
        shown = [(o.outcome, _effect_numbers(o.pre_post)) for o in self.f.subscales if o.pre_post.available]
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
        return [self.say("rci", improved=self.pct(_given(up.share, "Share.share")), lo=self.pct_or_dash(up.ci_low),
                         hi=self.pct_or_dash(up.ci_high), n=self.cnt(n),
                         declined=self.pct(_given(down.share, "Share.share")),
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
            numbers = _effect_numbers(e)
            out.append(self.say(f"lasting.{direction(numbers.ci_low, numbers.ci_high)}", months=months,
                                **self._effect_values(e)))
            if total.pre_post.available:
                out.append(self.say("lasting.compare", g_post=self.num(_effect_numbers(total.pre_post).g_av)))
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
                                share=self.pct(_given(a.share, "Share.share")), lo=lo, hi=hi, n=self.cnt(n)))
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
            numbers = _effect_numbers(e)
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
        if f.self_report:
            out.append(self.say("caveat.self_report"))
        low = [(o.outcome, r.wave, r.alpha) for o in f.outcomes for r in o.reliability
               if r.alpha is not None and r.alpha < th.reliability_min]
        if low:
            items = [f"{outcome_label(outcome, self.lang)} ({word('wave', wave, self.lang)}, "
                     f"\u03b1 = {self.num(alpha)})" for outcome, wave, alpha in low]
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
        gap = _given(t.gap, "ThenTest.gap") if t.missing is None else None
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
        overall_rate = _given(a.overall_rate, "Attrition.overall_rate")
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


def build_narrative(figures: ImpactFigures, lang: str = "en", *, thresholds: Thresholds | None = None,
                    khmer_digits: bool = True) -> Narrative:
    """Turn impact figures into the summary's sentences in ``lang`` (``en`` or ``km``).

    Parameters
    ----------
    figures : ImpactFigures
        What to describe.
    lang : str
        ``en`` or ``km``.
    thresholds : Thresholds, optional
        When caveats fire; defaults to :class:`Thresholds()`.
    khmer_digits : bool
        In Khmer, write numbers with Khmer digits (default) or Latin digits.

    Raises
    ------
    InvalidInput
        For an unknown language.
    """
    writer = _Writer(figures, lang, thresholds or Thresholds(), khmer_digits)
    scope = figures.scope if figures.scope_kind == "cohort" else (figures.scope or text("scope.program", lang))
    sections: list[Section] = [writer.participation(), writer.change(), writer.lasting(),
                               writer.application(), writer.research()]
    subgroups = writer.subgroups()
    if subgroups is not None:
        sections.append(subgroups)
    from lipassess.reports.observer_narrative import observer_section  # it builds on this module
    observed = observer_section(writer, figures.observers)
    if observed is not None:  # observers' evidence first, before the self-rated change
        sections.insert(1, observed)
    return Narrative(
        lang=lang,
        title=text("title", lang, scope=scope),
        synthetic_notice=text("synthetic", lang) if figures.synthetic else None,
        sections=tuple(sections),
        caveats=writer.caveats(),
        missing=writer.missing(),
        method=writer.method(),
        references=REFERENCES,
    )


def why_missing(figures: ImpactFigures, missing: Missing, lang: str, *, khmer_digits: bool = True) -> str:
    """The reason clause for a missing number ("there are only 3 responses and at least 5 are needed")."""
    return _Writer(figures, lang, Thresholds(), khmer_digits).why(missing)


def number_formatter(lang: str, *, khmer_digits: bool = True) -> Callable[[float, int], str]:
    """``fmt(value, digits)`` for tables and charts in ``lang``."""
    check_lang(lang)

    def fmt(value: float, digits: int = 2) -> str:
        return fmt_decimal(value, lang, digits=digits, khmer_digits=khmer_digits)

    return fmt


__all__ = [
    "KHMER_REVIEW_STATUS", "LACERENZA_2017", "OUTCOME_LABELS", "PROGRAM_EARLIER_APPLIED_SHARE", "SIZE_WORDS",
    "TEXT", "WAVE_LABELS", "WAVE_SURVEY_NAMES", "Narrative", "Section", "Sentence", "Thresholds",
    "build_narrative", "cohen_size", "direction", "heading", "join_list", "number_formatter", "outcome_label",
    "text", "why_missing", "word",
]
