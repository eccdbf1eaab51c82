"""Health-equity organizational self-assessments: validate, score, compare and summarize.

The Rust engine of the ``health-equity-assessment`` crate, from Python: the same validation,
exact scoring, follow-up windows and paired statistics as the ``equity-assess`` command, with
documents in and out as plain dicts (or JSON text and bytes).

>>> import health_equity_assessment as hea
>>> [i["id"] for i in hea.instruments()]
['cms-hche', 'heoa', 'ihi-five-component', 'tjc-ld-04-03-08']
>>> report = hea.score(open("examples/heoa-baseline.json").read())
>>> report["overall"]["percent"], report["overall"]["level"]
(30.4, 'developing')

Functions: :func:`instruments`, :func:`load_instrument`, :func:`validate`, :func:`score`,
:func:`score_many`, :func:`diff`, :func:`cohort`, :func:`schema`. Errors are
:class:`ValueError` subclasses with every problem in ``.problems``.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
from pathlib import Path
from typing import (
    IO,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _native
from ._errors import (
    AssessmentError,
    CohortError,
    CompareError,
    InstrumentError,
    ItemMapError,
    OptionError,
    ValidationError,
    _problem,
)
from ._native import Instrument

__version__: str = _native.ENGINE_VERSION
"""The package's version: the Rust crate's version."""

__all__ = [
    "__version__",
    "Instrument",
    "CohortResult",
    "instruments",
    "load_instrument",
    "validate",
    "score",
    "score_many",
    "diff",
    "cohort",
    "schema",
    "AssessmentError",
    "ValidationError",
    "InstrumentError",
    "ItemMapError",
    "CompareError",
    "CohortError",
    "OptionError",
]

Document = Union[Mapping[str, Any], str, bytes, bytearray, memoryview]
"""A response document: a dict as ``json.loads`` gives it, or its JSON text (str or UTF-8 bytes)."""

Instruments = Union[Instrument, Sequence[Instrument], None]
"""Custom instrument editions to look documents up in, besides the built-in ones."""

_BATCH = 512
_LINE_SUFFIXES = (".ndjson", ".jsonl")


def _document_bytes(doc: Any) -> bytes:
    """The UTF-8 JSON bytes of a document given as dict, str or bytes."""
    if isinstance(doc, bytes):
        return doc
    if isinstance(doc, (bytearray, memoryview)):
        return bytes(doc)
    if isinstance(doc, str):
        # Lone surrogates stay invalid UTF-8 and are reported as `not_utf8`, not raised here.
        return doc.encode("utf-8", "surrogatepass")
    if isinstance(doc, Mapping):
        try:
            text = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except RecursionError:
            message = "(document): nested too deeply to be written as JSON"
            raise ValidationError(message, _problem("too_deep", message, "")) from None
        except (TypeError, ValueError) as e:
            message = f"(document): cannot be written as JSON: {e}"
            raise ValidationError(message, _problem("invalid_value", message, "")) from None
        return text.encode("utf-8", "surrogatepass")
    raise TypeError(f"a document is a dict, str or bytes, not {type(doc).__name__}")


def _instruments(instrument: Instruments) -> List[Instrument]:
    if instrument is None:
        return []
    if isinstance(instrument, Instrument):
        return [instrument]
    if isinstance(instrument, (str, bytes, Mapping)):
        raise TypeError("instrument takes an Instrument (see load_instrument), not a document or a name")
    chosen = list(instrument)
    for i in chosen:
        if not isinstance(i, Instrument):
            raise TypeError(f"instrument takes Instrument objects, not {type(i).__name__}")
    return chosen


def _option_text(value: Any, name: str) -> Any:
    """An option string the engine can read (not a lone surrogate)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            message = f"{name}: {value!r} is not valid text"
            raise OptionError(message, _problem("invalid_value", message)) from None
    return value


