"""Properties of loading and dumping books.

Round trips: every generated book survives plain data, JSON text and a CSV
folder unchanged. Corruptions: a valid dump with one random corruption either
raises :class:`LoadError` (and nothing else) or, when the corruption happens
to be harmless, loads into a valid book that its own re-dump reproduces.
Corruptions that can never be harmless (an unknown key or column, a bad date,
a dangling reference, a duplicated record, a missing required field,
truncated JSON, ...) must raise.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from book_strategies import coverage_books
from entitlements import CoverageBook, LoadError
from entitlements.io import (
    book_from_dict,
    book_to_dict,
    dump_book,
    dumps_book,
    load_book,
    loads_book,
)

BAD_DATE = "2024-02-30"
MISSING = "\u2603 not in the book"
GARBAGE = st.sampled_from(["", " ", "\u2717", "maybe", "-1", "3.5", "all", "a;b", BAD_DATE, "null"])

# What must be there, and what refers to another record, for each kind of JSON object.
REQUIRED = {
    "accounts": ("id",),
    "assets": ("id", "account", "product"),
    "components": ("id",),
    "contracts": ("id", "account", "start", "end"),
    "line_items": ("id", "contract"),
    "entitlements": ("id", "account"),
    "processes": ("id",),
    "milestones": ("name", "target"),
    "calendars": ("timezone", "week"),
}
REFERENCES = {
    "accounts": ("calendar",),
    "assets": ("account",),
    "contracts": ("account", "renews"),
    "line_items": ("contract", "asset", "component"),
    "entitlements": ("account", "contract", "line_item", "process", "calendar"),
    "processes": ("calendar",),
    "milestones": ("calendar",),
    "components": ("asset", "parent"),  # columns of components.csv
}
DATED = ("contracts", "line_items", "entitlements")


def check(load: Callable[[], CoverageBook], must_fail: bool, what: str) -> None:
    """Loading raises LoadError, or gives a valid book that its re-dump reproduces."""
    try:
        loaded = load()
    except LoadError as error:
        problems = error.problems
    else:
        problems = ()
    if problems or must_fail:
        assert problems, f"{what}: loaded without an error"
        assert all(isinstance(problem, str) and problem for problem in problems)
        return
    assert isinstance(loaded, CoverageBook)
    assert loads_book(dumps_book(loaded)) == loaded


# -- round trips -------------------------------------------------------------------------


@given(coverage_books())
def test_plain_data_and_json_text_round_trip(book):
    assert book_from_dict(book_to_dict(book)) == book
    text = dumps_book(book)
    assert loads_book(text) == book
    assert dumps_book(loads_book(text)) == text


@given(coverage_books())
def test_a_csv_folder_round_trips(book):
    with tempfile.TemporaryDirectory() as folder:
        dump_book(book, Path(folder) / "book")
        assert load_book(Path(folder) / "book") == book
        dump_book(book, Path(folder) / "book.json")
        assert load_book(Path(folder) / "book.json") == book


# -- corrupting a JSON document ------------------------------------------------------------


def kind_of(path: tuple[Any, ...]) -> str | None:
    """What kind of object sits at ``path`` in a document."""
    if len(path) == 2 and path[0] != "calendars":
        return str(path[0])
    if len(path) == 2:
        return "calendars"
    if len(path) < 3:
        return None
    if path[0] == "assets" and path[-2] == "components":
        return "components"
    if path[0] == "processes" and len(path) == 4:
        return "milestones"
    return None


def containers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every object and list of the document with its path, outermost first."""
    found = [(path, data)] if isinstance(data, dict | list) else []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found.extend(containers(value, (*path, key)))
    return found


