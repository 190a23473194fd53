"""A monthly SLA-compliance job on Spark: the alarm company's cases, through ``mapInPandas``.

The same job as ``monthly_compliance_dask.py`` (whose seeded case generator
it uses), on a local Spark session:

1. the cases are a Spark DataFrame (the columns of ``cases.csv``, ``opened_at``
   a TIMESTAMP, ``history`` as JSON text), as read from Parquet;
2. ``evaluate_spark`` repartitions them by account, sorts each partition by
   opening time and maps the evaluator over it with ``mapInPandas``, the
   coverage book broadcast once (``SPARK_DDL`` is the output schema);
3. the monthly compliance report is made from the rows, and checked against
   ``compliance`` over the cases in one process.

    python examples/monthly_compliance_spark.py                  # 500 cases on local[2]
    python examples/monthly_compliance_spark.py --cases 100000 --master 'local[4]'

Needs the ``spark`` extra (``pip install 'entitlements[spark]'``) and Java
(8, 11 or 17) on PATH; without them it says so and exits. The session is set
up as the documentation asks: the workers' Python is this one
(``PYSPARK_PYTHON``), the session time zone is UTC, Arrow is on.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import time
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_alarm_sites import generate_book
from monthly_compliance_dask import AS_OF, case_records, generate_cases

from entitlements import compliance
from entitlements.batch import ResultRow, compliance_from_rows

#: The cases DataFrame's columns (built from records here; usually ``spark.read.parquet``).
CASES_DDL = (
    "id STRING, account STRING, asset STRING, component STRING, product STRING, "
    "channel STRING, priority STRING, opened_at TIMESTAMP, worked STRING, history STRING"
)


def missing() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: pip install 'entitlements[spark]'"
    if shutil.which("java") is None:
        return "no Java on PATH (Spark needs a JVM: Java 8, 11 or 17)"
    return None


def spark_row(row: Any) -> ResultRow:
    """A collected Spark row as a ``ResultRow`` (timestamps come back naive, in UTC)."""
    values = row.asDict()
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = value.replace(tzinfo=UTC)
    return ResultRow(**values)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500, help="how many cases (500)")
    parser.add_argument("--master", default="local[2]", help="the Spark master (local[2])")
    args = parser.parse_args(argv)
    reason = missing()
    if reason is not None:
        print(f"monthly compliance on Spark skipped: {reason}")
        return

    from pyspark.sql import SparkSession

    from entitlements.batch import evaluate_spark

    started = time.perf_counter()
    book = generate_book(2500)
    cases = generate_cases(book, args.cases)
    records = case_records(cases)
    for record, case in zip(records, cases, strict=True):
        record["opened_at"] = case.opened_at  # an aware datetime: a TIMESTAMP in Spark
    names = [column.split()[0] for column in CASES_DDL.split(", ")]
    took = time.perf_counter() - started
    print(f"{len(cases):,} cases on {len(book.assets):,} sites ({took:.1f} s)")

    started = time.perf_counter()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers run this Python
    with warnings.catch_warnings():
        # pyspark 3.5 checks pandas' version with distutils' LooseVersion (deprecated), and
        # leaves the sockets it collects through to the garbage collector
        warnings.filterwarnings("ignore", "distutils Version classes", DeprecationWarning)
        warnings.filterwarnings("ignore", "unclosed <socket", ResourceWarning)
        warnings.filterwarnings(
            "ignore", "PySpark does not yet fully support pandas", FutureWarning
        )
        spark = (
            SparkSession.builder.master(args.master)
            .appName("entitlements-monthly-compliance")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        try:
            spark.sparkContext.setLogLevel("ERROR")
            frame = spark.createDataFrame([tuple(r[n] for n in names) for r in records], CASES_DDL)
            result = evaluate_spark(frame, book, as_of=AS_OF)  # SPARK_DDL, lazily
            rows = [spark_row(row) for row in result.collect()]
        finally:
            spark.stop()
            gc.collect()  # its sockets, while their warning is ignored
    elapsed = time.perf_counter() - started
    print(f"evaluated on Spark {args.master}: {len(rows):,} rows in {elapsed:.1f} s")

    report = compliance_from_rows(rows, book, period="month")
    assert report == compliance(book, cases, AS_OF, period="month")  # as in one process
    worst = sorted(
        (row for row in report.rows if row.compliance is not None and row.total >= 3),
        key=lambda row: (row.compliance, row.account, row.period),
    )[:8]
    print(f"\n{report.title}: {len(report.rows):,} rows; the least compliant (3+ milestones):")
    print("account   month    milestones  met  met late  violated  compliance")
    for row in worst:
        print(
            f"{row.account:<9} {row.period:<8} {row.total:>10}  {row.met:>3}  "
            f"{row.met_late:>8}  {row.violated:>8}  {row.compliance:>9.1f}%"
        )


if __name__ == "__main__":
    main()
