"""Support cases as a JSON list or a CSV file.

Cases are not part of a coverage book; they are what gets resolved against
one. ``cases.json`` is a list of objects and ``cases.csv`` a table, both with
the fields ``id, account, asset, component, product, channel, priority,
opened_at, worked`` (in that order when written). ``opened_at`` is ISO 8601
with a UTC offset (``2025-07-03T16:10:00-04:00``; a naive time is an error,
and a zone name is written as its offset at that instant); ``worked`` is a
short duration (``"1h30m"``, default ``"0m"``). The CSV rules of
:mod:`entitlements.io._csv_folder` apply (empty cells, unknown columns, line
numbers). Two cases with the same id are an error. Problems are located as
``$[3].opened_at: ...`` in JSON (the file is the error's ``source``) and
``cases.csv line 4, column opened_at: ...`` in CSV.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from entitlements.cases import Case
from entitlements.errors import DumpError, LoadError
from entitlements.io._converter import unstructure
from entitlements.io._csv_folder import locate, read_rows, read_table, required_columns, write_table
from entitlements.io._document import read_records
from entitlements.io._issues import BadValueError, Issue, json_path
from entitlements.io._text import parse_json, read_text, repeated_keys, write_json

__all__ = ["cases_from_dicts", "cases_to_dicts", "dump_cases", "load_cases"]

#: The fields of a case, in the order they are written.
CASE_FIELDS = (
    "id",
    "account",
    "asset",
    "component",
    "product",
    "channel",
    "priority",
    "opened_at",
    "worked",
)


def _repeated_ids(cases: list[Case]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    repeated = []
    for index, case in enumerate(cases):
        if case.id in seen:
            repeated.append((index, f"{case.id!r} appears twice"))
        seen.add(case.id)
    return repeated


def _from_data(data: object, issues: list[Issue], source: str) -> list[Case]:
    cases, found = read_records(data, Case)
    issues = [*issues, *found]
    if not issues:
        issues = [Issue((index, "id"), message) for index, message in _repeated_ids(cases)]
    if issues:
        raise LoadError([f"{json_path(issue.path)}: {issue.message}" for issue in issues], source)
    return cases


def cases_from_dicts(data: object) -> list[Case]:
    """Cases from plain data: a list of case objects.

    Raises:
        LoadError: every problem, each with its JSON path (``$[3].opened_at: ...``).
    """
    return _from_data(data, [], "")


def cases_to_dicts(cases: Iterable[Case]) -> list[dict[str, Any]]:
    """Cases as JSON-ready plain data (every field, in the order of :data:`CASE_FIELDS`)."""
    result = []
    for case in cases:
        data = unstructure(case)
        result.append({name: data[name] for name in CASE_FIELDS})
    return result


def _load_csv(text: str, file: str, source: str) -> list[Case]:
    table = read_table(text, file, CASE_FIELDS, required_columns(Case))
    records, problems = read_rows(table, Case)
    problems = [*table.problems, *problems]
    if not problems:
        cases = [case for case, _ in records]
        problems = [
            locate(table, records[index][1], Issue(("id",), message))
            for index, message in _repeated_ids(cases)
        ]
    if problems:
        raise LoadError(problems, source)
    return [case for case, _ in records]


def load_cases(path: str | Path) -> list[Case]:
    """Load cases from a ``.json`` or ``.csv`` file.

    Raises:
        LoadError: the file cannot be read, or every problem found in it.
    """
    path = Path(path)
    source = str(path)
    if path.suffix.lower() not in (".json", ".csv"):
        raise LoadError([f"{path.name}: cases are read from a .json or .csv file"], source)
    try:
        text = read_text(path, path.name)
        if path.suffix.lower() == ".csv":
            return _load_csv(text, path.name, source)
        data = parse_json(text)
    except BadValueError as error:
        raise LoadError([error.message], source) from None
    return _from_data(data, repeated_keys(data), source)


def dump_cases(cases: Iterable[Case], path: str | Path) -> None:
    """Write cases to a ``.json`` or ``.csv`` file.

    Raises:
        DumpError: the path ends neither in ``.json`` nor in ``.csv``.
    """
    path = Path(path)
    data = cases_to_dicts(cases)
    if path.suffix.lower() == ".csv":
        write_table(path, CASE_FIELDS, data)
    elif path.suffix.lower() == ".json":
        write_json(path, data)
    else:
        raise DumpError(f"{path.name}: cases are written to a .json or .csv file")
