"""Batch evaluation on one machine: cases partitioned by account, evaluated in processes.

Only the standard library is used (:mod:`concurrent.futures` over
:mod:`multiprocessing`). :func:`partition_by_account` puts every case of an
account in the same partition -- what
:func:`~entitlements.batch.evaluate_partition` needs for allowances to count
as in one pass -- chosen by a stable hash of the account id (CRC-32), so an
account lands in the same partition in every process and every run.

:func:`evaluate_parallel` gives exactly the rows of the plain loop
``list(evaluate_partition(cases, book, as_of=as_of))``, in its order: by the
case's opening time, ties by case id, and a case's rows in the order it
yields them. The book is sent once to each worker process (the pool's
initializer), partitions as tasks. The pool uses :mod:`multiprocessing`'s
current start method (``fork`` on Linux before Python 3.14, ``spawn`` on
macOS and Windows, or whatever ``multiprocessing.set_start_method`` chose);
with ``spawn`` and ``forkserver`` the calling script must guard its entry
point with ``if __name__ == "__main__":``, as usual for multiprocessing.
"""

from __future__ import annotations

import heapq
import itertools
import multiprocessing
import os
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing.context import BaseContext
from operator import attrgetter
from typing import Any

from entitlements.batch._partition import ResultRow, evaluate_partition
from entitlements.batch._schema import COLUMNS
from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.reports._evaluate import in_order

__all__ = ["evaluate_parallel", "partition_by_account"]

_PARTITIONS_PER_PROCESS = 4  # more tasks than workers, so a slow partition does not hold up all

_book: CoverageBook | None = None  # the book of a worker process, set by its initializer
# Partitions a forked worker inherits instead of receiving them pickled, by call.
_inherited: dict[int, list[list[Case]]] = {}
_calls = itertools.count()
_NAMES = tuple(column.name for column in COLUMNS)
_ROW_VALUES = attrgetter(*_NAMES)


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: {value!r} is not a positive integer")
    return value


def _partition_of(account: str, partitions: int) -> int:
    return zlib.crc32(account.encode("utf-8")) % partitions


def partition_by_account(cases: Iterable[Case], partitions: int) -> list[list[Case]]:
    """Split cases into ``partitions`` lists, every case of an account in the same one.

    The partition of an account is the CRC-32 of its id (UTF-8) modulo
    ``partitions``: the same in every process and run. Each list keeps the
    order of ``cases``; some lists may be empty.

    Args:
        cases: the cases, in any order.
        partitions: the number of lists (at least 1).

    Raises:
        ValueError: ``partitions`` is not a positive integer.
    """
    count = _count(partitions, "partitions")
    parts: list[list[Case]] = [[] for _ in range(count)]
    for case in cases:
        parts[_partition_of(case.account, count)].append(case)
    return parts


def _start(book: CoverageBook) -> None:
    """The pool's initializer: keep the book for the tasks of this worker process."""
    global _book  # one book per worker process, by design
    _book = book


def _evaluate(part: list[Case] | tuple[int, int], as_of: datetime) -> list[tuple[Any, ...]]:
    """One task: a partition's rows as tuples of ``COLUMNS`` (cheaper to send back).

    ``part`` is the partition's cases, or (with ``fork``) the key of the
    partitions the worker inherited and the partition's index among them.
    """
    if _book is None:  # not expected: the initializer runs first
        raise RuntimeError("evaluate_parallel: worker process started without its book")
    cases = _inherited[part[0]][part[1]] if isinstance(part, tuple) else part
    return [_ROW_VALUES(row) for row in evaluate_partition(cases, _book, as_of=as_of)]


def _row(values: tuple[Any, ...]) -> ResultRow:
    return ResultRow(**dict(zip(_NAMES, values, strict=True)))


def _context() -> BaseContext:
    """The multiprocessing context of the pool: the current start method."""
    return multiprocessing.get_context()


def _order(row: ResultRow) -> tuple[datetime, str]:
    return row.opened_at, row.case


def evaluate_parallel(
    cases: Iterable[Case],
    book: CoverageBook,
    *,
    as_of: datetime,
    processes: int | None = None,
    partitions: int | None = None,
) -> list[ResultRow]:
    """Evaluate cases in worker processes; the rows of the plain loop, in its order.

    Cases are read as :func:`~entitlements.batch.evaluate_partition` reads
    them (a list or tuple is sorted for you and must not repeat an id; any
    other iterable must come in opening order; cases opened after ``as_of``
    are left out), then partitioned by account and evaluated, and the rows of
    the partitions merged by (opening time, case id). All the cases and rows
    are held in memory; for more, use an engine (Dask, Spark).

    Args:
        cases: the cases.
        book: the coverage book; sent once to each worker process.
        as_of: the instant milestone states are judged at (aware).
        processes: the number of worker processes (default: the number of
            CPUs); 1 evaluates in this process, without a pool.
        partitions: the number of partitions (tasks) to split the accounts
            into (default: 4 per process).

    Raises:
        ValueError: ``processes`` or ``partitions`` is not a positive integer.
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: cases out of order, a repeated id in a list, or a history
            that does not fit its process.
    """
    workers = (os.cpu_count() or 1) if processes is None else _count(processes, "processes")
    count = (
        workers * _PARTITIONS_PER_PROCESS
        if partitions is None
        else _count(partitions, "partitions")
    )
    ordered = in_order(cases, to_us(as_of, "as_of"))
    if workers == 1:
        return list(evaluate_partition(ordered, book, as_of=as_of))
    parts = [part for part in partition_by_account(ordered, count) if part]
    if not parts:
        return []
    workers = min(workers, len(parts))
    context = _context()
    tasks: list[list[Case] | tuple[int, int]] = list(parts)
    call = next(_calls)
    if context.get_start_method() == "fork":  # workers fork once the first task is submitted
        _inherited[call] = parts
        tasks = [(call, index) for index in range(len(parts))]
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start, initargs=(book,)
        ) as pool:
            results = list(pool.map(_evaluate, tasks, [as_of] * len(tasks)))
    finally:
        _inherited.pop(call, None)
    return list(heapq.merge(*([_row(values) for values in part] for part in results), key=_order))
