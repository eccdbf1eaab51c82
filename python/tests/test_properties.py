"""Property tests: on generated responses (any answers, missing and not-applicable items,
unusual names and dates) the package and the Rust library, through the command, agree byte for
byte once parsed, and validation problems agree code for code."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import health_equity_assessment as hea
from conftest import ROOT, run_cli

INSTRUMENTS = {
    (i["id"], i["version"]): json.loads((ROOT / "assessments" / i["id"] / f"{i['version']}.json").read_text())
    for i in hea.instruments()
}


def items_and_options(instrument: Dict[str, Any]) -> List[tuple]:
    scales = {s["id"]: [o["id"] for o in s["options"]] for s in instrument.get("scales", [])}
    found = []
    for category in instrument["categories"]:
        for item in category["items"]:
            options = scales.get(item.get("scale"), None) or [o["id"] for o in item.get("options", [])] or ["yes", "no"]
            found.append((item["id"], options))
    return found


@st.composite
def responses(draw: st.DrawFn) -> Dict[str, Any]:
    key = draw(st.sampled_from(sorted(INSTRUMENTS)))
    instrument = INSTRUMENTS[key]
    answers = {}
    for item, options in items_and_options(instrument):
        choice = draw(st.sampled_from(options + [None]))
        if choice is not None:
            answers[item] = choice
    organization = {"id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True))}
    if draw(st.booleans()):
        organization["name"] = draw(st.text(max_size=40))
    date = draw(st.dates(min_value=__import__("datetime").date(2000, 1, 1), max_value=__import__("datetime").date(2099, 12, 31)))
    doc: Dict[str, Any] = {
        "instrument": {"id": key[0], "version": key[1]},
        "organization": organization,
        "assessed_on": date.isoformat(),
        "answers": answers,
    }
    if draw(st.booleans()):
        doc["answers"]["no-such-item"] = "planning"
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(responses(), min_size=1, max_size=8))
def test_scores_and_problems_equal_the_rust_library(docs: List[Dict[str, Any]]) -> None:
    ndjson = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs).encode()
    for report in ("full", "summary"):
        done = run_cli("score", "--ndjson", "-", "--report", report, stdin=ndjson)
        expected = [json.loads(line) for line in done.stdout.splitlines()]
        assert list(hea.score_many(docs, report=report)) == expected
    for doc, line in zip(docs, expected):
        if "problems" in line:
            try:
                hea.score(doc)
            except hea.ValidationError as e:
                assert e.codes == [p["code"] for p in line["problems"]]
            else:
                raise AssertionError("the command refused a document the package scored")
        else:
            assert hea.score(doc, report="summary") == line["summary"]