def _date_text(value: Union[str, _dt.date, None], name: str) -> Optional[str]:
    if value is None or isinstance(value, str):
        return _option_text(value, name)
    if isinstance(value, _dt.datetime):
        raise TypeError(f"{name} takes a date (datetime.date or 'YYYY-MM-DD'), not a datetime")
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"{name} takes a date (datetime.date or 'YYYY-MM-DD'), not {type(value).__name__}")


def instruments() -> List[Dict[str, Any]]:
    """The built-in instruments: ``id``, ``version``, ``title``, ``categories`` and ``items``
    (counts), ``status`` (``active``, ``retired``, …) and, for instruments with a lifecycle,
    ``lifecycle`` (dates, successor, current name), as ``equity-assess instruments --format
    json`` lists them.

    >>> hea.instruments()[1]
    {'id': 'heoa', 'version': '1.0.0', 'title': 'Health Equity Organizational Assessment (HEOA)', 'categories': 7, 'items': 33, 'status': 'active'}
    >>> hea.instruments()[0]['status'], hea.instruments()[0]['lifecycle']['retired']
    ('retired', '2025-10-01')
    """
    return json.loads(_native.instruments_json())


def load_instrument(path: Union[str, "os.PathLike[str]"]) -> Instrument:
    """Reads a custom instrument edition from its JSON file (format of
    ``schemas/instrument.schema.json``). Raises :class:`InstrumentError` naming every problem,
    :class:`OSError` when the file cannot be read.

    The result can be passed as ``instrument=`` to every function; documents that name its id
    and version are checked and scored against it.
    """
    return Instrument.from_json(Path(path).read_bytes())


def validate(doc: Document, instrument: Instruments = None) -> Dict[str, Any]:
    """Checks a response document and returns it as validated (answers in the instrument's
    order; the same document otherwise). Raises :class:`ValidationError` whose ``problems``
    lists every problem at once, with the codes of ``equity-assess validate --format json``.

    >>> try:
    ...     hea.validate(open("tests/data/invalid-three-problems.json").read())
    ... except hea.ValidationError as e:
    ...     print(e.codes)
    ['invalid_option', 'duplicate_key', 'unknown_item']
    """
    return json.loads(_native.validate(_document_bytes(doc), _instruments(instrument)))


def _report_kind(report: str) -> bool:
    if report == "full":
        return False
    if report == "summary":
        return True
    raise OptionError(
        f"report: {report!r} is not a report kind (expected one of full, summary)",
        _problem("unknown_option", f"report: {report!r} is not a report kind (expected one of full, summary)"),
    )


def score(doc: Document, instrument: Instruments = None, report: str = "full") -> Dict[str, Any]:
    """Validates and scores one document: the score report, equal to
    ``equity-assess score --format json`` (``report="summary"``: ``--report summary``, points,
    maxima, percents and levels with the opportunities as item ids). Raises
    :class:`ValidationError` for an invalid document.

    >>> r = hea.score(open("examples/heoa-baseline.json").read(), report="summary")
    >>> r["categories"][0]
    {'id': 'data-collection', 'points': 9, 'max_points': 18, 'percent': 50.0, 'level': 'advancing'}
    """
    summary = _report_kind(report)
    return json.loads(_native.score(_document_bytes(doc), _instruments(instrument), summary))


def _numbered(docs: Any) -> Iterator[Tuple[int, Any]]:
    """(line number, document) pairs; blank text lines are counted but not yielded."""
    if isinstance(docs, (str, bytes, Mapping)):
        raise TypeError(
            "score_many takes an iterable of documents, a pathlib.Path or an open file of NDJSON lines; "
            "wrap a single document in a list"
        )
    if isinstance(docs, os.PathLike):
        with open(docs, "rb") as f:
            yield from _numbered(f)
        return
    if isinstance(docs, io.IOBase):
        # Lines as the command reads them: split at `\n` only (a text-mode file would also
        # split at a lone `\r`, which JSON allows inside a document), blank ones skipped by
        # the engine's rule, text that is not UTF-8 reported per line.
        for number, line in enumerate(_binary(docs), start=1):
            yield number, _Line(_without_line_end(line))
        return
    for number, doc in enumerate(docs, start=1):
        if isinstance(doc, (str, bytes, bytearray)) and not doc.strip():
            continue
        yield number, doc


