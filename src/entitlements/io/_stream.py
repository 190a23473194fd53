"""Case files read and written one record at a time, in memory that does not grow with them.

Reading goes line by line: a JSON Lines file yields each line's case or its
problems (:func:`jsonl_cases`), a CSV file each row (:func:`csv_rows`, with
the header and shape rules of :func:`~entitlements.io._csv_folder.read_table`,
but raising :class:`~entitlements.errors.LoadError` at the first problem).
Files are UTF-8, decoded a line at a time; a byte-order mark is ignored.

Writing goes to a temporary file beside the target, which replaces the target
only once every record is written (:class:`Replacing`): a dump interrupted by
an error (a bad case further down a stream) leaves the old file as it was, and
a file can be rewritten from a stream that reads it.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from entitlements.cases import Case
from entitlements.errors import LoadError
from entitlements.io._converter import JSON
from entitlements.io._csv_folder import Row, _header, place
from entitlements.io._issues import BadValueError, issues_of, json_path
from entitlements.io._text import parse_json, repeated_keys

__all__ = [
    "Replacing",
    "csv_rows",
    "jsonl_cases",
    "write_csv_pair",
    "write_json_lines",
    "write_json_list",
]

#: A zero-width split after a carriage return not followed by a line feed (an old Mac line end).
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def _binary_lines(path: Path, source: str) -> Iterator[tuple[int, int, bytes]]:
    """``(line number, byte offset, bytes)`` of each line ending in ``\\n`` (BOM dropped)."""
    offset = 0
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                start, offset = offset, offset + len(raw)
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw, start = raw[len(codecs.BOM_UTF8) :], start + len(codecs.BOM_UTF8)
                yield number, start, raw
    except OSError as error:
        raise LoadError(
            [f"{path.name}: cannot be read ({error.strerror or error})"], source
        ) from None


def _decode(raw: bytes, offset: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadValueError(
            f"not UTF-8 text ({error.reason} at byte {offset + error.start})"
        ) from None


# -- JSON Lines --------------------------------------------------------------------------


class _RepeatedKeyError(Exception):
    """An object of the line gives a key twice: parse it again, slowly, to say where."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _RepeatedKeyError
    return data


#: Parses a line that is valid JSON without a repeated key, the usual case, at C speed.
_FAST = json.JSONDecoder(object_pairs_hook=_object)


def _jsonl_case(text: str, where: str) -> tuple[Case | None, list[str]]:
    try:
        data, issues = _FAST.decode(text), []
    except (_RepeatedKeyError, ValueError, RecursionError):
        try:
            data = parse_json(text)
        except BadValueError as error:  # "line 1, column 14: ...": the line is the file's
            message = error.message
            prefix = "line 1, "
            if message.startswith(prefix):
                return None, [f"{where}, {message[len(prefix) :]}"]
            return None, [f"{where}: {message}"]
        issues = repeated_keys(data)
    try:
        case = JSON.structure(data, Case)
    except Exception as error:  # every problem of the line is reported, with its path
        issues = [*issues, *issues_of(error)]
        case = None
    return case, [f"{where}: {json_path(issue.path)}: {issue.message}" for issue in issues]


def jsonl_cases(path: Path, source: str) -> Iterator[tuple[int, Case | None, list[str]]]:
    """``(line, case, problems)`` for each non-blank line; ``case`` is None when it has problems.

    Problems are located as ``cases.jsonl line 7: $.opened_at: ...`` (a JSON
    path inside the line's object) or ``cases.jsonl line 7, column 12: ...``
    (the line is not JSON). A file that cannot be read raises LoadError.
    """
    for number, offset, raw in _binary_lines(path, source):
        where = f"{path.name} line {number}"
        try:
            text = _decode(raw, offset)
        except BadValueError as error:
            yield number, None, [f"{where}: {error.message}"]
            continue
        if not text.strip():
            continue
        case, problems = _jsonl_case(text.removesuffix("\n").removesuffix("\r"), where)
        yield number, None if problems else case, problems


# -- CSV ---------------------------------------------------------------------------------


