"""Cases in and result rows out as pandas DataFrames and Arrow record batches.

**Cases in.** A frame (or any record) has the columns of ``cases.csv`` --
``id, account, asset, component, product, channel, priority, opened_at,
worked`` -- and optionally ``history``; ``worked_us`` may stand in for
``worked``. Each record is read by the converter of :mod:`entitlements.io`
(so the rules of ``cases.json`` apply) after this small set of values from
pandas and Arrow is put in its text form:

* **missing**: ``None``, NaN, ``pd.NA``, ``pd.NaT`` and ``""`` are a value
  left out (the field takes its default; a required field left out is an error);
* **ids** (``id, account, asset, component, product``): text, or a whole
  number (a column of numeric ids as pandas reads it) written in decimal;
  ``channel`` and ``priority``: text;
* **opened_at** and a history event's **at**: an aware ``datetime`` (a
  tz-aware pandas ``Timestamp`` too, to the microsecond) or ISO 8601 text with
  an offset. A naive one is an error: localise the column first
  (``df["opened_at"].dt.tz_localize("UTC")``);
* **worked**: a ``timedelta`` (a pandas ``Timedelta`` too) or short duration
  text (``"1h30m"``); or **worked_us**: a whole number of microseconds (the
  unit of the output's ``*_us`` columns). Not both;
* **history**: a list of event objects (``{"at", "kind", "value"}``, as in
  ``cases.json``; an Arrow ``list<struct>`` column gives these), the same list
  as JSON text, or missing/``""`` for none.

A record that cannot be read raises :class:`~entitlements.errors.LoadError`
naming it by position from 0 and id, and the field:
``record 3 (id 'C-4'): $.opened_at: '2025-07-03T16:10:00' has no UTC offset``.
A frame with an unknown column, or without a required one, is refused before
any record is read.

**Rows out** have exactly the columns of :data:`~entitlements.batch.COLUMNS`,
typed as :data:`~entitlements.batch.PANDAS_DTYPES` or
:func:`~entitlements.batch.arrow_schema` (also for no rows).

pandas and pyarrow are imported only when one of these functions is called:
without them, :class:`~entitlements.errors.MissingDependencyError` names the
extra to install.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from entitlements.batch._partition import ResultRow, evaluate_partition
from entitlements.batch._schema import COLUMNS, PANDAS_DTYPES, arrow_schema
from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.errors import LoadError, MissingDependencyError
from entitlements.io._cases import CASE_FIELDS
from entitlements.io._converter import JSON
from entitlements.io._issues import issues_of, json_path, show
from entitlements.targets import format_duration

__all__ = [
    "CASE_COLUMNS",
    "cases_from_records",
    "evaluate_arrow",
    "evaluate_pandas",
    "rows_to_arrow",
    "rows_to_pandas",
]

#: Every column a frame of cases may have: the fields of ``cases.csv``, ``worked_us``, ``history``.
CASE_COLUMNS: tuple[str, ...] = (*CASE_FIELDS, "worked_us", "history")
_REQUIRED = ("id", "account", "channel", "opened_at")
_IDS = frozenset({"id", "account", "asset", "component", "product"})
_INSTANTS = frozenset({"opened_at"})
_TEXT = _IDS | {"channel", "priority", "worked"}  # text as it is, for the converter to read
_NAMES = tuple(column.name for column in COLUMNS)
_ROW_VALUES = attrgetter(*_NAMES)
_PATHS = {name: json_path((name,)) for name in CASE_COLUMNS}


# -- optional dependencies ---------------------------------------------------------------


def _pandas(what: str) -> Any:
    try:
        import pandas
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs pandas: pip install 'entitlements[pandas]'"
        ) from None
    return pandas


def _pyarrow(what: str) -> Any:
    try:
        import pyarrow
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs pyarrow: pip install 'entitlements[arrow]'"
        ) from None
    return pyarrow


# -- cases in ----------------------------------------------------------------------------


class _BadValueError(Exception):
    """A value that cannot be put in its text form: where (a JSON path) and why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _missing(value: object) -> bool:
    kind = type(value)
    if kind is str:
        return not value
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return kind.__name__ in ("NAType", "NaTType")