def _binary(f: Any) -> Any:
    """The binary stream under a text-mode file, when there is one."""
    if isinstance(f, io.TextIOBase):
        buffer = getattr(f, "buffer", None)
        if buffer is not None:
            return buffer
        return (line.encode("utf-8", "surrogatepass") for line in f)
    return f


def score_many(
    docs: Union[Iterable[Document], IO[str], IO[bytes], "os.PathLike[str]"],
    instrument: Instruments = None,
    report: str = "full",
    batch_size: int = _BATCH,
    raw: bool = False,
) -> Iterator[Any]:
    """Scores many documents, yielding one result per document **in input order**:
    ``{"line": N, "report": {...}}`` (or ``"summary"`` with ``report="summary"``) for a valid
    document, ``{"line": N, "problems": [...]}`` for a bad one: the lines of
    ``equity-assess score --ndjson`` (schema ``batch-line``). A bad document never stops the
    run. ``N`` counts from 1 over the input; blank lines of a file are skipped but counted.

    ``docs`` is any iterable of dicts, str or bytes, an open file, or a ``pathlib.Path`` of
    newline-delimited JSON. Documents are scored in batches of ``batch_size`` on every core
    with the interpreter released, so other threads run meanwhile.

    Building Python dicts from full reports (about six times the size of their input) costs
    several times more than scoring: ``report="summary"`` yields far smaller results, and
    ``raw=True`` yields each result as its JSON line (``bytes``, newline included), ready to be
    written or sent on without building a dict.

    >>> lines = ['{"broken', open("examples/heoa-baseline.json").read().replace("\\n", " ")]
    >>> [sorted(r) for r in hea.score_many(lines)]
    [['line', 'problems'], ['line', 'report']]
    """
    summary = _report_kind(report)
    chosen = _instruments(instrument)
    if not isinstance(batch_size, int) or batch_size < 1:
        message = f"batch_size: {batch_size!r} is not a whole number of at least 1"
        raise OptionError(message, _problem("invalid_value", message))
    numbered = _numbered(docs)
    return _score_many(numbered, chosen, summary, batch_size, raw)


