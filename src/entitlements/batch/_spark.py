"""Batch evaluation on Spark: a ``mapInPandas`` function and the schema (the ``spark`` extra).

    from entitlements.batch import SPARK_DDL
    from entitlements.batch._spark import spark_evaluator

    fn = spark_evaluator(book, as_of=as_of)
    rows = (
        cases.repartition("account")                   # every case of an account together
        .sortWithinPartitions("opened_at", "id")       # in opening order, ties by id
        .mapInPandas(fn, schema=SPARK_DDL)
    )

or :func:`evaluate_spark` (``evaluate_spark(cases, book, as_of=as_of)``),
which does exactly that and also sorts correctly when ``opened_at`` is text.

The ``cases`` DataFrame has the columns of a cases frame (those of
``cases.csv``, optionally ``worked_us`` and ``history`` as JSON text; see
:func:`~entitlements.batch.evaluate_pandas`), and no other. ``opened_at``
is best a ``TIMESTAMP`` column (it sorts by instant); ISO 8601 text with an
offset works too. A partition is **streamed**: the function reads Spark's
Arrow batches one at a time, evaluates the cases in the order they come --
hence the sort -- and yields a pandas frame per 10,000 result rows, in
memory bounded by a batch and the rows of the cases open at once.

**Settings a Spark user needs.**

* Every executor's Python must have ``entitlements[spark]`` installed (it
  unpickles the function, the book and pandas/pyarrow there); point Spark at
  it with ``PYSPARK_PYTHON`` (or ``spark.pyspark.python``), the same version
  as the driver's.
* ``mapInPandas`` always moves data as Arrow; set
  ``spark.sql.execution.arrow.pyspark.enabled=true`` as well so that
  ``createDataFrame(pandas_df)`` and ``toPandas()`` do too.
* Set ``spark.sql.session.timeZone=UTC``: the output instants are UTC, and
  ``collect()``/``toPandas()`` show timestamps as naive wall-clock times of
  the session zone. Input timestamps reach Python as naive times of that
  zone; :func:`evaluate_spark` passes it on (with ``spark_evaluator``, give
  ``time_zone=`` if it is not UTC).
* ``spark.sql.execution.arrow.maxRecordsPerBatch`` (default 10,000) bounds
  each batch read.

**The book is broadcast.** When a Spark session is active,
:func:`spark_evaluator` puts :meth:`~entitlements.CoverageBook.to_bytes` in
a Spark broadcast variable (sent to each executor once) and the function
carries only that handle and the book's token: each Python worker decodes
the book once and keeps it for its later tasks (Python workers are reused,
``spark.python.worker.reuse``). Without a session, or for a book without a
token (a plug-in calendar), the function closes over the book itself, which
Spark then pickles into every task.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from entitlements.batch._frames import _check_columns, cases_from_records, rows_to_pandas
from entitlements.batch._partition import ResultRow, evaluate_partition
from entitlements.batch._schema import SPARK_DDL
from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.errors import EntitlementsError, MissingDependencyError

__all__ = ["evaluate_spark", "spark_evaluator"]

#: Result rows per pandas frame yielded (Spark's default Arrow batch size).
BATCH_ROWS = 10_000

_books: dict[str, CoverageBook] = {}  # a worker process's decoded books, by token
_KEEP = 4  # books kept per worker process


def _pandas() -> Any:
    try:
        import pandas
        import pyarrow  # noqa: F401  (mapInPandas moves data as Arrow)
    except ImportError:
        raise MissingDependencyError(
            "the Spark evaluator needs pandas and pyarrow: pip install 'entitlements[spark]'"
        ) from None
    return pandas


def _pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError:
        raise MissingDependencyError(
            "evaluate_spark needs pyspark: pip install 'entitlements[spark]'"
        ) from None
    return pyspark.sql


def _active_session() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


class _Broadcast:
    """The book as a Spark broadcast of its bytes, decoded once per worker process."""

    def __init__(self, token: str, handle: Any) -> None:
        self.token = token
        self.handle = handle

    def get(self) -> CoverageBook:
        book = _books.get(self.token)
        if book is None:
            book = CoverageBook.from_bytes(self.handle.value)
            if len(_books) >= _KEEP:
                _books.clear()
            _books[self.token] = book
        return book


def _source(book: CoverageBook) -> CoverageBook | _Broadcast:
    session = _active_session()
    if session is None:
        return book
    try:
        token = book.token()
    except EntitlementsError:  # a plug-in calendar: no token, no bytes
        return book
    return _Broadcast(token, session.sparkContext.broadcast(book.to_bytes()))


def _records(batches: Iterator[Any], time_zone: str, pd: Any) -> Iterator[dict[str, Any]]:
    """The case records of Spark's batches, naive timestamps put in the session's zone."""
    checked = False
    for frame in batches:
        if not checked:
            _check_columns([str(name) for name in frame.columns], "cases DataFrame")
            checked = True
        opened = frame["opened_at"]
        if pd.api.types.is_datetime64_dtype(opened.dtype) and opened.dt.tz is None:
            frame = frame.assign(opened_at=opened.dt.tz_localize(time_zone))
        yield from frame.to_dict("records")


def spark_evaluator(
    book: CoverageBook, *, as_of: datetime, time_zone: str = "UTC"
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The function for ``mapInPandas(fn, schema=SPARK_DDL)`` over cases sorted by account.

    Args:
        book: the coverage book (broadcast when a Spark session is active; see
            the module docstring).
        as_of: the instant milestone states are judged at (aware).
        time_zone: the zone of naive input timestamps: the session's
            ``spark.sql.session.timeZone``.

    Returns:
        A function from an iterator of pandas frames of cases (one Spark
        partition, holding every case of its accounts, in opening order) to
        an iterator of frames of result rows (:data:`~entitlements.batch.PANDAS_DTYPES`).

    Raises:
        MissingDependencyError: pandas or pyarrow is not installed.
        NaiveDatetimeError: ``as_of`` is naive.

    In the tasks, the errors of :func:`~entitlements.batch.evaluate_arrow`
    for a stream surface (a case out of order, a record that cannot be read).
    """
    _pandas()
    to_us(as_of, "as_of")
    source = _source(book)

    def evaluate(batches: Iterator[Any]) -> Iterator[Any]:
        pd = _pandas()
        the_book = source.get() if isinstance(source, _Broadcast) else source
        cases: Iterator[Case] = cases_from_records(_records(batches, time_zone, pd))
        pending: list[ResultRow] = []
        for row in evaluate_partition(cases, the_book, as_of=as_of):
            pending.append(row)
            if len(pending) >= BATCH_ROWS:
                yield rows_to_pandas(pending)
                pending = []
        if pending:
            yield rows_to_pandas(pending)

    return evaluate