def _json_candidates(document: dict[str, Any], corruption: str) -> list[tuple[Any, Any]]:
    """(container, key) pairs the corruption can apply to."""
    nodes = containers(document)
    objects = [(path, node) for path, node in nodes if isinstance(node, dict)]
    if corruption == "delete a required key":
        return [
            (node, key)
            for path, node in objects
            for key in REQUIRED.get(kind_of(path) or "", ())
            if key in node
        ]
    if corruption == "break a reference":
        return [
            (node, key)
            for path, node in objects
            for key in REFERENCES.get(kind_of(path) or "", ())
            if node.get(key) is not None
        ]
    if corruption == "make a date impossible":
        dates = [
            (node, key)
            for path, node in objects
            for key in ("start", "end")
            if kind_of(path) in DATED and node.get(key) is not None
        ]
        holidays = [
            (node, index)
            for path, node in nodes
            if path[-1:] == ("holidays",)
            for index, item in enumerate(node)
            if isinstance(item, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", item)
        ]
        return dates + holidays
    if corruption == "duplicate a record":
        return [
            (node, index)
            for path, node in nodes
            if isinstance(node, list)
            and (len(path) == 1 or path[-1] in ("components", "milestones"))
            for index in range(len(node))
        ]
    if corruption == "replace a value with an object":
        return [
            (node, key)
            for _, node in nodes
            for key, value in (node.items() if isinstance(node, dict) else enumerate(node))
            if not isinstance(value, dict)
        ]
    if corruption == "replace a value with garbage":
        return [
            (node, key)
            for _, node in nodes
            for key in (node if isinstance(node, dict) else range(len(node)))
        ]
    if corruption == "delete any key":
        return [(node, key) for _, node in objects for key in node]
    return [(node, None) for _, node in objects]  # add an unknown key


JSON_CORRUPTIONS = {
    # corruption: whether it must make loading fail
    "delete a required key": True,
    "break a reference": True,
    "make a date impossible": True,
    "duplicate a record": True,
    "replace a value with an object": True,
    "add an unknown key": True,
    "replace a value with garbage": False,
    "delete any key": False,
}


@given(coverage_books(), st.sampled_from(sorted(JSON_CORRUPTIONS)), st.data())
def test_a_corrupted_document_never_loads_wrongly(book, corruption, data):
    document = book_to_dict(book)
    candidates = _json_candidates(document, corruption)
    if not candidates:
        corruption = "add an unknown key"
        candidates = _json_candidates(document, corruption)
    node, key = data.draw(st.sampled_from(candidates))
    if corruption == "delete a required key" or corruption == "delete any key":
        del node[key]
    elif corruption == "break a reference":
        node[key] = MISSING
    elif corruption == "make a date impossible":
        node[key] = BAD_DATE
    elif corruption == "duplicate a record":
        node.insert(key, copy.deepcopy(node[key]))
    elif corruption == "replace a value with an object":
        node[key] = {}
    elif corruption == "replace a value with garbage":
        node[key] = data.draw(st.one_of(GARBAGE, st.sampled_from([None, 0, 2.5, True, []])))
    else:
        node["colour"] = "red"
    check(lambda: book_from_dict(document), JSON_CORRUPTIONS[corruption], corruption)
    check(lambda: loads_book(dumps(document)), JSON_CORRUPTIONS[corruption], corruption)


def dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


@given(coverage_books(), st.data())
def test_truncated_json_never_loads(book, data):
    text = dumps_book(book)
    end = data.draw(st.integers(0, len(text.rstrip()) - 1))
    check(lambda: loads_book(text[:end]), True, "truncate")


@given(coverage_books(), st.data())
def test_flipped_bytes_never_crash(book, data):
    raw = bytearray(dumps_book(book).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        raw[data.draw(st.integers(0, len(raw) - 1))] ^= data.draw(st.integers(1, 255))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.json"
        path.write_bytes(bytes(raw))
        check(lambda: load_book(path), False, "flip bytes")


# -- corrupting a CSV folder ----------------------------------------------------------------

TABLES = ("accounts", "assets", "components", "contracts", "line_items", "entitlements")
REQUIRED_COLUMNS = {**REQUIRED, "components": ("asset", "id")}


def read_tables(folder: Path) -> dict[str, list[list[str]]]:
    return {
        name: list(
            csv.reader(io.StringIO((folder / f"{name}.csv").read_bytes().decode(), newline=""))
        )
        for name in TABLES
    }


def write_tables(folder: Path, tables: dict[str, list[list[str]]]) -> None:
    for name, rows in tables.items():
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows(rows)
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode())


def _cells(
    tables: dict[str, list[list[str]]], columns: dict[str, tuple[str, ...]], *, filled: bool
) -> list[tuple[list[str], int]]:
    """(row, column index) of the named columns; only non-empty cells when ``filled``."""
    found = []
    for name, rows in tables.items():
        header = rows[0]
        for row in rows[1:]:
            for column in columns.get(name, ()):
                index = header.index(column)
                if row[index] or not filled:
                    found.append((row, index))
    return found


CSV_CORRUPTIONS = {
    "drop a required column": True,
    "empty a required cell": True,
    "break a reference": True,
    "make a date impossible": True,
    "duplicate a row": True,
    "add an unknown column": True,
    "add a cell to a row": True,
    "add an unknown file": True,
    "drop any column": False,
    "put garbage in a cell": False,
    "truncate a file": False,
    "flip bytes": False,
}


def _corrupt_tables(
    tables: dict[str, list[list[str]]], corruption: str, data: st.DataObject
) -> bool:
    """Apply a table corruption; False when it does not apply to these tables."""
    with_rows = [name for name in TABLES if len(tables[name]) > 1]
    if corruption in ("drop a required column", "drop any column"):
        name = data.draw(st.sampled_from(TABLES))
        columns = (
            REQUIRED_COLUMNS[name] if corruption == "drop a required column" else tables[name][0]
        )
        index = tables[name][0].index(data.draw(st.sampled_from(columns)))
        for row in tables[name]:
            del row[index]
        return True
    if corruption == "add an unknown column":
        name = data.draw(st.sampled_from(TABLES))
        for row in tables[name]:
            row.append("colour" if row is tables[name][0] else "red")
        return True
    cells = {
        "empty a required cell": _cells(tables, REQUIRED_COLUMNS, filled=True),
        "break a reference": _cells(tables, REFERENCES, filled=True),
        "make a date impossible": _cells(
            tables, dict.fromkeys(DATED, ("start", "end")), filled=True
        ),
        "put garbage in a cell": _cells(
            tables, {name: tuple(tables[name][0]) for name in TABLES}, filled=False
        ),
    }
    if corruption in cells:
        if not cells[corruption]:
            return False
        row, index = data.draw(st.sampled_from(cells[corruption]))
        replacements = {
            "empty a required cell": "",
            "break a reference": MISSING,
            "make a date impossible": BAD_DATE,
        }
        row[index] = replacements[corruption] if corruption in replacements else data.draw(GARBAGE)
        return True
    if not with_rows:
        return False
    rows = tables[data.draw(st.sampled_from(with_rows))]
    position = data.draw(st.integers(1, len(rows) - 1))
    if corruption == "duplicate a row":
        rows.insert(position, list(rows[position]))
    else:  # add a cell to a row
        rows[position].append("extra")
    return True


@given(coverage_books(), st.sampled_from(sorted(CSV_CORRUPTIONS)), st.data())
def test_a_corrupted_folder_never_loads_wrongly(book, corruption, data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "book"
        dump_book(book, folder)
        if corruption == "add an unknown file":
            (folder / "contract.csv").write_text("id\n", encoding="utf-8")
        elif corruption in ("truncate a file", "flip bytes"):
            path = folder / data.draw(st.sampled_from(sorted(p.name for p in folder.iterdir())))
            raw = bytearray(path.read_bytes())
            if corruption == "truncate a file":
                raw = raw[: data.draw(st.integers(0, len(raw)))]
            else:
                position = data.draw(st.integers(0, len(raw) - 1))
                raw[position] ^= data.draw(st.integers(1, 255))
            path.write_bytes(bytes(raw))
        else:
            tables = read_tables(folder)
            if not _corrupt_tables(tables, corruption, data):
                corruption = "add an unknown column"
                _corrupt_tables(tables, corruption, data)
            write_tables(folder, tables)
        check(lambda: load_book(folder), CSV_CORRUPTIONS[corruption], corruption)