def _whole(value: object) -> int | None:
    """A whole number (numpy's too, and an integral float from a column with NaN), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _instant(value: object, path: str) -> object:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise _BadValueError(
                path,
                f"{value.isoformat()} is a naive date and time (no UTC offset); "
                "attach a zone first (in pandas: .dt.tz_localize(...))",
            )
        return datetime.isoformat(value)  # a Timestamp to the microsecond
    return value  # text (or anything else) is the converter's to read


def _duration(value: object, path: str) -> object:
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise _BadValueError(path, f"{value} is negative")
        return format_duration(timedelta(microseconds=value // timedelta(microseconds=1)))
    return value


def _events(value: object, path: str) -> object:
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except ValueError as error:
            raise _BadValueError(
                path, f"{show(value)} is not a JSON list of events ({error})"
            ) from None
    elif hasattr(value, "tolist") and not isinstance(value, Mapping):
        value = value.tolist()  # a numpy array of event objects, as pandas holds Arrow lists
    if type(value) is not list and (
        not isinstance(value, Sequence) or isinstance(value, str | bytes)
    ):
        return value  # the converter says what is wrong with it
    events: list[object] = []
    for index, event in enumerate(value):
        if type(event) is dict or isinstance(event, Mapping):
            event = {
                key: _instant(item, f"{path}[{index}].at") if key == "at" else item
                for key, item in event.items()
                if not _missing(item)
            }
        events.append(event)
    return events


def _plain(record: Mapping[str, Any]) -> dict[str, object]:
    """The record with its values in the text forms the converter reads (see the module)."""
    data: dict[str, object] = {}
    for key, value in record.items():
        if _missing(value):
            continue
        path = _PATHS.get(key) or json_path((key,))
        if type(value) is str and key in _TEXT:
            data[key] = value  # the common case: text, the converter's to read
        elif key in _IDS:
            number = _whole(value)
            data[key] = str(number) if number is not None else value
        elif key in _INSTANTS:
            data[key] = _instant(value, path)
        elif key == "worked":
            data[key] = _duration(value, path)
        elif key == "worked_us":
            number = _whole(value)
            if number is None:
                raise _BadValueError(path, f"{show(value)} is not a whole number of microseconds")
            if "worked" in record and not _missing(record["worked"]):
                raise _BadValueError(path, "give worked or worked_us, not both")
            data["worked"] = _duration(timedelta(microseconds=number), path)
        elif key == "history":
            data[key] = _events(value, path)
        else:
            data[key] = value
    return data


def _record_name(number: int, record: Mapping[str, Any]) -> str:
    name = f"record {number}"
    ident = record.get("id") if isinstance(record, Mapping) else None
    if isinstance(ident, str) and ident:
        name += f" (id {ident!r})"
    return name


def cases_from_records(records: Iterable[Mapping[str, Any]]) -> Iterator[Case]:
    """Cases from records with the fields of ``cases.csv`` (and ``history``), one at a time.

    The values may come from pandas or Arrow (see the module docstring for
    the forms accepted); each record is read by :mod:`entitlements.io`'s
    converter, as in ``cases.json``. Nothing is read until the first case is
    asked for; repeated ids are not detected here (evaluating a list does).

    Args:
        records: mappings of field to value, such as ``df.to_dict("records")``
            or ``batch.to_pylist()``.

    Raises:
        LoadError: at the first record that cannot be read, naming it by
            position (from 0) and id, and the field at fault.
    """
    for number, record in enumerate(records):
        try:
            data = _plain(record) if isinstance(record, Mapping) else record
            case: Case = JSON.structure(data, Case)
        except _BadValueError as bad:
            raise LoadError(
                [f"{_record_name(number, record)}: {bad.path}: {bad.message}"]
            ) from None
        except Exception as error:  # every problem of the record, with its path
            name = _record_name(number, record)
            raise LoadError(
                [f"{name}: {json_path(issue.path)}: {issue.message}" for issue in issues_of(error)]
            ) from None
        yield case


def _check_columns(names: Sequence[str], source: str) -> None:
    """Refuse a frame with an unknown column, without a required one, or with two worked."""
    problems = [
        f"{source}: unknown column {name!r} (the columns are {', '.join(CASE_COLUMNS)})"
        for name in names
        if name not in CASE_COLUMNS
    ]
    problems += [
        f"{source}: missing required column {name!r}" for name in _REQUIRED if name not in names
    ]
    if "worked" in names and "worked_us" in names:
        problems.append(f"{source}: columns 'worked' and 'worked_us' both given; keep one")
    if problems:
        raise LoadError(problems)


# -- rows out ----------------------------------------------------------------------------


def _columns(rows: Iterable[ResultRow]) -> list[Sequence[Any]]:
    values = [_ROW_VALUES(row) for row in rows]
    if not values:
        return [() for _ in _NAMES]
    return list(zip(*values, strict=True))


def rows_to_pandas(rows: Iterable[ResultRow]) -> Any:
    """Result rows as a ``pandas.DataFrame``: the columns of ``COLUMNS``, ``PANDAS_DTYPES``.

    Args:
        rows: result rows, e.g. of :func:`~entitlements.batch.evaluate_partition`.

    Raises:
        MissingDependencyError: pandas is not installed.
    """
    pd = _pandas("rows_to_pandas")
    data = {
        name: pd.array(list(values), dtype=PANDAS_DTYPES[name])
        for name, values in zip(_NAMES, _columns(rows), strict=True)
    }
    return pd.DataFrame(data, columns=list(_NAMES))


def rows_to_arrow(rows: Iterable[ResultRow]) -> Any:
    """Result rows as one ``pyarrow.RecordBatch`` of :func:`~entitlements.batch.arrow_schema`.

    Args:
        rows: result rows, e.g. of :func:`~entitlements.batch.evaluate_partition`.

    Raises:
        MissingDependencyError: pyarrow is not installed.
    """
    pa = _pyarrow("rows_to_arrow")
    schema = arrow_schema()
    arrays = [
        pa.array(values, type=field.type)
        for field, values in zip(schema, _columns(rows), strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# -- whole frames ------------------------------------------------------------------------


def evaluate_pandas(cases: Any, book: CoverageBook, *, as_of: datetime) -> Any:
    """Evaluate a DataFrame of cases; return the result rows as a DataFrame.

    The frame may be in any order: its cases are taken by opening time (ties
    by id), as :func:`~entitlements.batch.evaluate_partition` takes a list,
    and evaluated together (so allowances count across all of them). The
    index is ignored; ``record N`` in an error is the row at ``iloc[N]``.

    Args:
        cases: a ``pandas.DataFrame`` of cases (columns: see the module docstring).
        book: the coverage book.
        as_of: the instant milestone states are judged at (aware).

    Returns:
        A frame as :func:`rows_to_pandas` makes it.

    Raises:
        MissingDependencyError: pandas is not installed.
        LoadError: an unknown or missing column, or a record that cannot be read.
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: two cases with one id, or a history that does not fit its process.
    """
    pd = _pandas("evaluate_pandas")
    if not isinstance(cases, pd.DataFrame):
        raise TypeError(f"evaluate_pandas: {type(cases).__name__} is not a pandas DataFrame")
    _check_columns([str(name) for name in cases.columns], "cases frame")
    listed = list(cases_from_records(cases.to_dict("records")))
    return rows_to_pandas(evaluate_partition(listed, book, as_of=as_of))


def _batches(data: Any, pa: Any) -> tuple[bool, Iterable[Any]]:
    """Whether ``data`` is one table or batch (held whole), and its record batches."""
    if isinstance(data, pa.Table):
        return True, data.to_batches()
    if isinstance(data, pa.RecordBatch):
        return True, [data]
    return False, data


def _records(batches: Iterable[Any], pa: Any) -> Iterator[dict[str, Any]]:
    for batch in batches:
        if not isinstance(batch, pa.RecordBatch):
            raise TypeError(f"evaluate_arrow: {type(batch).__name__} is not a pyarrow.RecordBatch")
        _check_columns(batch.schema.names, "cases batch")
        yield from batch.to_pylist()


def evaluate_arrow(
    data: Any, book: CoverageBook, *, as_of: datetime, batch_size: int = 10_000
) -> Iterator[Any]:
    """Evaluate Arrow cases; yield the result rows as record batches of at most ``batch_size``.

    A ``pyarrow.Table`` or one ``RecordBatch`` is held whole and its cases are
    taken by opening time (ties by id), like a DataFrame. Any other iterable
    of record batches is **streamed** in memory bounded by one input batch
    and ``batch_size`` rows: its cases must then come in opening order (ties
    by id) across the batches -- sort the data first -- and repeated ids are
    not detected. To stream a sorted table, pass ``table.to_batches()``.
    Rows come out in the order :func:`~entitlements.batch.evaluate_partition`
    yields them, in batches of ``batch_size`` rows (the last one smaller; none
    at all for no rows -- ``pa.Table.from_batches(batches, schema=arrow_schema())``).

    Args:
        data: a ``pyarrow.Table``, a ``pyarrow.RecordBatch`` or an iterable of
            record batches, with the columns of a cases frame (module docstring).
        book: the coverage book.
        as_of: the instant milestone states are judged at (aware).
        batch_size: the number of rows in each batch yielded (at least 1).

    Raises:
        MissingDependencyError: pyarrow is not installed (at once).
        ValueError: ``batch_size`` is below 1 (at once).
        LoadError: an unknown or missing column (at once for a table or batch),
            or a record that cannot be read.
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: streamed cases out of opening order, repeated ids in a
            table, or a history that does not fit its process.
    """
    pa = _pyarrow("evaluate_arrow")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"evaluate_arrow: batch_size: {batch_size!r} is not a positive integer")
    whole, batches = _batches(data, pa)
    if whole:  # refused at once, even without rows
        _check_columns(data.schema.names, "cases batch")
    return _evaluate_batches(whole, batches, pa, book, as_of, batch_size)


def _evaluate_batches(
    whole: bool,
    batches: Iterable[Any],
    pa: Any,
    book: CoverageBook,
    as_of: datetime,
    batch_size: int,
) -> Iterator[Any]:
    cases: Iterable[Case] = cases_from_records(_records(batches, pa))
    if whole:
        cases = list(cases)
    pending: list[ResultRow] = []
    for row in evaluate_partition(cases, book, as_of=as_of):
        pending.append(row)
        if len(pending) >= batch_size:
            yield rows_to_arrow(pending)
            pending = []
    if pending:
        yield rows_to_arrow(pending)
