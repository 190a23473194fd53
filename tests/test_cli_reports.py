"""The `entitlements` subcommands: validate, resolve, track and the reports."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from entitlements.cli import main
from entitlements.reports import ComplianceRow, Report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "data"
ALARM = str(EXAMPLES / "alarm_company")
MARINE = str(EXAMPLES / "marine")
IMAGING = str(EXAMPLES / "imaging" / "book.json")


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- validate --------------------------------------------------------------------------------


def test_validate_summarises_a_good_book(capsys: pytest.CaptureFixture[str]):
    assert main(["validate", ALARM]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("ok: ")
    assert "4 accounts, 25 assets" in out
    assert "13 cases in cases.csv (6 covered)" in out


def test_validate_reports_every_problem_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = _copy("alarm_company", tmp_path)
    _replace(folder / "contracts.csv", "2025-12-31", "2025-02-30")
    _replace(folder / "cases.csv", "2025-07-03T16:10:00-04:00", "2025-07-03T16:10:00")
    assert main(["validate", str(folder)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "contracts.csv line 2, column end: '2025-02-30' is not a date" in captured.err
    assert "cases.csv line 2, column opened_at:" in captured.err
    assert "Traceback" not in captured.err


def test_validate_replays_histories_and_finds_an_unknown_milestone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = _copy("alarm_company", tmp_path)
    _replace(folder / "cases_events.csv", "completed,On-site Arrival", "completed,Onsite Arival")
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "case 'ALM-1001'" in err
    assert "Onsite Arival" in err


# -- resolve and track -----------------------------------------------------------------------


def test_resolve_gives_each_case_its_reason_and_action(capsys: pytest.CaptureFixture[str]):
    assert main(["resolve", ALARM, "--format", "csv"]) == 0
    rows = {row["case"]: row for row in _rows(capsys.readouterr().out)}
    assert len(rows) == 13
    assert rows["ALM-1001"]["entitlement"] == "ENT-00001"
    assert rows["ALM-1001"]["covered"] == "true"
    assert rows["ALM-1002"]["reason"] == "expired"
    assert rows["ALM-1002"]["action"] == "renew"
    assert rows["ALM-1002"]["expired_on"] == "2025-12-31"
    assert rows["ALM-1012"]["reason"] == "allowance_used_up"  # the cases before it used it up


def test_resolve_one_case_explained(capsys: pytest.CaptureFixture[str]):
    assert main(["resolve", IMAGING, "--case", "IMG-2002", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "Case 'IMG-2002'" in out
    assert "component_not_covered" in out
    assert "suggested action: upsell" in out
    assert "IMG-2001" not in out


def test_resolve_json_and_out_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    target = tmp_path / "decisions.json"
    assert main(["resolve", MARINE, "--format", "json", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    rows = {row["case"]: row for row in json.loads(target.read_text(encoding="utf-8"))}
    assert rows["MAR-3002"]["entitlement"] == "EWE-1188-R1"
    assert rows["MAR-3005"]["action"] == "renew"


def test_track_shows_milestones_and_the_trail(capsys: pytest.CaptureFixture[str]):
    assert main(["track", ALARM, "ALM-1003"]) == 0
    out = capsys.readouterr().out
    assert "covered by 'ENT-00003' (Platinum)" in out
    assert "On-site Arrival #1: met; target 2025-10-12T05:10:00-04:00" in out
    assert "paused: status 'waiting on customer'" in out


def test_track_as_csv_gives_the_audit_rows(capsys: pytest.CaptureFixture[str]):
    assert main(["track", ALARM, "ALM-1011", "--format", "csv"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert {row["case"] for row in rows} == {"ALM-1011"}
    assert [row["kind"] for row in rows if row["kind"] == "violated"] == ["violated"]


def test_track_an_unknown_case_exits_2(capsys: pytest.CaptureFixture[str]):
    assert main(["track", ALARM, "ALM-9999"]) == 2
    err = capsys.readouterr().err
    assert "cases.csv: no case 'ALM-9999'" in err


# -- reports ---------------------------------------------------------------------------------


def test_compliance_counts_per_account_and_month(capsys: pytest.CaptureFixture[str]):
    assert main(["report", "compliance", ALARM, "--format", "csv"]) == 0
    captured = capsys.readouterr()
    report = Report.from_csv(captured.out, ComplianceRow)
    rows = {(row.account, row.period): row for row in report}
    july = rows["ACC-0001", "2025-07"]
    assert (july.total, july.met, july.violated, july.compliance) == (2, 2, 0, 100.0)
    september = rows["ACC-0002", "2025-09"]
    assert (september.met, september.met_late, september.compliance) == (0, 1, 0.0)
    assert rows["ACC-0004", "2025-06"].violated == 1
    assert "entitlements: 13 cases read" in captured.err


def test_compliance_as_text_by_milestone(capsys: pytest.CaptureFixture[str]):
    arguments = ["report", "compliance", ALARM, "--period", "quarter", "--by-milestone"]
    assert main([*arguments, "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "as of 2026-01-01T16:10:00-05:00 (the last event of cases.csv)" in captured.out
    assert "SLA compliance by account and quarter and milestone" in captured.out
    line = next(x for x in captured.out.splitlines() if "2025-Q3" in x and "On-site" in x)
    assert line.startswith("ACC-0001")


def test_marine_renewal_list_within_90_days(capsys: pytest.CaptureFixture[str]):
    arguments = ["report", "expiring", MARINE, "--as-of", "2026-11-24", "--kinds", "contract"]
    assert main([*arguments, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ids = [row["id"] for row in rows]
    assert "EW-0107" in ids  # ends 2026-11-30
    assert "EW-0412" in ids  # ends 2027-02-09, 77 days on
    assert "EW-0033" not in ids  # ends 2027-03-14, 110 days on
    assert all(0 <= row["days_left"] <= 90 for row in rows)
    assert {row["kind"] for row in rows} == {"contract"}
    assert main([*arguments, "--within", "30", "--format", "json"]) == 0
    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == ["EW-0107"]


def test_expiring_defaults_to_the_last_case_instant_never_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["report", "expiring", MARINE]) == 0
    assert (
        "as of 2026-11-24T08:10:00-05:00 (the last event of cases.csv)" in capsys.readouterr().out
    )
    folder = _copy("marine", tmp_path)
    (folder / "cases.csv").unlink()
    assert main(["report", "expiring", str(folder)]) == 2
    assert "--as-of is needed" in capsys.readouterr().err


def test_usage_and_non_entitled(capsys: pytest.CaptureFixture[str]):
    assert main(["report", "usage", ALARM, "--format", "csv", "--quiet"]) == 0
    usage = {row["entitlement"]: row for row in _rows(capsys.readouterr().out)}
    assert usage["BASIC-0004"]["cases_over"] == "1"  # ALM-1012 turned away
    assert main(["report", "non-entitled", IMAGING, "--format", "json", "--quiet"]) == 0
    rows = {row["case"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["IMG-2002"]["reason"] == "component_not_covered"
    assert rows["IMG-2002"]["action"] == "upsell"
    assert rows["IMG-2003"]["action"] == "renew"
    assert "IMG-2001" not in rows


def test_audit_filtered_by_kind(capsys: pytest.CaptureFixture[str]):
    assert main(["report", "audit", ALARM, "--kinds", "violated,met-late", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "ALM-1008" in out
    assert "met late" in out
    assert "started" not in out


def test_a_corrupted_csv_cell_exits_2_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = _copy("alarm_company", tmp_path)
    _replace(
        folder / "cases.csv",
        "ALM-1004,ACC-0001,SITE-00005,,,phone",
        "ALM-1004,ACC-0001,SITE-00005,,,fax",
    )
    assert main(["report", "compliance", str(folder)]) == 2
    captured = capsys.readouterr()
    assert "cases.csv line 5, column channel: 'fax'" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_a_bad_as_of_exits_2(capsys: pytest.CaptureFixture[str]):
    assert main(["report", "usage", ALARM, "--as-of", "2025-07-03T17:00"]) == 2
    assert "has no UTC offset" in capsys.readouterr().err


# -- streaming -------------------------------------------------------------------------------


def _jsonl(tmp_path: Path, order: list[int]) -> Path:
    """The imaging cases as JSON Lines, in the order given (indexes into the file's list)."""
    cases = json.loads((EXAMPLES / "imaging" / "cases.json").read_text(encoding="utf-8"))
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(cases[i]) + "\n" for i in order), encoding="utf-8")
    return path


