"""The package gives what the command gives: the same engine, no second implementation."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import health_equity_assessment as hea
from conftest import EXAMPLES, ROOT, cli_json, cli_lines, run_cli


def test_version_is_the_crates() -> None:
    cargo = (ROOT / "Cargo.toml").read_text()
    crate = re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)
    python = re.search(r'^version = "([^"]+)"', (ROOT / "python" / "Cargo.toml").read_text(), re.M).group(1)
    assert hea.__version__ == crate == python


def test_instruments_are_the_commands() -> None:
    assert hea.instruments() == cli_json("instruments", "--format", "json")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_score_equals_the_command_on_every_example(path: Path) -> None:
    text = path.read_text()
    assert hea.score(text) == cli_json("score", str(path), "--format", "json")
    assert hea.score(json.loads(text)) == cli_json("score", str(path), "--format", "json"), "a dict gives the same report"
    assert hea.score(path.read_bytes(), report="summary") == cli_json("score", str(path), "--report", "summary")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_validate_returns_the_document(path: Path) -> None:
    original = json.loads(path.read_text())
    validated = hea.validate(original)
    assert validated["answers"] == original["answers"]
    assert validated["organization"] == original["organization"]
    assert hea.score(validated) == hea.score(original), "the validated document scores the same"
    assert cli_json("validate", str(path), "--format", "json")["valid"] is True


def test_validation_problems_are_the_commands() -> None:
    path = "tests/data/invalid-three-problems.json"
    with pytest.raises(hea.ValidationError) as caught:
        hea.validate(Path(path).read_text())
    expected = cli_json("validate", path, "--format", "json")["problems"]
    assert caught.value.problems == expected
    assert caught.value.codes == ["invalid_option", "duplicate_key", "unknown_item"]
    text = str(caught.value)
    assert all(f"[{code}]" in text for code in caught.value.codes), text
    assert isinstance(caught.value, ValueError)


def test_diff_equals_the_command() -> None:
    base, follow = "examples/heoa-baseline.json", "examples/heoa-follow-up.json"
    for window in ("P1M", "P0D", "P6W"):
        expected = cli_json("diff", base, follow, "--format", "json", "--program-completed", "2023-05-11", "--window", window)
        got = hea.diff(Path(base).read_text(), Path(follow).read_text(), program_completed="2023-05-11", window=window)
        assert got == expected
    import datetime

    assert hea.diff(Path(base).read_bytes(), Path(follow).read_bytes(), program_completed=datetime.date(2023, 5, 11)) == cli_json(
        "diff", base, follow, "--format", "json", "--program-completed", "2023-05-11"
    )
    assert hea.diff(Path(base).read_text(), Path(follow).read_text()) == cli_json("diff", base, follow, "--format", "json")


def test_diff_refusals_raise_compare_error() -> None:
    base, follow = Path("examples/heoa-baseline.json").read_text(), Path("examples/heoa-follow-up.json").read_text()
    with pytest.raises(hea.CompareError) as caught:
        hea.diff(follow, base)
    assert caught.value.codes and isinstance(caught.value, ValueError)
    with pytest.raises(hea.CompareError):
        hea.diff(base, follow, program_completed="2023-05-11", window="P0D", strict_window=True)
    other = json.loads(follow)
    other["organization"] = {"id": "someone-else"}
    with pytest.raises(hea.CompareError) as caught:
        hea.diff(base, other)
    assert caught.value.codes == ["different_organizations"]
    with pytest.raises(hea.ValidationError) as caught:
        hea.diff("{", "[")
    assert [p["pointer"][:10] for p in caught.value.problems] == ["/baseline", "/follow_up"]
    with pytest.raises(hea.OptionError):
        hea.diff(base, follow, program_completed="2023-02-30")
    with pytest.raises(hea.OptionError):
        hea.diff(base, follow, program_completed="2023-05-11", window="one month")


def synthetic(organizations: int, seed: int, path: Path) -> Path:
    done = run_cli("synthetic-cohort", "--organizations", str(organizations), "--seed", str(seed))
    assert done.returncode == 0
    path.write_bytes(done.stdout)
    return path


def test_cohort_report_equals_the_command(tmp_path: Path) -> None:
    ndjson = synthetic(200, 4, tmp_path / "cohort.ndjson")
    # A bad line in the middle, named by file and line as the command names it.
    lines = ndjson.read_bytes().splitlines()
    lines.insert(7, b'{"broken')
    lines.insert(9, b"")
    lines.insert(11, b"\xff\xfe not UTF-8")
    lines.insert(12, "\u2003 ".encode())  # blank in Unicode's sense
    lines[14] = b"\xef\xbb\xbf" + lines[14] + b"\r"  # a byte-order mark and a CRLF line end
    ndjson.write_bytes(b"\n".join(lines) + b"\n")
    args = ["--program-completed", "2023-05-11", "--window", "P1M"]
    expected = cli_json("cohort", str(ndjson), "--format", "json", *args)
    result = hea.cohort(ndjson, program_completed="2023-05-11", window="P1M")
    assert result.report == expected
    assert result.problems and result.problems[0].startswith(f"{ndjson}:8: ")
    with open(ndjson, "rb") as f:
        assert hea.cohort(f, program_completed="2023-05-11").report == expected, "an open file names lines the same way"
    variants = {
        "zero_method": ("--zero-method", "pratt"),
        "alternative": ("--alternative", "greater"),
        "method": ("--method", "asymptotic"),
        "mcnemar": ("--mcnemar", "chi-square"),
        "confidence_level": ("--confidence-level", "0.9"),
    }
    for name, (flag, value) in variants.items():
        kwargs = {name: float(value) if name == "confidence_level" else value}
        got = hea.cohort(ndjson, **kwargs).report
        assert got == cli_json("cohort", str(ndjson), "--format", "json", flag, value), name
    assert hea.cohort(ndjson, correction=True, exclude_late=True, program_completed="2023-05-11").report == cli_json(
        "cohort", str(ndjson), "--format", "json", "--correction", "--exclude-late", "--program-completed", "2023-05-11"
    )
    directory = hea.cohort(Path("examples")).report
    assert directory == cli_json("cohort", "examples", "--format", "json")
    for pair in ("first_second", "last-two"):
        got = hea.cohort(Path("examples"), pair=pair).report
        assert got == cli_json("cohort", "examples", "--format", "json", "--pair", pair), pair
        assert got["options"]["waves"] == pair.replace("-", "_")


def csv_header(text: str) -> list:
    return next(csv.reader(io.StringIO(text)))


def test_dataframes_have_the_commands_columns_and_types(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    ndjson = synthetic(150, 8, tmp_path / "c.ndjson")
    summary_csv = tmp_path / "summary.csv"
    tidy = run_cli("cohort", str(ndjson), "--format", "csv", "--raw-csv", "--summary-csv", str(summary_csv), "--program-completed", "2023-05-11")
    assert tidy.returncode == 0, tidy.stderr
    result = hea.cohort(ndjson, program_completed="2023-05-11")
    expected_tidy = pd.read_csv(io.StringIO(tidy.stdout.decode()), keep_default_na=False, na_values=[""])
    expected_summary = pd.read_csv(summary_csv, keep_default_na=False, na_values=[""])
    assert list(result.tidy.columns) == list(expected_tidy.columns)
    assert list(result.summary.columns) == list(expected_summary.columns)
    assert len(result.tidy) == len(expected_tidy) and len(result.summary) == len(expected_summary)
    t = result.tidy
    assert str(t.assessed_on.dtype) == "datetime64[s]"
    assert t.focus.dtype == bool and t.in_statistics.dtype == bool
    assert str(t.points.dtype) == "int64" and str(t.level_index.dtype) == "Int64" and str(t.days_late.dtype) == "Int64"
    assert t.percent.dtype == float
    assert (t.assessed_on.dt.strftime("%Y-%m-%d") == expected_tidy.assessed_on).all()
    assert (t.points.to_numpy() == expected_tidy.points.to_numpy()).all()
    assert ((t.percent - expected_tidy.percent).abs().fillna(0) < 1e-9).all()
    s = result.summary
    assert str(s.n_used.dtype) == "Int64" and str(s.correction.dtype) == "boolean"
    assert ((s.p_value - expected_summary.p_value).abs().fillna(0) <= 1e-12 * s.p_value.abs().fillna(1)).all()
    assert (s.category_id == expected_summary.category_id).all()