def _score_many(numbered: Iterator[Tuple[int, Any]], chosen: List[Instrument], summary: bool, batch_size: int,
                raw: bool) -> Iterator[Any]:
    texts: List[bytes] = []
    numbers: List[int] = []
    lines = False
    for number, doc in numbered:
        if isinstance(doc, _Line):
            lines = True
            texts.append(doc.text)
            numbers.append(number)
        else:
            try:
                texts.append(_document_bytes(doc))
            except ValidationError as e:
                yield from _flush(texts, numbers, chosen, summary, raw, lines)
                texts, numbers = [], []
                line = {"line": number, "problems": e.problems}
                yield (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode() if raw else line
                continue
            numbers.append(number)
        if len(texts) >= batch_size:
            yield from _flush(texts, numbers, chosen, summary, raw, lines)
            texts, numbers = [], []
    yield from _flush(texts, numbers, chosen, summary, raw, lines)


def _flush(texts: List[bytes], numbers: List[int], chosen: List[Instrument], summary: bool, raw: bool,
           lines: bool) -> Iterator[Any]:
    if not texts:
        return
    out, _failed = _native.score_lines(texts, numbers, chosen, summary, not raw, lines)
    if raw:
        yield from out.splitlines(keepends=True)
    else:
        yield from json.loads(out)


def _optional_document(value: Any, what: str) -> Optional[bytes]:
    if value is None:
        return None
    if isinstance(value, os.PathLike):
        return Path(value).read_bytes()
    try:
        return _document_bytes(value)
    except TypeError:
        raise TypeError(f"{what} takes a dict, str, bytes or pathlib.Path, not {type(value).__name__}") from None


def diff(
    baseline: Document,
    follow_up: Document,
    program_completed: Union[str, _dt.date, None] = None,
    window: str = "P1M",
    strict_window: bool = False,
    item_map: Union[Document, "os.PathLike[str]", None] = None,
    program_name: Optional[str] = None,
    instrument: Instruments = None,
) -> Dict[str, Any]:
    """Compares an organization's baseline with its follow-up: the progress report, equal to
    ``equity-assess diff --format json``. With ``program_completed`` (the improvement
    program's last session), the follow-up is checked against the window (ISO 8601 duration,
    default one month); ``strict_window=True`` refuses a late follow-up. ``item_map`` relates
    items across major versions.

    Raises :class:`ValidationError` (either document; pointers start with ``/baseline`` or
    ``/follow_up``), :class:`ItemMapError`, :class:`CompareError` or :class:`OptionError`.

    >>> d = hea.diff(open("examples/heoa-baseline.json").read(),
    ...              open("examples/heoa-follow-up.json").read(), program_completed="2023-05-11")
    >>> d["window"]["verdict"]
    'within'
    """
    completed = _date_text(program_completed, "program_completed")
    _option_text(window, "window")
    _option_text(program_name, "program_name")
    map_bytes = _optional_document(item_map, "item_map")
    out = _native.diff(
        _document_bytes(baseline),
        _document_bytes(follow_up),
        _instruments(instrument),
        completed,
        program_name,
        window,
        bool(strict_window),
        map_bytes,
    )
    return json.loads(out)


class CohortResult:
    """The analysis of a cohort.

    ``report`` is the cohort report (a dict equal to ``equity-assess cohort --format json``);
    ``summary`` and ``tidy`` are pandas DataFrames with the columns of ``--summary-csv`` (one
    row per instrument × category, plus ``overall``) and ``--format csv`` (one row per
    organization × phase × category), typed: dates as ``datetime64[s]`` (every year from 1 to
    9999 fits), booleans as ``bool``
    (nullable ``boolean`` where a value may be missing), counts as ``int64`` (nullable
    ``Int64``), missing text as ``None``. Both are made on first use. ``problems`` lists one
    line per problem of a rejected document.
    """

    def __init__(self, report: Dict[str, Any], summary_rows: bytes, builder: Any, problems: List[str]) -> None:
        self.report = report
        self.problems = problems
        self._summary_rows = summary_rows
        self._builder = builder
        self._summary: Any = None
        self._tidy: Any = None

    @property
    def summary(self) -> Any:
        """Per instrument and category: pairs, changes, the Wilcoxon signed-rank test, the sign
        test, the Hodges–Lehmann estimate and interval, adjusted p-values (a DataFrame)."""
        if self._summary is None:
            self._summary = _frame_from_records(json.loads(self._summary_rows), _SUMMARY_COLUMNS)
        return self._summary

    @property
    def tidy(self) -> Any:
        """One row per organization × phase × category (a DataFrame)."""
        if self._tidy is None:
            self._tidy = _frame_from_csv(self._builder.tidy_csv(), _TIDY_COLUMNS)
        return self._tidy

    def __repr__(self) -> str:
        pairs = sum(i.get("pairs", 0) for i in self.report.get("instruments", []))
        return f"<CohortResult organizations={self.report.get('organizations')} pairs={pairs}>"


# Column name -> pandas dtype, in the order of the CSV columns (a test compares them with the
# command's CSV header).
_TIDY_COLUMNS: Dict[str, str] = {
    "organization_id": "object",
    "organization_name": "object",
    "instrument_id": "object",
    "instrument_version": "object",
    "phase": "object",
    "assessed_on": "datetime64[s]",
    "category_id": "object",
    "category_title": "object",
    "focus": "bool",
    "points": "int64",
    "max_points": "int64",
    "percent": "float64",
    "percent_exact": "object",
    "level": "object",
    "level_index": "Int64",
    "answered": "int64",
    "missing": "int64",
    "not_applicable": "int64",
    "in_statistics": "bool",
    "window_verdict": "object",
    "days_late": "Int64",
    "source": "object",
}

_SUMMARY_COLUMNS: Dict[str, str] = {
    "instrument_id": "object",
    "category_id": "object",
    "category_title": "object",
    "n_pairs": "int64",
    "n_changed": "int64",
    "mean_change": "float64",
    "median_change": "float64",
    "improved": "int64",
    "unchanged": "int64",
    "declined": "int64",
    "share_improved": "float64",
    "share_unchanged": "float64",
    "share_declined": "float64",
    "zero_method": "object",
    "alternative": "object",
    "method": "object",
    "correction": "boolean",
    "n_used": "Int64",
    "n_zero": "Int64",
    "r_plus": "float64",
    "r_minus": "float64",
    "statistic": "float64",
    "v": "float64",
    "tie_correction": "float64",
    "z": "float64",
    "p_value": "float64",
    "p_holm": "float64",
    "p_bh": "float64",
    "rank_biserial": "float64",
    "sign_n_positive": "int64",
    "sign_n_negative": "int64",
    "sign_p_value": "float64",
    "hl_estimate": "float64",
    "hl_ci_lower": "float64",
    "hl_ci_upper": "float64",
    "hl_confidence_level": "float64",
}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "CohortResult.summary and .tidy are pandas DataFrames: install pandas "
            "(pip install pandas, or pip install './python[pandas]'); .report needs nothing"
        ) from None
    return pandas


