"""Hostile instrument files (alias bombs, deep nesting, huge files) are refused at once with one error line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lipassess.errors import InvalidInput
from lipassess.instruments import load_instrument
from lipassess.instruments.loading import MAX_FILE_BYTES, MAX_NESTING
from tests.instruments.fixtures import SCORING_YAML, write

ROOT = Path(__file__).resolve().parents[2]

# 262 bytes that expand to 10^7 nodes when aliases are followed ("billion laughs").
ALIAS_BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    + [f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]" for p, c in zip("abcdef", "bcdefg", strict=True)]
) + "\n"


def refused(path: Path) -> str:
    with pytest.raises(InvalidInput) as caught:
        load_instrument(path)
    return str(caught.value)


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    assert len(ALIAS_BOMB.encode()) < 300
    message = refused(write(tmp_path, ALIAS_BOMB, "bomb.yaml"))
    assert "anchors and aliases" in message and "line 1" in message


def test_a_single_harmless_alias_is_refused_too(tmp_path: Path) -> None:
    text = SCORING_YAML + "extra: &x 1\nagain: *x\n"
    assert "anchors and aliases" in refused(write(tmp_path, text, "alias.yaml"))


@pytest.mark.parametrize("opening", ["[", "{a: "], ids=["lists", "mappings"])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    text = opening * 5000 + "1" + closing * 5000 + "\n"
    message = refused(write(tmp_path, text, "deep.yaml"))
    assert f"more than {MAX_NESTING} levels" in message


def test_nesting_at_the_limit_is_still_read_as_yaml(tmp_path: Path) -> None:
    text = "x: " + "[" * (MAX_NESTING - 1) + "1" + "]" * (MAX_NESTING - 1) + "\n"
    # Valid YAML within the limit gets past the reader; the schema then names what is wrong.
    message = refused(write(tmp_path, text, "nested.yaml"))
    assert "levels" not in message and "aliases" not in message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    assert "more than the 1,000,000" in refused(path)


def test_the_cli_answers_a_bomb_with_one_error_line_and_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, ALIAS_BOMB, "bomb.yaml")
    # A subprocess with a timeout: an implementation that expands the bomb fails here instead of hanging.
    result = subprocess.run([sys.executable, "-c", "import sys; from lipassess.cli import main; main(sys.argv[1:])",
                             "instruments", "validate", str(path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 2, result
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert any("anchors and aliases" in line for line in lines), lines
