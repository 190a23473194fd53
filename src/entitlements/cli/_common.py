"""What the subcommands share: finding and loading the inputs, ``--as-of``, output, progress.

Every problem of the input becomes an :class:`InputError` whose message names
the file, the record and the field; :func:`entitlements.cli.main` prints it
and exits with status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any, TypeVar

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.errors import EntitlementsError, LoadError
from entitlements.io import iter_cases, load_book, load_cases
from entitlements.reports import Report, write_rows

__all__ = [
    "CASES_FILES",
    "InputError",
    "Inputs",
    "Output",
    "as_of_option",
    "bundled_data",
    "cases_beside",
    "latest",
    "load_inputs",
    "progress_printer",
]

R = TypeVar("R")

#: Names of the cases file looked for beside a book, in this order.
CASES_FILES = ("cases.json", "cases.csv", "cases.jsonl")


class InputError(Exception):
    """Input that cannot be used; the message says where."""


def bundled_data() -> Path:
    """The folder of the example stories: in the installed package, else in the repository."""
    installed = resources.files("entitlements") / "data" / "examples"
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "examples" / "data"  # an editable install


def cases_beside(book: Path) -> Path | None:
    """The cases file inside a book folder, or next to a book document; None when there is none."""
    folder = book if book.is_dir() else book.parent
    found = [folder / name for name in CASES_FILES if (folder / name).is_file()]
    if len(found) > 1:
        raise InputError(
            f"both {found[0].name} and {found[1].name} in {folder}; choose one with --cases"
        )
    return found[0] if found else None


def no_cases_message(book: Path) -> str:
    """The error for a book without a cases file beside it."""
    where = f"in {book}" if book.is_dir() else f"next to {book}"
    return f"no cases.json or cases.csv {where} (nor cases.jsonl); give the cases file with --cases"


def as_of_option(text: str | None, *, dates: bool = False) -> datetime | date | None:
    """``--as-of``: an ISO 8601 instant with a UTC offset (or, with ``dates``, a plain date)."""
    if text is None:
        return None
    if dates and len(text.strip()) == 10:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of: {text!r} is not an ISO 8601 date and time") from None
    if instant.utcoffset() is None:
        raise InputError(
            f"--as-of: {text!r} has no UTC offset; write it like 2025-07-03T18:00:00-04:00"
        )
    return instant


def instant_option(text: str | None) -> datetime | None:
    """``--as-of`` for commands that need an instant."""
    value = as_of_option(text)
    assert value is None or isinstance(value, datetime)  # noqa: S101 - no dates asked for
    return value


def latest(cases: Iterable[Case]) -> datetime | None:
    """The last instant the cases know of: their last opening or history event."""
    best: datetime | None = None
    best_utc: datetime | None = None
    for case in cases:
        instant = case.history[-1].at if case.history else case.opened_at  # events follow
        utc = instant.astimezone(UTC)
        if best_utc is None or utc > best_utc:
            best, best_utc = instant, utc
    return best


@frozen
class Inputs:
    """A loaded book and where its cases are; the cases load (or stream) on demand."""

    book: CoverageBook
    book_path: Path
    cases_path: Path | None
    stream: bool

    def cases(self) -> Iterable[Case]:
        """The cases: a list (any order), or with ``--stream`` a one-pass iterator."""
        if self.cases_path is None:
            return []
        if self.stream:
            return iter_cases(self.cases_path)
        return load_cases(self.cases_path)


def load_inputs(
    data: str, cases: str | None, *, stream: bool = False, need_cases: bool = True
) -> Inputs:
    """Load the book at ``data`` and find its cases (``--cases``, else beside the book)."""
    book_path = Path(data)
    if not book_path.exists():
        raise InputError(f"{book_path}: no such file or folder")
    try:
        book = load_book(book_path)
    except LoadError as error:
        raise InputError(str(error)) from None
    cases_path: Path | None
    if cases is not None:
        cases_path = Path(cases)
        if not cases_path.is_file():
            raise InputError(f"{cases_path}: no such file")
    else:
        cases_path = cases_beside(book_path)
        if cases_path is None and need_cases:
            raise InputError(no_cases_message(book_path))
    return Inputs(book, book_path, cases_path, stream)


def progress_printer(quiet: bool) -> Callable[[int], None] | None:
    """The reports' ``progress=`` callback: ``entitlements: 10,000 cases read`` on stderr."""
    if quiet:
        return None
    printed: list[int] = []

    def report(count: int) -> None:
        if printed and printed[-1] == count:
            return  # the total, already shown as the last round ten thousand
        printed.append(count)
        noun = "case" if count == 1 else "cases"
        print(f"entitlements: {count:,} {noun} read", file=sys.stderr, flush=True)

    return report


class Output:
    """Where the result goes: stdout, or the file of ``--out``."""

    def __init__(self, out: str | None) -> None:
        self.path = None if out is None else Path(out)
        self._file: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path is None:
            return sys.stdout
        try:
            self._file = self.path.open("w", encoding="utf-8", newline="")
        except OSError as error:
            raise InputError(
                f"--out: {self.path}: cannot be written ({error.strerror or error})"
            ) from None
        return self._file

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()


def emit_report(report: Report[Any], fmt: str, out: str | None, heading: str = "") -> None:
    """Write a report: a readable table (with ``heading`` above it), CSV or JSON."""
    with Output(out) as stream:
        if fmt == "text":
            stream.write((heading + "\n" if heading else "") + report.to_text() + "\n")
        elif fmt == "csv":
            stream.write(report.to_csv())
        else:
            stream.write(report.to_json())


def emit_rows(rows: Iterable[R], row_type: type[R], fmt: str, out: str | None) -> None:
    """Write rows as they come (CSV or JSON), without holding them."""
    with Output(out) as stream:
        write_rows(rows, row_type, stream, "csv" if fmt == "csv" else "json")


def fail_on(error: EntitlementsError, source: Path | None) -> InputError:
    """An input error for a library error met while working on the cases of ``source``."""
    text = str(error)
    if source is not None and not isinstance(error, LoadError) and str(source) not in text:
        text = f"{source}: {text}"
    return InputError(text)
