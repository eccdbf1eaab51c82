"""Every class of bad input raises the documented exception with the crate's codes; hostile
input never crashes the interpreter."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import health_equity_assessment as hea
from conftest import cli_json, run_cli

def base() -> dict:
    return json.loads((Path(__file__).resolve().parents[2] / "examples" / "heoa-baseline.json").read_text())


def with_(**changes: object) -> dict:
    doc = base()
    doc.update(changes)
    return doc


def cases() -> dict:
    b = base()
    answers = dict(b["answers"])
    first = next(iter(answers))
    return {
        "syntax": '{"instrument": ',
        "not_utf8": b'{"a": "\xff"}',
        "duplicate_key": json.dumps(b)[:-1] + ', "assessed_on": "2022-11-17"}',
        "unknown_field": with_(colour="blue"),
        "missing_field": {k: v for k, v in b.items() if k != "organization"},
        "invalid_option": with_(answers={**answers, first: "mostly"}),
        "unknown_item": with_(answers={**answers, "data-collection.eye-colour": "planning"}),
        "unknown_version": with_(instrument={"id": "heoa", "version": "9.9.9"}),
        "malformed_date": with_(assessed_on="2023-02-30"),
        "invalid_value": with_(organization={"id": 7}),
    }


@pytest.mark.parametrize("code", sorted(cases()))
def test_each_problem_class_has_the_commands_code(code: str, tmp_path: Path) -> None:
    doc = cases()[code]
    with pytest.raises(hea.ValidationError) as caught:
        hea.validate(doc)
    assert code in caught.value.codes, (code, caught.value.problems)
    raw = doc if isinstance(doc, bytes) else (doc.encode() if isinstance(doc, str) else json.dumps(doc).encode())
    path = tmp_path / "doc.json"
    path.write_bytes(raw)
    assert caught.value.problems == cli_json("validate", str(path), "--format", "json")["problems"]
    with pytest.raises(hea.ValidationError):
        hea.score(doc)
    # Exceptions survive pickling (multiprocessing pools send them back).
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.problems == caught.value.problems and type(again) is type(caught.value)


def test_deep_nesting_raises() -> None:
    with pytest.raises(hea.ValidationError) as caught:
        hea.validate("[" * 200_000 + "]" * 200_000)
    assert caught.value.codes
    nested: dict = {}
    for _ in range(100_000):
        nested = {"a": nested}
    with pytest.raises(hea.ValidationError) as caught:
        hea.score(with_(extensions=nested))
    assert caught.value.codes in (["too_deep"], ["invalid_value"]) or caught.value.codes


def test_huge_strings_and_numbers_raise() -> None:
    with pytest.raises(hea.ValidationError) as caught:
        hea.validate(with_(organization={"id": "x" * 20_000_000}))
    assert "too_large" in caught.value.codes
    with pytest.raises(hea.ValidationError):
        hea.validate(with_(answers=10**400))
    with pytest.raises(hea.ValidationError) as caught:
        hea.validate(with_(assessed_on=float("nan")))
    assert caught.value.codes == ["invalid_value"]


def test_wrong_types_raise_type_error_or_validation_error() -> None:
    for bad in (123, None, 1.5, object(), ["a list"]):
        with pytest.raises((TypeError, hea.ValidationError)):
            hea.score(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hea.score(base(), instrument="heoa")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        list(hea.score_many("examples/heoa-baseline.json"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hea.cohort({"not": "an iterable of documents"})
    with pytest.raises(hea.ValidationError):
        hea.validate(with_(answers=["not", "a", "map"]))
    with pytest.raises(hea.ValidationError):
        hea.validate("\ud800")  # a lone surrogate is not UTF-8


def test_options_with_unknown_values_raise_option_error() -> None:
    docs = [Path("examples/heoa-baseline.json"), Path("examples/heoa-follow-up.json")]
    for kwargs in ({"zero_method": "median"}, {"alternative": "sideways"}, {"method": "magic"}, {"mcnemar": "guess"},
                   {"confidence_level": 1.5}, {"program_completed": "yesterday"}, {"window": "P1X"}):
        with pytest.raises(hea.OptionError) as caught:
            hea.cohort(docs, **kwargs)  # type: ignore[arg-type]
        assert caught.value.codes and isinstance(caught.value, ValueError)
    with pytest.raises(hea.OptionError):
        hea.score(base(), report="tiny")
    with pytest.raises(hea.OptionError):
        hea.schema("nothing")


def test_cohort_limits_raise_cohort_error() -> None:
    docs = [Path("examples/heoa-baseline.json"), Path("examples/heoa-follow-up.json")]
    with pytest.raises(hea.CohortError) as caught:
        hea.cohort(docs, max_assessments=1)
    assert caught.value.codes == ["too_many_assessments"]


def test_bad_documents_in_a_cohort_are_listed_not_raised() -> None:
    good = base()
    result = hea.cohort([good, "{", {"x": float("nan")}, b"\xff"])
    assert len(result.report["rejected"]) == 3
    assert [r["source"] for r in result.report["rejected"]] == ["<documents>:2", "<documents>:3", "<documents>:4"]
    with pytest.raises(hea.ValidationError):
        hea.cohort([good, "{"], strict=True)


def test_instrument_files_are_checked() -> None:
    with pytest.raises(hea.InstrumentError) as caught:
        hea.Instrument.from_json(b'{"format": 1}')
    assert caught.value.codes
    with pytest.raises(hea.InstrumentError):
        hea.Instrument.from_json(b"\xff")
    with pytest.raises(OSError):
        hea.load_instrument("no/such/file.json")


def test_custom_instruments_are_used(tmp_path: Path) -> None:
    heoa = json.loads((Path("assessments") / "heoa" / "1.0.0.json").read_text())
    heoa["version"] = "1.1.0"
    path = tmp_path / "heoa-1.1.0.json"
    path.write_text(json.dumps(heoa))
    custom = hea.load_instrument(path)
    assert (custom.id, custom.version) == ("heoa", "1.1.0")
    doc = with_(instrument={"id": "heoa", "version": "1.1.0"})
    with pytest.raises(hea.ValidationError):
        hea.score(doc)
    report = hea.score(doc, instrument=custom)
    assert report["instrument"]["version"] == "1.1.0"
    assert hea.score(doc, instrument=[custom]) == report
    assert "1.1.0" in json.dumps(hea.schema("response", instrument=custom))
    lines = list(hea.score_many([doc, base()], instrument=custom))
    assert [("report" in l) for l in lines] == [True, True]


def test_score_many_keeps_order_and_goes_on(tmp_path: Path) -> None:
    good = json.dumps(base())
    docs = [good, "{", "", good.encode(), base(), {"bad": float("inf")}, b"\xff\xfe", good]
    lines = list(hea.score_many(docs, batch_size=2))
    assert [l["line"] for l in lines] == [1, 2, 4, 5, 6, 7, 8]
    assert [("report" in l) for l in lines] == [True, False, True, True, False, False, True]
    ndjson = tmp_path / "b.ndjson"
    ndjson.write_text("\n".join([good, "{", "", good]) + "\n")
    expected = [json.loads(l) for l in run_cli("score", "--ndjson", str(ndjson)).stdout.splitlines()]
    assert list(hea.score_many(ndjson)) == expected
    with open(ndjson) as f:
        assert list(hea.score_many(f)) == expected
    assert b"".join(hea.score_many(ndjson, raw=True, batch_size=1)) == run_cli("score", "--ndjson", str(ndjson)).stdout
    raw = list(hea.score_many([good, {"x": float("nan")}], raw=True))
    assert [json.loads(line)["line"] for line in raw] == [1, 2] and all(line.endswith(b"\n") for line in raw)
    with open(ndjson, "rb") as f:
        assert list(hea.score_many(f, report="summary")) == [
            json.loads(l) for l in run_cli("score", "--ndjson", str(ndjson), "--report", "summary").stdout.splitlines()
        ]


def test_schemas_are_the_commands() -> None:
    for kind in ("response", "score-report", "score-summary", "batch-line", "cohort-report", "progress-report"):
        assert hea.schema(kind) == cli_json("schema", kind)
    assert hea.schema("response", instrument="heoa@1.0.0") == cli_json("schema", "response", "--instrument", "heoa@1.0.0")
    with pytest.raises(hea.OptionError):
        hea.schema("score-report", instrument="heoa")


def test_pandas_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    result = hea.cohort([Path("examples/heoa-baseline.json"), Path("examples/heoa-follow-up.json")])
    monkeypatch.setitem(sys.modules, "pandas", None)
    assert result.report["instruments"][0]["pairs"] == 1
    with pytest.raises(ImportError, match="pip install pandas"):
        result.summary


def test_files_are_read_as_the_command_reads_them(tmp_path: Path) -> None:
    good = json.dumps(base())
    inner_cr = good.replace('"answers":', '"answers":\r')
    path = tmp_path / "lines.ndjson"
    path.write_bytes(("\n".join([good, "\u00a0", "\x1c", inner_cr, ""]) + "\n").encode() + b"\xff\n" + good.encode() + b"\r\n")
    expected = [json.loads(l) for l in run_cli("score", "--ndjson", str(path)).stdout.splitlines()]
    assert list(hea.score_many(path)) == expected
    with open(path, "rb") as f:
        assert list(hea.score_many(f)) == expected
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        assert list(hea.score_many(f)) == expected, "a text-mode file is read through its buffer"
    report = cli_json("cohort", str(path), "--format", "json")
    assert hea.cohort(path).report == report
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        assert hea.cohort(f).report == {**report, "rejected": [dict(r, source=r["source"]) for r in report["rejected"]]}


def test_dates_far_from_today_fit_the_tidy_table() -> None:
    pytest.importorskip("pandas")
    result = hea.cohort([with_(assessed_on="1650-01-01"), with_(assessed_on="2999-06-01")])
    assert [str(d.date()) for d in result.tidy.assessed_on.drop_duplicates()] == ["1650-01-01", "2999-06-01"]


def test_bad_option_values_raise_option_error_eagerly() -> None:
    for kwargs in ({"window": "\ud800"}, {"zero_method": "\ud800"}, {"program_completed": "\ud800"},
                   {"max_assessments": -1}, {"confidence_level": "abc"}):
        with pytest.raises(hea.OptionError):
            hea.cohort([], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(hea.OptionError):
        hea.score_many([], batch_size=0)
    with pytest.raises(hea.OptionError):
        hea.score_many([], report="tiny")
    with pytest.raises(hea.OptionError):
        hea.schema("\ud800")
    assert hea.Instrument.from_json(Path("assessments/heoa/1.0.0.json").read_text()).id == "heoa"
