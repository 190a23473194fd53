"""Report tables: immutable rows of one row type, exported losslessly to CSV, JSON and pandas.

Every report returns a :class:`Report`: a title, the row type (a frozen attrs
class whose fields are the columns) and the rows. Cells take a small set of
types, each with one text form shared by CSV and JSON:

* ``datetime`` -- ISO 8601 with its UTC offset (``2025-07-03T16:10:00-04:00``);
* ``date`` -- ``YYYY-MM-DD``;
* ``timedelta`` -- a signed short duration (``1h30m``, ``-2h0.5s``, ``0m``);
* enums -- their value (``met late``, ``upsell``);
* ``bool``, ``int``, ``float``, ``str`` -- as themselves in JSON; in CSV
  ``true``/``false``, digits, Python's shortest round-tripping float text;
* ``None`` -- ``null`` in JSON, an empty cell in CSV.

Reading a file back with :meth:`Report.from_json` or :meth:`Report.from_csv`
gives equal rows (an instant comes back with a fixed UTC offset instead of its
zone name: the same instant, so equal). :func:`write_rows` streams rows of any
iterable to CSV, JSON or JSON Lines without holding them, for reports too large
to keep in memory (the audit trail of a million cases).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from enum import Enum
from html import escape
from pathlib import Path
from typing import IO, Any, Generic, Literal, TypeVar, overload

import attrs
from attrs import field, frozen

from entitlements.errors import LoadError, MissingDependencyError
from entitlements.targets import format_duration, parse_duration

__all__ = [
    "Format",
    "Report",
    "format_signed_duration",
    "parse_signed_duration",
    "row_from_dict",
    "row_to_dict",
    "write_rows",
]

R = TypeVar("R")

#: The formats rows are written in: a CSV table, one JSON list, or one JSON object per line.
Format = Literal["csv", "json", "jsonl"]

_INT = re.compile(r"-?[0-9]+")
_HTML_ROWS = 50  # rows shown in a notebook before "... N more rows"


def format_signed_duration(value: timedelta) -> str:
    """``1h30m``, ``-45m``, ``0m``: :func:`~entitlements.targets.format_duration` with a sign."""
    if value < timedelta(0):
        return "-" + format_duration(-value)
    return format_duration(value)


def parse_signed_duration(text: str) -> timedelta | None:
    """Read what :func:`format_signed_duration` writes; None when ``text`` is not a duration."""
    body = text.strip()
    negative = body.startswith("-")
    value = parse_duration(body[1:] if negative else body)
    if value is None:
        return None
    return -value if negative else value


# -- one column: its type, and how a cell of it reads and writes -------------------------


@frozen
class _Column:
    name: str
    kind: type[Any]
    optional: bool


_COLUMNS: dict[type[Any], tuple[_Column, ...]] = {}


def _columns(row_type: type[Any]) -> tuple[_Column, ...]:
    """The columns of a row type, from its attrs fields and their type hints (cached)."""
    known = _COLUMNS.get(row_type)
    if known is not None:
        return known
    if not attrs.has(row_type):
        raise TypeError(f"{row_type!r} is not an attrs class and cannot be a report row")
    hints = typing.get_type_hints(row_type)
    columns = []
    for attribute in attrs.fields(row_type):
        hint = hints[attribute.name]
        optional = False
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            members = [m for m in typing.get_args(hint) if m is not type(None)]
            optional = len(members) < len(typing.get_args(hint))
            if len(members) != 1:
                raise TypeError(
                    f"{row_type.__name__}.{attribute.name}: {hint!r} is not a cell type"
                )
            hint = members[0]
        if not isinstance(hint, type) or not issubclass(
            hint, str | int | float | bool | date | timedelta | Enum
        ):
            raise TypeError(f"{row_type.__name__}.{attribute.name}: {hint!r} is not a cell type")
        columns.append(_Column(attribute.name, hint, optional))
    result = tuple(columns)
    _COLUMNS[row_type] = result
    return result


def _to_text(value: object) -> str | None:
    """The text form of a datetime, date, duration or enum; None for other values."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_signed_duration(value)
    if isinstance(value, Enum):
        return str(value.value)
    return None


def _to_json(value: object) -> object:
    text = _to_text(value)
    return value if text is None else text


def _to_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    text = _to_text(value)
    return str(value) if text is None else text


def row_to_dict(row: object) -> dict[str, Any]:
    """One row as JSON-ready data: every column, in order, in its text or JSON form."""
    return {c.name: _to_json(getattr(row, c.name)) for c in _columns(type(row))}


def _row_to_cells(row: object) -> list[str]:
    return [_to_cell(getattr(row, c.name)) for c in _columns(type(row))]


class _BadCellError(ValueError):
    pass


