"""The exceptions of :mod:`health_equity_assessment`.

Every exception the package raises for bad input is a :class:`ValueError` subclass carrying
``problems``: every problem found, each a dict with ``code`` (stable, the same codes as the
Rust crate and ``equity-assess validate --format json``), ``pointer`` (a JSON Pointer into the
document, or ``None``), ``message``, and for a near miss of an item or option id
``suggestion`` (what it was probably meant to be; only shown, never applied).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Union

__all__ = [
    "AssessmentError",
    "ValidationError",
    "InstrumentError",
    "ItemMapError",
    "CompareError",
    "CohortError",
    "OptionError",
]


class AssessmentError(ValueError):
    """Base class: bad input, with every problem as a record.

    >>> import health_equity_assessment as hea
    >>> try:
    ...     hea.validate("{")
    ... except hea.AssessmentError as e:
    ...     print(e.codes)
    ['syntax']
    """

    problems: List[Dict[str, Any]]

    def __init__(self, message: str, problems: Union[str, List[Dict[str, Any]], None] = None) -> None:
        super().__init__(message)
        if isinstance(problems, str):
            problems = json.loads(problems)
        self.problems = list(problems or [])

    @property
    def codes(self) -> List[str]:
        """The problems' codes, in order."""
        return [p["code"] for p in self.problems]

    @property
    def message(self) -> str:
        """The whole message: a subject line, then one line per problem."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        # The subject line, then each problem with its code, so a traceback names them all.
        lines = [self.message.split("\n", 1)[0]]
        lines.extend(f"  [{p.get('code')}] {p.get('message')}" for p in self.problems)
        return "\n".join(lines) if self.problems else self.message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.message, self.problems))


class ValidationError(AssessmentError):
    """A response document is not valid for its instrument (every problem at once)."""


class InstrumentError(AssessmentError):
    """An instrument file is not valid."""


class ItemMapError(AssessmentError):
    """An item map is not valid."""


class CompareError(AssessmentError):
    """Two assessments cannot be compared (different organizations, the follow-up first,
    different major versions without an item map, or a late follow-up with ``strict_window``)."""


class CohortError(AssessmentError):
    """A cohort cannot be analyzed (too many assessments, or a statistic the options cannot
    compute)."""


class OptionError(AssessmentError):
    """An option has a value it cannot take (an unknown method, a bad date or window)."""


def _problem(code: str, message: str, pointer: Optional[str] = None) -> List[Dict[str, Any]]:
    return [{"code": code, "pointer": pointer, "message": message}]


for _class in (AssessmentError, ValidationError, InstrumentError, ItemMapError, CompareError, CohortError, OptionError):
    _class.__module__ = "health_equity_assessment"
