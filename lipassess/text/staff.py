"""The staff pages' own words around the impact summaries, in English and Khmer.

Read them through :func:`lipassess.text.text` (keys ``staff.<key>``). The Khmer
texts are pending review by the program's translators
(:data:`lipassess.text.KM_STATUS`).
"""

from __future__ import annotations

NAV: dict[str, dict[str, str]] = {
    "back.dashboard": {"en": "Dashboard", "km": "ផ្ទាំងវិភាគ"},
    "back.all_cohorts": {"en": "All cohorts", "km": "ជំនាន់ទាំងអស់"},
    "pdf": {"en": "PDF", "km": "ឯកសារ PDF"},
    "computed_at": {"en": "Figures computed {when} (Cambodia time); they are computed again whenever the data change.",
                    "km": "តួលេខទាំងនេះត្រូវបានគណនានៅ {when} (ម៉ោងកម្ពុជា) ហើយត្រូវគណនាឡើងវិញរាល់ពេលទិន្នន័យផ្លាស់ប្ដូរ។"},
}