def _typed(frame: Any, columns: Dict[str, str]) -> Any:
    pd = _pandas()
    for name, dtype in columns.items():
        if dtype.startswith("datetime64"):
            # Seconds: a date from year 1 to 9999 fits (nanoseconds stop at 1677 and 2262).
            import numpy

            values = [None if v is None or v != v else str(v) for v in frame[name]]
            frame[name] = pd.Series(numpy.array(values, dtype="datetime64[D]").astype(dtype), index=frame.index)
        elif dtype == "object":
            column = frame[name].astype(object)
            frame[name] = column.where(column.notna(), None)
        else:
            frame[name] = frame[name].astype(dtype)
    return frame


def _frame_from_records(rows: List[Dict[str, Any]], columns: Dict[str, str]) -> Any:
    pd = _pandas()
    data = {name: [row.get(name) for row in rows] for name in columns}
    return _typed(pd.DataFrame(data, columns=list(columns)), columns)


def _frame_from_csv(csv: bytes, columns: Dict[str, str]) -> Any:
    pd = _pandas()
    if not csv:
        return _typed(pd.DataFrame({name: [] for name in columns}, columns=list(columns)), columns)
    read_as = {
        name: ("string" if dtype == "object" or dtype.startswith("datetime64") else dtype)
        for name, dtype in columns.items()
        if dtype not in ("bool", "boolean")
    }
    frame = pd.read_csv(
        io.BytesIO(csv),
        dtype=read_as,
        keep_default_na=False,
        na_values={name: [""] for name in columns},
        true_values=["true"],
        false_values=["false"],
    )
    return _typed(frame, columns)


def _cohort_sources(docs: Any) -> Iterator[Tuple[str, Any]]:
    """(source name, document) pairs, named as the command names them."""
    if isinstance(docs, (str, bytes, Mapping)):
        raise TypeError(
            "cohort takes an iterable of documents or paths, a pathlib.Path (file or directory) "
            "or an open file of NDJSON lines"
        )
    if isinstance(docs, os.PathLike):
        yield from _path_sources(Path(docs))
        return
    if isinstance(docs, io.IOBase):
        yield from _line_sources(getattr(docs, "name", "<documents>"), _binary(docs))
        return

    for number, doc in enumerate(docs, start=1):
        if isinstance(doc, os.PathLike):
            yield from _path_sources(Path(doc))
        else:
            yield f"<documents>:{number}", doc


