"""The examples of python/README.md and of every docstring run, from the repository root."""

from __future__ import annotations

import doctest
import os
from pathlib import Path

import health_equity_assessment as hea
from health_equity_assessment import _errors
from conftest import ROOT


def globs() -> dict:
    return {"hea": hea, "Path": Path}


def test_readme_examples(tmp_path: Path) -> None:
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = doctest.testfile(str(ROOT / "python" / "README.md"), module_relative=False, globs=globs(),
                                  optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    finally:
        os.chdir(here)
        chart = ROOT / "change.png"
        if chart.exists():
            chart.unlink()
    assert result.attempted > 10 and result.failed == 0


def test_docstring_examples() -> None:
    for module in (hea, _errors):
        result = doctest.testmod(module, extraglobs=globs(), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
    assert doctest.testmod(hea, extraglobs=globs()).attempted >= 8


def test_every_public_name_is_documented() -> None:
    for name in hea.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(hea, name)
        assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