def _read(column: _Column, value: object, from_csv: bool) -> object:
    """A cell's value from its JSON value or CSV text; :class:`_BadCellError` says what is wrong."""
    # An empty cell is None, but in a column of required text, where it is "" (so an
    # optional text column must never hold "": rows use None for "no value" there).
    if value is None or (from_csv and value == "" and (column.optional or column.kind is not str)):
        if column.optional:
            return None
        raise _BadCellError("a value is required")
    kind = column.kind
    if from_csv and not isinstance(value, str):  # pragma: no cover - csv gives text only
        raise _BadCellError(f"{value!r} is not text")
    if kind is bool:
        if isinstance(value, bool):
            return value
        if from_csv and value in ("true", "false"):
            return value == "true"
        raise _BadCellError(f"{value!r} is not true or false")
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if from_csv and isinstance(value, str) and _INT.fullmatch(value):
            return int(value)
        raise _BadCellError(f"{value!r} is not a whole number")
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if from_csv and isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                pass
            else:
                if math.isfinite(number):
                    return number
        raise _BadCellError(f"{value!r} is not a number")
    if not isinstance(value, str):
        raise _BadCellError(f"{value!r} is not text")
    if kind is str:
        return value
    try:
        if issubclass(kind, Enum):
            return kind(value)
        if kind is datetime:
            instant = datetime.fromisoformat(value)
            if instant.utcoffset() is None:
                raise _BadCellError(f"{value!r} has no UTC offset")
            return instant
        if kind is date:
            return date.fromisoformat(value)
    except ValueError:
        raise _BadCellError(f"{value!r} is not a {_noun(kind)}") from None
    duration = parse_signed_duration(value)
    if duration is None:
        raise _BadCellError(f"{value!r} is not a duration like '1h30m' or '-45m'")
    return duration


def _noun(kind: type[Any]) -> str:
    if issubclass(kind, Enum):
        return "value of " + ", ".join(repr(m.value) for m in kind)
    return {datetime: "date and time (ISO 8601)", date: "date (YYYY-MM-DD)"}[kind]


def _build(
    row_type: type[R], data: dict[str, Any], from_csv: bool, where: str, problems: list[str]
) -> R | None:
    columns = _columns(row_type)
    names = [c.name for c in columns]
    unknown = [key for key in data if key not in names]
    missing = [name for name in names if name not in data]
    if unknown or missing:
        if unknown:
            problems.append(f"{where}: unknown column(s) {', '.join(map(repr, unknown))}")
        if missing:
            problems.append(f"{where}: missing column(s) {', '.join(map(repr, missing))}")
        return None
    values: dict[str, Any] = {}
    for column in columns:
        try:
            values[column.name] = _read(column, data[column.name], from_csv)
        except _BadCellError as error:
            problems.append(f"{where}, column {column.name}: {error}")
    if len(values) < len(columns):
        return None
    return row_type(**values)


def row_from_dict(row_type: type[R], data: dict[str, Any]) -> R:
    """The row that :func:`row_to_dict` wrote.

    Raises:
        LoadError: a column is missing, unknown or holds a value of the wrong form.
    """
    problems: list[str] = []
    row = _build(row_type, data, False, "row", problems)
    if row is None:
        raise LoadError(problems)
    return row


# -- streaming writers ---------------------------------------------------------------------


def write_rows(rows: Iterable[R], row_type: type[R], stream: IO[str], format: Format) -> int:
    """Write ``rows`` to ``stream`` as they come, without holding them; return how many.

    ``csv`` writes a header of the column names, then one line a row; ``json``
    one list of objects; ``jsonl`` one object a line.
    """
    columns = [c.name for c in _columns(row_type)]
    count = 0
    if format == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(_row_to_cells(row))
            count += 1
        return count
    if format not in ("json", "jsonl"):
        raise ValueError(f"format: {format!r} is not one of 'csv', 'json', 'jsonl'")
    separator = "[\n" if format == "json" else ""
    for row in rows:
        stream.write(separator + json.dumps(row_to_dict(row), ensure_ascii=False))
        separator = ",\n" if format == "json" else "\n"
        count += 1
    if format == "json":
        stream.write("[]\n" if count == 0 else "\n]\n")
    elif count:
        stream.write("\n")
    return count


# -- the table ------------------------------------------------------------------------------


def _check_rows(instance: Report[Any], attribute: attrs.Attribute[Any], value: object) -> None:
    _columns(instance.row_type)
    rows: tuple[Any, ...] = value  # type: ignore[assignment]  # a tuple, by the converter
    for index, row in enumerate(rows):
        if type(row) is not instance.row_type:
            raise TypeError(f"Report: rows[{index}]: {row!r} is not a {instance.row_type.__name__}")


