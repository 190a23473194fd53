"""Dask and Spark give exactly the rows of the plain loop (``evaluate_partition``).

The tests that start a Dask cluster or a Spark session carry the ``engines``
marker (``pytest -m "not engines"`` leaves them out); the Spark one skips
where pyspark or a JVM is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import runpy
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from entitlements import Case, CaseEvent, CaseEventKind, CoverageBook, resolve_all
from entitlements.batch import PANDAS_DTYPES, ResultRow, evaluate_partition
from entitlements.errors import MissingDependencyError, NaiveDatetimeError
from entitlements.io import cases_to_dicts
from entitlements.resolver import Reason

ROOT = Path(__file__).parent.parent
NY = ZoneInfo("America/New_York")
AS_OF = datetime(2026, 1, 2, 12, tzinfo=NY)
CHANNELS = ("phone", "phone", "email", "web", "chat")
WAITING, WORKING = "waiting on customer", "in progress"


# -- the data: the alarm company's book and seeded cases ----------------------------


@pytest.fixture(scope="module")
def book() -> CoverageBook:
    generator = runpy.run_path(str(ROOT / "examples" / "generate_alarm_sites.py"))
    built: CoverageBook = generator["generate_book"](2500, 2025)
    return built


def _history(rng: random.Random, case: Case, milestones: tuple[str, ...]) -> list[CaseEvent]:
    """Completions (on time or late), a pause, a priority change, a closure, all before AS_OF."""
    opened = case.opened_at.astimezone(UTC)
    events: list[tuple[datetime, CaseEventKind, str]] = []
    for name in milestones:
        if rng.random() < 0.85:
            at = opened + timedelta(seconds=int(rng.expovariate(1 / 7200)) + 30)
            events.append((at, CaseEventKind.COMPLETED, name))
    if milestones and rng.random() < 0.15:
        paused = opened + timedelta(seconds=rng.randrange(60, 4 * 3600))
        events.append((paused, CaseEventKind.STATUS, WAITING))
        if rng.random() < 0.9:
            resumed = paused + timedelta(seconds=rng.randrange(300, 12 * 3600))
            events.append((resumed, CaseEventKind.STATUS, WORKING))
    if rng.random() < 0.1:
        at = opened + timedelta(seconds=rng.randrange(60, 24 * 3600))
        events.append((at, CaseEventKind.PRIORITY, rng.choice(("P1", "P2", "P3"))))
    events.sort(key=lambda event: event[0])
    if rng.random() < 0.8:
        last = max((event[0] for event in events), default=opened)
        events.append(
            (last + timedelta(seconds=rng.randrange(60, 8 * 3600)), CaseEventKind.CLOSED, "")
        )
    return [
        CaseEvent(at=at.astimezone(NY), kind=kind, value=value)
        for at, kind, value in events
        if at <= AS_OF
    ]


def generate_cases(book: CoverageBook, n: int, seed: int) -> list[Case]:
    """``n`` seeded cases over 2025 on the book's sites, with histories that fit their process."""
    rng = random.Random(seed)
    assets = book.assets
    first, span = int(datetime(2025, 1, 1, tzinfo=NY).timestamp()), 364 * 86_400
    bare = []
    for i in range(n):
        asset = rng.choice(assets)
        bare.append(
            Case(
                id=f"C{i:06d}",
                account=asset.account,
                asset=asset.id,
                channel=rng.choice(CHANNELS),
                priority=rng.choice(("P1", "P2", "P3")),
                opened_at=datetime.fromtimestamp(first + rng.randrange(span), NY),
            )
        )
    decisions = {d.case: d for d in resolve_all(bare, book, as_of=AS_OF)}
    cases = []
    for case in bare:
        process = decisions[case.id].process
        names = process.milestone_names if process is not None else ()
        cases.append(attrs.evolve(case, history=tuple(_history(rng, case, names))))
    return cases


def records_of(cases: list[Case]) -> list[dict[str, Any]]:
    """The cases as records of a cases frame: ``cases.csv``'s columns and ``history`` as JSON."""
    return [
        {**record, "history": json.dumps(record["history"])} for record in cases_to_dicts(cases)
    ]


# -- comparing rows ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value of a pandas or Spark row as the loop gives it."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is None:  # Spark's: the session zone, UTC
        return value.replace(tzinfo=UTC)
    if hasattr(value, "item") and not isinstance(value, date):  # numpy scalars
        return value.item()
    return value


def loop_rows(cases: list[Case], book: CoverageBook) -> Counter[tuple[Any, ...]]:
    return Counter(attrs.astuple(row) for row in evaluate_partition(cases, book, as_of=AS_OF))


