"""``lipassess analyze``: commands print summaries or JSON; bad input is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import lipassess.analysis as analysis
from lipassess.analysis import paired, repeated
from lipassess.cli import main
from lipassess.cli.commands import cli

DATA = Path(__file__).parent.parent / "analysis" / "data"
WAVES = DATA / "waves_small.csv"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def items_csv(tmp_path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(8)],
            "A1": [1, 2, 2, 3, 4, 4, 5, 3],
            "A2": [5, 4, 4, 3, 2, 1, 1, 3],
            "A3": [1, 2, 3, 3, 4, 5, 5, 2],
            "A4": [2, 2, 3, 4, 4, 5, 4, 3],
        }
    )
    path = tmp_path / "items.csv"
    frame.to_csv(path, index=False)
    return path


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_paired_json_equals_the_python_api(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["analyze", "paired", str(WAVES), "--pre", "pre", "--post", "post", "--json"]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(WAVES, index_col="id")
    assert json.loads(result.output) == paired(frame["pre"], frame["post"]).to_dict()


def test_paired_prints_summary_by_default(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["analyze", "paired", str(WAVES), "--pre", "pre", "--post", "followup", "--ci", "0.9"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PairedResult")
    assert "d_av_ci_low" in result.output and "ci " in result.output
    assert "dropped" in result.output  # ids 3, 8, 14 lack a score


def test_repeated_json_has_both_estimates(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["analyze", "repeated", str(WAVES), "--waves", "pre, post,followup", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    frame = pd.read_csv(WAVES, index_col="id")
    assert payload == repeated(frame[["pre", "post", "followup"]]).to_dict()
    assert payload["n_obs"] == 12 and payload["mixed_model"]["n_participants"] == 16


def test_repeated_summary_via_main(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(
        ["analyze", "repeated", str(WAVES), "--waves", "pre,post,followup"], capsys
    )
    assert code == 0
    assert "RM-ANOVA" in out and "Mixed model" in out


def test_id_column_is_used_and_checked(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "scores.csv"
    pd.DataFrame({"pid": ["a", "b", "c"], "pre": [1.0, 2.0, 3.0], "post": [2.0, 2.5, 3.9]}).to_csv(
        path, index=False
    )
    ok = runner.invoke(cli, ["analyze", "paired", str(path), "--pre", "pre", "--post", "post",
                             "--id", "pid", "--json"])  # fmt: skip
    assert ok.exit_code == 0 and json.loads(ok.output)["n_obs"] == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["analyze", "paired", "missing.csv", "--pre", "a", "--post", "b"], "file not found"),
        (["analyze", "paired", str(WAVES), "--pre", "pre", "--post", "after"], "no column 'after'"),
        (["analyze", "paired", str(WAVES), "--pre", "pre", "--post", "post", "--id", "pid"],
         "no id column 'pid'"),
        (["analyze", "repeated", str(WAVES), "--waves", "pre"], "at least two columns"),
        (["analyze", "repeated", str(WAVES), "--waves", "pre,later"], "no column 'later'"),
        (["analyze", "paired", str(WAVES), "--pre", "pre", "--post", "post", "--ci", "2"],
         "ci must be between 0 and 1"),
    ],
    ids=["no-file", "no-column", "no-id-column", "one-wave", "no-wave-column", "bad-ci"],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(argv, capsys)
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,pre,post\n1,3,4\n1,2,3\n2,4,4\n", "more than once"),
        ("id,pre,post\n1,3,4\n2,high,3\n3,4,4\n", "non-numeric"),
        ("id,pre,post\n1,3,4\n", "at least 2"),
        ("", "is empty"),
        ("id,pre,post\n,3,4\n2,2,3\n", "line 2 has no 'id'"),
    ],
    ids=["duplicate-id", "non-numeric", "one-participant", "empty-file", "blank-id"],
)
def test_bad_file_content(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run_main(
        ["analyze", "paired", str(path), "--pre", "pre", "--post", "post"], capsys
    )
    assert code == 2
    assert message in err


def test_all_identical_scores_print_nan_with_reasons(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "same.csv"
    path.write_text("id,pre,post\n1,3,3\n2,3,3\n3,3,3\n", encoding="utf-8")
    result = runner.invoke(cli, ["analyze", "paired", str(path), "--pre", "pre", "--post", "post",
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["t"] is None and payload["notes"]


def test_missing_required_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["analyze", "paired", str(WAVES), "--pre", "pre"], capsys)
    assert code == 2 and "--post" in err




def test_reliability_json_equals_the_python_api(items_csv: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["analyze", "reliability", str(items_csv), "--items", "A1,A2,A3,A4",
                                 "--reverse", "A2", "--scale", "1", "5", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(items_csv, index_col="id")
    expected = analysis.reliability(frame[["A1", "A2", "A3", "A4"]], reverse=("A2",), scale=(1, 5))
    assert json.loads(result.output) == expected.to_dict()


def test_reliability_summary_and_errors(
    items_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(["analyze", "reliability", str(items_csv), "--items", "A1,A2,A3",
                             "--reverse", "A2"], capsys)  # fmt: skip
    assert code == 0 and out.strip()
    code, _, err = run_main(["analyze", "reliability", str(items_csv), "--items", "A1,A9"], capsys)
    assert code == 2 and "no column 'A9'" in err


def test_reliability_rejects_reverse_item_outside_items(
    items_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(["analyze", "reliability", str(items_csv), "--items", "A1,A3",
                             "--reverse", "A2"], capsys)  # fmt: skip
    assert code == 2 and "not in --items" in err


def test_change_json_equals_the_python_api(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["analyze", "change", str(WAVES), "--pre", "pre", "--post", "post",
                                 "--reliability", "0.8", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(WAVES, index_col="id")
    expected = analysis.reliable_change(frame["pre"], frame["post"], reliability=0.8)
    assert json.loads(result.output) == expected.to_dict()


def test_change_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["analyze", "change", str(WAVES), "--pre", "pre", "--post", "nope",
                             "--reliability", "0.8"], capsys)  # fmt: skip
    assert code == 2 and "no column 'nope'" in err


class _Recorder:
    """Stands in for an analysis function to check what the command passes to it."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple, dict]] = []

    def __call__(self, *args: object, **kwargs: object) -> _Recorder:
        self.calls.append((args, kwargs))
        return self

    def to_dict(self) -> dict:
        return {"called": len(self.calls)}

    def summary(self) -> str:
        return "recorded"