def evaluate_spark(cases: Any, book: CoverageBook, *, as_of: datetime) -> Any:
    """Evaluate a Spark DataFrame of cases; lazily, as a DataFrame of :data:`SPARK_DDL`.

    Repartitions by ``account``, sorts each partition by ``opened_at`` (as a
    timestamp) and ``id``, and maps :func:`spark_evaluator` over it with the
    session's time zone.

    Args:
        cases: a ``pyspark.sql.DataFrame`` of cases (see the module docstring).
        book: the coverage book.
        as_of: the instant milestone states are judged at (aware).

    Raises:
        MissingDependencyError: pyspark, pandas or pyarrow is not installed.
        NaiveDatetimeError: ``as_of`` is naive.
        TypeError: ``cases`` is not a Spark DataFrame.
    """
    sql = _pyspark()
    if not isinstance(cases, sql.DataFrame):
        raise TypeError(f"evaluate_spark: {type(cases).__name__} is not a Spark DataFrame")
    from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

    zone = cases.sparkSession.conf.get("spark.sql.session.timeZone")
    fn = spark_evaluator(book, as_of=as_of, time_zone=zone)
    ordered = cases.repartition("account").sortWithinPartitions(
        F.col("opened_at").cast("timestamp"), F.col("id")
    )
    return ordered.mapInPandas(fn, schema=SPARK_DDL)
