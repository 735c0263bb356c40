"""Small hand-written instruments for the instrument and scoring tests."""

from __future__ import annotations

from pathlib import Path

from lipassess.instruments import Instrument, load_instrument

#: 1..5 frequency scale with two missing codes; subscale a (A1..A5, A2 and A4
#: reversed), subscale b (B1..B4, B3 reversed, listed under the subscale rather
#: than on the items), and three unscored items (text, yes/no, choice).
SCORING_YAML = """\
id: scoring-fixture
version: "1.0"
title: {en: Scoring fixture, km: "ឧបករណ៍សាកល្បង"}
description: {en: For tests, km: "សម្រាប់ការសាកល្បង"}
instructions: {en: Answer every item, km: "សូមឆ្លើយគ្រប់សំណួរ"}
translation_status: {en: source, km: pending_review}
waves: [pre, post]
scales:
  freq:
    min: 1
    max: 5
    points:
      - {value: 1, label: {en: Never, km: "មិនដែលសោះ"}}
      - {value: 2, label: {en: Rarely, km: "កម្រ"}}
      - {value: 3, label: {en: Sometimes, km: "ម្ដងម្កាល"}}
      - {value: 4, label: {en: Often, km: "ញឹកញាប់"}}
      - {value: 5, label: {en: Always, km: "ជានិច្ច"}}
    missing_codes:
      - {value: 8, label: {en: "Don't know", km: "មិនដឹង"}}
      - {value: 9, label: {en: Not applicable, km: "មិនពាក់ព័ន្ធ"}}
items:
  - {id: A1, text: {en: a one, km: "ក១"}, scale: freq, subscale: a}
  - {id: A2, text: {en: a two, km: "ក២"}, scale: freq, subscale: a, reverse: true}
  - {id: A3, text: {en: a three, km: "ក៣"}, scale: freq, subscale: a}
  - {id: A4, text: {en: a four, km: "ក៤"}, scale: freq, subscale: a, reverse: true}
  - {id: A5, text: {en: a five, km: "ក៥"}, scale: freq, subscale: a}
  - {id: B1, text: {en: b one, km: "ខ១"}, scale: freq}
  - {id: B2, text: {en: b two, km: "ខ២"}, scale: freq}
  - {id: B3, text: {en: b three, km: "ខ៣"}, scale: freq, reverse: true}
  - {id: B4, text: {en: b four, km: "ខ៤"}, scale: freq}
  - {id: T, type: text, max_length: 10, required: false, text: {en: comment, km: "មតិ"}}
  - {id: Y, type: yes_no, text: {en: applied, km: "បានអនុវត្ត"}}
  - id: C
    type: choice
    text: {en: barrier, km: "ឧបសគ្គ"}
    options:
      - {value: 1, label: {en: Time, km: "ពេលវេលា"}}
      - {value: 2, label: {en: Money, km: "ថវិកា"}}
subscales:
  - {id: a, label: {en: A, km: "ក"}}
  - {id: b, label: {en: B, km: "ខ"}, items: [B1, B2, B3, B4]}
"""


def write(tmp_path: Path, text: str, name: str = "fixture.yaml") -> Path:
    """Write ``text`` to ``tmp_path / name`` as UTF-8 and return the path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def scoring_instrument(tmp_path: Path, text: str = SCORING_YAML) -> Instrument:
    """Load the scoring fixture (optionally edited) from a real file."""
    return load_instrument(write(tmp_path, text))
