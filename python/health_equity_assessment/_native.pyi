"""Type stubs of the native module (Rust, PyO3). Use the functions of
``health_equity_assessment``; this module is its private half and may change."""

from typing import List, Optional, Sequence, Tuple

ENGINE_VERSION: str

class Instrument:
    """A custom instrument edition, read from its JSON file."""

    @staticmethod
    def from_json(text: bytes) -> Instrument:
        """Reads an instrument file's text; raises ``InstrumentError`` naming every problem."""
    @property
    def id(self) -> str:
        """The instrument id."""
    @property
    def version(self) -> str:
        """The edition's semantic version."""
    @property
    def title(self) -> str:
        """The title."""
    def listing_json(self) -> str:
        """``{"id", "version", "title", "categories", "items"}`` as JSON."""

class CohortBuilder:
    def __init__(self, instruments: Sequence[Instrument]) -> None: ...
    def add(self, sources: List[str], texts: List[bytes], lines: bool = False) -> List[str]: ...
    def reject(self, source: str, messages: List[str]) -> None: ...
    def duplicate(self, source: str, same_as: str) -> None: ...
    def __len__(self) -> int: ...
    def analyze(
        self,
        program_completed: Optional[str],
        window: str,
        exclude_late: bool,
        zero_method: str,
        alternative: str,
        method: str,
        correction: bool,
        confidence_level: float,
        mcnemar: str,
        max_assessments: Optional[int],
        pair: str = ...,
    ) -> Tuple[bytes, bytes]: ...
    def tidy_csv(self) -> bytes: ...
    def add_lines_file(self, path: str, name: str) -> List[str]: ...

def instruments_json() -> str: ...
def validate(text: bytes, instruments: Sequence[Instrument]) -> bytes: ...
def score(text: bytes, instruments: Sequence[Instrument], summary: bool) -> bytes: ...
def score_lines(
    texts: List[bytes], numbers: List[int], instruments: Sequence[Instrument], summary: bool, array: bool = True
) -> Tuple[bytes, int]: ...
def diff(
    baseline: bytes,
    follow_up: bytes,
    instruments: Sequence[Instrument],
    program_completed: Optional[str],
    program_name: Optional[str],
    window: str,
    strict_window: bool,
    item_map: Optional[bytes],
) -> bytes: ...
def schema(kind: str, instrument: Optional[Instrument] = None) -> str: ...
def builtin_response_schema(id: str, version: Optional[str]) -> str: ...
