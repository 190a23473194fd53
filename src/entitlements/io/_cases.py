"""Support cases and their history as a JSON list or a pair of CSV files.

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

**History.** A case's events (:class:`~entitlements.cases.CaseEvent`) have
the fields ``at, kind, value``: ``at`` an instant like ``opened_at``,
``kind`` one of ``status, priority, completed, reply, closed``, and
``value`` the new status, the new priority or the milestone completed
(empty for ``reply`` and ``closed``).

- In JSON a case object has a ``"history"`` list of event objects, written
  after the other fields and always written (``[]`` for none), so every case
  has the same keys. Each event is written with all three keys, ``value``
  being ``""`` for ``reply`` and ``closed``; when reading, ``value`` may be
  left out (it defaults to ``""``), and ``history`` too (no events).
  Problems are located as ``$[3].history[1].at: ...``.
- In CSV the events live in a sibling file named after the cases file:
  ``<stem>_events.csv`` in the same folder (``cases.csv`` ->
  ``cases_events.csv``, ``open.csv`` -> ``open_events.csv``), with the columns
  ``case, at, kind, value`` (``value`` may be left out of the header when
  every event is a reply or a closure). ``case`` is the id of a case in the
  cases file; a case's events are its rows in file order, which is their
  order in the history (rows of different cases may interleave, but are
  written grouped by case, in case order). The events file is optional when
  loading: without it no case has history. :func:`dump_cases` writes it when
  some case has history and otherwise removes a stale one, so the pair of
  files always says exactly what was dumped. Problems are located as
  ``cases_events.csv line 7, column case: 'C-9' is not a case in cases.csv``.

A history out of order (an event before ``opened_at`` or before the one
listed before it, a repeated event, an event after closure) is the case's
own :class:`~entitlements.errors.ModelError`, located at the event at fault:
``$[3].history[2].at: ...`` or ``cases_events.csv line 9, column at: ...``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from entitlements.cases import Case, CaseEvent
from entitlements.errors import DumpError, LoadError, ModelError
from entitlements.io._converter import CELLS, unstructure
from entitlements.io._csv_folder import (
    Row,
    Table,
    locate,
    place,
    read_rows,
    read_table,
    required_columns,
    write_table,
)
from entitlements.io._document import read_records
from entitlements.io._issues import BadValueError, Issue, field_path, issues_of, json_path
from entitlements.io._text import parse_json, read_text, repeated_keys, write_json

__all__ = ["cases_from_dicts", "cases_to_dicts", "dump_cases", "load_cases"]

#: The fields of a case but its history, in the order they are written (the columns of the CSV).
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
#: The fields of a case event, in the order they are written.
EVENT_FIELDS = ("at", "kind", "value")
#: The columns of the events file: the case's id, then the event.
EVENT_COLUMNS = ("case", *EVENT_FIELDS)


def events_file(path: Path) -> Path:
    """The events file of a CSV cases file: ``<stem>_events.csv`` beside it."""
    return path.with_name(f"{path.stem}_events.csv")


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
    """Cases from plain data: a list of case objects, each with an optional ``history``.

    Raises:
        LoadError: every problem, each with its JSON path (``$[3].opened_at: ...``,
            ``$[3].history[1].at: ...``).
    """
    return _from_data(data, [], "")


def _event_to_dict(event: CaseEvent) -> dict[str, Any]:
    data = unstructure(event)
    return {name: data[name] for name in EVENT_FIELDS}


def cases_to_dicts(cases: Iterable[Case]) -> list[dict[str, Any]]:
    """Cases as JSON-ready plain data.

    Every field in the order of :data:`CASE_FIELDS`, then ``history``: a list
    (empty when the case has none) of ``{"at", "kind", "value"}`` objects,
    ``value`` being ``""`` for ``reply`` and ``closed`` events.
    """
    result = []
    for case in cases:
        data = unstructure(case)
        record = {name: data[name] for name in CASE_FIELDS}
        record["history"] = [_event_to_dict(event) for event in case.history]
        result.append(record)
    return result


class _Events:
    """The events of one CSV load, grouped by case, and the problems of their rows."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.found: list[tuple[int, str]] = []  # (line, problem)
        self.rows: dict[str, list[tuple[CaseEvent, Row]]] = {}
        self.unread: set[str] = set()  # cases with an event row that could not be read

    def read(self, cases_file: str, listed: set[str] | None, read: set[str]) -> None:
        """Read every row; ``listed`` is every id in the cases file (None if unknown)."""
        table = self.table
        for row in table.rows:
            case = row.cells.get("case")
            if case is None:
                if "case" not in table.absent:
                    self._add(row.line, "case", "missing required field 'case'")
            elif case not in read and listed is not None and case not in listed:
                self._add(row.line, "case", f"{case!r} is not a case in {cases_file}")
                case = None
            elif case not in read:
                case = None  # the case's own row has problems, reported with the cases file
            cells = {name: value for name, value in row.cells.items() if name in EVENT_FIELDS}
            try:
                event = CELLS.structure(cells, CaseEvent)
            except Exception as error:  # every problem is reported, with its place
                self.found.extend(
                    (row.line, locate(table, row, issue))
                    for issue in issues_of(error)
                    if issue.missing not in table.absent
                )
                if case is not None:
                    self.unread.add(case)
                continue
            if case is not None:
                self.rows.setdefault(case, []).append((event, row))

    def attach(self, case: Case, cases: Table, row: Row) -> Case:
        """The case with its history; a history out of order is a problem of its event's row."""
        events = self.rows.get(case.id)
        if not events or case.id in self.unread:
            return case
        try:
            return attrs.evolve(case, history=tuple(event for event, _ in events))
        except ModelError as error:
            path = field_path(error.field or "")
            if len(path) >= 2 and path[0] == "history" and isinstance(path[1], int):
                self._add(events[path[1]][1].line, path[2] if len(path) > 2 else None, error.reason)
            else:  # not expected: the case read cleanly without its history
                self.found.append((0, f"{place(cases.file, row.line)}: {error.reason}"))
            return case

    def _add(self, line: int, column: object, message: str) -> None:
        self.found.append((line, f"{place(self.table.file, line, column)}: {message}"))

    @property
    def problems(self) -> list[str]:
        """Every problem of the rows, in line order."""
        return [problem for _, problem in sorted(self.found, key=lambda found: found[0])]


