"""A whole coverage book as one JSON document.

The document is one object; every key is optional and an unknown key is an
error::

    {"accounts":     [{"id", "name", "timezone", "calendar"}],
     "assets":       [{"id", "account", "product", "name",
                       "components": [{"id", "name", "components": [...]}]}],
     "contracts":    [{"id", "account", "start", "end", "status", "renews",
                       "auto_renew", "name"}],
     "line_items":   [{"id", "contract", "product", "asset", "component",
                       "start", "end", "name"}],
     "entitlements": [{"id", "account", "name", "contract", "line_item", "start",
                       "end", "channels", "allowance", "process", "calendar", "rank"}],
     "processes":    [{"id", "name", "milestones": [{"name", "target", "priorities",
                       "warnings", "recurrence", "calendar", "pause_statuses"}],
                       "calendar", "pause_statuses"}],
     "calendars":    {"<id>": <see entitlements.io._calendars>}}

Field names are the attrs field names of the records. Values: dates
``"2025-01-01"``; durations and targets in their short form (``"1h30m"``,
``"NBD 12:00"``, ``"3BD cutoff 15:00"``); allowances ``"unlimited"``,
``"10 cases"``, ``"40h"``, ``"10 cases, 40h"``; channels ``"all"`` or a list
(``["phone", "on-site"]``); statuses and recurrences by their values; sets
(priorities, pause statuses) as lists without repeats; ranks are whole
numbers (not ``2.0``, below 10**18 in size). Values are never coerced: ``5``
is not a name and ``"true"`` is not a boolean. A field left out takes its
default and a required field left out is an error; ``null`` is accepted
only where None is a value (optional ids and dates, a milestone's
``pause_statuses``). A key given twice in one object is an error.

:func:`book_to_dict` writes every field, defaults included and ``null`` for
None, keys in field order and sets sorted, so files are explicit and stable.

Loading structures each record on its own and collects every problem with
its JSON path (``$.entitlements[3].channels[1]: 'fax' is not a channel ...``).
Only when every record reads cleanly is the :class:`CoverageBook` built;
its :class:`~entitlements.errors.BookError` problems (dangling references,
duplicate ids, dates outside the parent's) are located the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from cattrs import Converter

from entitlements.book import COLLECTIONS, CoverageBook
from entitlements.calendar import BusinessCalendar
from entitlements.errors import BookError, LoadError, Problem
from entitlements.io._calendars import calendar_to_dict, read_calendar
from entitlements.io._converter import JSON, unstructure
from entitlements.io._issues import (
    BadValueError,
    Issue,
    ValuePath,
    field_path,
    issues_of,
    json_path,
    show,
)
from entitlements.io._text import dumps_json, parse_json, repeated_keys

__all__ = [
    "COLLECTIONS",
    "book_from_dict",
    "book_to_dict",
    "build_book",
    "dumps_book",
    "loads_book",
    "problem_path",
    "read_calendars",
    "read_records",
]

T = TypeVar("T")

_KEYS = (*COLLECTIONS, "calendars")


def read_records(
    data: object, kind: type[T], converter: Converter = JSON
) -> tuple[list[T], list[Issue]]:
    """The records of a JSON list, and the problems of those that could not be read."""
    if not isinstance(data, list):
        return [], [Issue((), f"{show(data)} is not a list")]
    records: list[T] = []
    issues: list[Issue] = []
    for index, item in enumerate(data):
        try:
            records.append(converter.structure(item, kind))
        except Exception as error:  # every problem is reported, with its path
            issues.extend(issues_of(error, (index,)))
    return records, issues


def read_calendars(data: object) -> tuple[dict[str, BusinessCalendar], list[Issue]]:
    """The calendars of a JSON object of id to calendar, and the problems found."""
    if not isinstance(data, dict):
        return {}, [Issue((), f"{show(data)} is not an object of calendar id to calendar")]
    calendars: dict[str, BusinessCalendar] = {}
    issues: list[Issue] = []
    for key, value in data.items():
        if not isinstance(key, str) or not key or key != key.strip():
            issues.append(Issue((key,), f"{key!r} is not a calendar id (a non-empty string)"))
            continue
        calendar, found = read_calendar(value)
        issues.extend(Issue((key, *issue.path), issue.message) for issue in found)
        if calendar is not None:
            calendars[key] = calendar
    return calendars, issues


def problem_path(problem: Problem) -> ValuePath:
    """The document path of a book problem: ``("line_items", 2, "end")``."""
    index: ValuePath = () if problem.index is None else (problem.index,)
    return (problem.collection, *index, *field_path(problem.field))


def build_book(
    parts: Mapping[str, Any], locate: Callable[[Problem], str], source: str
) -> CoverageBook:
    """Build the book; its problems become a :class:`LoadError`, each placed by ``locate``."""
    try:
        return CoverageBook(**parts)
    except BookError as error:
        raise LoadError(
            [f"{locate(problem)}: {problem.message}" for problem in error.problems], source
        ) from None


def _read(data: object) -> tuple[dict[str, Any], list[Issue]]:
    if not isinstance(data, dict):
        return {}, [Issue((), f"{show(data)} is not an object")]
    issues = [Issue((), f"unknown field {key!r}") for key in data if key not in _KEYS]
    parts: dict[str, Any] = {}
    for name, kind in COLLECTIONS.items():
        parts[name], found = read_records(data.get(name, []), kind)
        issues.extend(Issue((name, *issue.path), issue.message) for issue in found)
    parts["calendars"], found = read_calendars(data.get("calendars", {}))
    issues.extend(Issue(("calendars", *issue.path), issue.message) for issue in found)
    return parts, issues


def read_document(
    data: object, source: str = "", issues: list[Issue] | None = None
) -> CoverageBook:
    """The book of a parsed document; ``issues`` are problems already found (repeated keys)."""
    parts, found = _read(data)
    issues = [*(issues or ()), *found]
    if issues:
        raise LoadError([f"{json_path(issue.path)}: {issue.message}" for issue in issues], source)
    return build_book(parts, lambda problem: json_path(problem_path(problem)), source)


def book_from_dict(data: object) -> CoverageBook:
    """Build a book from plain data shaped like the JSON document.

    Raises:
        LoadError: every problem, each with its JSON path.
    """
    return read_document(data)


def loads_book(text: str, source: str = "") -> CoverageBook:
    """Build a book from the text of a JSON document.

    Raises:
        LoadError: the text is not JSON (``line 3, column 5: ...``) or the
            document has problems (each with its JSON path).
    """
    try:
        data = parse_json(text)
    except BadValueError as error:
        raise LoadError([error.message], source) from None
    return read_document(data, source, repeated_keys(data))


def book_to_dict(book: CoverageBook) -> dict[str, Any]:
    """The book as JSON-ready plain data: every field of every record, in order.

    Raises:
        DumpError: a calendar cannot be written (only ``BusinessHours`` can).
    """
    data: dict[str, Any] = {
        name: [unstructure(record) for record in getattr(book, name)] for name in COLLECTIONS
    }
    data["calendars"] = {
        key: calendar_to_dict(calendar, json_path(("calendars", key)))
        for key, calendar in book.calendars.items()
    }
    return data


def dumps_book(book: CoverageBook) -> str:
    """The book as JSON text (indented by two spaces, stable key order)."""
    return dumps_json(book_to_dict(book))