def _without_line_end(line: Any) -> Any:
    """A file's line without its `\\n` or `\\r\\n`, as the command reads it."""
    end = b"\n" if isinstance(line, (bytes, bytearray)) else "\n"
    if line.endswith(end):
        line = line[:-1]
        if line.endswith(b"\r" if isinstance(line, (bytes, bytearray)) else "\r"):
            line = line[:-1]
    return line


class _Line:
    """A line of a newline-delimited file: blank ones are skipped, by the engine's rule."""

    def __init__(self, text: bytes) -> None:
        self.text = text


def _line_sources(name: Any, lines: Iterable[Any]) -> Iterator[Tuple[str, Any]]:
    for number, line in enumerate(lines, start=1):
        line = _without_line_end(line)
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogatepass")
        yield f"{name}:{number}", _Line(line)


class _LinesFile:
    """A newline-delimited file, read by the engine itself."""

    def __init__(self, path: Path) -> None:
        self.path = path


def _path_sources(path: Path) -> Iterator[Tuple[str, Any]]:
    if path.is_dir():
        # As the command walks: links followed, no directory entered twice (a loop is walked
        # once), regular files only, names as given.
        seen = set()
        found = []
        for folder, dirs, files in os.walk(str(path), followlinks=True):
            real = os.path.realpath(folder)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            dirs.sort()
            for name in files:
                child = Path(folder) / name
                if child.suffix in (".json",) + _LINE_SUFFIXES and child.is_file():
                    found.append(child)
        for child in sorted(found, key=str):
            yield from _path_sources(child)
        return
    if path.suffix in _LINE_SUFFIXES:
        yield str(path), _LinesFile(path)
    else:
        yield str(path), path.read_bytes()


