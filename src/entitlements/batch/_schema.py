"""The published output schema of batch evaluation, from one definition.

:data:`COLUMNS` lists every column of a :class:`~entitlements.batch.ResultRow`
with its logical type; the engine schemas are derived from it, so they can
never disagree:

* :func:`arrow_schema` -- a ``pyarrow.Schema`` (the ``arrow`` extra);
* :data:`SPARK_DDL` -- a Spark DDL string for ``mapInPandas``/``createDataFrame``;
* :data:`PANDAS_DTYPES` -- column name to pandas dtype (nullable dtypes).

Logical types: ``string``; ``bool``; ``int64`` (counts, and durations as whole
microseconds, named ``*_us``); ``date`` (a local date); ``timestamp`` (an
instant, microseconds, UTC).
"""

from __future__ import annotations

from typing import Any, Literal

from attrs import frozen

from entitlements.errors import MissingDependencyError

__all__ = ["COLUMNS", "PANDAS_DTYPES", "SPARK_DDL", "Column", "arrow_schema"]

Kind = Literal["string", "bool", "int64", "date", "timestamp"]


@frozen
class Column:
    """One output column: its name, logical type, whether it may be null, and what it holds."""

    name: str
    kind: Kind
    nullable: bool
    doc: str


COLUMNS: tuple[Column, ...] = (
    Column("case", "string", False, "the case id"),
    Column("account", "string", False, "the account id"),
    Column("opened_at", "timestamp", False, "when the case was opened"),
    Column("channel", "string", False, "how it came in"),
    Column("asset", "string", True, "the asset it concerns"),
    Column("component", "string", True, "the component of the asset it concerns"),
    Column("product", "string", True, "the product it concerns when no asset is named"),
    Column("priority", "string", False, "its priority as of as_of"),
    Column("covered", "bool", False, "whether an entitlement covers it"),
    Column("entitlement", "string", True, "the covering entitlement's id"),
    Column("contract", "string", True, "the covering entitlement's contract"),
    Column("process", "string", True, "the SLA process that applies"),
    Column("reason", "string", True, "why not covered (a Reason value)"),
    Column("action", "string", True, "the suggested action when not covered"),
    Column("detail", "string", False, "the resolver's one-line account of the decision"),
    Column("lead", "string", True, "when not covered, the entitlement that explains it best"),
    Column("expired_on", "date", True, "when not covered as expired, the end of the coverage"),
    Column("starts_on", "date", True, "when not covered as not yet active, its start"),
    Column("worked_us", "int64", False, "time worked on the case, in µs"),
    Column("refused", "string", True, "';'-joined ids of entitlements whose allowance was used up"),
    Column("milestone", "string", True, "the milestone's name; null for a case without one"),
    Column("instance", "int64", True, "1 for a milestone's first instance"),
    Column("start", "timestamp", True, "when the instance started"),
    Column("due", "timestamp", True, "the deadline without pauses"),
    Column("target", "timestamp", True, "the deadline moved by pauses; null while paused"),
    Column("state", "string", True, "open, met, met late, violated or cancelled"),
    Column("ended_at", "timestamp", True, "when it was completed or cancelled"),
    Column("budget_us", "int64", True, "the business time the target allows, in µs"),
    Column("used_us", "int64", True, "business time used, in µs"),
    Column("paused_us", "int64", True, "business time held back by pauses, in µs"),
    Column("remaining_us", "int64", True, "budget minus used, in µs; negative once over"),
)

_SPARK = {
    "string": "STRING",
    "bool": "BOOLEAN",
    "int64": "BIGINT",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}
_PANDAS = {
    "string": "string",
    "bool": "boolean",
    "int64": "Int64",
    "date": "object",  # datetime.date values (pandas has no nullable date dtype)
    "timestamp": "datetime64[us, UTC]",
}

#: The schema as a Spark DDL string (every column nullable, as Arrow batches from pandas are).
SPARK_DDL: str = ", ".join(f"`{c.name}` {_SPARK[c.kind]}" for c in COLUMNS)

#: Column name to pandas dtype: nullable extension dtypes, instants as UTC microseconds.
PANDAS_DTYPES: dict[str, str] = {c.name: _PANDAS[c.kind] for c in COLUMNS}


def arrow_schema() -> Any:
    """The schema as a ``pyarrow.Schema`` (needs the ``arrow`` extra).

    Raises:
        MissingDependencyError: pyarrow is not installed.
    """
    try:
        import pyarrow as pa
    except ImportError:
        raise MissingDependencyError(
            "arrow_schema needs pyarrow: pip install 'entitlements[arrow]'"
        ) from None
    types = {
        "string": pa.string(),
        "bool": pa.bool_(),
        "int64": pa.int64(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    return pa.schema([pa.field(c.name, types[c.kind], nullable=c.nullable) for c in COLUMNS])
