"""A whole coverage book as a folder of CSV files (plus two JSON files).

One file per collection, each optional (a missing file is an empty
collection), UTF-8 (a byte-order mark is accepted), comma-separated, quoted
as the ``csv`` module's ``excel`` dialect does, with a header row::

    accounts.csv      id,name,timezone,calendar
    assets.csv        id,account,product,name
    components.csv    asset,id,parent,name
    contracts.csv     id,account,start,end,status,renews,auto_renew,name
    line_items.csv    id,contract,product,asset,component,start,end,name
    entitlements.csv  id,account,name,contract,line_item,start,end,channels,
                      allowance,process,calendar,rank
    processes.json    the list under "processes" of the JSON document
    calendars.json    the object under "calendars" of the JSON document

Cells hold the same text as the JSON document's strings; in addition
booleans are ``true``/``false``/``yes``/``no``/``1``/``0`` (any case),
``rank`` is digits, and channels are ``all`` or values separated by ``;``
(spaces around ``;`` are ignored). An empty cell means None for an optional
field and the default for a field with one; an empty required cell is an
error.

``components.csv`` lists each asset's components in definition order; an
empty ``parent`` makes a top-level component, otherwise ``parent`` names a
component of the same asset on an earlier line.

Quoting is strict: a stray character after a closing quote, or a quote
left open at the end of the file, is an error. Columns may come in any
order. An unknown or repeated column, a missing
required column, a row with more or fewer cells than the header, and an
unknown ``.csv`` or ``.json`` file in the folder (a misspelled
``contract.csv`` would otherwise be ignored) are errors; ``cases.csv``, its
``cases_events.csv`` and ``cases.json`` are left alone. Blank lines are
skipped. Problems are located
as ``contracts.csv line 14, column end: ...``, where the line is the physical
line on which the record starts (the header is line 1), and
``processes.json: $[0].milestones[1].target: ...`` in the JSON files.

Dumping writes every file, every column in the order above, ``\\r\\n`` line
ends, booleans as ``true``/``false`` and None as an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.errors import LoadError, Problem
from entitlements.io._converter import CELLS
from entitlements.io._document import (
    COLLECTIONS,
    book_to_dict,
    build_book,
    problem_path,
    read_calendars,
    read_records,
)
from entitlements.io._issues import BadValueError, Issue, field_path, issues_of, json_path
from entitlements.io._text import parse_json, read_text, repeated_keys, write_json, write_text
from entitlements.models import Component

__all__ = ["Table", "dump_folder", "load_folder", "read_rows", "read_table", "write_table"]

#: The CSV tables of a book: collection name to its columns, in file order.
TABLES: dict[str, tuple[str, ...]] = {
    name: tuple(
        f.name for f in attrs.fields(COLLECTIONS[name]) if f.init and f.name != "components"
    )
    for name in ("accounts", "assets", "contracts", "line_items", "entitlements")
}
COMPONENT_COLUMNS = ("asset", "id", "parent", "name")
_FILES = (
    "accounts.csv",
    "assets.csv",
    "components.csv",
    "contracts.csv",
    "line_items.csv",
    "entitlements.csv",
    "processes.json",
    "calendars.json",
)
_IGNORED = frozenset({"cases.csv", "cases_events.csv", "cases.json"})


def required_columns(kind: type[Any]) -> frozenset[str]:
    """The fields of a record type that have no default."""
    return frozenset(f.name for f in attrs.fields(kind) if f.init and f.default is attrs.NOTHING)


@frozen
class Row:
    """One record's non-empty cells and the line on which it starts."""

    line: int
    cells: dict[str, str]


@frozen
class Table:
    """The rows of a CSV file, the problems of its shape, and its missing required columns."""

    file: str
    rows: list[Row]
    problems: list[str]
    absent: frozenset[str] = frozenset()


def _header(
    header: list[str], file: str, columns: Sequence[str]
) -> tuple[list[str | None], list[str]]:
    names: list[str | None] = []
    problems: list[str] = []
    for name in header:
        if name not in columns:
            problems.append(f"{file} line 1: unknown column {name!r}")
        elif name in names:
            problems.append(f"{file} line 1: column {name!r} appears twice")
        names.append(name if name in columns and name not in names else None)
    return names, problems