@frozen(kw_only=True)
class Report(Generic[R]):
    """The rows of one report, in order, with their column names; immutable.

    Iterate it, index it, take ``len()``; export it with :meth:`to_csv`,
    :meth:`to_json`, :meth:`to_dicts` or :meth:`to_dataframe`; read it back
    with :meth:`from_csv` and :meth:`from_json`. In Jupyter it shows as a table.

    Args:
        title: what the report is ("SLA compliance by account and month").
        row_type: the attrs class of the rows; its fields are the columns.
        rows: the rows.
    """

    title: str
    row_type: type[R]
    rows: tuple[R, ...] = field(converter=tuple, validator=_check_rows)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order: the row type's fields."""
        return tuple(c.name for c in _columns(self.row_type))

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[R, ...]: ...
    def __getitem__(self, index: int | slice) -> R | tuple[R, ...]:
        return self.rows[index]

    def where(self, predicate: Callable[[R], bool]) -> Report[R]:
        """The report with only the rows for which ``predicate`` is true."""
        return attrs.evolve(self, rows=tuple(r for r in self.rows if predicate(r)))

    # -- export -----------------------------------------------------------------------

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every row as JSON-ready data (see :func:`row_to_dict`)."""
        return [row_to_dict(row) for row in self.rows]

    def to_json(self, path: str | Path | None = None) -> str:
        """The rows as a JSON list of objects; also written to ``path`` when given."""
        return self._write(path, "json")

    def to_csv(self, path: str | Path | None = None) -> str:
        """The rows as CSV text with a header line; also written to ``path`` when given."""
        return self._write(path, "csv")

    def _write(self, path: str | Path | None, format: Format) -> str:
        buffer = io.StringIO()
        write_rows(self.rows, self.row_type, buffer, format)
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8", newline="")
        return text

    @classmethod
    def from_json(cls, text: str, row_type: type[R], *, title: str = "") -> Report[R]:
        """The report :meth:`to_json` wrote (give the text, not a path).

        Raises:
            LoadError: the text is not a JSON list of rows of ``row_type``;
                every problem is listed as ``$[3], column at: ...``.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise LoadError([f"line {error.lineno}, column {error.colno}: {error.msg}"]) from None
        if not isinstance(data, list):
            raise LoadError([f"$: expected a list of rows, got {type(data).__name__}"])
        problems: list[str] = []
        rows = []
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                problems.append(f"$[{index}]: expected an object, got {type(item).__name__}")
                continue
            row = _build(row_type, item, False, f"$[{index}]", problems)
            if row is not None:
                rows.append(row)
        if problems:
            raise LoadError(problems)
        return cls(title=title, row_type=row_type, rows=tuple(rows))

    @classmethod
    def from_csv(cls, text: str, row_type: type[R], *, title: str = "") -> Report[R]:
        """The report :meth:`to_csv` wrote (give the text, not a path).

        Raises:
            LoadError: a header or cell is wrong; each problem names its line and column.
        """
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header is None:
            raise LoadError(["line 1: no header line"])
        problems: list[str] = []
        rows = []
        for number, cells in enumerate(reader, start=2):
            if len(cells) != len(header):
                problems.append(f"line {number}: {len(cells)} cells for {len(header)} columns")
                continue
            row = _build(
                row_type, dict(zip(header, cells, strict=True)), True, f"line {number}", problems
            )
            if row is not None:
                rows.append(row)
        if problems:
            raise LoadError(problems)
        return cls(title=title, row_type=row_type, rows=tuple(rows))

    def to_dataframe(self) -> Any:
        """The rows as a pandas ``DataFrame`` (needs the ``pandas`` extra).

        Columns keep their Python values: instants as tz-aware timestamps when
        one zone is used throughout (objects otherwise), durations as
        ``Timedelta``, enums as their values.

        Raises:
            MissingDependencyError: pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError:
            raise MissingDependencyError(
                "Report.to_dataframe needs pandas: pip install 'entitlements[pandas]'"
            ) from None
        columns = _columns(self.row_type)
        data = {
            c.name: [
                v.value if isinstance(v, Enum) else v
                for v in (getattr(row, c.name) for row in self.rows)
            ]
            for c in columns
        }
        return pd.DataFrame(data, columns=[c.name for c in columns])

    # -- display ------------------------------------------------------------------------

    def to_text(self) -> str:
        """A readable, aligned table with the title above it (what the command prints)."""
        header = list(self.columns)
        body = [[_show(getattr(row, name)) for name in header] for row in self.rows]
        widths = [max([len(h)] + [len(line[i]) for line in body]) for i, h in enumerate(header)]
        lines = [self.title] if self.title else []
        lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in body
        )
        if not body:
            lines.append("(no rows)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        header = "".join(f"<th>{escape(name)}</th>" for name in self.columns)
        shown = self.rows[:_HTML_ROWS]
        body = "".join(
            "<tr>"
            + "".join(f"<td>{escape(_show(getattr(row, n)))}</td>" for n in self.columns)
            + "</tr>"
            for row in shown
        )
        more = len(self.rows) - len(shown)
        tail = f"<p>... {more} more rows</p>" if more > 0 else ""
        title = f"<p><b>{escape(self.title)}</b> ({len(self.rows)} rows)</p>" if self.title else ""
        return f"{title}<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>{tail}"


def _show(value: object) -> str:
    """A cell as the readable table shows it: shorter than the export, never ambiguous."""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        whole_minute = not value.second and not value.microsecond
        return value.isoformat(sep=" ", timespec="minutes" if whole_minute else "auto")
    return _to_cell(value) if value is not None else "-"