def frame_rows(frame: Any) -> Counter[tuple[Any, ...]]:
    assert list(frame.columns) == list(PANDAS_DTYPES)
    return Counter(tuple(_plain(v) for v in row) for row in frame.itertuples(index=False))


# -- Dask ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    pytest.importorskip("dask.dataframe", reason="dask is not installed (the dask extra)")
    distributed = pytest.importorskip("distributed", reason="distributed is not installed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        client = distributed.Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def ten_thousand(book: CoverageBook) -> list[Case]:
    return generate_cases(book, 10_000, 7)


@pytest.fixture(scope="module")
def loop_of_ten_thousand(book: CoverageBook, ten_thousand: list[Case]) -> Counter[tuple[Any, ...]]:
    """The rows of the plain loop over the 10,000 cases."""
    expected = loop_rows(ten_thousand, book)
    # allowances matter here: some cases are refused for an allowance used up
    reason = list(PANDAS_DTYPES).index("reason")
    assert any(row[reason] == Reason.ALLOWANCE_USED_UP.value for row in expected)
    return expected


@pytest.mark.engines
def test_dask_dataframe_on_two_workers_gives_the_rows_of_the_loop(
    dask_client: Any,
    book: CoverageBook,
    ten_thousand: list[Case],
    loop_of_ten_thousand: Counter[tuple[Any, ...]],
):
    import dask.dataframe as dd
    import pandas as pd

    from entitlements.batch._dask import evaluate_dask

    cases = dd.from_pandas(pd.DataFrame(records_of(ten_thousand)), npartitions=8)
    result = evaluate_dask(cases, book, as_of=AS_OF, partitions=6)
    computed = result.compute()
    assert computed.dtypes.astype(str).to_dict() == result._meta.dtypes.astype(str).to_dict()
    assert frame_rows(computed) == loop_of_ten_thousand


@pytest.mark.engines
def test_dask_bag_of_cases_and_records_gives_the_rows_of_the_loop(
    dask_client: Any,
    book: CoverageBook,
    ten_thousand: list[Case],
    loop_of_ten_thousand: Counter[tuple[Any, ...]],
):
    import dask.bag as db

    from entitlements.batch._dask import evaluate_dask

    # half as Case objects, half as records: a bag may mix them
    items: list[Any] = [
        case if i % 2 else record
        for i, (case, record) in enumerate(zip(ten_thousand, records_of(ten_thousand), strict=True))
    ]
    bag = db.from_sequence(items, npartitions=8)
    rows = evaluate_dask(bag, book, as_of=AS_OF).compute()
    assert all(isinstance(row, ResultRow) for row in rows)
    assert Counter(attrs.astuple(row) for row in rows) == loop_of_ten_thousand


@pytest.mark.engines
def test_dask_scattered_book_is_reused(
    dask_client: Any, book: CoverageBook, ten_thousand: list[Case]
):
    import dask.bag as db

    from entitlements.batch._dask import evaluate_dask

    cases = ten_thousand[:500]
    shared = dask_client.scatter(book, broadcast=True)
    rows = evaluate_dask(db.from_sequence(cases, npartitions=3), shared, as_of=AS_OF).compute()
    assert Counter(attrs.astuple(row) for row in rows) == loop_rows(cases, book)


def test_dask_without_a_client_uses_one_delayed_book(
    book: CoverageBook, monkeypatch: pytest.MonkeyPatch
):
    dd = pytest.importorskip("dask.dataframe", reason="dask is not installed (the dask extra)")
    import dask
    import pandas as pd

    def no_client() -> None:
        raise ValueError("No clients found")

    if importlib.util.find_spec("distributed") is not None:  # even if a test left a client
        monkeypatch.setattr("distributed.default_client", no_client)

    from entitlements.batch._dask import evaluate_dask

    cases = generate_cases(book, 300, 11)
    frame = dd.from_pandas(pd.DataFrame(records_of(cases)), npartitions=3)
    with dask.config.set(scheduler="sync"):
        computed = evaluate_dask(frame, book, as_of=AS_OF).compute()
        bag = dask.bag.from_sequence(cases, npartitions=2)
        rows = evaluate_dask(bag, book, as_of=AS_OF).compute()
    assert frame_rows(computed) == loop_rows(cases, book)
    assert Counter(attrs.astuple(row) for row in rows) == loop_rows(cases, book)


def test_dask_refuses_what_it_cannot_evaluate(book: CoverageBook):
    pytest.importorskip("dask.dataframe", reason="dask is not installed (the dask extra)")
    from entitlements.batch._dask import evaluate_dask

    with pytest.raises(TypeError, match="neither a dask DataFrame nor a dask Bag"):
        evaluate_dask([], book, as_of=AS_OF)
    with pytest.raises(NaiveDatetimeError):
        evaluate_dask([], book, as_of=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="partitions: 0 is not a positive integer"):
        evaluate_dask([], book, as_of=AS_OF, partitions=0)


def test_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch, book: CoverageBook):
    from entitlements.batch._dask import evaluate_dask

    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'entitlements\[dask\]'"):
        evaluate_dask([], book, as_of=AS_OF)


