"""Batch evaluation with pandas and Arrow: cases in, typed result rows out."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings

from entitlements import Case, CaseEvent
from entitlements.batch import COLUMNS, PANDAS_DTYPES, arrow_schema, evaluate_partition
from entitlements.batch._frames import (
    CASE_COLUMNS,
    cases_from_records,
    evaluate_arrow,
    evaluate_pandas,
    rows_to_arrow,
    rows_to_pandas,
)
from entitlements.errors import LoadError, MissingDependencyError, ModelError
from entitlements.io import cases_to_dicts
from entitlements.io._cases import case_to_dict
from report_strategies import report_scenarios
from test_batch import AS_OF, alarm_book, alarm_cases

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

NAMES = [column.name for column in COLUMNS]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def sample():
    book = alarm_book()
    cases = alarm_cases(book, 600, seed=5)
    return book, cases, list(evaluate_partition(cases, book, as_of=AS_OF))


def opening(cases: list[Case]) -> list[Case]:
    return sorted(cases, key=lambda case: (case.opened_at, case.id))


def typed_frame(cases: list[Case]):
    """A frame as an analyst holds it: instants as tz-aware datetimes, durations as timedeltas."""
    records = []
    for case in cases:
        record = case_to_dict(case)
        record["opened_at"] = case.opened_at.astimezone(PARIS)
        record["worked"] = case.worked
        record["history"] = [
            {"at": event.at, "kind": event.kind.value, "value": event.value or None}
            for event in case.history
        ]
        records.append(record)
    frame = pd.DataFrame(records)
    frame["opened_at"] = pd.to_datetime(frame["opened_at"], utc=True).dt.tz_convert(PARIS)
    frame["worked"] = pd.to_timedelta(frame["worked"])
    return frame


# -- rows out ------------------------------------------------------------------------------


def test_rows_to_pandas_has_the_published_columns_and_dtypes(sample):
    _, _, rows = sample
    for frame in (rows_to_pandas(rows), rows_to_pandas([]), rows_to_pandas(iter(rows[:3]))):
        assert list(frame.columns) == NAMES
        assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == {
            name: str(pd.Series([], dtype=PANDAS_DTYPES[name]).dtype) for name in NAMES
        }
    frame = rows_to_pandas(rows)
    assert len(frame) == len(rows)
    first = rows[0]
    for name in NAMES:
        value = frame[name].iloc[0]
        expected = getattr(first, name)
        if expected is None:
            assert value is None or pd.isna(value)
        else:
            assert value == expected


def test_rows_to_arrow_has_the_published_schema(sample):
    _, _, rows = sample
    batch = rows_to_arrow(rows)
    assert batch.schema == arrow_schema()
    assert batch.num_rows == len(rows)
    assert batch.to_pylist() == [attrs.asdict(row) for row in rows]
    empty = rows_to_arrow([])
    assert empty.schema == arrow_schema()
    assert empty.num_rows == 0


# -- cases in ------------------------------------------------------------------------------


@settings(max_examples=20)
@given(report_scenarios())
def test_cases_from_records_reads_dumped_and_typed_records(scenario):
    _, cases, _ = scenario
    assert list(cases_from_records(cases_to_dicts(cases))) == cases
    typed = [
        {
            **case_to_dict(case),
            "opened_at": pd.Timestamp(case.opened_at),
            "worked": pd.Timedelta(case.worked),
            "history": json.dumps(case_to_dict(case)["history"]),
        }
        for case in cases
    ]
    assert list(cases_from_records(typed)) == cases


def test_cases_from_records_value_forms():
    opened = datetime(2025, 7, 3, 16, 10, tzinfo=ZoneInfo("America/New_York"))
    expected = Case(
        id="1001",
        account="ACC-1",
        channel="phone",
        opened_at=opened,
        worked=timedelta(minutes=90),
        history=[CaseEvent(at=opened + timedelta(hours=1), kind="closed")],
    )
    base = {"id": "1001", "account": "ACC-1", "channel": "phone", "opened_at": opened}
    history = [{"at": opened + timedelta(hours=1), "kind": "closed", "value": None}]
    records = [
        {**base, "worked": timedelta(minutes=90), "history": history},
        {
            **base,
            "worked": "1h30m",
            "history": json.dumps(cases_to_dicts([expected])[0]["history"]),
        },
        {**base, "worked_us": 5_400_000_000, "worked": None, "history": history},
        {**base, "worked_us": 5.4e9, "history": history, "id": 1001},  # an id column read as ints
        {
            **base,
            "opened_at": pd.Timestamp(opened).tz_convert("UTC"),
            "worked": pd.Timedelta(minutes=90),
            "history": pd.Series([history]).iloc[0],
            "asset": math.nan,
            "component": pd.NA,
            "product": None,
            "priority": "",
        },
        {**base, "opened_at": opened.isoformat(), "worked": "1h30m", "history": history},
    ]
    assert list(cases_from_records(records)) == [expected] * len(records)
    bare = {**base, "history": "", "worked": pd.NaT}
    assert list(cases_from_records([bare])) == [
        attrs.evolve(expected, worked=timedelta(0), history=())
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"opened_at": datetime(2025, 1, 1, 9)}, r"record 1 \(id 'K2'\): \$\.opened_at: .*naive"),
        ({"opened_at": pd.Timestamp("2025-01-01 09:00")}, r"\$\.opened_at: .*naive"),
        ({"opened_at": "2025-01-01T09:00:00"}, r"\$\.opened_at: '2025-01-01T09:00:00' has no UTC"),
        ({"colour": "red"}, r"record 1 \(id 'K2'\): \$: unknown field 'colour'"),
        ({"account": None}, r"\$: missing required field 'account'"),
        ({"worked": timedelta(hours=-1)}, r"\$\.worked: .* is negative"),
        ({"worked_us": 10, "worked": "1h"}, r"\$\.worked_us: give worked or worked_us, not both"),
        ({"worked_us": "10"}, r"\$\.worked_us: '10' is not a whole number of microseconds"),
        ({"history": "[{"}, r"\$\.history: '\[\{' is not a JSON list of events"),
        ({"history": {"kind": "closed"}}, r"\$\.history: .*"),
        ({"worked_us": True}, r"\$\.worked_us: true is not a whole number of microseconds"),
        (
            {"history": [{"at": datetime(2025, 1, 1, 10), "kind": "closed"}]},
            r"\$\.history\[0\]\.at: .*naive",
        ),
        ({"history": [{"at": "2024-01-01T00:00:00+00:00", "kind": "closed"}]}, r"history\[0\]"),
    ],
)
def test_cases_from_records_names_the_record_and_field(change, message):
    good = {"id": "K1", "account": "A", "channel": "web", "opened_at": AS_OF}
    records = iter([good, {**good, "id": "K2", **change}])
    cases = cases_from_records(records)
    assert next(cases).id == "K1"  # read one at a time: the first is fine
    with pytest.raises(LoadError, match=message):
        next(cases)


# -- evaluate_pandas -----------------------------------------------------------------------


def test_evaluate_pandas_equals_the_loop_for_dumped_and_typed_frames(sample):
    book, cases, rows = sample
    expected = rows_to_pandas(rows)
    dumped = pd.DataFrame(cases_to_dicts(cases))
    pd.testing.assert_frame_equal(evaluate_pandas(dumped, book, as_of=AS_OF), expected)
    typed = typed_frame(cases).sample(frac=1, random_state=3)  # any order, any index
    pd.testing.assert_frame_equal(evaluate_pandas(typed, book, as_of=AS_OF), expected)
    subset = typed[["id", "account", "asset", "channel", "priority", "opened_at"]]
    plain = [attrs.evolve(c, worked=timedelta(0), history=()) for c in cases]
    pd.testing.assert_frame_equal(
        evaluate_pandas(subset, book, as_of=AS_OF),
        rows_to_pandas(evaluate_partition(plain, book, as_of=AS_OF)),
    )


def test_evaluate_pandas_reads_a_frame_from_arrow(sample):
    """Parquet read into pandas: history is a numpy array of event dicts, gaps are None/NaN."""
    book, cases, rows = sample
    table = pa.Table.from_pandas(typed_frame(cases), preserve_index=False)
    frame = table.to_pandas()
    assert any(hasattr(h, "tolist") and len(h) for h in frame["history"])
    pd.testing.assert_frame_equal(evaluate_pandas(frame, book, as_of=AS_OF), rows_to_pandas(rows))


def test_cases_from_records_refuses_a_record_that_is_not_a_mapping():
    with pytest.raises(LoadError, match=r"record 0: \$: .*"):
        list(cases_from_records([["K1", "A"]]))  # type: ignore[list-item]


def test_evaluate_pandas_refuses_bad_frames(sample):
    book, cases, _ = sample
    frame = pd.DataFrame(cases_to_dicts(cases[:5]))
    with pytest.raises(LoadError, match="cases frame: unknown column 'colour'"):
        evaluate_pandas(frame.assign(colour="red"), book, as_of=AS_OF)
    with pytest.raises(LoadError, match="cases frame: missing required column 'opened_at'"):
        evaluate_pandas(frame.drop(columns="opened_at"), book, as_of=AS_OF)
    with pytest.raises(LoadError, match="'worked' and 'worked_us' both given"):
        evaluate_pandas(frame.assign(worked_us=0), book, as_of=AS_OF)
    naive = frame.assign(
        opened_at=pd.to_datetime(frame["opened_at"], utc=True).dt.tz_localize(None)
    )
    with pytest.raises(LoadError, match=r"record 0 \(id '.*'\): \$\.opened_at: .*naive"):
        evaluate_pandas(naive, book, as_of=AS_OF)
    with pytest.raises(ModelError, match="appears twice"):
        evaluate_pandas(pd.concat([frame, frame.iloc[:1]]), book, as_of=AS_OF)
    with pytest.raises(TypeError, match="is not a pandas DataFrame"):
        evaluate_pandas(cases_to_dicts(cases[:5]), book, as_of=AS_OF)


# -- evaluate_arrow ------------------------------------------------------------------------


def test_evaluate_arrow_streams_sorted_batches_in_bounded_batches(sample):
    book, cases, rows = sample
    table = pa.Table.from_pandas(typed_frame(opening(cases)), preserve_index=False)
    batches = table.to_batches(max_chunksize=70)
    assert len(batches) > 5
    out = list(evaluate_arrow(iter(batches), book, as_of=AS_OF, batch_size=128))
    assert all(batch.schema == arrow_schema() for batch in out)
    assert [batch.num_rows for batch in out[:-1]] == [128] * (len(out) - 1)
    assert 0 < out[-1].num_rows <= 128
    assert pa.Table.from_batches(out).equals(pa.Table.from_batches([rows_to_arrow(rows)]))


def test_evaluate_arrow_sorts_a_table_or_batch(sample):
    book, cases, rows = sample
    expected = pa.Table.from_batches([rows_to_arrow(rows)])
    table = pa.Table.from_pylist(cases_to_dicts(cases))  # text columns, in no order
    for data in (table, table.combine_chunks().to_batches()[0]):
        out = list(evaluate_arrow(data, book, as_of=AS_OF))
        assert len(out) == 1
        assert pa.Table.from_batches(out).equals(expected)
    early = datetime(2024, 1, 1, tzinfo=UTC)
    assert list(evaluate_arrow(table, book, as_of=early)) == []


def test_evaluate_arrow_errors(sample, monkeypatch):
    book, cases, _ = sample
    table = pa.Table.from_pylist(cases_to_dicts(cases[:50]))
    with pytest.raises(ModelError, match="must come in the order they were opened"):
        list(evaluate_arrow(table.to_batches(max_chunksize=10), book, as_of=AS_OF))
    with pytest.raises(LoadError, match="cases batch: unknown column 'colour'"):
        evaluate_arrow(table.append_column("colour", pa.array(["red"] * 50)), book, as_of=AS_OF)
    with pytest.raises(LoadError, match="cases batch: missing required column 'id'"):
        list(evaluate_arrow(table.drop_columns(["id"]).to_batches(), book, as_of=AS_OF))
    with pytest.raises(LoadError, match="cases batch: unknown column 'colour'"):
        list(
            evaluate_arrow(table.append_column("colour", pa.array(["red"] * 50)), book, as_of=AS_OF)
        )
    with pytest.raises(TypeError, match=r"is not a pyarrow\.RecordBatch"):
        list(evaluate_arrow([table], book, as_of=AS_OF))
    for size in (0, -5, 2.5):
        with pytest.raises(ValueError, match=r"batch_size: .* is not a positive integer"):
            evaluate_arrow(table, book, as_of=AS_OF, batch_size=size)


# -- optional dependencies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "extra", "call"),
    [
        ("pandas", "pandas", lambda book: rows_to_pandas([])),
        ("pandas", "pandas", lambda book: evaluate_pandas(None, book, as_of=AS_OF)),
        ("pyarrow", "arrow", lambda book: rows_to_arrow([])),
        ("pyarrow", "arrow", lambda book: evaluate_arrow([], book, as_of=AS_OF)),
    ],
)
def test_missing_extras_name_the_extra(module, extra, call, monkeypatch, sample):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependencyError, match=rf"pip install 'entitlements\[{extra}\]'"):
        call(sample[0])


def test_importing_the_batch_package_needs_neither_pandas_nor_pyarrow():
    code = (
        "import sys, entitlements.batch, entitlements.batch._frames, entitlements.batch._parallel;"
        "print(sorted({'pandas', 'pyarrow'} & set(sys.modules)))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_case_columns_are_the_csv_fields_and_two_more():
    assert CASE_COLUMNS[-2:] == ("worked_us", "history")
    assert CASE_COLUMNS[:-2] == tuple(case_to_dict(alarm_cases(alarm_book(), 1)[0]))[:-1]
