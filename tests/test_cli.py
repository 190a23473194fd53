"""The `entitlements` command: the README's main job and its error handling."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from entitlements.cli import main


def test_demo_prints_every_bundled_case_with_its_deadline(capsys: pytest.CaptureFixture[str]):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    # The Platinum call gets 2 hours 24x7; the Standard one skips 4 July and the weekend.
    assert "ALARM-1001" in out
    assert "2025-07-03T18:10:00-04:00" in out
    assert "2025-07-07T17:00:00-04:00" in out
    # The night desk's shift on the night DST ends is 9 hours long: 5 h lands at 03:00 standard.
    assert "2025-04-06T03:00:00+10:00" in out
    assert out.count("\n") >= 9


def _write(tmp_path: Path, document: object) -> str:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_demo_on_a_user_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = _write(
        tmp_path,
        {
            "calendars": {"office": {"timezone": "UTC", "week": {"mon": ["09:00-17:00"]}}},
            "cases": [
                {
                    "id": "C-1",
                    "opened_at": "2024-01-01T16:00:00+00:00",
                    "calendar": "office",
                    "target": "2h",
                }
            ],
        },
    )
    assert main(["demo", "--data", path]) == 0
    assert "2024-01-08T10:00:00+00:00" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"calendars": {"x": {"timezone": "Mars/Base"}}}, "calendars.x: timezone: 'Mars/Base'"),
        ({"calendars": {"x": {"week": {"mon": ["9am-5"]}}}}, "'9am-5'"),
        ({"calendars": {"x": {"wek": {}}}}, "unknown field 'wek'"),
        ({"calendars": {"x": {"holidays": ["XX"]}}}, "'XX'"),
        (
            {
                "calendars": {"x": {}},
                "cases": [{"calendar": "x", "opened_at": "2024-01-01T10:00", "target": "2h"}],
            },
            "cases[0].opened_at: '2024-01-01T10:00' has no UTC offset",
        ),
        (
            {
                "calendars": {"x": {}},
                "cases": [
                    {"calendar": "x", "opened_at": "2024-01-01T10:00+00:00", "target": "soon"}
                ],
            },
            "cases[0]: target: 'soon'",
        ),
        ({"cases": [{"calendar": "nope"}]}, "cases[0].calendar: missing or unknown 'nope'"),
        (
            {"calendars": {"x": {}}, "cases": [{"calendar": "x", "opened_at": "yesterday"}]},
            "cases[0].opened_at: 'yesterday' is not an ISO 8601 date-time",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: object, message: str
):
    assert main(["demo", "--data", _write(tmp_path, document)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_unreadable_and_malformed_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["demo", "--data", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  'no'", encoding="utf-8")
    assert main(["demo", "--data", str(broken)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_the_installed_command_runs():
    result = subprocess.run(  # fixed arguments, no shell
        [sys.executable, "-m", "entitlements.cli", "demo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "SOC-3002" in result.stdout