def _read_events(path: Path, problems: list[str]) -> Table | None:
    """The events table beside ``path``; None when there is no events file."""
    events = events_file(path)
    if not events.exists():
        return None
    try:
        text = read_text(events, events.name)
    except BadValueError as error:
        problems.append(error.message)
        return None
    table = read_table(text, events.name, EVENT_COLUMNS, ("case", *required_columns(CaseEvent)))
    problems.extend(table.problems)
    return table


def _load_csv(text: str, path: Path, source: str) -> list[Case]:
    table = read_table(text, path.name, CASE_FIELDS, required_columns(Case))
    records, problems = read_rows(table, Case)
    problems = [*table.problems, *problems]
    if not problems:
        cases = [case for case, _ in records]
        problems = [
            locate(table, records[index][1], Issue(("id",), message))
            for index, message in _repeated_ids(cases)
        ]
    events_table = _read_events(path, problems)
    if events_table is not None:
        events = _Events(events_table)
        # with a badly shaped cases file its ids are not all known: no "is not a case" then
        listed = None if table.problems else {row.cells.get("id", "") for row in table.rows}
        events.read(path.name, listed, {case.id for case, _ in records})
        attached: set[str] = set()
        for index, (case, row) in enumerate(records):
            if case.id not in attached:  # a repeated id is already a problem
                attached.add(case.id)
                records[index] = (events.attach(case, table, row), row)
        problems.extend(events.problems)
    if problems:
        raise LoadError(problems, source)
    return [case for case, _ in records]


def load_cases(path: str | Path) -> list[Case]:
    """Load cases from a ``.json`` file, or a ``.csv`` file and its ``<stem>_events.csv``.

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
            return _load_csv(text, path, source)
        data = parse_json(text)
    except BadValueError as error:
        raise LoadError([error.message], source) from None
    return _from_data(data, repeated_keys(data), source)


def _event_rows(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"case": case["id"], **event} for case in data for event in case["history"]]


def dump_cases(cases: Iterable[Case], path: str | Path) -> None:
    """Write cases to a ``.json`` file, or a ``.csv`` file and its ``<stem>_events.csv``.

    To CSV, the events file is written when some case has history; otherwise
    an events file left from an earlier dump is removed.

    Raises:
        DumpError: the path ends neither in ``.json`` nor in ``.csv``.
    """
    path = Path(path)
    data = cases_to_dicts(cases)
    if path.suffix.lower() == ".csv":
        write_table(path, CASE_FIELDS, data)
        rows = _event_rows(data)
        if rows:
            write_table(events_file(path), EVENT_COLUMNS, rows)
        else:
            events_file(path).unlink(missing_ok=True)
    elif path.suffix.lower() == ".json":
        write_json(path, data)
    else:
        raise DumpError(f"{path.name}: cases are written to a .json or .csv file")