def read_table(text: str, file: str, columns: Sequence[str], required: Iterable[str]) -> Table:
    """Read a CSV table: its rows (by column name) and every problem of its header and shape."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        return Table(file, [], [f"{file} line {reader.line_num}: {error}"])
    if header is None:
        return Table(file, [], [f"{file}: no header row (the first line names the columns)"])
    names, problems = _header(header, file, columns)
    absent = frozenset(name for name in required if name not in names)
    problems.extend(f"{file} line 1: missing required column {name!r}" for name in sorted(absent))
    rows: list[Row] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"{file} line {reader.line_num}: {error}")
            break
        line, start = start, reader.line_num + 1
        if not cells:
            continue  # a blank line
        if len(cells) != len(header):
            problems.append(
                f"{file} line {line}: {len(cells)} cells, but the header has {len(header)} columns"
            )
            continue
        pairs = zip(names, cells, strict=True)
        rows.append(Row(line, {name: cell for name, cell in pairs if name is not None and cell}))
    return Table(file, rows, problems, absent)


def place(file: str, line: int, column: object = None) -> str:
    """``file line N`` or ``file line N, column C``."""
    return f"{file} line {line}" if column is None else f"{file} line {line}, column {column}"


def locate(table: Table, row: Row, issue: Issue) -> str:
    """Place a problem of one row: the column is the missing field or the path's first part."""
    column = issue.missing or (issue.path[0] if issue.path else None)
    return f"{place(table.file, row.line, column)}: {issue.message}"


def read_rows(
    table: Table, kind: type[Any], fields: Iterable[str] | None = None
) -> tuple[list[tuple[Any, Row]], list[str]]:
    """Structure each row (only ``fields`` of it, if given) as a ``kind``; records and problems.

    A missing required column is reported once, by :func:`read_table`, not for every row.
    """
    records: list[tuple[Any, Row]] = []
    problems: list[str] = []
    for row in table.rows:
        cells = row.cells if fields is None else {k: v for k, v in row.cells.items() if k in fields}
        try:
            records.append((CELLS.structure(cells, kind), row))
        except Exception as error:  # every problem is reported, with its place
            problems.extend(
                locate(table, row, issue)
                for issue in issues_of(error)
                if issue.missing not in table.absent
            )
    return records, problems


class _Trees:
    """Component trees per asset, built from rows that name their parent."""

    def __init__(self) -> None:
        self.children: dict[str, dict[str, list[Component]]] = {}
        self.order: dict[str, list[Component]] = {}

    def add(self, asset: str, component: Component, parent: str | None) -> str | None:
        """Add a component; a problem (``column ...: ...``) if it cannot be placed."""
        children = self.children.setdefault(asset, {"": []})
        if component.id in children:
            return f"column id: {component.id!r} appears twice in asset {asset!r}"
        if parent is not None and parent not in children:
            return (
                f"column parent: {parent!r} is not a component of asset {asset!r} "
                "on an earlier line"
            )
        children[parent or ""].append(component)
        children[component.id] = []
        self.order.setdefault(asset, []).append(component)
        return None

    def build(self, asset: str) -> tuple[Component, ...]:
        """The top-level components of ``asset``, with their parts nested."""
        children = self.children.get(asset, {"": []})
        built: dict[str, Component] = {}
        for component in reversed(self.order.get(asset, [])):  # children after their parents
            parts = tuple(built[child.id] for child in children[component.id])
            built[component.id] = attrs.evolve(component, components=parts)
        return tuple(built[component.id] for component in children[""])