def test_reliability_command_passes_items_reverse_and_scale(
    items_csv: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _Recorder()
    monkeypatch.setattr(analysis, "reliability", fake, raising=False)
    result = runner.invoke(cli, ["analyze", "reliability", str(items_csv), "--items", "A1,A2,A3",
                                 "--reverse", "A1", "--reverse", "A2", "--scale", "1", "7",
                                 "--ci", "0.9"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "recorded"
    ((args, kwargs),) = fake.calls
    frame = args[0]
    assert list(frame.columns) == ["A1", "A2", "A3"] and list(frame.index[:2]) == ["p0", "p1"]
    assert kwargs == {"reverse": ("A1", "A2"), "scale": (1, 7), "ci": 0.9}
    assert all(isinstance(v, int) for v in kwargs["scale"])


def test_change_command_passes_columns_and_reliability(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _Recorder()
    monkeypatch.setattr(analysis, "reliable_change", fake, raising=False)
    result = runner.invoke(cli, ["analyze", "change", str(WAVES), "--pre", "pre", "--post", "post",
                                 "--reliability", "0.85", "--sd-pre", "0.6", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"called": 1}
    ((args, kwargs),) = fake.calls
    assert [s.name for s in args] == ["pre", "post"] and args[0].index.name == "id"
    assert kwargs == {"reliability": 0.85, "sd_pre": 0.6, "ci": 0.95}


def test_a_csv_gives_the_same_answer_as_the_same_numbers_in_memory(
    tmp_path: Path, runner: CliRunner
) -> None:
    # Scale scores as item means: doubles such as 3.3333333333333335 must read back
    # bit for bit (pandas' default parser may land one ulp away), or t, d and the
    # ranks of the file differ from those of the same numbers in memory.
    items = pd.read_csv(DATA / "ties_items.csv", index_col="id")
    frame = pd.DataFrame(
        {w: items[[f"{w}_{i}" for i in range(1, 7)]].mean(axis=1) * 1.1 for w in ("pre", "post")}
    )
    path = tmp_path / "scores.csv"
    frame.to_csv(path)
    assert pd.read_csv(path, index_col="id", float_precision="round_trip").equals(frame)
    result = runner.invoke(cli, ["analyze", "paired", str(path), "--pre", "pre", "--post", "post",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == paired(frame["pre"], frame["post"]).to_dict()