def cohort(
    docs: Union[Iterable[Union[Document, "os.PathLike[str]"]], IO[str], IO[bytes], "os.PathLike[str]"],
    program_completed: Union[str, _dt.date, None] = None,
    window: str = "P1M",
    exclude_late: bool = False,
    zero_method: str = "wilcox",
    alternative: str = "two_sided",
    method: str = "auto",
    correction: bool = False,
    confidence_level: float = 0.95,
    mcnemar: str = "exact",
    instrument: Instruments = None,
    max_assessments: Optional[int] = None,
    strict: bool = False,
    pair: str = "first_last",
) -> CohortResult:
    """Pairs many assessments per organization (earliest = baseline, latest = follow-up) and
    summarizes the change per category with paired statistics that match scipy and R: the
    report equals ``equity-assess cohort --format json`` with the same options.

    ``docs``: an iterable of documents (dicts, str, bytes; named ``<documents>:N``) and
    ``pathlib.Path`` objects, or one path (a ``.ndjson``/``.jsonl`` file of one document per
    line, named ``FILE:LINE``; another file is one document; a directory is read recursively),
    or an open file of NDJSON lines. Bad documents are listed in the report as rejected and in
    ``.problems``; with ``strict=True`` they raise :class:`ValidationError` instead.

    Options are those of the command: ``zero_method`` (``wilcox``, ``pratt``, ``zsplit``),
    ``alternative`` (``two_sided``, ``greater``, ``less``), ``method`` (``auto``,
    ``exact_conditional``, ``asymptotic``, ``scipy_exact``; the spellings with hyphens are
    accepted too), ``correction``,
    ``confidence_level`` (Hodges–Lehmann interval), ``mcnemar`` (``exact``, ``chi_square``),
    ``exclude_late`` (leave pairs outside the follow-up window out of the statistics), ``pair``
    (``first_last``, ``first_second`` or ``last_two``: which two assessments of each
    organization form its pair).

    >>> result = hea.cohort(Path("examples"), program_completed="2023-05-11")
    >>> [(i["instrument"], i["pairs"]) for i in result.report["instruments"]][:2]
    [('heoa', 1)]
    """
    completed = _date_text(program_completed, "program_completed")
    for name, value in (("window", window), ("zero_method", zero_method), ("alternative", alternative),
                        ("method", method), ("mcnemar", mcnemar)):
        if not isinstance(value, str):
            raise TypeError(f"{name} takes a str, not {type(value).__name__}")
        _option_text(value, name)
    if isinstance(confidence_level, bool) or not isinstance(confidence_level, (int, float)):
        message = f"confidence_level: {confidence_level!r} is not a number"
        raise OptionError(message, _problem("invalid_value", message))
    if max_assessments is not None and (not isinstance(max_assessments, int) or max_assessments < 0):
        message = f"max_assessments: {max_assessments!r} is not a whole number of at least 0"
        raise OptionError(message, _problem("invalid_value", message))
    builder = _native.CohortBuilder(_instruments(instrument))
    problems: List[str] = []
    sources: List[str] = []
    texts: List[bytes] = []
    lines = False

    def flush() -> None:
        if texts:
            problems.extend(builder.add(sources, texts, lines))
            sources.clear()
            texts.clear()

    for source, doc in _cohort_sources(docs):
        if isinstance(doc, _LinesFile):
            flush()
            problems.extend(builder.add_lines_file(doc.path, source))
            continue
        if isinstance(doc, _Line) != lines:
            flush()
            lines = not lines
        if lines:
            sources.append(source)
            texts.append(doc.text)
            if len(texts) >= _BATCH:
                flush()
            continue
        try:
            texts.append(_document_bytes(doc))
        except ValidationError as e:
            flush()
            builder.reject(source, [p["message"] for p in e.problems])
            problems.extend(f"{source}: {p['message']}" for p in e.problems)
            continue
        sources.append(source)
        if len(texts) >= _BATCH:
            flush()
    flush()
    if strict and problems:
        raise ValidationError(f"{len(problems)} problem(s) in the cohort's documents:\n" + "\n".join(problems),
                              _problem("invalid_document", "\n".join(problems)))
    report, summary_rows = builder.analyze(
        completed,
        window,
        bool(exclude_late),
        zero_method,
        alternative,
        method,
        bool(correction),
        float(confidence_level),
        mcnemar,
        max_assessments,
        pair,
    )
    return CohortResult(json.loads(report), summary_rows, builder, problems)


def schema(kind: str, instrument: Union[Instrument, str, None] = None) -> Dict[str, Any]:
    """A JSON Schema (draft 2020-12) by name, as ``equity-assess schema KIND`` prints it:
    ``instrument``, ``response``, ``score-report``, ``score-summary``, ``progress-report``,
    ``item-map``, ``cohort-report``, ``batch-line``, ``crosswalk``, ``prefill``,
    ``validation-result``, ``instrument-list``. With ``kind="response"`` and an instrument (an
    :class:`Instrument`, or a built-in one as ``"heoa"`` or ``"heoa@1.0.0"``), the schema of
    responses to that instrument only, listing every item and its options.

    >>> hea.schema("score-summary")["title"]
    'ScoreSummary'
    """
    if isinstance(instrument, str):
        if kind != "response":
            raise OptionError(
                f"an instrument applies to the response schema only, not {kind}",
                _problem("invalid_value", f"an instrument applies to the response schema only, not {kind}"),
            )
        ident, _, version = instrument.partition("@")
        return json.loads(_native.builtin_response_schema(ident, version or None))
    _option_text(kind, "kind")
    return json.loads(_native.schema(kind, instrument))
