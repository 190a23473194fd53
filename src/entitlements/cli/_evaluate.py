"""``entitlements evaluate DATA CASES --out FOLDER``: result rows of many cases, as part files.

CASES is one of:

* a **Parquet file** (``.parquet``/``.pq``) or a **folder of Parquet files**
  (read in name order) with the columns of a cases frame (see
  :mod:`entitlements.batch._frames`: ``id, account, channel, opened_at``, ...,
  optional ``history``), read in record batches of ``--batch-size`` rows;
* a **cases file** ``.csv``, ``.jsonl`` or ``.json`` (as
  :func:`~entitlements.io.iter_cases` reads it), or a **folder of CSV cases
  files** (read in name order; ``*_events.csv`` are their events files).

The cases are **streamed**: across all files they must come in the order they
were opened (ties by id) -- a case out of order ends the run with a message
naming it. ``--sort`` reads them all first and sorts them instead (memory then
grows with their number). Every case of the input is one partition, so
allowances count as in one pass.

The result rows (:data:`~entitlements.batch.COLUMNS`) are written as they come,
batch by batch, into ``FOLDER/part-00000.parquet``, ``part-00001.parquet``, ...
(``--rows-per-file`` rows each; with ``--format csv``, ``part-00000.csv`` ...
with a header line, instants in ISO 8601 UTC), so memory stays bounded by one
input batch and one output batch. Part files are written under a temporary
name and renamed once all are written; a failed run leaves none. Parquet in or
out needs pyarrow (``pip install 'entitlements[arrow]'``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from entitlements.batch._frames import _check_columns, cases_from_records, rows_to_arrow
from entitlements.batch._partition import ResultRow, evaluate_partition
from entitlements.batch._schema import COLUMNS, arrow_schema
from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.cli import _common
from entitlements.cli._common import InputError
from entitlements.errors import EntitlementsError, LoadError
from entitlements.io import iter_cases
from entitlements.reports._evaluate import PROGRESS_EVERY

__all__ = ["add_evaluate", "run_evaluate"]

_PARQUET = (".parquet", ".pq")
_CASES = (".csv", ".jsonl", ".json")
_NAMES = tuple(c.name for c in COLUMNS)
_HINT = "pip install 'entitlements[arrow]'"


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not at least 1")
    return value


def add_evaluate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``evaluate`` to the subcommands."""
    parser = commands.add_parser(
        "evaluate",
        help="resolve and clock many cases; write the result rows as Parquet (or CSV) part files",
        description="Resolve every case of CASES at its opening (allowances honoured, in the"
        " order opened) and clock its milestones as of --as-of; write one row per milestone"
        " instance (or one for a case without any) into part files in --out, batch by batch,"
        " in memory that does not grow with the number of cases. CASES is a Parquet file, a"
        " folder of Parquet files, a .csv/.jsonl/.json cases file or a folder of CSV cases"
        " files; streamed, so it must be in the order the cases were opened (ties by id),"
        " unless --sort.",
    )
    parser.add_argument(
        "data", metavar="DATA", help="the coverage book: a .json document or a folder of CSV files"
    )
    parser.add_argument(
        "cases_path",
        metavar="CASES",
        help="the cases: a .parquet file or folder of them, a .csv/.jsonl/.json file, or a"
        " folder of CSV cases files",
    )
    parser.add_argument(
        "--out",
        metavar="FOLDER",
        required=True,
        help="the folder the part files are written to (made if missing; it must not hold"
        " part files already)",
    )
    parser.add_argument(
        "--as-of",
        metavar="WHEN",
        help="the instant milestone states are judged at (ISO 8601 with a UTC offset); cases"
        " opened later are left out. Default: the last opening or history event of the cases"
        " (the input is then read twice)",
    )
    parser.add_argument(
        "--format",
        choices=("parquet", "csv"),
        default="parquet",
        help="the part files' format (default: parquet)",
    )
    parser.add_argument(
        "--batch-size",
        metavar="N",
        type=_positive,
        default=10_000,
        help="cases read from Parquet, and rows written, per batch (default 10,000)",
    )
    parser.add_argument(
        "--rows-per-file",
        metavar="N",
        type=_positive,
        default=1_000_000,
        help="rows in each part file, the last one fewer (default 1,000,000)",
    )
    parser.add_argument(
        "--sort",
        action="store_true",
        help="read all the cases first and take them in opening order (memory grows with them)",
    )
    parser.add_argument("--quiet", action="store_true", help="print no progress on standard error")
    parser.set_defaults(run=run_evaluate)


