"""`entitlements evaluate DATA CASES --out FOLDER`: part files equal to the plain loop's rows."""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from entitlements.batch import evaluate_partition  # noqa: E402
from entitlements.batch._frames import rows_to_arrow  # noqa: E402
from entitlements.batch._schema import arrow_schema  # noqa: E402
from entitlements.cli import main  # noqa: E402
from entitlements.io import cases_to_dicts, load_book, load_cases  # noqa: E402

ALARM = Path(__file__).resolve().parents[1] / "examples" / "data" / "alarm_company"
AS_OF = "2026-01-03T00:00:00+00:00"


def _ordered():
    cases = load_cases(ALARM / "cases.csv")
    return sorted(cases, key=lambda c: (c.opened_at, c.id))


def _records(cases):
    records = cases_to_dicts(cases)
    for record in records:  # instants as Arrow timestamps, durations as µs
        record["opened_at"] = datetime.fromisoformat(record["opened_at"])
        record.pop("worked", None)
        record["worked_us"] = 0
    return records


def _write_parquet(path: Path, cases) -> Path:
    pq.write_table(pa.Table.from_pylist(_records(cases)), path)
    return path


def _expected(as_of: str = AS_OF):
    book = load_book(ALARM)
    rows = list(evaluate_partition(_ordered(), book, as_of=datetime.fromisoformat(as_of)))
    return pa.Table.from_batches([rows_to_arrow(rows)], schema=arrow_schema())


def _read(folder: Path):
    files = sorted(folder.glob("part-*.parquet"))
    assert files, "no part files"
    return pa.concat_tables([pq.read_table(f) for f in files]), files


