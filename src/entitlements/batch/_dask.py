"""Batch evaluation on Dask: a DataFrame of case records, or a Bag of cases (the ``dask`` extra).

:func:`evaluate_dask` partitions the cases by account, so that each Dask
partition holds every case of its accounts (what allowances need), then
evaluates each partition with :func:`~entitlements.batch.evaluate_partition`
(which takes a partition's cases by opening time, ties by id):

* a **DataFrame** is shuffled on ``account`` (``ddf.shuffle(on="account")``:
  Dask hashes the column with pandas' ``hash_pandas_object``, the same in
  every process and run) and each partition goes through
  :func:`~entitlements.batch.evaluate_pandas`; the result is a DataFrame with
  the columns and dtypes of :data:`~entitlements.batch.PANDAS_DTYPES`;
* a **Bag** (of :class:`~entitlements.Case` objects or case records) is
  grouped by the CRC-32 of the account modulo the number of partitions -- an
  ``int`` key, since Python's ``hash()`` of text is salted per process -- and
  each group evaluated; the result is a Bag of
  :class:`~entitlements.batch.ResultRow` s.

**The book is sent once.** With a ``distributed`` client active
(``distributed.default_client()``), the book is scattered to every worker
with ``client.scatter(book, broadcast=True)``: pickled once by the client and
held by each worker, whatever the number of partitions. Without one (the
threaded or synchronous scheduler), it is one ``dask.delayed`` key named by
:meth:`~entitlements.CoverageBook.token`, shared by every task. To reuse one
transfer across several calls, scatter it yourself and pass the ``Future``
(or a ``Delayed``) as ``book``.

The rows are those of the plain loop over all the cases, in another order:
sort them (by ``opened_at``, ``case``) if the order matters.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from entitlements.batch._frames import cases_from_records, evaluate_pandas
from entitlements.batch._parallel import _partition_of
from entitlements.batch._partition import ResultRow, evaluate_partition
from entitlements.batch._schema import PANDAS_DTYPES
from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.errors import EntitlementsError, MissingDependencyError

__all__ = ["evaluate_dask"]


def _dask() -> Any:
    try:
        import dask
        import dask.bag
        import dask.dataframe
        import pandas  # noqa: F401  (dask.dataframe needs it; say so here)
    except ImportError:
        raise MissingDependencyError(
            "evaluate_dask needs dask[dataframe]: pip install 'entitlements[dask]'"
        ) from None
    return dask


def _meta() -> Any:
    """An empty frame with the output columns and dtypes: the ``meta`` of the result."""
    import pandas as pd

    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in PANDAS_DTYPES.items()})


def _shared(book: Any, dask: Any) -> Any:
    """The book as one key every task shares: scattered to every worker, or one Delayed."""
    if not isinstance(book, CoverageBook):
        return book  # already a Future or a Delayed the caller made
    try:
        import distributed

        default_client: Any = distributed.default_client  # untyped
        client = default_client()
    except (ImportError, ValueError):  # no distributed, or no client active
        client = None
    if client is not None:
        return client.scatter(book, broadcast=True, hash=False)
    try:
        name = f"entitlements-book-{book.token()}"
    except EntitlementsError:  # a plug-in calendar: no content token
        name = f"entitlements-book-{uuid.uuid4().hex}"
    return dask.delayed(book, name=name, traverse=False, pure=True)


def _frame_partition(cases: Any, book: CoverageBook, as_of: datetime) -> Any:
    """One DataFrame partition's rows (every case of its accounts)."""
    return evaluate_pandas(cases, book, as_of=as_of)


def _account(item: Case | Mapping[str, Any]) -> str:
    if isinstance(item, Case):
        return item.account
    return str(item["account"])


def _bucket(item: Case | Mapping[str, Any], count: int) -> int:
    """The group of an item: the CRC-32 of its account modulo ``count`` (stable everywhere)."""
    return _partition_of(_account(item), count)


def _group_rows(
    group: tuple[int, list[Case | Mapping[str, Any]]], book: CoverageBook, as_of: datetime
) -> list[ResultRow]:
    """One Bag group's rows: the cases of the accounts of one bucket."""
    items = group[1]
    records = [item for item in items if not isinstance(item, Case)]
    cases = [item for item in items if isinstance(item, Case)]
    cases.extend(cases_from_records(records))
    return list(evaluate_partition(cases, book, as_of=as_of))


def evaluate_dask(cases: Any, book: Any, *, as_of: datetime, partitions: int | None = None) -> Any:
    """Evaluate a Dask DataFrame of case records or a Bag of cases; lazily.

    Args:
        cases: a ``dask.dataframe.DataFrame`` with the columns of a cases frame
            (those of ``cases.csv``, optionally ``worked_us`` and ``history``
            as JSON text; see :func:`~entitlements.batch.evaluate_pandas`), or
            a ``dask.bag.Bag`` of :class:`~entitlements.Case` objects or case
            records (mappings, as :func:`~entitlements.batch.cases_from_records`
            reads them).
        book: the coverage book (sent once; see the module docstring), or a
            ``Future`` / ``Delayed`` of one.
        as_of: the instant milestone states are judged at (aware).
        partitions: the number of output partitions (default: as many as the input).

    Returns:
        For a DataFrame, a DataFrame with the columns and dtypes of
        :data:`~entitlements.batch.PANDAS_DTYPES`; for a Bag, a Bag of
        :class:`~entitlements.batch.ResultRow` s. Nothing runs until you
        ``compute()`` (or write) it.

    Raises:
        MissingDependencyError: dask is not installed.
        NaiveDatetimeError: ``as_of`` is naive.
        TypeError: ``cases`` is neither a Dask DataFrame nor a Bag.
        ValueError: ``partitions`` is not a positive integer.

    When computed, the errors of :func:`~entitlements.batch.evaluate_pandas`
    and :func:`~entitlements.batch.evaluate_partition` surface from the
    partition at fault.
    """
    dask = _dask()
    to_us(as_of, "as_of")  # a naive as_of fails here, not in a worker
    if partitions is not None and (
        isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1
    ):
        raise ValueError(f"evaluate_dask: partitions: {partitions!r} is not a positive integer")
    if isinstance(cases, dask.dataframe.DataFrame):
        shuffled = cases.shuffle(on="account", npartitions=partitions)
        return shuffled.map_partitions(
            _frame_partition, _shared(book, dask), as_of, meta=_meta(), enforce_metadata=False
        )
    if isinstance(cases, dask.bag.Bag):
        count = partitions if partitions is not None else cases.npartitions
        groups = cases.groupby(partial(_bucket, count=count), npartitions=count, shuffle="tasks")
        return groups.map(_group_rows, _shared(book, dask), as_of).flatten()
    raise TypeError(
        f"evaluate_dask: {type(cases).__name__} is neither a dask DataFrame nor a dask Bag"
    )
