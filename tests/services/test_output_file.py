"""An output file is written whole or not at all, and a path that cannot be written is refused in one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lipassess.errors import InvalidInput
from lipassess.services.output_file import replace_when_written


def test_the_file_appears_only_when_complete_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    with replace_when_written(target) as partial:
        assert partial.parent == tmp_path and partial != target
        partial.write_bytes(b"a,b\r\n")
        assert not target.exists()
    assert target.read_bytes() == b"a,b\r\n" and os.listdir(tmp_path) == ["export.csv"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not the 0600 of a temporary file


def test_a_failed_write_leaves_the_earlier_file_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("earlier\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused, replace_when_written(target) as partial:
        partial.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert str(refused.value) == (f"cannot write {str(target)!r}: No space left on device; choose a folder that "
                                  "exists and is writable")
    assert target.read_text(encoding="utf-8") == "earlier\n" and os.listdir(tmp_path) == ["export.csv"]


def test_an_error_of_the_writer_itself_is_not_mistaken_for_the_path(tmp_path: Path) -> None:
    with pytest.raises(KeyError), replace_when_written(tmp_path / "export.csv"):
        raise KeyError("a column")
    assert os.listdir(tmp_path) == []


def test_a_link_to_a_file_writes_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real)
    with replace_when_written(link) as partial:
        partial.write_text("new\n", encoding="utf-8")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize(("name", "reason"), [
    ("bad\0name.csv", "embedded null byte; choose a folder that exists and is writable"),
    ("missing/x.csv", "No such file or directory; choose a folder that exists and is writable"),
    (".", "it is a folder; give the name of a file in it"),
])
def test_unwritable_paths_are_refused_before_anything_is_written(tmp_path: Path, name: str, reason: str) -> None:
    path = str(tmp_path / name)
    with pytest.raises(InvalidInput) as refused, replace_when_written(path):
        pytest.fail("the block must not run")
    assert str(refused.value) == f"cannot write {path!r}: {reason}"
    assert os.listdir(tmp_path) == []