# -- optional dependency -------------------------------------------------------------------


def _pyarrow(why: str) -> tuple[Any, Any]:
    """pyarrow and pyarrow.parquet, or an input error with the install hint."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{why} needs pyarrow: {_HINT}") from None
    return pa, pq


# -- the input -----------------------------------------------------------------------------


class _Source:
    """The files of CASES, in reading order, and the one being read (for error messages)."""

    def __init__(self, path: Path, batch_size: int) -> None:
        self.path = path
        self.batch_size = batch_size
        self.current: Path = path
        if path.is_dir():
            parquet = sorted(p for p in path.iterdir() if p.suffix.lower() in _PARQUET)
            tables = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() == ".csv" and not p.stem.endswith("_events")
            )
            if parquet and tables:
                raise InputError(f"{path}: holds both Parquet and CSV files; keep one kind")
            if not parquet and not tables:
                raise InputError(f"{path}: no .parquet or .csv files in the folder")
            self.parquet = bool(parquet)
            self.files = tuple(parquet or tables)
        elif path.is_file():
            suffix = path.suffix.lower()
            if suffix not in (*_PARQUET, *_CASES):
                raise InputError(
                    f"{path}: unknown kind of cases file {suffix or '(no suffix)'!r}; give"
                    " .parquet, .csv, .jsonl or .json, or a folder of .parquet or .csv files"
                )
            self.parquet = suffix in _PARQUET
            self.files = (path,)
        else:
            raise InputError(f"{path}: no such file or folder")
        self.arrow = _pyarrow("reading Parquet") if self.parquet else None

    def cases(self) -> Iterator[Case]:
        """Every case of every file, in order."""
        for file in self.files:
            self.current = file
            if self.arrow is None:
                yield from iter_cases(file)
            else:
                yield from self._parquet(file, *self.arrow)

    def _parquet(self, file: Path, pa: Any, pq: Any) -> Iterator[Case]:
        try:
            reader = pq.ParquetFile(file)
            names = list(reader.schema_arrow.names)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{file}: cannot be read as Parquet ({error})") from None
        try:
            _check_columns(names, "columns")
        except LoadError as error:
            raise LoadError(error.problems, str(file)) from None

        def records() -> Iterator[dict[str, Any]]:
            try:
                for batch in reader.iter_batches(batch_size=self.batch_size):
                    yield from batch.to_pylist()
            except (OSError, pa.ArrowException) as error:
                raise InputError(f"{file}: cannot be read as Parquet ({error})") from None

        try:
            yield from cases_from_records(records())
        except LoadError as error:
            raise LoadError(error.problems, error.source or str(file)) from None


# -- the output ----------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class _Parts:
    """Part files written under a temporary name, renamed by :meth:`finish`."""

    def __init__(self, out: str, fmt: str, rows_per_file: int) -> None:
        self.arrow = _pyarrow("writing Parquet") if fmt == "parquet" else None
        self.folder = _out_folder(out)
        self.fmt = fmt
        self.rows_per_file = rows_per_file
        self.written: list[Path] = []
        self.rows = 0
        self._in_file = 0
        self._writer: Any = None
        self._stream: IO[str] | None = None
        self._csv: Any = None

    def _open(self) -> None:
        path = self.folder / f".part-{len(self.written):05d}.{self.fmt}.partial"
        self.written.append(path)
        self._in_file = 0
        if self.arrow is not None:
            self._writer = self.arrow[1].ParquetWriter(path, arrow_schema())
        else:
            self._stream = path.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._stream, lineterminator="\n")
            self._csv.writerow(_NAMES)

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def write(self, rows: list[ResultRow]) -> None:
        """Write a batch of rows, starting a new part file when the current one is full."""
        while rows:
            if self._writer is None and self._stream is None:
                self._open()
            room = self.rows_per_file - self._in_file
            chunk, rows = rows[:room], rows[room:]
            if self._writer is not None:
                self._writer.write_batch(rows_to_arrow(chunk))
            else:
                self._csv.writerows([_cell(v) for v in _values(row)] for row in chunk)
            self._in_file += len(chunk)
            self.rows += len(chunk)
            if self._in_file >= self.rows_per_file:
                self._close()

    def finish(self) -> list[Path]:
        """Close the last file (an empty one with the header when no rows); rename them all."""
        if not self.written:
            self._open()  # no rows: one part file with the schema alone
        self._close()
        final = []
        for path in self.written:
            target = path.with_name(path.name[1:].removesuffix(".partial"))
            path.replace(target)
            final.append(target)
        return final

    def abort(self) -> None:
        """Close and remove what was written."""
        try:
            self._close()
        finally:
            for path in self.written:
                path.unlink(missing_ok=True)


def _values(row: ResultRow) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in _NAMES)


def _out_folder(text: str) -> Path:
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out: {folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"--out: {folder}: cannot be made ({error.strerror or error})") from None
    taken = sorted(p.name for p in folder.glob("part-*") if p.is_file())
    if taken:
        raise InputError(
            f"--out: {folder} already holds part files ({taken[0]}, ...); remove them or"
            " choose another folder"
        )
    return folder


# -- progress ------------------------------------------------------------------------------


class _Progress:
    """``entitlements: 120,000 cases read, 251,304 rows written`` on stderr (one line on a tty)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.parts: _Parts | None = None
        self.started = time.perf_counter()

    def __call__(self, cases: int) -> None:
        if self.quiet or cases % PROGRESS_EVERY:
            return  # the total is shown by done()
        rows = self.parts.rows if self.parts is not None else 0
        text = f"entitlements: {cases:,} cases read, {rows:,} rows written"
        if self.tty:
            print("\r" + text, end="", file=sys.stderr, flush=True)
        else:
            print(text, file=sys.stderr, flush=True)

    def done(self, cases: int, parts: _Parts, files: list[Path]) -> None:
        if self.quiet:
            return
        seconds = time.perf_counter() - self.started
        noun = "file" if len(files) == 1 else "files"
        print(
            ("\r" if self.tty else "")
            + f"entitlements: {cases:,} cases read, {parts.rows:,} rows written to"
            f" {parts.folder} in {len(files)} part {noun} ({seconds:.1f} s)",
            file=sys.stderr,
            flush=True,
        )


