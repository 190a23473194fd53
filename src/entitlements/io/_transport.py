"""Shipping a coverage book to workers: compact bytes, a content token, a per-process cache.

**Bytes** (:func:`book_to_bytes`, :func:`book_from_bytes`): an 8-byte magic
``b"ENTBOOK\\x00"``, one byte of format version (``1``), then the
zlib-compressed pickle (protocol 5) of a dict of the book's record
collections and calendars. The index is not in it: loading rebuilds the book,
which re-checks and re-indexes it. Pickle was chosen over the JSON document
for speed and because it carries plug-in calendars; the price is that
**bytes must only be loaded from a trusted source** (unpickling can run
arbitrary code), exactly like any pickle a task engine ships. For files to
exchange with others, use :func:`~entitlements.io.dump_book` (JSON or CSV).

**Token** (:func:`book_token`): the hex SHA-256 of the book's canonical JSON
(the data of :func:`~entitlements.io.book_to_dict`, keys sorted, compact,
UTF-8) after a token-format prefix. Equal books give the same token in every
process and Python run (sets are written sorted, so ``PYTHONHASHSEED`` does
not matter); a changed field gives another. A calendar with no data form
(a plug-in calendar) has no canonical form: :class:`DumpError`.

**Cache** (:func:`load_book_cached`): the last :data:`CACHE_SIZE` books
loaded by path in this process, keyed by resolved path and the file's
``(st_mtime_ns, st_size, st_ino)`` (for a CSV folder: those of the folder and
of every file in it), so a rewritten file is read again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
import zlib
from collections import OrderedDict
from pathlib import Path
from stat import S_ISDIR
from typing import Any

from entitlements.book import COLLECTIONS, CoverageBook
from entitlements.errors import BookError, LoadError
from entitlements.io._books import load_book
from entitlements.io._calendars import calendar_to_dict
from entitlements.io._converter import unstructure
from entitlements.io._document import problem_path
from entitlements.io._issues import json_path

__all__ = [
    "CACHE_SIZE",
    "FORMAT_VERSION",
    "MAGIC",
    "book_from_bytes",
    "book_to_bytes",
    "book_token",
    "clear_book_cache",
    "load_book_cached",
]

#: The first bytes of :func:`book_to_bytes` output.
MAGIC = b"ENTBOOK\x00"
#: The version byte written after :data:`MAGIC`; the only one :func:`book_from_bytes` reads.
FORMAT_VERSION = 1
#: How many books :func:`load_book_cached` keeps per process.
CACHE_SIZE = 4

_PICKLE_PROTOCOL = 5
_ZLIB_LEVEL = 1  # level 6 or 9: ~10 % smaller, 10-20 times slower
_TOKEN_PREFIX = b"entitlements.CoverageBook token v1\n"
_KEYS = frozenset((*COLLECTIONS, "calendars"))


# -- bytes ---------------------------------------------------------------------


def book_to_bytes(book: CoverageBook) -> bytes:
    """The book as compact bytes (header + zlib-compressed pickle); see the module notes."""
    parts: dict[str, Any] = {name: getattr(book, name) for name in COLLECTIONS}
    parts["calendars"] = dict(book.calendars)
    payload = pickle.dumps(parts, protocol=_PICKLE_PROTOCOL)
    return MAGIC + bytes((FORMAT_VERSION,)) + zlib.compress(payload, _ZLIB_LEVEL)


def _bad(problem: str, source: str) -> LoadError:
    return LoadError([problem], source)


def book_from_bytes(data: bytes | bytearray | memoryview, source: str = "") -> CoverageBook:
    """The book of :func:`book_to_bytes` output; load only bytes from a trusted source.

    Raises:
        LoadError: the bytes are not a book (bad magic), of an unknown format
            version, corrupt (compression, pickle or payload), or the book
            they hold has problems; ``source`` names where they came from.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _bad(f"{type(data).__name__} is not bytes", source)
    data = bytes(data)
    header = len(MAGIC) + 1
    if len(data) < header or not data.startswith(MAGIC):
        raise _bad(f"bad magic {data[: len(MAGIC)]!r}: not a coverage book's bytes", source)
    version = data[len(MAGIC)]
    if version != FORMAT_VERSION:
        raise _bad(
            f"unknown format version {version} (this version reads {FORMAT_VERSION})", source
        )
    try:
        payload = zlib.decompress(data[header:])
    except zlib.error as error:
        raise _bad(f"corrupt data: cannot decompress ({error})", source) from None
    try:
        parts = pickle.loads(payload)  # noqa: S301 - trusted sources only, as documented
    except (ImportError, AttributeError) as error:
        raise _bad(
            f"corrupt data: a class it refers to cannot be found ({error})", source
        ) from None
    except Exception as error:  # any unpickling failure is corrupt data
        raise _bad(
            f"corrupt data: cannot unpickle ({type(error).__name__}: {error})", source
        ) from None
    if not isinstance(parts, dict) or set(parts) != _KEYS:
        raise _bad("corrupt data: the payload is not a book's collections", source)
    try:
        return CoverageBook(**parts)
    except BookError as error:
        raise LoadError(
            [f"{json_path(problem_path(p))}: {p.message}" for p in error.problems], source
        ) from None


