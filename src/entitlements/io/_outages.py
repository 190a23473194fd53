"""Outages for the availability report, from a CSV table or a JSON list.

``outages.csv`` has the columns ``id,start,end,service,description`` (any
order; only ``start`` is required, the CSV rules of
:mod:`entitlements.io._csv_folder` apply); a JSON file is a list of objects
with the same keys (or an object with that list under ``"outages"``).
``start`` and ``end`` are ISO 8601 instants with a UTC offset; an empty or
missing ``end`` (JSON ``null``) is an outage still going. Every problem is
reported at once in one :class:`~entitlements.errors.LoadError`, located as
``outages.csv line 4, column end: ...`` or ``$[3].end: ...``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from entitlements.errors import LoadError, ModelError
from entitlements.io._csv_folder import place, read_table
from entitlements.io._issues import BadValueError, json_path, show
from entitlements.io._text import parse_json, read_text, repeated_keys
from entitlements.reports._availability import Outage

__all__ = ["OUTAGE_FIELDS", "load_outages", "read_outages"]

#: The fields of an outage, in the order of the CSV columns.
OUTAGE_FIELDS = ("id", "start", "end", "service", "description")
_INSTANTS = ("start", "end")


def _instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{show(value)} is not a date and time (ISO 8601 text)")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date and time (ISO 8601)") from None
    if instant.utcoffset() is None:
        raise ValueError(f"{value!r} has no UTC offset; write it like 2025-07-03T18:00:00-04:00")
    return instant


def _outage(fields: dict[str, Any], problems: list[tuple[str | None, str]]) -> Outage | None:
    """The outage of one record, or None with ``problems`` as (field, message) pairs."""
    values: dict[str, Any] = {}
    for name in OUTAGE_FIELDS:
        value = fields.get(name)
        if value is None:
            if name == "start":
                problems.append((name, "missing required field 'start'"))
            continue
        if name in _INSTANTS:
            try:
                values[name] = _instant(value)
            except ValueError as error:
                problems.append((name, str(error)))
        elif isinstance(value, str):
            values[name] = value
        else:
            problems.append((name, f"{show(value)} is not text"))
    if problems:
        return None
    try:
        return Outage(**values)
    except ModelError as error:
        problems.append((error.field, error.reason))
        return None


def _from_csv(text: str, path: Path) -> tuple[list[Outage], list[str], list[str]]:
    table = read_table(text, path.name, OUTAGE_FIELDS, ("start",))
    problems = list(table.problems)
    outages, places = [], []
    for row in table.rows:
        found: list[tuple[str | None, str]] = []
        outage = _outage(dict(row.cells), found)
        if "start" in table.absent:
            found = [(name, message) for name, message in found if name != "start"]
        problems.extend(f"{place(path.name, row.line, name)}: {message}" for name, message in found)
        if outage is not None:
            outages.append(outage)
            places.append(place(path.name, row.line))
    return outages, places, problems


def _from_json(text: str, path: Path) -> tuple[list[Outage], list[str], list[str]]:
    data = parse_json(text)
    problems = [f"{json_path(issue.path)}: {issue.message}" for issue in repeated_keys(data)]
    root: tuple[str | int, ...] = ()
    if isinstance(data, dict) and set(data) == {"outages"}:
        data, root = data["outages"], ("outages",)
    if not isinstance(data, list):
        return [], [], [f"{json_path(root)}: {show(data)} is not a list of outages"]
    outages, places = [], []
    for index, item in enumerate(data):
        where = (*root, index)
        if not isinstance(item, dict):
            problems.append(f"{json_path(where)}: {show(item)} is not an object")
            continue
        found: list[tuple[str | None, str]] = [
            (None, f"unknown field {key!r}") for key in item if key not in OUTAGE_FIELDS
        ]
        outage = _outage(item, found)
        problems.extend(
            f"{json_path(where if name is None else (*where, name))}: {message}"
            for name, message in found
        )
        if outage is not None and not found:
            outages.append(outage)
            places.append(f"{path.name}: {json_path(where)}")
    return outages, places, problems


def read_outages(path: str | Path) -> tuple[list[Outage], list[str]]:
    """The outages of a ``.csv`` or ``.json`` file, and where each one is (for messages).

    Raises:
        LoadError: the file cannot be read, or every problem found in it.
    """
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise LoadError([f"{path.name}: outages are read from a .csv or .json file"], source)
    try:
        text = read_text(path, path.name)
        reader = _from_csv if suffix == ".csv" else _from_json
        outages, places, problems = reader(text, path)
    except BadValueError as error:
        raise LoadError([error.message], source) from None
    if problems:
        raise LoadError(problems, source)
    return outages, places


def load_outages(path: str | Path) -> list[Outage]:
    """The outages of a ``.csv`` or ``.json`` file (see the module docstring).

    Raises:
        LoadError: the file cannot be read, or every problem found in it.
    """
    return read_outages(path)[0]