# -- the command ---------------------------------------------------------------------------


def _batches(rows: Iterable[ResultRow], size: int) -> Iterator[list[ResultRow]]:
    pending: list[ResultRow] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= size:
            yield pending
            pending = []
    if pending:
        yield pending


def _as_of(arguments: argparse.Namespace, source: _Source) -> datetime:
    given = _common.instant_option(arguments.as_of)
    if given is not None:
        return given
    try:
        found = _common.latest(source.cases())
    except EntitlementsError as error:
        raise _common.fail_on(error, source.current) from None
    if found is None:
        raise InputError(f"--as-of is needed: {source.path} has no cases to take the instant from")
    return found


def run_evaluate(arguments: argparse.Namespace) -> int:
    """``entitlements evaluate``."""
    inputs = _common.load_inputs(arguments.data, None, need_cases=False)
    book: CoverageBook = inputs.book
    source = _Source(Path(arguments.cases_path), arguments.batch_size)
    as_of = _as_of(arguments, source)
    parts = _Parts(arguments.out, arguments.format, arguments.rows_per_file)
    progress = _Progress(arguments.quiet)
    progress.parts = parts
    counted = [0]
    cases: Iterable[Case] = source.cases()
    try:
        if arguments.sort:
            cases = list(cases)

        def count(n: int) -> None:
            counted[0] = n
            progress(n)

        rows = evaluate_partition(cases, book, as_of=as_of, progress=count)
        for batch in _batches(rows, arguments.batch_size):
            parts.write(batch)
        files = parts.finish()
    except LoadError as error:
        parts.abort()
        raise InputError(str(error)) from None
    except EntitlementsError as error:
        parts.abort()
        text = str(error).replace("sort it, or pass a list", "sort it, or give --sort")
        raise _common.fail_on(EntitlementsError(text), source.current) from None
    except BaseException:
        parts.abort()
        raise
    progress.done(counted[0], parts, files)
    return 0