def test_a_parquet_file_gives_the_rows_of_the_loop(tmp_path, capsys):
    source = _write_parquet(tmp_path / "cases.parquet", _ordered())
    out = tmp_path / "results"
    argv = ["evaluate", str(ALARM), str(source), "--out", str(out), "--as-of", AS_OF]
    assert main([*argv, "--batch-size", "2", "--rows-per-file", "5"]) == 0
    table, files = _read(out)
    expected = _expected()
    assert table.schema == arrow_schema()
    assert table.equals(expected)
    assert [f.name for f in files] == [f"part-{i:05d}.parquet" for i in range(len(files))]
    assert len(files) == -(-expected.num_rows // 5)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no partial file left
    err = capsys.readouterr().err
    assert f"13 cases read, {expected.num_rows} rows written" in err


def test_a_folder_of_parquet_files_is_read_in_name_order(tmp_path, capsys):
    cases = _ordered()
    folder = tmp_path / "in"
    folder.mkdir()
    _write_parquet(folder / "a.parquet", cases[:6])
    _write_parquet(folder / "b.parquet", cases[6:])
    out = tmp_path / "out"
    assert main(["evaluate", str(ALARM), str(folder), "--out", str(out), "--as-of", AS_OF]) == 0
    assert _read(out)[0].equals(_expected())
    assert capsys.readouterr().err


def test_a_csv_cases_file_sorted_gives_the_rows_of_the_loop(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["evaluate", str(ALARM), str(ALARM / "cases.csv"), "--out", str(out)]
    assert main([*argv, "--as-of", AS_OF, "--sort", "--quiet"]) == 0
    assert _read(out)[0].equals(_expected())
    assert capsys.readouterr().err == ""


def test_without_as_of_the_last_event_of_the_cases_is_used(tmp_path):
    cases = _ordered()
    source = _write_parquet(tmp_path / "cases.parquet", cases)
    out = tmp_path / "out"
    assert main(["evaluate", str(ALARM), str(source), "--out", str(out), "--quiet"]) == 0
    last = max((c.history[-1].at if c.history else c.opened_at) for c in cases)
    assert _read(out)[0].equals(_expected(last.isoformat()))


def test_csv_part_files(tmp_path):
    source = _write_parquet(tmp_path / "cases.parquet", _ordered())
    out = tmp_path / "out"
    argv = ["evaluate", str(ALARM), str(source), "--out", str(out), "--as-of", AS_OF]
    assert main([*argv, "--format", "csv", "--rows-per-file", "4", "--quiet"]) == 0
    rows = []
    for path in sorted(out.glob("part-*.csv")):
        with path.open(encoding="utf-8", newline="") as stream:
            rows += list(csv.DictReader(stream))
    expected = _expected().to_pylist()
    assert [r["case"] for r in rows] == [r["case"] for r in expected]
    assert list(rows[0]) == arrow_schema().names
    first = expected[0]
    assert rows[0]["opened_at"] == first["opened_at"].isoformat()
    assert rows[0]["covered"] == ("true" if first["covered"] else "false")


def test_no_cases_give_one_empty_part_file_with_the_schema(tmp_path):
    source = tmp_path / "none.parquet"
    pq.write_table(pa.Table.from_pylist(_records(_ordered()))[:0], source)
    out = tmp_path / "out"
    argv = ["evaluate", str(ALARM), str(source), "--out", str(out), "--as-of", AS_OF]
    assert main([*argv, "--quiet"]) == 0
    table, files = _read(out)
    assert len(files) == 1
    assert table.num_rows == 0
    assert table.schema == arrow_schema()


# -- bad input: exit 2, a located message, no traceback, no part files -------------------------


def _fails(argv, capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("entitlements: error: ")
    return err


def test_cases_out_of_order_are_refused_with_the_case_and_file(tmp_path, capsys):
    cases = _ordered()
    swapped = [cases[1], cases[0], *cases[2:]]
    source = _write_parquet(tmp_path / "cases.parquet", swapped)
    out = tmp_path / "out"
    argv = ["evaluate", str(ALARM), str(source), "--out", str(out), "--as-of", AS_OF]
    err = _fails(argv, capsys)
    assert str(source) in err
    assert repr(cases[0].id) in err
    assert "--sort" in err
    assert list(out.iterdir()) == []


def test_a_bad_record_is_located(tmp_path, capsys):
    records = _records(_ordered())
    records[3]["opened_at"] = records[3]["opened_at"].replace(tzinfo=None).isoformat()
    for record in records:
        record["opened_at"] = str(record["opened_at"])
    source = tmp_path / "cases.parquet"
    pq.write_table(pa.Table.from_pylist(records), source)
    argv = ["evaluate", str(ALARM), str(source), "--out", str(tmp_path / "o"), "--as-of", AS_OF]
    err = _fails(argv, capsys)
    assert str(source) in err
    assert f"record 3 (id {records[3]['id']!r})" in err
    assert "opened_at" in err


def test_an_unknown_column_is_refused(tmp_path, capsys):
    records = _records(_ordered())
    for record in records:
        record["colour"] = "blue"
    source = tmp_path / "cases.parquet"
    pq.write_table(pa.Table.from_pylist(records), source)
    argv = ["evaluate", str(ALARM), str(source), "--out", str(tmp_path / "o"), "--as-of", AS_OF]
    err = _fails(argv, capsys)
    assert "'colour'" in err
    assert str(source) in err


def test_a_file_that_is_not_parquet(tmp_path, capsys):
    source = tmp_path / "cases.parquet"
    source.write_text("not parquet", encoding="utf-8")
    argv = ["evaluate", str(ALARM), str(source), "--out", str(tmp_path / "o"), "--as-of", AS_OF]
    err = _fails(argv, capsys)
    assert f"{source}: cannot be read as Parquet" in err


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.parquet", "no such file or folder"), ("cases.txt", "unknown kind of cases file")],
)
def test_a_cases_path_that_cannot_be_used(tmp_path, capsys, name, message):
    if name == "cases.txt":
        (tmp_path / name).write_text("x", encoding="utf-8")
    argv = ["evaluate", str(ALARM), str(tmp_path / name), "--out", str(tmp_path / "o")]
    assert message in _fails([*argv, "--as-of", AS_OF], capsys)


def test_an_out_folder_with_part_files_is_refused(tmp_path, capsys):
    source = _write_parquet(tmp_path / "cases.parquet", _ordered())
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-00000.parquet").write_bytes(b"old")
    argv = ["evaluate", str(ALARM), str(source), "--out", str(out), "--as-of", AS_OF]
    assert "already holds part files" in _fails(argv, capsys)
    assert (out / "part-00000.parquet").read_bytes() == b"old"


def test_a_naive_as_of_is_refused(tmp_path, capsys):
    source = _write_parquet(tmp_path / "cases.parquet", _ordered())
    argv = ["evaluate", str(ALARM), str(source), "--out", str(tmp_path / "o")]
    assert "no UTC offset" in _fails([*argv, "--as-of", "2026-01-03T00:00:00"], capsys)


def test_without_pyarrow_the_install_hint(tmp_path, capsys, monkeypatch):
    source = _write_parquet(tmp_path / "cases.parquet", _ordered())
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    argv = ["evaluate", str(ALARM), str(source), "--out", str(tmp_path / "o"), "--as-of", AS_OF]
    err = _fails(argv, capsys)
    assert "needs pyarrow" in err
    assert "pip install 'entitlements[arrow]'" in err
    # CSV in and CSV out need no pyarrow
    csv_argv = ["evaluate", str(ALARM), str(ALARM / "cases.csv"), "--out", str(tmp_path / "c")]
    assert main([*csv_argv, "--format", "csv", "--sort", "--quiet", "--as-of", AS_OF]) == 0
    assert (tmp_path / "c" / "part-00000.csv").is_file()