# -- token ---------------------------------------------------------------------


def book_token(book: CoverageBook) -> str:
    """The book's content token: hex SHA-256 of its canonical JSON (see the module notes).

    Raises:
        DumpError: a calendar has no data form (checked before any record is written).
    """
    calendars = {
        key: calendar_to_dict(calendar, json_path(("calendars", key)))
        for key, calendar in book.calendars.items()
    }
    data: dict[str, Any] = {
        name: [unstructure(record) for record in getattr(book, name)] for name in COLLECTIONS
    }
    data["calendars"] = calendars
    text = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return hashlib.sha256(_TOKEN_PREFIX + text.encode("utf-8")).hexdigest()


# -- per-process cache -------------------------------------------------------------

Stamp = tuple[tuple[str, int, int, int], ...]

_cache: OrderedDict[Path, tuple[Stamp, CoverageBook]] = OrderedDict()
_lock = threading.Lock()


def _stamp(path: Path) -> Stamp:
    """What changes when the file (or a file of the folder) is rewritten."""
    stat = path.stat()
    stamp = [("", stat.st_mtime_ns, stat.st_size, stat.st_ino)]
    if S_ISDIR(stat.st_mode):
        for entry in sorted(os.scandir(path), key=lambda entry: entry.name):
            if entry.is_file():
                inner = entry.stat()
                stamp.append((entry.name, inner.st_mtime_ns, inner.st_size, inner.st_ino))
    return tuple(stamp)


def _load(path: Path) -> CoverageBook:
    if path.is_dir() or path.suffix.lower() == ".json":
        return load_book(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _bad(f"{path.name}: cannot be read ({error.strerror})", str(path)) from None
    if not data.startswith(MAGIC):
        raise _bad(
            f"{path.name}: is not a .json file, a folder of CSV files or a book's bytes",
            str(path),
        )
    return book_from_bytes(data, str(path))


def load_book_cached(path: str | Path) -> CoverageBook:
    """The book at ``path``, loaded once per process while the file stays the same.

    ``path`` is a ``.json`` document, a folder of CSV files, or a file of
    :meth:`CoverageBook.to_bytes` output (trusted sources only). The last
    :data:`CACHE_SIZE` books are kept, keyed by resolved path and the file's
    modification time (ns), size and inode; a rewritten file is read again.
    Thread-safe; two threads missing at once may both load.

    Raises:
        LoadError: as :func:`~entitlements.io.load_book` and :func:`book_from_bytes`.
    """
    resolved = Path(os.path.realpath(path))
    try:
        stamp = _stamp(resolved)
    except OSError:
        return load_book(resolved)  # reports the missing path as a LoadError
    with _lock:
        entry = _cache.get(resolved)
        if entry is not None and entry[0] == stamp:
            _cache.move_to_end(resolved)
            return entry[1]
    book = _load(resolved)
    try:
        unchanged = _stamp(resolved) == stamp
    except OSError:
        unchanged = False
    if unchanged:  # a file rewritten while being read is not cached
        with _lock:
            _cache[resolved] = (stamp, book)
            _cache.move_to_end(resolved)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return book


def clear_book_cache() -> None:
    """Forget every book :func:`load_book_cached` keeps."""
    with _lock:
        _cache.clear()