def _opening_order() -> list[int]:
    cases = json.loads((EXAMPLES / "imaging" / "cases.json").read_text(encoding="utf-8"))
    from datetime import datetime

    return sorted(range(len(cases)), key=lambda i: datetime.fromisoformat(cases[i]["opened_at"]))


def test_stream_gives_the_same_report_as_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    calls = str(_jsonl(tmp_path, _opening_order()))
    assert main(["report", "non-entitled", IMAGING, "--format", "csv", "--quiet"]) == 0
    listed = capsys.readouterr().out
    arguments = ["report", "non-entitled", IMAGING, "--cases", calls, "--format", "csv"]
    assert main([*arguments, "--stream"]) == 0
    captured = capsys.readouterr()
    assert sorted(_rows(captured.out), key=str) == sorted(_rows(listed), key=str)
    assert captured.err == "entitlements: 9 cases read\n"
    assert main(["report", "compliance", IMAGING, "--cases", calls, "--stream"]) == 0
    assert "HOSP-01" in capsys.readouterr().out


def test_stream_out_of_order_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    order = _opening_order()
    order[0], order[1] = order[1], order[0]
    calls = str(_jsonl(tmp_path, order))
    for report in ("compliance", "audit"):
        arguments = ["report", report, IMAGING, "--cases", calls, "--stream", "--quiet"]
        assert main([*arguments, "--format", "json", "--as-of", "2026-12-01T00:00:00Z"]) == 2
        err = capsys.readouterr().err
        assert "calls.jsonl" in err
        assert "must come in the order they were opened" in err
        assert "Traceback" not in err
    # the same file as a list: sorted for you
    assert main(["report", "compliance", IMAGING, "--cases", calls, "--quiet"]) == 0


