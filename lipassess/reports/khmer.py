"""Line-break opportunities in Khmer text for WeasyPrint.

Khmer writes words without spaces (a space separates phrases). Browsers find
word boundaries with a dictionary (ICU); Pango, which lays out WeasyPrint's
PDF, does not, so a Khmer phrase can only break at a space: lines come out
ragged and long phrases overflow narrow columns. Khmer typists insert
ZERO WIDTH SPACE (U+200B) between words for exactly this reason; this module
does the same for the words our summary uses.

:func:`add_break_opportunities` splits Khmer runs into orthographic clusters
(a base letter with its subscripts, vowels and signs: a break never falls
inside one), then matches the longest known words from :data:`LEXICON`, and
puts U+200B only *between two known words*. Text it does not know stays
glued, so a new or edited template is never broken in the wrong place, only
less often. The lexicon holds the words of :mod:`lipassess.reports.narrative`
(pending review with its Khmer templates); add words when templates change.
"""

from __future__ import annotations

import functools
import re

ZWSP = "\u200b"

# A cluster: a consonant or independent vowel, then subscripts (coeng + letter),
# dependent vowels, signs and joiners.
_CLUSTER = re.compile("[\u1780-\u17b3](?:\u17d2[\u1780-\u17b3]|[\u17b4-\u17d1\u17d3\u17dd\u200c\u200d])*")
_RUN = re.compile("(?:[\u1780-\u17b3](?:\u17d2[\u1780-\u17b3]|[\u17b4-\u17d1\u17d3\u17dd\u200c\u200d])*)+")

LEXICON = frozenset("""
អ្នក ចូលរួម អ្នកចូលរួម ចំនួន នាក់ បាន ចុះឈ្មោះ ឆ្លើយ កម្រង សំណួរ កម្រងសំណួរ មុន ក្រោយ វគ្គ បណ្តុះបណ្តាល
ភ្លាមៗ និង នៅ ពេល តាមដាន ខែ នៃ ដែល បន្ត នៅបន្ត រហូត ដល់ ក្នុង ចំណោម ក្នុងចំណោម
ឥរិយាបថ ភាព ជា ដឹកនាំ ភាពជាអ្នកដឹកនាំ តាម ការ វាយតម្លៃ ដោយ ខ្លួនឯង ខ្លួន ប្រសើរ ឡើង ប្រសើរឡើង ពី
ផ្លាស់ប្តូរ នេះ មាន ទំហំ ធំ តូច បំផុត មធ្យម ចន្លោះ ជឿជាក់ ទាំង ពីរ ដង ទាំងពីរដង មិន ច្បាស់លាស់ ទេ
តម្លៃ ប៉ាន់ស្មាន ហើយ សូន្យ នោះ ពិន្ទុ ធ្លាក់ ចុះ ធ្លាក់ចុះ ចំណុច ត្រូវការ យកចិត្តទុកដាក់ ផ្នែក វាស់ ជាងគេ
គឺ លើ កំហុស វាស់វែង អាច ពន្យល់ អ្វី លើស លើសពី សន្ទស្សន៍ ទុកចិត្ត អាចទុកចិត្តបាន ដែរ ខ្ពស់ ជាង នៅតែ
ភាពខុសគ្នា ខុស គ្នា ដូច្នេះ និយាយ ថា ពួកគេ អនុវត្ត ជំនាញ កន្លែង ធ្វើការ កន្លែងធ្វើការ តួលេខ របស់
កម្មវិធី ផ្អែក រាយការណ៍ ថ្មី ស្រប នឹង ទាប វិភាគ មេតា សិក្សា អំពី រកឃើញ ឥទ្ធិពល ជាមធ្យម ជារួម សម្រាប់
ផ្ទេរ ប្រហាក់ប្រហែល គ្រាន់តែ ប៉ុណ្ណោះ បូក បញ្ចូល បូកបញ្ចូល រចនា កែតម្រូវ ខុសៗគ្នា ខណៈ ខណៈដែល ក្រុម
តែមួយ មួយ ឯកជនភាព ការពារ បង្ហាញ ទាំងអស់ មនុស្ស តែង ល្អ ពិតប្រាកដ ក្រសួង ខេត្ត រង្វាស់ ជាក់លាក់
មិនសូវ អាន ប្រុងប្រយ័ត្ន បោះបង់ ស្តង់ដារ កម្រិត ប្រហែល ប្រហែលជា តំណាង ឱ្យ តំណាងឱ្យ ចាប់ផ្តើម
រួចទៅហើយ រួច ទៅ ពេញលេញ ពិដាន គម្លាត រំលឹក ឡើងវិញ យល់ឃើញ ចំពោះ ចងចាំ លម្អៀង មើល មើលទៅ អត្រា
ស្ទង់មតិ ការស្ទង់មតិ ផ្តល់ ទិន្នន័យ មិនទាន់ ទាន់ នៅឡើយ ចម្លើយ តែ ប៉ុន្តែ យ៉ាងហោចណាស់ តិច តិចជាង ពេក
ដូចគ្នា គ្មាន ប្រែប្រួល ភាពប្រែប្រួល ដំណើរការ ឯកតា ជួរ ជឿ យល់ដឹង សុខុមាលភាព ប្រាស្រ័យទាក់ទង
គ្រប់គ្រង ជម្លោះ ដោះស្រាយ បញ្ហា កិច្ចសហការ អន្តរវិស័យ បត់បែន បែប សរុប សេចក្តីសង្ខេប ផលប៉ះពាល់
សំយោគ គំរូ តែប៉ុណ្ណោះ ពិពណ៌នា និម្មិត មិនមែន ពិត ស្រាវជ្រាវ ប្រៀបធៀប ឯកសារយោង របៀប ជំនាន់
ម៉ាស៊ីនមេ ពុម្ពអក្សរ អក្សរ ខ្មែរ រក ឃើញ រកមិនឃើញ ត្រឹមត្រូវ សូម ដំឡើង ឧទាហរណ៍ កញ្ចប់ បង្កើត ទំព័រ
ថ្ងៃ ទី ថ្ងៃទី ឆ្នាំ គិត ត្រឹម គិតត្រឹម ចាប់ពី បើក ឆ្លើយតប ពេលវេលា មិនអាច អាចបាន ខ្វះ ពុំ
អ្នកឆ្លើយ អ្នកវាយតម្លៃ អ្នកដែល អ្នកទាំងអស់ ការយល់ឃើញ ការចងចាំ ចំណុចចាប់ផ្តើម ក្រោយពេល
ត្រូវ លទ្ធផល ធ្វើ វា ទាំងមូល ឬ ឬទេ ភ្លាម តើ ដើម្បី រវាង ដោយសារ ពិនិត្យ ក្រោម ការពិនិត្យ
កត្តា កើត ចេញ កើតចេញ ខ្លះ ច្រើន ដាក់ ទាក់ទង នីមួយ នីមួយៗ បញ្ជាក់ បន្តិច ព្រមាន ការព្រមាន មក យល់ ស្កាលែរ ដោយឡែក ជាជាង
ភាសា អង់គ្លេស ភាសាអង់គ្លេស
មករា កុម្ភៈ មីនា មេសា ឧសភា មិថុនា កក្កដា សីហា កញ្ញា តុលា វិច្ឆិកា ធ្នូ
ថ្នាក់ ថ្នាក់ដឹកនាំ ផ្ទាល់ សង្កេត អ្នកសង្កេត បុគ្គល បុគ្គលិក ឱវាទ ក្រោមឱវាទ សហការី ផ្សេង ទៀត ផ្សេងទៀត រួម រួមគ្នា
ភស្តុតាង រឹងមាំ កើន កើនឡើង ស្ទើរតែ ស្ទើរ គ្រប់ ប្រភេទ គ្រប់ប្រភេទ ចំណែក ច្បាស់ ដក ធៀប ធៀបនឹង មាត្រដ្ឋាន
យល់ យល់ស្រប រាប់ រាប់បញ្ចូល រីក រីកធំ រួមតូច ភាគ មធ្យមភាគ
""".split())
_MAX_WORD = max(len(_CLUSTER.findall(word)) for word in LEXICON)