class _Folder:
    """One folder load: the records read, the lines they start on, and every problem."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        self.rows: dict[str, list[Row]] = {}
        self.parts: dict[str, Any] = {}

    def text(self, file: str) -> str | None:
        path = self.folder / file
        if not path.exists():
            return None
        try:
            return read_text(path, file)
        except BadValueError as error:
            self.problems.append(error.message)
            return None

    def table(self, file: str, columns: Sequence[str], required: Iterable[str]) -> Table:
        text = self.text(file)
        table = Table(file, [], []) if text is None else read_table(text, file, columns, required)
        self.problems.extend(table.problems)
        return table

    def unknown_files(self) -> None:
        for path in sorted(self.folder.iterdir()):
            suffix = path.suffix.lower()
            if suffix in (".csv", ".json") and path.name not in (*_FILES, *_IGNORED):
                self.problems.append(
                    f"{path.name}: unknown file (a book folder holds {', '.join(_FILES)})"
                )

    def records(self, name: str) -> Table:
        kind = COLLECTIONS[name]
        table = self.table(f"{name}.csv", TABLES[name], required_columns(kind))
        records, problems = read_rows(table, kind)
        self.problems.extend(problems)
        self.parts[name] = [record for record, _ in records]
        self.rows[name] = [row for _, row in records]
        return table

    def components(self, assets: Table) -> None:
        """Read components.csv and give each asset its component tree."""
        table = self.table("components.csv", COMPONENT_COLUMNS, ("asset", "id"))
        read = {asset.id for asset in self.parts["assets"]}
        listed = {row.cells.get("id") for row in assets.rows}
        trees = _Trees()
        records, problems = read_rows(table, Component, ("id", "name"))
        self.problems.extend(problems)
        for component, row in records:
            asset = row.cells.get("asset")
            if asset is None:
                if "asset" not in table.absent:
                    missing = "missing required field 'asset'"
                    self.problems.append(f"{place(table.file, row.line, 'asset')}: {missing}")
                continue
            if asset in listed and asset not in read:
                continue  # the asset's own row has problems, reported with assets.csv
            if asset not in read:
                self.problems.append(
                    f"{place(table.file, row.line, 'asset')}: {asset!r} is not an asset "
                    "in assets.csv"
                )
                continue
            problem = trees.add(asset, component, row.cells.get("parent"))
            if problem is not None:
                self.problems.append(f"{place(table.file, row.line)}, {problem}")
        self.parts["assets"] = [
            attrs.evolve(asset, components=trees.build(asset.id)) for asset in self.parts["assets"]
        ]

    def json(self, file: str, read: Any) -> Any:
        text = self.text(file)
        if text is None:
            return None
        try:
            data = parse_json(text)
        except BadValueError as error:
            self.problems.append(f"{file} {error.message}")
            return None
        value, issues = read(data)
        issues = [*repeated_keys(data), *issues]
        self.problems.extend(f"{file}: {json_path(i.path)}: {i.message}" for i in issues)
        return value

    def locate(self, problem: Problem) -> str:
        """Place a problem of the book in the file it came from."""
        if problem.collection in TABLES and problem.index is not None:
            path = field_path(problem.field)
            row = self.rows[problem.collection][problem.index]
            return place(f"{problem.collection}.csv", row.line, path[0] if path else None)
        return f"{problem.collection}.json: {json_path(problem_path(problem)[1:])}"


def load_folder(folder: Path) -> CoverageBook:
    """Load a book from a folder of CSV files (see the module docstring for the format).

    Raises:
        LoadError: every problem of every file, each with its file, line and column.
    """
    state = _Folder(folder)
    state.unknown_files()
    for name in TABLES:
        table = state.records(name)
        if name == "assets":
            state.components(table)
    processes = state.json(
        "processes.json", lambda data: read_records(data, COLLECTIONS["processes"])
    )
    if processes is not None:
        state.parts["processes"] = processes
    calendars = state.json("calendars.json", read_calendars)
    if calendars is not None:
        state.parts["calendars"] = calendars
    if state.problems:
        raise LoadError(state.problems, str(folder))
    return build_book(state.parts, state.locate, str(folder))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    """Write a CSV table: the header, then each row's cells in column order."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([_cell(row.get(column)) for column in columns] for row in rows)
    write_text(path, buffer.getvalue())


def _component_rows(assets: list[dict[str, Any]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for asset in assets:
        stack = [(None, component) for component in reversed(asset["components"])]
        while stack:
            parent, component = stack.pop()
            row = {"asset": asset["id"], "parent": parent}
            rows.append({**row, "id": component["id"], "name": component["name"]})
            stack.extend((component["id"], child) for child in reversed(component["components"]))
    return rows


def dump_folder(book: CoverageBook, folder: Path) -> None:
    """Write a book as a folder of CSV files, creating the folder if needed.

    Raises:
        DumpError: a calendar cannot be written (nothing is written then).
    """
    data = book_to_dict(book)
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns in TABLES.items():
        write_table(folder / f"{name}.csv", columns, data[name])
        if name == "assets":
            write_table(folder / "components.csv", COMPONENT_COLUMNS, _component_rows(data[name]))
    write_json(folder / "processes.json", data["processes"])
    write_json(folder / "calendars.json", data["calendars"])
