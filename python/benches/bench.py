"""Benchmarks of the Python package against what a researcher writes today, on the same file,
in one run (ratios, interleaved, fastest of N). Figures go to BENCHMARKS.md.

    python3 -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install './python[pandas]' scipy
    cargo build --release -p health-equity-assessment-cli
    /tmp/bench-venv/bin/python python/benches/bench.py            # from the repository root

1. ``hea.cohort()`` over 20,000 organizations' pairs (40,000 HEOA documents) against a script
   of json.loads, per-category percents, a pandas groupby for each organization's first and
   last assessment, and ``scipy.stats.wilcoxon`` per category. The package does strictly more:
   validation, exact arithmetic, levels, windows, every statistic of the cohort report.
2. ``hea.score_many()`` over 100,000 HEOA documents against a plain loop of json.loads,
   per-category sums and levels; full reports and summaries, and the same batches with the
   results left as JSON bytes (what building Python dicts costs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import health_equity_assessment as hea
from health_equity_assessment import _native

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "equity-assess"
RUNS = 3


def synthetic(organizations: int, seed: int, path: Path) -> Path:
    with open(path, "wb") as f:
        subprocess.run(
            [str(BIN), "synthetic-cohort", "--organizations", str(organizations), "--seed", str(seed)], stdout=f, check=True
        )
    return path


def heoa_tables() -> Tuple[Dict[str, str], Dict[str, int], List[Tuple[str, float]]]:
    """Item -> category, option -> points (None: excluded), and the level thresholds."""
    instrument = json.loads((ROOT / "assessments" / "heoa" / "1.0.0.json").read_text())
    category_of = {item["id"]: c["id"] for c in instrument["categories"] for item in c["items"]}
    points = {o["id"]: o.get("points") for o in instrument["scales"][0]["options"]}
    levels = [(lv["id"], float(lv["min_percent"])) for lv in instrument["scoring"]["level_sets"][0]["levels"]]
    return category_of, points, levels


def level_of(percent: float, levels: List[Tuple[str, float]]) -> str:
    found = levels[0][0]
    for name, minimum in levels:
        if percent >= minimum:
            found = name
    return found


def researcher_cohort(path: Path) -> object:
    """What a researcher writes today for the cohort question."""
    import pandas as pd
    from scipy.stats import wilcoxon

    category_of, points, _levels = heoa_tables()
    rows = []
    with open(path) as f:
        for line in f:
            doc = json.loads(line)
            sums: Dict[str, List[int]] = {}
            for item, answer in doc["answers"].items():
                p = points.get(answer)
                if p is None:
                    continue
                s = sums.setdefault(category_of[item], [0, 0])
                s[0] += p
                s[1] += 3
            for category, (got, most) in sums.items():
                rows.append((doc["organization"]["id"], doc["assessed_on"], category, 100.0 * got / most))
    frame = pd.DataFrame(rows, columns=["org", "date", "category", "percent"])
    frame = frame.sort_values(["org", "category", "date"])
    grouped = frame.groupby(["org", "category"])["percent"]
    pairs = pd.DataFrame({"first": grouped.first(), "last": grouped.last(), "n": grouped.size()})
    pairs = pairs[pairs.n > 1]
    results = {}
    for category, part in pairs.groupby(level="category"):
        diff = part["last"] - part["first"]
        results[category] = wilcoxon(diff, zero_method="wilcox")
    return results


def ours_cohort(path: Path) -> object:
    result = hea.cohort(path)
    return result.summary


def researcher_scores(path: Path) -> int:
    """A plain loop: json.loads, per-category sums, percents and levels."""
    category_of, points, levels = heoa_tables()
    n = 0
    with open(path) as f:
        for line in f:
            doc = json.loads(line)
            sums: Dict[str, List[int]] = {}
            for item, answer in doc["answers"].items():
                p = points.get(answer)
                if p is None:
                    continue
                s = sums.setdefault(category_of[item], [0, 0])
                s[0] += p
                s[1] += 3
            percents = {c: Fraction(100 * got, most) for c, (got, most) in sums.items()}
            result = {c: (float(p), level_of(float(p), levels)) for c, p in percents.items()}
            n += len(result) > 0
    return n


def score_many(path: Path, report: str) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in hea.score_many(f, report=report))


def score_many_raw(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(len(line) for line in hea.score_many(f, raw=True))


def native_bytes(path: Path, summary: bool) -> int:
    """The same batches as score_many, results left as JSON bytes (no dicts built)."""
    total = 0
    with open(path, "rb") as f:
        batch: List[bytes] = []
        numbers: List[int] = []
        for number, line in enumerate(f, start=1):
            batch.append(line.rstrip(b"\n"))
            numbers.append(number)
            if len(batch) == 512:
                total += len(_native.score_lines(batch, numbers, [], summary)[0])
                batch, numbers = [], []
        if batch:
            total += len(_native.score_lines(batch, numbers, [], summary)[0])
    return total


def fastest(rows: List[Tuple[str, Callable[[], object]]]) -> Dict[str, float]:
    best = {name: float("inf") for name, _ in rows}
    for _ in range(RUNS):
        for name, run in rows:
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def table(title: str, best: Dict[str, float], baseline: str) -> None:
    print(f"\n{title} (fastest of {RUNS} interleaved runs)")
    for name, seconds in best.items():
        print(f"  {name:<55} {seconds:8.3f} s   {best[baseline] / seconds:6.2f}x the speed of {baseline!r}")


def main() -> None:
    if not BIN.exists():
        sys.exit("build the command first: cargo build --release -p health-equity-assessment-cli")
    with tempfile.TemporaryDirectory() as tmp:
        cohort_file = synthetic(20_000, 5, Path(tmp) / "cohort.ndjson")
        best = fastest(
            [
                ("researcher script (json, pandas groupby, scipy wilcoxon)", lambda: researcher_cohort(cohort_file)),
                ("hea.cohort(path).summary", lambda: ours_cohort(cohort_file)),
            ]
        )
        table("cohort, 20,000 organizations' pairs (40,000 documents)", best, "researcher script (json, pandas groupby, scipy wilcoxon)")
        scores_file = synthetic(50_000, 3, Path(tmp) / "scores.ndjson")
        best = fastest(
            [
                ("plain loop (json.loads, sums, levels)", lambda: researcher_scores(scores_file)),
                ("hea.score_many(report='full')", lambda: score_many(scores_file, "full")),
                ("hea.score_many(report='summary')", lambda: score_many(scores_file, "summary")),
                ("hea.score_many(raw=True): full reports as JSON lines", lambda: score_many_raw(scores_file)),
                ("native batches, full reports left as JSON bytes", lambda: native_bytes(scores_file, False)),
                ("native batches, summaries left as JSON bytes", lambda: native_bytes(scores_file, True)),
            ]
        )
        table("scoring 100,000 HEOA documents", best, "plain loop (json.loads, sums, levels)")


if __name__ == "__main__":
    main()
