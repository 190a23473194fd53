"""Support cases and their history as a JSON list, JSON Lines or a pair of CSV files.

Cases are not part of a coverage book; they are what gets resolved against
one. ``cases.json`` is a list of objects, ``cases.jsonl`` one such object a
line (blank lines skipped), and ``cases.csv`` a table, all with
the fields ``id, account, asset, component, product, channel, priority,
opened_at, worked`` (in that order when written). ``opened_at`` is ISO 8601
with a UTC offset (``2025-07-03T16:10:00-04:00``; a naive time is an error,
and a zone name is written as its offset at that instant); ``worked`` is a
short duration (``"1h30m"``, default ``"0m"``). The CSV rules of
:mod:`entitlements.io._csv_folder` apply (empty cells, unknown columns, line
numbers). Two cases with the same id are an error. Problems are located as
``$[3].opened_at: ...`` in JSON (the file is the error's ``source``),
``cases.jsonl line 4: $.opened_at: ...`` in JSON Lines (``cases.jsonl line
4, column 12: ...`` for a line that is not JSON) and ``cases.csv line 4,
column opened_at: ...`` in CSV.

**History.** A case's events (:class:`~entitlements.cases.CaseEvent`) have
the fields ``at, kind, value``: ``at`` an instant like ``opened_at``,
``kind`` one of ``status, priority, completed, reply, closed``, and
``value`` the new status, the new priority or the milestone completed
(empty for ``reply`` and ``closed``).

- In JSON and JSON Lines a case object has a ``"history"`` list of event objects, written
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

**Streaming.** :func:`iter_cases` yields cases one at a time and raises
:class:`~entitlements.errors.LoadError` at the first bad record (it cannot
collect every problem first). JSON Lines and CSV are read in memory that does
not grow with the file; a ``.json`` list is parsed whole. A CSV events file
is read in step with the cases file when its rows are grouped by case in the
order of the cases (as :func:`dump_cases` writes them): a first pass over the
``id`` and ``case`` columns checks that order. Otherwise it is read whole
before the first case, and an event of an unknown case is reported after the
last. Repeated ids are not detected in a stream (that needs every id seen);
:func:`load_cases` detects them. :func:`dump_cases` writes every format one
case at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
)
from entitlements.io._document import read_records
from entitlements.io._issues import BadValueError, Issue, field_path, issues_of, json_path
from entitlements.io._stream import (
    csv_rows,
    jsonl_cases,
    write_csv_pair,
    write_json_lines,
    write_json_list,
)
from entitlements.io._text import parse_json, read_text, repeated_keys

__all__ = [
    "case_to_dict",
    "cases_from_dicts",
    "cases_to_dicts",
    "dump_cases",
    "iter_cases",
    "load_cases",
]

#: The suffixes of case files: a JSON list, JSON Lines, or CSV (with its events file).
SUFFIXES = (".json", ".jsonl", ".csv")

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


def case_to_dict(case: Case) -> dict[str, Any]:
    """One case as JSON-ready plain data (see :func:`cases_to_dicts`)."""
    data = unstructure(case)
    record = {name: data[name] for name in CASE_FIELDS}
    record["history"] = [_event_to_dict(event) for event in case.history]
    return record


def cases_to_dicts(cases: Iterable[Case]) -> list[dict[str, Any]]:
    """Cases as JSON-ready plain data.

    Every field in the order of :data:`CASE_FIELDS`, then ``history``: a list
    (empty when the case has none) of ``{"at", "kind", "value"}`` objects,
    ``value`` being ``""`` for ``reply`` and ``closed`` events.
    """
    return [case_to_dict(case) for case in cases]


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


def _suffix(path: Path, source: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise LoadError([f"{path.name}: cases are read from a .json, .jsonl or .csv file"], source)
    return suffix


def _load_jsonl(path: Path, source: str) -> list[Case]:
    records: list[tuple[int, Case]] = []
    problems: list[str] = []
    for line, case, found in jsonl_cases(path, source):
        problems.extend(found)
        if case is not None:
            records.append((line, case))
    if not problems:
        seen: set[str] = set()
        for line, case in records:
            if case.id in seen:
                problems.append(f"{path.name} line {line}: $.id: {case.id!r} appears twice")
            seen.add(case.id)
    if problems:
        raise LoadError(problems, source)
    return [case for _, case in records]


def load_cases(path: str | Path) -> list[Case]:
    """Load cases from a ``.json`` or ``.jsonl`` file, or a ``.csv`` file and its events file.

    Raises:
        LoadError: the file cannot be read, or every problem found in it.
    """
    path = Path(path)
    source = str(path)
    suffix = _suffix(path, source)
    if suffix == ".jsonl":
        return _load_jsonl(path, source)
    try:
        text = read_text(path, path.name)
        if suffix == ".csv":
            return _load_csv(text, path, source)
        data = parse_json(text)
    except BadValueError as error:
        raise LoadError([error.message], source) from None
    return _from_data(data, repeated_keys(data), source)


# -- streaming ---------------------------------------------------------------------------


def _record_of(row: Row, kind: type[Any], file: str, source: str) -> Any:
    """A row structured as ``kind``; its problems raise at once."""
    try:
        return CELLS.structure(row.cells, kind)
    except Exception as error:  # every problem of the row is reported, with its place
        table = Table(file, [], [])
        raise LoadError([locate(table, row, issue) for issue in issues_of(error)], source) from None


def _event_of(row: Row, file: str, source: str) -> CaseEvent:
    cells = {name: value for name, value in row.cells.items() if name in EVENT_FIELDS}
    event: CaseEvent = _record_of(Row(row.line, cells), CaseEvent, file, source)
    return event


def _with_history(
    case: Case, events: list[tuple[CaseEvent, Row]], row: Row, path: Path, source: str
) -> Case:
    """The case with its history; a history out of order raises, located at the event."""
    try:
        return attrs.evolve(case, history=tuple(event for event, _ in events))
    except ModelError as error:
        at = field_path(error.field or "")
        if len(at) >= 2 and at[0] == "history" and isinstance(at[1], int):
            column = at[2] if len(at) > 2 else None
            where = place(events_file(path).name, events[at[1]][1].line, column)
        else:  # not expected: the case read cleanly without its history
            where = place(path.name, row.line)
        raise LoadError([f"{where}: {error.reason}"], source) from None


def _in_case_order(path: Path, events: Path, source: str) -> bool:
    """Whether the events file's rows are grouped by case, in the order of the cases file.

    Reads only the ``id`` and ``case`` cells of the two files, side by side; a
    file that cannot be read this way counts as not in order.
    """
    event_rows = csv_rows(events, EVENT_COLUMNS, ("case", *required_columns(CaseEvent)), source)
    try:
        pending = next(event_rows, None)
        for row in csv_rows(path, CASE_FIELDS, required_columns(Case), source):
            if pending is None:
                return True
            while pending is not None and pending.cells.get("case") == row.cells.get("id", ""):
                pending = next(event_rows, None)
    except LoadError:
        return False
    return pending is None


def _events_by_case(path: Path, source: str) -> dict[str, list[tuple[CaseEvent, Row]]]:
    """The whole events file of ``path``, by case; every problem of it raises at once."""
    problems: list[str] = []
    table = _read_events(path, problems)
    if table is None or problems:
        if problems:
            raise LoadError(problems, source)
        return {}
    events: dict[str, list[tuple[CaseEvent, Row]]] = {}
    for row in table.rows:
        case = row.cells.get("case")
        if case is None:
            problems.append(f"{place(table.file, row.line, 'case')}: missing required field 'case'")
        try:
            event = _event_of(row, table.file, source)
        except LoadError as error:
            problems.extend(error.problems)
            continue
        if case is not None:
            events.setdefault(case, []).append((event, row))
    if problems:
        raise LoadError(problems, source)
    return events


def _iter_csv(path: Path, source: str) -> Iterator[Case]:
    rows = csv_rows(path, CASE_FIELDS, required_columns(Case), source)
    events = events_file(path)
    if not events.exists():
        for row in rows:
            yield _record_of(row, Case, path.name, source)
    elif _in_case_order(path, events, source):
        event_rows = csv_rows(events, EVENT_COLUMNS, ("case", *required_columns(CaseEvent)), source)
        pending = next(event_rows, None)
        for row in rows:
            case: Case = _record_of(row, Case, path.name, source)
            found = []
            while pending is not None and pending.cells.get("case") == case.id:
                found.append((_event_of(pending, events.name, source), pending))
                pending = next(event_rows, None)
            yield _with_history(case, found, row, path, source) if found else case
    else:
        by_case = _events_by_case(path, source)
        for row in rows:
            case = _record_of(row, Case, path.name, source)
            found = by_case.pop(case.id, [])
            yield _with_history(case, found, row, path, source) if found else case
        if by_case:
            lines = sorted(row.line for found in by_case.values() for _, row in found)
            cases = {row.line: case for case, found in by_case.items() for _, row in found}
            raise LoadError(
                [
                    f"{place(events.name, line, 'case')}: {cases[line]!r} is not a case in "
                    f"{path.name}"
                    for line in lines
                ],
                source,
            )


def _iter_jsonl(path: Path, source: str) -> Iterator[Case]:
    for _, case, problems in jsonl_cases(path, source):
        if problems:
            raise LoadError(problems, source)
        if case is not None:
            yield case


def _iter_json(path: Path) -> Iterator[Case]:
    yield from load_cases(path)


def iter_cases(path: str | Path) -> Iterator[Case]:
    """Cases read one at a time from a ``.jsonl``, ``.csv`` or ``.json`` file.

    ``.jsonl`` (one case object a line) and ``.csv`` are read in memory that
    does not grow with the file; ``.json`` is parsed whole. The events file of
    a ``.csv`` is read in step with it when its rows are grouped by case in
    case order (as :func:`dump_cases` writes them; both files are then read
    twice, the first time to check that order), and otherwise read whole
    first. Repeated ids are not detected, except in ``.json``. Nothing is
    read until the first case is asked for.

    Raises:
        LoadError: at once for an unknown suffix; while iterating, at the first
            bad record (its problems, located like :func:`load_cases`'s).
    """
    path = Path(path)
    source = str(path)
    suffix = _suffix(path, source)
    if suffix == ".jsonl":
        return _iter_jsonl(path, source)
    if suffix == ".csv":
        return _iter_csv(path, source)
    return _iter_json(path)


# -- dumping -----------------------------------------------------------------------------


def _csv_records(cases: Iterable[Case]) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    for case in cases:
        record = case_to_dict(case)
        yield record, [{"case": case.id, **event} for event in record["history"]]


def dump_cases(cases: Iterable[Case], path: str | Path) -> None:
    """Write cases to a ``.json`` or ``.jsonl`` file, or a ``.csv`` file and its events file.

    Any iterable will do (a stream from :func:`iter_cases` too): cases are
    written one at a time, to a temporary file beside ``path`` that replaces
    it once the last case is written, so an error midway leaves ``path`` as
    it was. To CSV, the events file is written when some case has history;
    otherwise an events file left from an earlier dump is removed.

    Raises:
        DumpError: the path ends in none of ``.json``, ``.jsonl`` and ``.csv``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DumpError(f"{path.name}: cases are written to a .json, .jsonl or .csv file")
    if suffix == ".csv":
        write_csv_pair(path, CASE_FIELDS, events_file(path), EVENT_COLUMNS, _csv_records(cases))
    elif suffix == ".jsonl":
        write_json_lines(path, map(case_to_dict, cases))
    else:
        write_json_list(path, map(case_to_dict, cases))
