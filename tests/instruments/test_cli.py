"""``lipassess instruments validate|list`` through the real entry point."""

from __future__ import annotations

import pytest

from lipassess.cli import main
from lipassess.instruments import bundled_instruments_dir, load_instruments
from tests.instruments.fixtures import SCORING_YAML, write


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(["instruments", *args])
        raise SystemExit(0)  # main returns normally on success
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_validate_bundled_by_default(capsys):
    code, out, err = run(capsys, "validate")
    assert code == 0, (out, err)
    lines = out.splitlines()
    assert len(lines) == 6
    assert all(line.startswith("ok: ") for line in lines)
    assert any("lip-leadership-behaviour 1.0, " in line for line in lines)
    assert any("lip-needs-assessment 1.0, " in line for line in lines)


def test_validate_a_good_file(tmp_path, capsys):
    path = write(tmp_path, SCORING_YAML, "good.yaml")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert out.startswith(f"ok: {path} (scoring-fixture 1.0, ")


def test_validate_reports_each_problem_and_exits_2(tmp_path, capsys):
    write(tmp_path, SCORING_YAML, "good.yaml")
    bad = SCORING_YAML.replace("reverse: true}", "reverse: maybe}", 1)
    bad = bad.replace("waves: [pre, post]", "waves: [pre, mid]")
    write(tmp_path, bad.replace("id: scoring-fixture", "id: other"), "bad.yaml")
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert code == 2
    lines = out.splitlines()
    assert lines[0].startswith(f"ok: {tmp_path / 'good.yaml'} (scoring-fixture 1.0, ")
    assert f"problem: {tmp_path / 'bad.yaml'}: item 'A2': field 'reverse': Not a valid boolean." \
        in lines
    assert any(line.startswith(f"problem: {tmp_path / 'bad.yaml'}: field 'waves[1]'")
               for line in lines)
    assert err.startswith("error: 2 problems in 1 file;") and err.count("\n") == 1
    assert "Traceback" not in out + err


def test_validate_yaml_syntax_error_names_the_line(tmp_path, capsys):
    path = write(tmp_path, "id: x\n  version: [\n", "broken.yaml")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 2
    assert out.startswith(f"problem: {path}: line 2, column ")
    assert "YAML syntax error" in out


def test_validate_missing_path_is_one_line_error(tmp_path, capsys):
    code, out, err = run(capsys, "validate", str(tmp_path / "nope"))
    assert code == 2
    assert err == f"error: {tmp_path / 'nope'}: no such file or directory\n"
    assert out == ""


def test_list_bundled(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["id", "version", "hash", "waves", "items"]
    expected = [
        [i.id, i.version, i.content_hash[:12], ",".join(i.waves), str(len(i.items))]
        for i in load_instruments(bundled_instruments_dir())
    ]
    assert [row.split() for row in rows] == expected
    assert ["lip-leadership-behaviour", "1.0"] == rows[1].split()[:2]
    assert rows[1].split()[3:] == ["pre,post,followup", "30"]


def test_list_a_directory_with_a_broken_file_fails_in_one_line(tmp_path, capsys):
    write(tmp_path, SCORING_YAML.replace("reverse: true}", "reverse: 2}", 1), "bad.yaml")
    code, out, err = run(capsys, "list", "--dir", str(tmp_path))
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "item 'A2': field 'reverse'" in err


def test_help_works_for_every_subcommand(capsys):
    for args in (["--help"], ["validate", "--help"], ["list", "--help"]):
        code, out, _ = run(capsys, *args)
        assert code == 0
        assert "Usage:" in out
