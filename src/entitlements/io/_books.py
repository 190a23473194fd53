"""``load_book`` and ``dump_book``: the format follows the path.

A path ending in ``.json`` is one JSON document (:mod:`._document`); any
other path is a folder of CSV files (:mod:`._csv_folder`).
"""

from __future__ import annotations

from pathlib import Path

from entitlements.book import CoverageBook
from entitlements.errors import LoadError
from entitlements.io._csv_folder import dump_folder, load_folder
from entitlements.io._document import dumps_book, loads_book
from entitlements.io._issues import BadValueError
from entitlements.io._text import read_text, write_text

__all__ = ["dump_book", "load_book"]


def load_book(path: str | Path) -> CoverageBook:
    """Load a coverage book from a ``.json`` document or a folder of CSV files.

    Raises:
        LoadError: the path cannot be read, or every problem found in it, each
            with its location; ``source`` is the path.
    """
    path = Path(path)
    source = str(path)
    if path.is_dir():
        return load_folder(path)
    if path.suffix.lower() != ".json":
        reason = "is not a .json file or a folder" if path.exists() else "does not exist"
        raise LoadError([f"{path.name}: {reason}"], source)
    try:
        text = read_text(path, path.name)
    except BadValueError as error:
        raise LoadError([error.message], source) from None
    return loads_book(text, source)


def dump_book(book: CoverageBook, path: str | Path) -> None:
    """Write a book: a ``.json`` path gets one document, any other path a folder of CSV files.

    A missing folder is created (with its parents); a ``.json`` file's folder must exist.

    Raises:
        DumpError: a calendar cannot be written (nothing is written then).
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        write_text(path, dumps_book(book))
    else:
        dump_folder(book, path)