# -- Spark ---------------------------------------------------------------------------


def test_spark_evaluator_streams_pandas_batches_like_the_loop(book: CoverageBook):
    """The mapInPandas function alone, fed as Spark feeds it: sorted batches, naive UTC times."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from entitlements.batch._spark import spark_evaluator

    cases = sorted(generate_cases(book, 600, 5), key=lambda c: (c.opened_at, c.id))
    frame = pd.DataFrame(records_of(cases))
    opened = pd.to_datetime(frame["opened_at"], utc=True, format="ISO8601")
    frame["opened_at"] = opened.dt.tz_localize(None)  # as Spark gives a TIMESTAMP column
    fn = spark_evaluator(book, as_of=AS_OF)
    batches = [frame.iloc[i : i + 250] for i in range(0, len(frame), 250)]
    out = list(fn(iter(batches)))
    assert out
    assert frame_rows(pd.concat(out, ignore_index=True)) == loop_rows(cases, book)
    assert list(fn(iter([]))) == []


def test_missing_spark_names_the_extra(monkeypatch: pytest.MonkeyPatch, book: CoverageBook):
    from entitlements.batch._spark import evaluate_spark, spark_evaluator

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'entitlements\[spark\]'"):
        evaluate_spark(object(), book, as_of=AS_OF)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'entitlements\[spark\]'"):
        spark_evaluator(book, as_of=AS_OF)


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (the spark extra)"
    if shutil.which("java") is None:
        return "no JVM: `java` is not on PATH (Spark needs Java 8, 11 or 17)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = _spark_missing()
    if reason is not None:
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    # the workers' Python: this one (it has entitlements); read when the context starts
    previous = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("entitlements-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        session.sparkContext.setLogLevel("ERROR")
        yield session
    finally:
        session.stop()
        if previous is None:
            del os.environ["PYSPARK_PYTHON"]
        else:
            os.environ["PYSPARK_PYTHON"] = previous


#: The columns of the cases DataFrame of the Spark test (built from rows, not from pandas).
CASES_DDL = (
    "id STRING, account STRING, asset STRING, component STRING, product STRING, "
    "channel STRING, priority STRING, opened_at {opened}, worked STRING, history STRING"
)


def spark_cases(spark: Any, cases: list[Case], *, text: bool) -> Any:
    """The cases as a Spark DataFrame: ``opened_at`` a TIMESTAMP, or ISO text with ``text``."""
    records = records_of(cases)
    if not text:
        for record, case in zip(records, cases, strict=True):
            record["opened_at"] = case.opened_at  # aware: Spark stores the instant
    names = [field.split()[0] for field in CASES_DDL.split(", ")]
    schema = CASES_DDL.format(opened="STRING" if text else "TIMESTAMP")
    return spark.createDataFrame([tuple(r[name] for name in names) for r in records], schema)


@pytest.mark.engines
# pyspark 3.5 checks the pandas version with distutils' LooseVersion (deprecated by setuptools)
@pytest.mark.filterwarnings("ignore:distutils Version classes are deprecated:DeprecationWarning")
# pyspark 4 warns that it does not yet fully support pandas 3 (the test checks every row)
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
# and its collect() leaves the socket it read from to the garbage collector
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
def test_spark_local_gives_the_rows_of_the_loop(spark: Any, book: CoverageBook):
    from entitlements.batch import SPARK_DDL
    from entitlements.batch._spark import evaluate_spark, spark_evaluator

    cases = generate_cases(book, 2_000, 3)
    expected = loop_rows(cases, book)
    result = evaluate_spark(spark_cases(spark, cases, text=False), book, as_of=AS_OF)
    assert result.schema == spark.createDataFrame([], SPARK_DDL).schema
    assert Counter(tuple(_plain(v) for v in row) for row in result.collect()) == expected
    # opened_at as ISO text with offsets: evaluate_spark sorts it by instant
    result = evaluate_spark(spark_cases(spark, cases, text=True), book, as_of=AS_OF)
    assert Counter(tuple(_plain(v) for v in row) for row in result.collect()) == expected
    # the documented pipeline, by hand
    fn = spark_evaluator(book, as_of=AS_OF)
    by_hand = (
        spark_cases(spark, cases, text=False)
        .repartition("account")
        .sortWithinPartitions("opened_at", "id")
        .mapInPandas(fn, schema=SPARK_DDL)
    )
    assert Counter(tuple(_plain(v) for v in row) for row in by_hand.collect()) == expected
