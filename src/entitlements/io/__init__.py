"""Loading and dumping coverage books, calendars and cases.

A book is read from one JSON document or from a folder of CSV files and
written back the same way; ``dump_book(book, p)`` followed by
``load_book(p)`` gives an equal book. Every problem of the input is reported
at once in one :class:`~entitlements.errors.LoadError`, each with its place
(``contracts.csv line 14, column end: '2024-02-30' is not a date
(YYYY-MM-DD)``, ``$.entitlements[3].channels[1]: 'fax' is not a channel
...``). The formats are described in the docstrings of
:mod:`entitlements.io._document` (JSON), :mod:`entitlements.io._csv_folder`
(CSV), :mod:`entitlements.io._calendars` (calendars) and
:mod:`entitlements.io._cases` (cases).

Cases can also be streamed: :func:`iter_cases` yields them one at a time from
a JSON Lines (``.jsonl``) or CSV file, in memory that does not grow with the
file, and :func:`dump_cases` writes any iterable of cases one at a time. A
stream stops at its first bad record.

To ship a book to workers (:mod:`entitlements.io._transport`):
:func:`book_to_bytes` / :func:`book_from_bytes` (compact, fast, pickle-based:
trusted sources only), :func:`book_token` (a stable content token) and
:func:`load_book_cached` (one load per process while the file is unchanged).
"""

from entitlements.io._books import dump_book, load_book
from entitlements.io._calendars import calendar_from_dict, calendar_to_dict
from entitlements.io._cases import (
    cases_from_dicts,
    cases_to_dicts,
    dump_cases,
    iter_cases,
    load_cases,
)
from entitlements.io._decisions import decision_to_dict
from entitlements.io._document import book_from_dict, book_to_dict, dumps_book, loads_book
from entitlements.io._transport import (
    book_from_bytes,
    book_to_bytes,
    book_token,
    clear_book_cache,
    load_book_cached,
)

__all__ = [
    "book_from_bytes",
    "book_from_dict",
    "book_to_bytes",
    "book_to_dict",
    "book_token",
    "calendar_from_dict",
    "calendar_to_dict",
    "cases_from_dicts",
    "cases_to_dicts",
    "clear_book_cache",
    "decision_to_dict",
    "dump_book",
    "dump_cases",
    "dumps_book",
    "iter_cases",
    "load_book",
    "load_book_cached",
    "load_cases",
    "loads_book",
]
