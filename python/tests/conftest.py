"""Shared fixtures: the repository root as working directory, and the equity-assess binary the
Python results are compared with (built by python/tests/run, or named by EQUITY_ASSESS_BIN)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, List

import pytest

import health_equity_assessment as hea

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def binary() -> Path:
    named = os.environ.get("EQUITY_ASSESS_BIN")
    if named:
        return Path(named)
    for profile in ("debug", "release"):
        candidate = ROOT / "target" / profile / "equity-assess"
        if candidate.exists():
            return candidate
    raise RuntimeError("build the command first: cargo build -p health-equity-assessment-cli")


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(binary()), *args], input=stdin, capture_output=True, cwd=ROOT, check=False)


def cli_json(*args: str) -> Any:
    done = run_cli(*args)
    assert done.returncode in (0, 1), done.stderr.decode()
    return json.loads(done.stdout)


def cli_lines(*args: str, stdin: bytes = b"") -> List[Any]:
    done = run_cli(*args, stdin=stdin)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict) -> None:
    doctest_namespace["hea"] = hea
    doctest_namespace["Path"] = Path
