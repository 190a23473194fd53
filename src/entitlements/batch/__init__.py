"""Batch evaluation of many cases: one partition-level entry point, a published schema.

The core stays pure and engine-free: :func:`evaluate_partition` turns an
iterable of cases into flat :class:`ResultRow` s, and :data:`COLUMNS` is the one
definition of their schema, published as a pyarrow schema
(:func:`arrow_schema`), a Spark DDL string (:data:`SPARK_DDL`) and pandas
dtypes (:data:`PANDAS_DTYPES`). Engines (pandas, Arrow, multiprocessing, Dask,
Spark) plug in around it; put all the cases of an account in one partition.
:func:`compliance_from_rows`, :func:`usage_from_rows` and
:func:`non_entitled_from_rows` turn evaluated rows into the same report
tables a local run gives.
"""

from entitlements.batch._dask import evaluate_dask
from entitlements.batch._frames import (
    CASE_COLUMNS,
    cases_from_records,
    evaluate_arrow,
    evaluate_pandas,
    rows_to_arrow,
    rows_to_pandas,
)
from entitlements.batch._parallel import evaluate_parallel, partition_by_account
from entitlements.batch._partition import ResultRow, evaluate_partition
from entitlements.batch._reports import (
    compliance_from_rows,
    non_entitled_from_rows,
    usage_from_rows,
)
from entitlements.batch._schema import COLUMNS, PANDAS_DTYPES, SPARK_DDL, Column, arrow_schema
from entitlements.batch._spark import evaluate_spark, spark_evaluator

__all__ = [
    "CASE_COLUMNS",
    "COLUMNS",
    "PANDAS_DTYPES",
    "SPARK_DDL",
    "Column",
    "ResultRow",
    "arrow_schema",
    "cases_from_records",
    "compliance_from_rows",
    "evaluate_arrow",
    "evaluate_dask",
    "evaluate_pandas",
    "evaluate_parallel",
    "evaluate_partition",
    "evaluate_spark",
    "non_entitled_from_rows",
    "partition_by_account",
    "rows_to_arrow",
    "rows_to_pandas",
    "spark_evaluator",
    "usage_from_rows",
]