# -- availability ----------------------------------------------------------------------------

OUTAGES = """id,start,end,service,description
O-1,2025-07-03T10:00:00+00:00,2025-07-03T11:00:00+00:00,api,database failover
O-2,2025-07-03T10:30:00+00:00,2025-07-03T11:30:00+00:00,api,the same incident again
O-3,2025-08-01T00:00:00+00:00,,api,still down
"""


def test_availability_per_month_with_credits(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    outages = tmp_path / "outages.csv"
    outages.write_text(OUTAGES, encoding="utf-8")
    arguments = ["report", "availability", str(outages), "--period-month", "2025-06..2025-08"]
    arguments += ["--target", "99.9", "--credits", "99.99:10,99:30,95:100"]
    arguments += ["--as-of", "2025-08-02T00:00:00+00:00", "--format", "json"]
    assert main(arguments) == 0
    rows = {row["period"]: row for row in json.loads(capsys.readouterr().out)}
    assert list(rows) == ["2025-06", "2025-07", "2025-08"]
    assert rows["2025-06"]["met"] is True
    assert rows["2025-07"]["downtime"] == "1h30m"  # the overlap counts once
    assert rows["2025-07"]["met"] is False
    assert rows["2025-07"]["credit"] == 10.0
    assert rows["2025-08"]["measured"] == "24h"
    assert rows["2025-08"]["credit"] == 100.0


def test_availability_with_a_book_calendar_and_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    outages = tmp_path / "outages.json"
    outages.write_text(
        json.dumps(
            [
                {
                    "id": "night",
                    "start": "2025-07-03T02:00:00-04:00",
                    "end": "2025-07-03T04:00:00-04:00",
                }
            ]
        ),
        encoding="utf-8",
    )
    arguments = ["report", "availability", str(outages), "--period-month", "2025-07"]
    arguments += ["--target", "99.9", "--data", ALARM, "--calendar-id", "standard-us"]
    assert main([*arguments, "--format", "csv"]) == 0
    (row,) = _rows(capsys.readouterr().out)
    assert row["start"] == "2025-07-01T00:00:00-04:00"  # the calendar's zone
    assert row["downtime"] == "0m"  # outside service hours
    assert row["met"] == "true"


def test_availability_bad_outage_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    outages = tmp_path / "outages.csv"
    outages.write_text(OUTAGES.replace("2025-07-03T11:00:00+00:00", "2025-07-03T11:00"), "utf-8")
    arguments = ["report", "availability", str(outages), "--period-month", "2025-07"]
    arguments += ["--target", "99.9"]
    assert main(arguments) == 2
    assert "outages.csv line 2, column end: '2025-07-03T11:00' has no UTC offset" in (
        capsys.readouterr().err
    )
    outages.write_text(OUTAGES, encoding="utf-8")
    assert main(arguments) == 2  # O-3 is still going and there is no --as-of
    assert "outages.csv line 4, column end: None: still going" in capsys.readouterr().err
    assert main([*arguments[:-1], "101"]) == 2
    assert "--target:" in capsys.readouterr().err
    assert main([*arguments, "--period-month", "2025-13", "--as-of", "2025-09-01T00:00Z"]) == 2
    assert "--period-month: '2025-13'" in capsys.readouterr().err
    (tmp_path / "o.json").write_text('[{"start": "2025-07-01T00:00:00Z", "until": 1}]', "utf-8")
    assert main(["report", "availability", str(tmp_path / "o.json"), *arguments[3:]]) == 2
    assert "$[0]: unknown field 'until'" in capsys.readouterr().err


# -- the demo's reports and the installed script ----------------------------------------------


def test_demo_shows_the_reports_that_fit_the_stories(capsys: pytest.CaptureFixture[str]):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    compliance = out[out.index("SLA compliance per account and month") :]
    july = next(line for line in compliance.splitlines() if "ACC-0001  2025-07" in line)
    assert july.split()[2:5] == ["2", "2", "0"]
    renewals = out[out.index("Renewal list: contracts ending within 90 days of 2026-11-24") :]
    renewals = renewals[: renewals.index("\n\n")]
    assert "EW-0107   2026-11-30" in renewals
    assert "EW-0033" not in renewals
    assert "upsell  HOSP-01  case IMG-2002  component_not_covered" in out
    assert "renew   CUST-105  case MAR-3005  expired" in out
    assert date(2026, 11, 24).isoformat() in renewals


def test_the_installed_script_runs_a_report():
    script = shutil.which("entitlements", path=str(Path(sys.executable).parent))
    assert script is not None, "the entitlements script is not installed next to the interpreter"
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [script, "report", "compliance", ALARM, "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = Report.from_csv(result.stdout, ComplianceRow)
    assert any(row.account == "ACC-0004" and row.violated == 1 for row in rows)
    assert result.stderr == "entitlements: 13 cases read\n"
