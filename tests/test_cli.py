"""The `entitlements` command: the README's main job and its error handling."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from entitlements.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "data"


def _line(out: str, case: str) -> str:
    """The table row of one case."""
    (row,) = [line for line in out.splitlines() if line.startswith(case + " ")]
    return row


def _following(out: str, case: str) -> list[str]:
    """The row of one case and the milestone rows under it."""
    lines = out.splitlines()
    start = lines.index(_line(out, case))
    rows = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        rows.append(line)
    return rows


def test_demo_tells_each_bundled_story_with_its_decisions(capsys: pytest.CaptureFixture[str]):
    assert main(["demo"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert captured.err == ""
    assert "alarm sites" in out
    assert "imaging devices" in out
    assert "marine dealer" in out
    # The sensor call on a Platinum site: 15-minute response and 2-hour on-site, 24x7.
    platinum = "\n".join(_following(out, "ALM-1001"))
    assert "Platinum (ENT-00001)" in platinum
    assert "First Response" in platinum
    assert "2025-07-03 16:25 EDT" in platinum
    assert "On-site Arrival" in platinum
    assert "2025-07-03 18:10 EDT" in platinum
    # The same call a day after the contract ended.
    expired = _line(out, "ALM-1002")
    assert "expired, ended 2025-12-31" in expired
    assert expired.endswith("renew")
    # Standard on a Friday evening before Labor Day: on-site by Tuesday's close.
    assert "2025-09-02 17:00 EDT" in _line(out, "ALM-1004")
    assert "allowance_used_up" in _line(out, "ALM-1012")
    # The gantry of a covered CT scanner.
    gantry = _line(out, "IMG-2002")
    assert "CT-7731/slip-ring" in gantry
    assert "component_not_covered" in gantry
    assert gantry.endswith("upsell")
    # The pontoon's renewed warranty.
    assert "EWE-1188-R1" in _line(out, "MAR-3002")
    assert "13 cases: 6 covered; not covered: renew 1, upsell 3, deny 3" in out


def test_demo_shows_each_milestone_state_from_the_case_history(
    capsys: pytest.CaptureFixture[str],
):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    # the alarm story's cases end with ALM-1002 opening on 1 January 2026
    assert "milestone states as of 2026-01-01T16:10:00-05:00" in out
    platinum = _following(out, "ALM-1001")
    assert [row.split()[-1] for row in platinum] == ["met", "met"]
    # waiting on the customer for 70 minutes moves the on-site deadline from 04:00 to 05:10
    gate_code = _following(out, "ALM-1003")
    assert gate_code[1].split()[-4:] == ["2025-10-12", "05:10", "EDT", "met"]
    assert _line(out, "ALM-1008").endswith("2025-09-16 17:00 EDT  met late")
    assert _line(out, "ALM-1011").endswith("violated")  # closed unanswered: stays violated


def test_demo_as_of_an_earlier_instant(capsys: pytest.CaptureFixture[str]):
    assert main(["demo", "--as-of", "2025-07-03T17:00:00-04:00"]) == 0
    out = capsys.readouterr().out
    platinum = _following(out, "ALM-1001")
    # first response met at 16:20; the technician (17:55) is not there yet
    assert [row.split()[-1] for row in platinum] == ["met", "open"]
    # the Standard case of 29 August has not opened yet: nothing has started
    assert _line(out, "ALM-1004").endswith("(not open yet)")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "--as-of: 'yesterday' is not an ISO 8601 date and time"),
        ("2025-07-03T17:00", "--as-of: '2025-07-03T17:00' has no UTC offset"),
    ],
)
def test_a_bad_as_of_exits_2(value: str, message: str, capsys: pytest.CaptureFixture[str]):
    assert main(["demo", "--as-of", value]) == 2
    assert message in capsys.readouterr().err


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def test_demo_on_a_folder_of_csv_files_reads_the_cases_inside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = _copy("marine", tmp_path)
    assert main(["demo", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"against {folder}" in out
    assert "Shop warranty extension (EWE-1188-R1)" in _line(out, "MAR-3002")
    assert "alarm sites" not in out


def test_demo_on_a_json_document_reads_the_cases_next_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = _copy("imaging", tmp_path)
    assert main(["demo", "--data", str(folder / "book.json")]) == 0
    out = capsys.readouterr().out
    assert "component_not_covered" in _line(out, "IMG-2002")
    assert "9 cases: 3 covered" in out


def test_demo_with_a_cases_file_named_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = _copy("imaging", tmp_path)
    calls = tmp_path / "calls.json"
    (folder / "cases.json").rename(calls)
    assert main(["demo", "--data", str(folder / "book.json"), "--cases", str(calls)]) == 0
    assert "ENT-7731-DET" in _line(capsys.readouterr().out, "IMG-2001")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("story", "file", "old", "new", "message"),
    [
        (
            "alarm_company",
            "contracts.csv",
            "2025-12-31",
            "2025-02-30",
            "contracts.csv line 2, column end: '2025-02-30' is not a date",
        ),
        (
            "alarm_company",
            "entitlements.csv",
            "all,unlimited",
            "all;fax,unlimited",
            "entitlements.csv line 2, column channels:",
        ),
        (
            "alarm_company",
            "line_items.csv",
            "MC-0001,,SITE-00001",
            "MC-0001,,SITE-99999",
            "line_items.csv line 2, column asset: 'SITE-99999' is not an asset in the book",
        ),
        (
            "alarm_company",
            "cases.csv",
            "2025-07-03T16:10:00-04:00",
            "2025-07-03T16:10:00",
            "cases.csv line 2, column opened_at:",
        ),
        (
            "marine",
            "calendars.json",
            '"07:30-16:30"',
            '"7:30-4:30pm"',
            "calendars.json: $.service-yard.week.mon[0]: '7:30-4:30pm' is not an interval",
        ),
        (
            "imaging",
            "book.json",
            '"end": "2026-03-31"',
            '"end": "2027-03-31"',
            "$.line_items[0].end: 2026-01-01..2027-03-31 is outside contract 'MSA-2026-014'",
        ),
        (
            "imaging",
            "cases.json",
            '"channel": "chat"',
            '"channel": "fax"',
            "$[8].channel: 'fax'",
        ),
    ],
)
def test_bad_input_exits_2_with_one_message_naming_file_record_and_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    story: str,
    file: str,
    old: str,
    new: str,
    message: str,
):
    folder = _copy(story, tmp_path)
    _replace(folder / file, old, new)
    data = folder / "book.json" if (folder / "book.json").exists() else folder
    assert main(["demo", "--data", str(data)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("entitlements: error: ")
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_a_case_whose_product_contradicts_its_asset_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = _copy("marine", tmp_path)
    _replace(folder / "cases.csv", "HULL-P22-1188,,,phone", "HULL-P22-1188,,cruiser-30,phone")
    assert main(["demo", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "cases.csv: Case 'MAR-3001': product: 'cruiser-30' is not the product" in err


def test_missing_or_ambiguous_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["demo", "--data", str(tmp_path / "missing")]) == 2
    assert "missing: no such file or folder" in capsys.readouterr().err

    folder = _copy("alarm_company", tmp_path)
    (folder / "cases.csv").rename(tmp_path / "cases.csv")
    assert main(["demo", "--data", str(folder)]) == 2
    assert "no cases.json or cases.csv in" in capsys.readouterr().err

    shutil.copy(tmp_path / "cases.csv", folder / "cases.csv")
    (folder / "cases.json").write_text("[]", encoding="utf-8")
    assert main(["demo", "--data", str(folder)]) == 2
    assert "both cases.json and cases.csv" in capsys.readouterr().err

    assert main(["demo", "--cases", str(tmp_path / "cases.csv")]) == 2
    assert "--cases needs --data" in capsys.readouterr().err

    assert main(["demo", "--data", str(folder), "--cases", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_a_book_without_cases_prints_no_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    book = tmp_path / "book.json"
    book.write_text('{"accounts": [{"id": "A"}]}', encoding="utf-8")
    (tmp_path / "cases.json").write_text("[]", encoding="utf-8")
    assert main(["demo", "--data", str(book)]) == 0
    assert "(no cases)" in capsys.readouterr().out


def _own_book(tmp_path: Path, calendars: object, process_calendar: str | None) -> Path:
    book = {
        "accounts": [{"id": "A", "timezone": "Europe/London"}],
        "assets": [{"id": n, "account": "A", "product": "widget"} for n in ("X", "Y", "Z")],
        "contracts": [{"id": "K", "account": "A", "start": "2025-01-01", "end": "2025-12-31"}],
        "line_items": [{"id": f"L{n}", "contract": "K", "asset": n} for n in ("X", "Y", "Z")],
        "entitlements": [
            {"id": "E1", "account": "A", "line_item": "LX"},
            {"id": "E2", "account": "A", "line_item": "LY", "process": "p"},
            {"id": "E3", "account": "A", "line_item": "LZ", "process": "urgent"},
        ],
        "processes": [
            {
                "id": "p",
                "calendar": process_calendar,
                "milestones": [{"name": "Reply", "target": "2h"}],
            },
            {
                "id": "urgent",
                "milestones": [{"name": "Call", "target": "1h", "priorities": ["P1"]}],
            },
        ],
        "calendars": calendars,
    }
    opened = "2025-06-02T09:00:00+01:00"
    cases = [
        {"id": "C1", "account": "A", "asset": "X", "channel": "web", "opened_at": opened},
        {"id": "C2", "account": "A", "asset": "Y", "channel": "web", "opened_at": opened},
        {"id": "C3", "account": "A", "asset": "Z", "channel": "web", "opened_at": opened},
        {"id": "C4", "account": "B", "channel": "web", "opened_at": opened},
    ]
    path = tmp_path / "book.json"
    path.write_text(json.dumps(book), encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    return path


def test_demo_on_a_book_without_processes_or_calendars(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["demo", "--data", str(_own_book(tmp_path, {}, None))]) == 0
    out = capsys.readouterr().out
    assert "(no SLA process)" in _line(out, "C1")
    # no calendar anywhere: the milestone runs 24x7 in the account's zone (London)
    assert _line(out, "C2").split()[-5:] == ["Reply", "2025-06-02", "11:00", "BST", "open"]
    assert "(none for this priority)" in _line(out, "C3")
    unknown = _line(out, "C4")
    assert "2025-06-02 09:00 UTC+01:00" in unknown  # no account, no zone: the offset as given
    assert "unknown_account" in unknown


def test_a_calendar_without_open_time_exits_2_naming_the_case_and_milestone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    closed = {"closed": {"timezone": "UTC", "week": {}}}
    assert main(["demo", "--data", str(_own_book(tmp_path, closed, "closed"))]) == 2
    err = capsys.readouterr().err
    assert "case 'C2': milestone 'Reply' of process 'p', calendar 'closed': " in err
    assert "no open time" in err


def test_missing_bundled_data_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr("entitlements.cli._common.bundled_data", lambda: tmp_path / "gone")
    assert main(["demo"]) == 2
    assert "the bundled example data is missing" in capsys.readouterr().err


def test_the_installed_console_script_runs():
    script = shutil.which("entitlements", path=str(Path(sys.executable).parent))
    assert script is not None, "the entitlements script is not installed next to the interpreter"
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [script, "demo"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "ENT-00001" in _line(result.stdout, "ALM-1001")


def test_a_reader_that_leaves_early_gets_no_traceback():
    # stdout is a pipe nobody reads: the first write fails, as under `entitlements demo | head -1`.
    program = (
        "import os, sys\n"
        "from entitlements.cli import main\n"
        "read, write = os.pipe()\n"
        "os.close(read)\n"
        "os.dup2(write, 1)\n"
        "sys.exit(main(['demo']))\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