def _segment(run: str) -> str:
    clusters = _CLUSTER.findall(run)
    pieces: list[tuple[str, bool]] = []
    i = 0
    while i < len(clusters):
        for j in range(min(len(clusters), i + _MAX_WORD), i, -1):
            word = "".join(clusters[i:j])
            if word in LEXICON:
                pieces.append((word, True))
                i = j
                break
        else:
            if pieces and not pieces[-1][1]:
                pieces[-1] = (pieces[-1][0] + clusters[i], False)
            else:
                pieces.append((clusters[i], False))
            i += 1
    out = pieces[0][0] if pieces else ""
    for (_, prev_known), (word, known) in zip(pieces, pieces[1:], strict=False):
        out += (ZWSP if prev_known and known else "") + word
    return out


@functools.lru_cache(maxsize=4096)
def add_break_opportunities(text: str) -> str:
    """``text`` with U+200B between adjacent known Khmer words; everything else unchanged."""
    return _RUN.sub(lambda m: _segment(m.group(0)), text)


def unknown_runs(text: str) -> list[str]:
    """Khmer stretches the lexicon could not split into known words (to grow :data:`LEXICON`)."""
    found = []
    for run in _RUN.findall(text):
        clusters = _CLUSTER.findall(run)
        i = 0
        pending = ""
        while i < len(clusters):
            for j in range(min(len(clusters), i + _MAX_WORD), i, -1):
                if "".join(clusters[i:j]) in LEXICON:
                    if pending:
                        found.append(pending)
                        pending = ""
                    i = j
                    break
            else:
                pending += clusters[i]
                i += 1
        if pending:
            found.append(pending)
    return found