class _CsvLines:
    """The text lines of a CSV file, split as ``newline=""`` does; counts them for messages."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for _, offset, raw in _binary_lines(self.path, self.source):
            try:
                text = _decode(raw, offset)
            except BadValueError as error:
                where = place(self.path.name, self.count + 1)
                raise LoadError([f"{where}: {error.message}"], self.source) from None
            body = text.removesuffix("\n").removesuffix("\r")
            if not text:
                continue  # a byte-order mark alone
            if "\r" not in body:  # the usual case: one line
                self.count += 1
                yield text
                continue
            for piece in _LONE_CR.split(text):
                if piece:
                    self.count += 1
                    yield piece


def csv_rows(
    path: Path, columns: Sequence[str], required: Iterable[str], source: str
) -> Iterator[Row]:
    """The rows of a CSV file, one at a time; its first problem raises LoadError.

    The header's problems (unknown, repeated or missing required columns) are
    raised together, before the first row.
    """
    file = path.name
    reader = csv.reader(_CsvLines(path, source), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise LoadError([f"{file}: no header row (the first line names the columns)"], source)
        names, problems = _header(header, file, columns)
        problems.extend(
            f"{file} line 1: missing required column {name!r}"
            for name in sorted(set(required) - set(names))
        )
        if problems:
            raise LoadError(problems, source)
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells:
                continue  # a blank line
            if len(cells) != len(header):
                raise LoadError(
                    [
                        f"{file} line {line}: {len(cells)} cells, but the header has "
                        f"{len(header)} columns"
                    ],
                    source,
                )
            pairs = zip(names, cells, strict=True)
            yield Row(line, {name: cell for name, cell in pairs if name is not None and cell})
    except csv.Error as error:
        raise LoadError([f"{file} line {reader.line_num}: {error}"], source) from None


# -- writing -----------------------------------------------------------------------------


class Replacing:
    """A text file written in place of ``path``: a temporary file beside it until closed.

    Leaving the ``with`` block normally moves it over ``path`` (unless
    :attr:`keep` was set to False, which discards it); an exception discards it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.keep = True
        self._temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        self.file = self._temporary.open("x", encoding="utf-8", newline="")

    def __enter__(self) -> Replacing:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.file.close()
        if kind is None and self.keep:
            self._temporary.replace(self.path)
        else:
            self._temporary.unlink(missing_ok=True)


def _cells(row: Mapping[str, object], columns: Sequence[str]) -> list[str]:
    return ["" if row.get(column) is None else str(row.get(column)) for column in columns]


def write_csv_pair(
    path: Path,
    columns: Sequence[str],
    second: Path,
    second_columns: Sequence[str],
    records: Iterable[tuple[Mapping[str, object], Iterable[Mapping[str, object]]]],
) -> None:
    """Write each record's row to ``path`` and its rows of the second table to ``second``.

    ``second`` is written only if some record has rows for it; otherwise a
    ``second`` left from before is removed.
    """
    with Replacing(path) as first, Replacing(second) as other:
        main, extra = csv.writer(first.file), csv.writer(other.file)
        main.writerow(columns)
        extra.writerow(second_columns)
        other.keep = False
        for record, rows in records:
            main.writerow(_cells(record, columns))
            for row in rows:
                extra.writerow(_cells(row, second_columns))
                other.keep = True
    if not other.keep:
        second.unlink(missing_ok=True)


def write_json_lines(path: Path, records: Iterable[Any]) -> None:
    """Write one compact JSON value a line (non-ASCII kept, ``\\n`` line ends)."""
    with Replacing(path) as target:
        for record in records:
            target.file.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_json_list(path: Path, records: Iterable[Any]) -> None:
    """Write a JSON list one item at a time, as :func:`~entitlements.io._text.dumps_json` would."""
    with Replacing(path) as target:
        opening = "[\n  "
        for record in records:
            item = json.dumps(record, indent=2, ensure_ascii=False)
            target.file.write(opening + item.replace("\n", "\n  "))
            opening = ",\n  "
        target.file.write("[]\n" if opening == "[\n  " else "\n]\n")
