"""Loading and dumping books, calendars and cases: worked examples and exact messages."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays as holidays_package
import pytest
from dateutil.rrule import YEARLY, rrule, rruleset

from entitlements import (
    BusinessHours,
    Case,
    Channel,
    CountryHolidays,
    CoverageBook,
    DumpError,
    IntervalCalendar,
    LoadError,
)
from entitlements.io import (
    book_from_dict,
    book_to_dict,
    calendar_from_dict,
    calendar_to_dict,
    cases_from_dicts,
    cases_to_dicts,
    dump_book,
    dump_cases,
    dumps_book,
    load_book,
    load_cases,
    loads_book,
)

CHANNELS = "(one of 'phone', 'email', 'web', 'chat', 'on-site')"

#: A small book as its JSON document; optional fields are left out where they have defaults.
DOCUMENT = {
    "accounts": [
        {"id": "ACME", "name": 'Acme, Inc. "East"', "timezone": "America/New_York"},
        {"id": "Globex", "timezone": "Europe/Paris", "calendar": "paris"},
    ],
    "assets": [
        {
            "id": "XR-1",
            "account": "ACME",
            "product": "XR-9",
            "components": [
                {"id": "detector", "components": [{"id": "sensor", "name": "CMOS"}]},
                {"id": "psu"},
            ],
        },
        {"id": "XR-2", "account": "ACME", "product": "XR-9"},
    ],
    "contracts": [
        {"id": "SC-1", "account": "ACME", "start": "2025-01-01", "end": "2025-12-31"},
        {
            "id": "SC-2",
            "account": "ACME",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "status": "draft",
            "renews": "SC-1",
            "auto_renew": True,
        },
        {"id": "SC-3", "account": "Globex", "start": "2025-03-01", "end": "2026-02-28"},
    ],
    "line_items": [
        {"id": "LI-1", "contract": "SC-1", "asset": "XR-1", "component": "detector"},
        {"id": "LI-2", "contract": "SC-1", "asset": "XR-2", "start": "2025-06-01"},
        {"id": "LI-3", "contract": "SC-3", "product": "XR-9", "end": "2025-12-31"},
    ],
    "entitlements": [
        {
            "id": "E-1",
            "account": "ACME",
            "name": "Platinum",
            "line_item": "LI-1",
            "channels": ["phone", "on-site"],
            "allowance": "10 cases, 40h",
            "process": "gold",
            "rank": 2,
        },
        {"id": "E-2", "account": "ACME", "contract": "SC-1", "channels": "all"},
        {"id": "E-3", "account": "Globex", "line_item": "LI-3", "calendar": "paris"},
        {"id": "E-4", "account": "Globex", "name": "Basic", "allowance": "2 cases"},
    ],
    "processes": [
        {
            "id": "gold",
            "name": "Gold SLA",
            "calendar": "24x7",
            "pause_statuses": ["waiting on customer"],
            "milestones": [
                {"name": "First Response", "target": "1h30m", "priorities": ["P1", "P2"]},
                {"name": "On-site", "target": "NBD 12:00 cutoff 15:00", "warnings": [50, 75, 90]},
                {"name": "Resolution", "target": "3BD", "recurrence": "sequential"},
            ],
        }
    ],
    "calendars": {
        "24x7": {
            "timezone": "America/New_York",
            "week": {d: ["00:00-24:00"] for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
        },
        "paris": {
            "timezone": "Europe/Paris",
            "week": {"mon": ["09:00-12:30", "14:00-18:00"], "fri": ["09:00-12:30"]},
            "holidays": [
                "FR",
                "2025-12-26",
                {"rrule": "DTSTART:20250101T000000\nRRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"},
            ],
            "special_hours": {"2025-12-24": ["08:00-12:00"], "2025-12-27": []},
        },
    },
}


def book() -> CoverageBook:
    return book_from_dict(DOCUMENT)


def document(**changes: object) -> dict[str, object]:
    """A deep copy of DOCUMENT with some top-level keys replaced."""
    data = copy.deepcopy(DOCUMENT)
    data.update(changes)
    return data


def problems(load, *args) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load(*args)
    return list(caught.value.problems)


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_csv", ".csv").replace("_json", ".json")).write_text(
            text, encoding="utf-8"
        )
    return folder


# -- round trips -------------------------------------------------------------------------


def test_the_document_loads_with_every_value_given():
    loaded = book()
    assert loaded.entitlement("E-1").channels == {Channel.PHONE, Channel.ONSITE}
    assert loaded.entitlement("E-1").allowance.hours == timedelta(hours=40)
    assert loaded.asset("XR-1").component_path("sensor") == ("detector", "sensor")
    assert loaded.contract("SC-2").auto_renew is True
    assert loaded.process("gold").milestones[1].warnings == (50, 75, 90)
    assert loaded.calendar("paris").hours_on(date(2025, 12, 31)) == ()  # the rrule


def test_a_dump_writes_every_field_in_field_order_with_nulls():
    data = book_to_dict(book())
    assert list(data) == [
        "accounts",
        "assets",
        "contracts",
        "line_items",
        "entitlements",
        "processes",
        "calendars",
    ]
    assert data["accounts"][0] == {
        "id": "ACME",
        "name": 'Acme, Inc. "East"',
        "timezone": "America/New_York",
        "calendar": None,
    }
    assert list(data["entitlements"][0]) == [
        "id",
        "account",
        "name",
        "contract",
        "line_item",
        "start",
        "end",
        "channels",
        "allowance",
        "process",
        "calendar",
        "rank",
    ]
    assert data["entitlements"][0]["channels"] == ["on-site", "phone"]
    assert data["entitlements"][1]["channels"] == "all"
    assert data["entitlements"][3]["allowance"] == "2 cases"
    assert data["processes"][0]["milestones"][0]["target"] == "1h30m"
    assert data["processes"][0]["milestones"][0]["priorities"] == ["P1", "P2"]
    assert data["calendars"]["paris"]["week"]["sun"] == []
    assert data["calendars"]["paris"]["holidays"] == [
        "2025-12-26",
        "FR",
        {"rrule": "DTSTART:20250101T000000\nRRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"},
    ]


def test_round_trip_through_a_json_file(tmp_path):
    path = tmp_path / "book.json"
    dump_book(book(), path)
    assert load_book(path) == book()
    assert loads_book(path.read_text(encoding="utf-8")) == book()
    assert dumps_book(load_book(path)) == path.read_text(encoding="utf-8")  # stable


def test_round_trip_through_a_csv_folder(tmp_path):
    folder = tmp_path / "book"
    dump_book(book(), folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "accounts.csv",
        "assets.csv",
        "calendars.json",
        "components.csv",
        "contracts.csv",
        "entitlements.csv",
        "line_items.csv",
        "processes.json",
    ]
    assert (folder / "accounts.csv").read_bytes().decode() == (
        "id,name,timezone,calendar\r\n"
        'ACME,"Acme, Inc. ""East""",America/New_York,\r\n'
        "Globex,,Europe/Paris,paris\r\n"
    )
    assert (folder / "components.csv").read_bytes().decode() == (
        "asset,id,parent,name\r\nXR-1,detector,,\r\nXR-1,sensor,detector,CMOS\r\nXR-1,psu,,\r\n"
    )
    entitlements = (folder / "entitlements.csv").read_text(encoding="utf-8").splitlines()
    assert entitlements[1] == 'E-1,ACME,Platinum,,LI-1,,,on-site;phone,"10 cases, 40h",gold,,2'
    assert load_book(folder) == book()


def test_a_hand_written_csv_folder(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id,timezone\nACME,America/New_York\n",
        contracts_csv=(
            "account,id,start,end,auto_renew\n"
            "ACME,SC-1,2025-01-01,2025-12-31,false\n"
            "ACME,SC-2,2026-01-01,2026-12-31,Yes\n"
            "\n"
            "ACME,SC-3,2027-01-01,2027-12-31,0\n"
        ),
        entitlements_csv=(
            "id,account,contract,channels\nE-1,ACME,SC-1,phone; web\nE-2,ACME,,ALL\n"
        ),
        cases_csv="anything: cases are not part of a book\n",
    )
    loaded = load_book(folder)
    assert [c.auto_renew for c in loaded.contracts] == [False, True, False]
    assert loaded.entitlement("E-1").channels == {Channel.PHONE, Channel.WEB}
    assert loaded.entitlement("E-2").contract is None
    assert len(loaded.entitlement("E-2").channels) == 5


def test_a_byte_order_mark_is_ignored(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "accounts.csv").write_bytes("\ufeffid,name\nACME,Acmé\n".encode())
    (folder / "calendars.json").write_bytes(b'\xef\xbb\xbf{"c": {"timezone": "UTC", "week": {}}}')
    loaded = load_book(folder)
    assert loaded.account("ACME").name == "Acmé"
    assert "c" in loaded.calendars


# -- messages of the JSON document ----------------------------------------------------


def test_a_bad_channel_is_named_by_its_json_path():
    entitlements = copy.deepcopy(DOCUMENT["entitlements"])
    entitlements[3]["channels"] = ["phone", "fax"]
    assert problems(book_from_dict, document(entitlements=entitlements)) == [
        f"$.entitlements[3].channels[1]: 'fax' is not a channel {CHANNELS}"
    ]


def test_a_model_error_points_at_its_field():
    contracts = copy.deepcopy(DOCUMENT["contracts"])
    contracts[2].update(start="2024-02-01", end="2024-01-01")
    assert problems(book_from_dict, document(contracts=contracts)) == [
        "$.contracts[2].end: 2024-01-01 is before start 2024-02-01"
    ]


def test_every_problem_of_every_record_is_reported_at_once():
    data = document()
    data["accounts"][1]["colour"] = "red"
    data["contracts"][0]["end"] = "2024-02-30"
    data["contracts"][1]["auto_renew"] = "maybe"
    del data["contracts"][2]["account"]
    data["entitlements"][0]["rank"] = 2.5
    data["processes"][0]["milestones"][1]["target"] = "next week"
    data["processes"][0]["milestones"][1]["warnings"] = [50, 40]
    data["calendars"]["paris"]["week"]["mon"][1] = "2pm-6pm"
    data["calendars"]["paris"]["timezone"] = "Europe/Pariss"
    assert problems(book_from_dict, data) == [
        "$.accounts[1]: unknown field 'colour'",
        "$.contracts[0].end: '2024-02-30' is not a date (YYYY-MM-DD)",
        "$.contracts[1].auto_renew: 'maybe' is not true or false",
        "$.contracts[2]: missing required field 'account'",
        "$.entitlements[0].rank: 2.5 is not a whole number",
        "$.processes[0].milestones[1].target: 'next week' is not a target; write a duration "
        "like '2h', '15m' or '1h30m', or a day target like 'NBD', 'NBD 12:00', '3BD' or "
        "'NBD cutoff 15:00'",
        "$.calendars.paris.timezone: 'Europe/Pariss' is not a known IANA zone name",
        "$.calendars.paris.week.mon[1]: '2pm-6pm' is not an interval 'HH:MM-HH:MM' "
        "('2pm' is not a time of day 'HH:MM')",
    ]


def test_model_checks_run_once_the_values_read():
    data = document()
    data["processes"][0]["milestones"][1]["warnings"] = [50, 40]
    data["entitlements"][0]["channels"] = []
    data["line_items"][0]["product"] = "XR-9"
    assert problems(book_from_dict, data) == [
        "$.line_items[0].product: give exactly one of product ('XR-9') and asset ('XR-1')",
        "$.entitlements[0].channels: [] is not 'all' or a non-empty list of channels",
        "$.processes[0].milestones[1].warnings[1]: 40 does not increase on 50",
    ]


def test_book_problems_are_located_by_json_path():
    data = document()
    data["line_items"][2]["end"] = "2026-06-30"
    data["entitlements"][2]["calendar"] = "london"
    data["contracts"].append(dict(data["contracts"][0]))
    assert problems(book_from_dict, data) == [
        "$.contracts[3].id: 'SC-1' appears twice",
        "$.line_items[2].end: 2025-03-01..2026-06-30 is outside contract 'SC-3' "
        "(2025-03-01..2026-02-28)",
        "$.entitlements[2].calendar: 'london' is not a calendar in the book",
    ]


def test_wrong_types_are_errors_not_coercions():
    data = document()
    data["accounts"][0]["name"] = 5
    data["accounts"][1] = ["Globex"]
    data["assets"] = {"id": "XR-1"}
    data["contracts"][0]["status"] = "ACTIVE"
    data["entitlements"][1]["channels"] = "phone"
    data["entitlements"][2]["allowance"] = 10
    data["processes"][0]["pause_statuses"] = ["waiting", "waiting"]
    data["processes"][0]["milestones"][0]["warnings"] = [True]
    assert problems(book_from_dict, data) == [
        "$.accounts[0].name: 5 is not a string",
        '$.accounts[1]: ["Globex"] is not an object',
        '$.assets: {"id": "XR-1"} is not a list',
        "$.contracts[0].status: 'ACTIVE' is not a contract status (one of 'draft', 'active', "
        "'suspended', 'expired', 'cancelled')",
        "$.entitlements[1].channels: 'phone' is not a list of channels (or 'all')",
        "$.entitlements[2].allowance: 10 is not an allowance like 'unlimited', '10 cases' or '40h'",
        "$.processes[0].milestones[0].warnings[0]: true is not a number",
        "$.processes[0].pause_statuses[1]: 'waiting' appears twice",
    ]


def test_unknown_top_level_keys_and_non_objects():
    assert problems(book_from_dict, {"acounts": []}) == ["$: unknown field 'acounts'"]
    assert problems(book_from_dict, []) == ["$: [] is not an object"]
    assert problems(loads_book, '"text"') == ["$: 'text' is not an object"]


def test_malformed_json_gives_its_line_and_column():
    text = dumps_book(book())
    assert problems(loads_book, text[:200]) == [
        "line 12, column 6: Expecting property name enclosed in double quotes"
    ]
    assert problems(loads_book, "{\n  'accounts': []\n}") == [
        "line 2, column 3: Expecting property name enclosed in double quotes"
    ]


def test_a_key_given_twice_is_an_error():
    text = '{"accounts": [{"id": "A", "name": "x", "name": "y"}], "assets": [], "assets": []}'
    assert problems(loads_book, text) == [
        "$: field 'assets' appears twice",
        "$.accounts[0]: field 'name' appears twice",
    ]


def test_load_errors_name_their_source(tmp_path):
    path = tmp_path / "book.json"
    path.write_text('{"contracts": 1}', encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_book(path)
    assert caught.value.source == str(path)
    assert str(caught.value) == f"1 problem in {path}:\n  $.contracts: 1 is not a list"


def test_unreadable_and_missing_paths(tmp_path):
    (tmp_path / "latin1.json").write_bytes('{"accounts": [{"id": "Zoë"}]}'.encode("latin-1"))
    assert problems(load_book, tmp_path / "latin1.json") == [
        "latin1.json: not UTF-8 text (invalid continuation byte at byte 24)"
    ]
    assert problems(load_book, tmp_path / "nothing.json") == [
        "nothing.json: cannot be read (No such file or directory)"
    ]
    assert problems(load_book, tmp_path / "nothing") == ["nothing: does not exist"]
    (tmp_path / "book.yaml").write_text("accounts: []", encoding="utf-8")
    assert problems(load_book, tmp_path / "book.yaml") == [
        "book.yaml: is not a .json file or a folder"
    ]


# -- messages of the CSV folder ---------------------------------------------------------


def test_a_bad_date_in_a_csv_file_is_named_by_line_and_column(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id\nACME\n",
        contracts_csv=(
            "id,account,start,end,status,renews,auto_renew,name\n"
            'SC-1,ACME,2024-01-01,2024-12-31,active,,false,"Two\nlines"\n'
            "SC-2,ACME,2024-02-01,2024-02-30,active,,false,\n"
            "SC-3,ACME,2024-02-01,2024-01-01,active,,maybe,\n"
        ),
    )
    assert problems(load_book, folder) == [
        "contracts.csv line 4, column end: '2024-02-30' is not a date (YYYY-MM-DD)",
        "contracts.csv line 5, column auto_renew: 'maybe' is not true or false "
        "(true/false, yes/no, 1/0)",
    ]


def test_book_problems_are_located_by_line_and_column(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id\nACME\n",
        contracts_csv="id,account,start,end\nSC-1,ACME,2024-01-01,2024-12-31\n",
        line_items_csv=(
            "id,contract,asset,end\n"
            "LI-1,SC-1,XR-1,2024-06-30\n"
            "LI-2,SC-9,XR-1,\n"
            "LI-3,SC-1,XR-1,2025-01-31\n"
        ),
        assets_csv="id,account,product\nXR-1,ACME,XR-9\n",
        processes_json=json.dumps(
            [{"id": "p", "milestones": [{"name": "m", "target": "2h", "calendar": "x"}]}]
        ),
    )
    assert problems(load_book, folder) == [
        "line_items.csv line 3, column contract: 'SC-9' is not a contract in the book",
        "line_items.csv line 4, column end: 2024-01-01..2025-01-31 is outside contract 'SC-1' "
        "(2024-01-01..2024-12-31)",
        "processes.json: $[0].milestones[0].calendar: 'x' is not a calendar in the book",
    ]


def test_the_shape_of_a_csv_file_is_checked(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id,name,colour,name\nACME,Acme,red,again\nGlobex\n",
        assets_csv="id,product\nXR-1,XR-9\n",
        components_csv="id\ndetector\n",
        contracts_csv="",
    )
    assert problems(load_book, folder) == [
        "accounts.csv line 1: unknown column 'colour'",
        "accounts.csv line 1: column 'name' appears twice",
        "accounts.csv line 3: 1 cells, but the header has 4 columns",
        "assets.csv line 1: missing required column 'account'",
        "components.csv line 1: missing required column 'asset'",
        "contracts.csv: no header row (the first line names the columns)",
    ]


def test_a_row_with_more_cells_than_the_header(tmp_path):
    folder = write(tmp_path / "book", accounts_csv="id,name\nACME,Acme, Inc.\n")
    assert problems(load_book, folder) == [
        "accounts.csv line 2: 3 cells, but the header has 2 columns"
    ]


def test_empty_cells_are_defaults_or_errors(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id,name,timezone,calendar\nACME,,,\n,Nameless,UTC,\n",
    )
    assert problems(load_book, folder) == [
        "accounts.csv line 3, column id: missing required field 'id'"
    ]
    (folder / "accounts.csv").write_text("id,name,timezone,calendar\nACME,,,\n")
    assert load_book(folder).account("ACME").timezone == "UTC"


def test_unknown_files_are_errors(tmp_path):
    folder = write(
        tmp_path / "book",
        contract_csv="id\n",
        processes_csv="id\n",
        cases_json="[]",
        notes_txt="not a book file",
    )
    listed = (
        "accounts.csv, assets.csv, components.csv, contracts.csv, line_items.csv, "
        "entitlements.csv, processes.json, calendars.json"
    )
    assert problems(load_book, folder) == [
        f"contract.csv: unknown file (a book folder holds {listed})",
        f"processes.csv: unknown file (a book folder holds {listed})",
    ]


def test_components_name_their_parent_on_an_earlier_line(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id\nACME\n",
        assets_csv="id,account,product\nXR-1,ACME,XR-9\n",
        components_csv=(
            "asset,id,parent,name\n"
            "XR-1,detector,,\n"
            "XR-1,sensor,detector,\n"
            "XR-1,fan,psu,\n"
            "XR-1,psu,,\n"
            "XR-1,sensor,,\n"
            "XR-2,lamp,,\n"
            ",lamp,,\n"
        ),
    )
    assert problems(load_book, folder) == [
        "components.csv line 4, column parent: 'psu' is not a component of asset 'XR-1' "
        "on an earlier line",
        "components.csv line 6, column id: 'sensor' appears twice in asset 'XR-1'",
        "components.csv line 7, column asset: 'XR-2' is not an asset in assets.csv",
        "components.csv line 8, column asset: missing required field 'asset'",
    ]


def test_problems_of_the_json_files_of_a_folder(tmp_path):
    folder = write(
        tmp_path / "book",
        processes_json='[{"id": "p", "milestones": [{"name": "m", "target": "2 hours"}]}]',
        calendars_json='{"std": {"timezone": "UTC", "week": {"mon": ["9-5"]}}, "x": 1}',
    )
    assert problems(load_book, folder) == [
        "processes.json: $[0].milestones[0].target: '2 hours' is not a target; write a duration "
        "like '2h', '15m' or '1h30m', or a day target like 'NBD', 'NBD 12:00', '3BD' or "
        "'NBD cutoff 15:00'",
        "calendars.json: $.std.week.mon[0]: '9-5' is not an interval 'HH:MM-HH:MM' "
        "('9' is not a time of day 'HH:MM')",
        "calendars.json: $.x: 1 is not an object",
    ]
    (folder / "calendars.json").write_text('{"std": ', encoding="utf-8")
    (folder / "accounts.csv").write_bytes(b"id\nAC\xffME\n")
    assert problems(load_book, folder) == [
        "accounts.csv: not UTF-8 text (invalid start byte at byte 5)",
        "processes.json: $[0].milestones[0].target: '2 hours' is not a target; write a "
        "duration like '2h', '15m' or '1h30m', or a day target like 'NBD', 'NBD 12:00', '3BD' "
        "or 'NBD cutoff 15:00'",
        "calendars.json line 1, column 9: Expecting value",
    ]


def test_a_csv_syntax_error_is_reported(tmp_path):
    folder = write(tmp_path / "book", accounts_csv='id,name\nACME,"Acme"x\n')
    assert problems(load_book, folder) == ["accounts.csv line 2: ',' expected after '\"'"]
    folder.joinpath("accounts.csv").write_text('id,name\nACME,"Acme\n', encoding="utf-8")
    assert problems(load_book, folder) == ["accounts.csv line 2: unexpected end of data"]
    folder.joinpath("accounts.csv").write_text('"id\n', encoding="utf-8")
    assert problems(load_book, folder) == ["accounts.csv line 1: unexpected end of data"]


# -- calendars --------------------------------------------------------------------------


def test_calendar_round_trip_and_the_object_form_of_country_holidays():
    calendar = BusinessHours.weekdays(
        "22:00",
        "06:00",
        timezone="Australia/Sydney",
        holidays=[CountryHolidays("US", categories=("public", "government")), "AU-NSW"],
        special_hours={date(2025, 12, 24): ["08:00-12:00"]},
    )
    data = calendar_to_dict(calendar)
    assert data == {
        "timezone": "Australia/Sydney",
        "week": {
            "mon": ["22:00-06:00"],
            "tue": ["22:00-06:00"],
            "wed": ["22:00-06:00"],
            "thu": ["22:00-06:00"],
            "fri": ["22:00-06:00"],
            "sat": [],
            "sun": [],
        },
        "holidays": [
            {"country": "US", "subdiv": None, "categories": ["public", "government"]},
            "AU-NSW",
        ],
        "special_hours": {"2025-12-24": ["08:00-12:00"]},
    }
    assert calendar_from_dict(json.loads(json.dumps(data))) == calendar


def test_calendar_problems_are_located_under_the_given_root():
    data = {
        "timezone": "UTC",
        "week": {"Monday": ["09:00-17:00"], "mon": [], "funday": [], "tue": "09:00-17:00"},
        "holidays": [
            "2024-02-30",
            "2025-12-25",
            "2025-12-25",
            "XX",
            7,
            {"country": "US", "colour": "red"},
            {"subdiv": "CA"},
            {"country": 1},
            {"country": "US", "subdiv": 2},
            {"country": "US", "categories": "public"},
            {"rrule": "RRULE:FREQ=YEARLY"},
            {"rrule": "DTSTART:20250101T000000Z\nRRULE:FREQ=YEARLY"},
            {"rrule": "DTSTART:20250101T000000\nRRULE:FREQ=YEARLY;COUNT=x"},
            {"rrule": "DTSTART:20250101T000000\nRRULE:FREQ=YEARLY\nRRULE:FREQ=MONTHLY"},
        ],
        "special_hours": {"24 December": [], "2025-12-24": ["08:00"]},
    }
    with pytest.raises(LoadError) as caught:
        calendar_from_dict(data, "calendars.std")
    assert list(caught.value.problems) == [
        "calendars.std.week.mon: 'mon' repeats weekday 'mon'",
        "calendars.std.week.funday: 'funday' is not a weekday (one of mon, tue, wed, thu, fri, "
        "sat, sun)",
        "calendars.std.week.tue: '09:00-17:00' is not a list of intervals 'HH:MM-HH:MM'",
        "calendars.std.holidays[0]: '2024-02-30' is not a date (YYYY-MM-DD)",
        "calendars.std.holidays[2]: '2025-12-25' appears twice",
        "calendars.std.holidays[3]: 'XX' is not a country or subdivision known to the "
        "holidays package",
        "calendars.std.holidays[4]: 7 is not a date (YYYY-MM-DD), a country code like 'US-CA', "
        "a {'country': ...} object or an {'rrule': ...} object",
        "calendars.std.holidays[5]: unknown field 'colour'",
        "calendars.std.holidays[6]: missing required field 'country'",
        "calendars.std.holidays[7].country: 1 is not a country code",
        "calendars.std.holidays[8].subdiv: 2 is not a subdivision code",
        "calendars.std.holidays[9].categories: 'public' is not a list of strings",
        "calendars.std.holidays[10].rrule: 'RRULE:FREQ=YEARLY' is not RFC 5545 text with one "
        "naive 'DTSTART:YYYYMMDDTHHMMSS' line and one 'RRULE:' line",
        "calendars.std.holidays[11].rrule: 'DTSTART:20250101T000000Z\\nRRULE:FREQ=YEARLY' is "
        "not RFC 5545 text with one naive 'DTSTART:YYYYMMDDTHHMMSS' line and one 'RRULE:' line",
        "calendars.std.holidays[12].rrule: 'DTSTART:20250101T000000\\nRRULE:FREQ=YEARLY;COUNT=x'"
        " is not a recurrence rule (invalid 'COUNT': X)",
        "calendars.std.holidays[13].rrule: 'DTSTART:20250101T000000\\nRRULE:FREQ=YEARLY\\nRRULE:"
        "FREQ=MONTHLY' is a set of rules; give one RRULE line",
        "calendars.std.special_hours['24 December']: '24 December' is not a date (YYYY-MM-DD)",
        "calendars.std.special_hours['2025-12-24'][0]: '08:00' is not an interval 'HH:MM-HH:MM'",
    ]


def test_a_calendar_needs_its_zone_and_week_and_nothing_else():
    assert problems(calendar_from_dict, {"timezone": "UTC", "weeks": {}}) == [
        "$: unknown field 'weeks'",
        "$: missing required field 'week'",
    ]
    assert problems(calendar_from_dict, ["UTC"]) == ['$: ["UTC"] is not an object']
    assert problems(
        calendar_from_dict, {"timezone": "UTC", "week": [], "holidays": {}, "special_hours": []}
    ) == [
        "$.week: [] is not an object of weekday to intervals",
        "$.holidays: {} is not a list of holidays",
        "$.special_hours: [] is not an object of date to intervals",
    ]
    assert problems(
        calendar_from_dict, {"timezone": "UTC", "week": {"mon": ["09:00-17:00", "16:00-18:00"]}}
    ) == ["$: week['mon'] 09:00-17:00 overlaps week['mon'] 16:00-18:00"]


def test_only_business_hours_can_be_dumped():
    weekdays = BusinessHours.weekdays("09:00", "17:00", timezone="UTC")
    table = BusinessHours.weekdays(
        "09:00", "17:00", timezone="UTC", holidays=holidays_package.country_holidays("US")
    )
    rules = rruleset()
    rules.rrule(rrule(YEARLY, dtstart=datetime(2025, 1, 1)))
    with_set = BusinessHours.weekdays("09:00", "17:00", timezone="UTC", holidays=rules)
    plugin = IntervalCalendar(ZoneInfo("UTC"), lambda start, end: [])
    for calendar, message in [
        (table, "$.calendars.t: holiday source HolidayTable("),
        (with_set, "$.calendars.t: holiday source RecurringClosure("),
        (plugin, "$.calendars.t: a IntervalCalendar cannot be written"),
    ]:
        with pytest.raises(DumpError, match=re.escape(message)):
            book_to_dict(CoverageBook(calendars={"t": calendar}))
    with resources.files("tzdata").joinpath("zoneinfo/UTC").open("rb") as file:
        zone = ZoneInfo.from_file(file)  # a zone without a name
    with pytest.raises(DumpError, match="has no IANA name"):
        calendar_to_dict(BusinessHours(timezone=zone, week={}))
    assert book_to_dict(CoverageBook(calendars={"w": weekdays}))["calendars"]["w"]["holidays"] == []


# -- cases ------------------------------------------------------------------------------

CASES = [
    Case(
        id="C-1",
        account="ACME",
        channel="phone",
        opened_at=datetime(2025, 7, 3, 16, 10, tzinfo=ZoneInfo("America/New_York")),
        asset="XR-1",
        component="detector",
        priority="P1",
        worked=timedelta(hours=1, minutes=30),
    ),
    Case(id="C-2", account="ACME", channel="on-site", opened_at=datetime(2025, 7, 4, tzinfo=UTC)),
]


def test_cases_round_trip_through_json_and_csv(tmp_path):
    dump_cases(CASES, tmp_path / "cases.json")
    dump_cases(CASES, tmp_path / "cases.csv")
    assert load_cases(tmp_path / "cases.json") == CASES
    assert load_cases(tmp_path / "cases.csv") == CASES
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8").splitlines() == [
        "id,account,asset,component,product,channel,priority,opened_at,worked",
        "C-1,ACME,XR-1,detector,,phone,P1,2025-07-03T16:10:00-04:00,1h30m",
        "C-2,ACME,,,,on-site,,2025-07-04T00:00:00+00:00,0m",
    ]
    assert cases_to_dicts(CASES)[1] == {
        "id": "C-2",
        "account": "ACME",
        "asset": None,
        "component": None,
        "product": None,
        "channel": "on-site",
        "priority": "",
        "opened_at": "2025-07-04T00:00:00+00:00",
        "worked": "0m",
        "history": [],
    }


def test_case_problems():
    data = cases_to_dicts(CASES)
    data[0]["opened_at"] = "2025-01-01T10:00"
    data[1]["channel"] = "fax"
    data[1]["worked"] = "an hour"
    assert problems(cases_from_dicts, data) == [
        "$[0].opened_at: '2025-01-01T10:00' has no UTC offset",
        f"$[1].channel: 'fax' is not a channel {CHANNELS}",
        "$[1].worked: 'an hour' is not a duration like '1h30m'",
    ]
    data = cases_to_dicts([CASES[0], CASES[0]])
    data[0]["opened_at"] = "last Tuesday"
    assert problems(cases_from_dicts, data) == [
        "$[0].opened_at: 'last Tuesday' is not a date and time (ISO 8601 with an offset, like "
        "'2025-01-01T09:00:00+01:00')"
    ]
    assert problems(cases_from_dicts, cases_to_dicts([CASES[0], CASES[0]])) == [
        "$[1].id: 'C-1' appears twice"
    ]


def test_case_file_problems(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "id,account,channel,opened_at\n"
        "C-1,ACME,phone,2025-07-03T16:10:00-04:00\n"
        "C-1,ACME,phone,2025-07-03T16:10:00-04:00\n",
        encoding="utf-8",
    )
    assert problems(load_cases, path) == ["cases.csv line 3, column id: 'C-1' appears twice"]
    path.write_text("id,account,opened_at\nC-1,ACME,2025-07-03\n", encoding="utf-8")
    assert problems(load_cases, path) == [
        "cases.csv line 1: missing required column 'channel'",
        "cases.csv line 2, column opened_at: '2025-07-03' has no UTC offset",
    ]
    (tmp_path / "cases.json").write_text('[{"id": "C-1"', encoding="utf-8")
    assert problems(load_cases, tmp_path / "cases.json") == [
        "line 1, column 14: Expecting ',' delimiter"
    ]
    (tmp_path / "cases.json").write_bytes(b"\xff")
    assert problems(load_cases, tmp_path / "cases.json") == [
        "cases.json: not UTF-8 text (invalid start byte at byte 0)"
    ]
    assert problems(load_cases, tmp_path / "cases.txt") == [
        "cases.txt: cases are read from a .json, .jsonl or .csv file"
    ]
    with pytest.raises(
        DumpError, match=r"cases\.txt: cases are written to a \.json, \.jsonl or \.csv"
    ):
        dump_cases(CASES, tmp_path / "cases.txt")


# -- more messages, one value at a time ------------------------------------------------


def with_value(path: tuple[object, ...], value: object) -> dict[str, object]:
    data = document()
    node: object = data
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("contracts", 0, "start"), "2025-1-1", "'2025-1-1' is not a date (YYYY-MM-DD)"),
        (("contracts", 0, "start"), 20250101, "20250101 is not a date (YYYY-MM-DD)"),
        (("entitlements", 0, "rank"), 10**18, "1000000000000000000 is out of range"),
        (("entitlements", 0, "rank"), None, "null is not a whole number"),
        (
            ("entitlements", 0, "allowance"),
            "40 hours",
            "'40 hours' is not 'unlimited', 'N cases', a duration like '40h' or both "
            "('10 cases, 40h')",
        ),
        (("entitlements", 0, "allowance"), "99999999999h", "'99999999999h' is out of range"),
        (
            ("entitlements", 0, "allowance"),
            "1 case, 2 cases",
            "'1 case, 2 cases' gives the same limit twice",
        ),
        (
            ("processes", 0, "milestones", 0, "target"),
            2,
            "2 is not a target like '2h', 'NBD 12:00' or '3BD'",
        ),
        (
            ("processes", 0, "milestones", 0, "target"),
            "99999999999h",
            "'99999999999h' is out of range",
        ),
        (
            ("processes", 0, "milestones", 0, "target"),
            "NBD 25:00",
            "'NBD 25:00' is not a target (by: '25:00' is not a time of day 'HH:MM')",
        ),
        (
            ("processes", 0, "milestones", 1, "warnings", 1),
            float("nan"),
            "NaN is not a finite number",
        ),
        (
            ("processes", 0, "milestones", 2, "recurrence"),
            "weekly",
            "'weekly' is not a recurrence (one of 'none', 'independent', 'sequential')",
        ),
        (("processes", 0, "milestones", 0, "priorities"), "P1", "'P1' is not a list of strings"),
        (("processes", 0, "milestones", 0, "priorities", 0), 1, "1 is not a string"),
        (("processes", 0, "milestones"), {}, "{} is not a list"),
        pytest.param(
            ("accounts", 0, "id"), 10**5000, "a value of type int is not a string", id="huge-int"
        ),
        (("calendars",), [], "[] is not an object of calendar id to calendar"),
        (("calendars", " std"), {}, "' std' is not a calendar id (a non-empty string)"),
    ],
)
def test_value_messages(path, value, message):
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    if path[-1] == " std":
        where = "$.calendars[' std']"
    assert problems(book_from_dict, with_value(path, value)) == [f"{where}: {message}"]


def test_an_unexpected_error_of_a_model_is_still_a_load_error(monkeypatch):
    # Should a model check fail with something other than the library's errors (here a
    # broken zone database), loading still reports it as a problem of each record.
    import entitlements.models

    def broken(name):
        raise RuntimeError(f"zone database broken at {name}")

    monkeypatch.setattr(entitlements.models, "ZoneInfo", broken)
    assert problems(book_from_dict, with_value(("accounts", 0, "timezone"), "Europe/Oslo")) == [
        "$.accounts[0]: cannot be read (RuntimeError: zone database broken at Europe/Oslo)",
        "$.accounts[1]: cannot be read (RuntimeError: zone database broken at Europe/Paris)",
    ]


def test_a_time_zone_name_too_long_for_a_file_is_not_a_zone():
    [problem] = problems(book_from_dict, with_value(("accounts", 0, "timezone"), "a" * 300))
    assert problem.startswith("$.accounts[0].timezone: 'aaaa")
    assert problem.endswith("is not a known IANA time zone")


def test_json_that_no_parser_should_accept():
    assert problems(loads_book, "[" * 100_000) == ["the JSON is nested too deeply"]
    [problem] = problems(loads_book, '{"accounts": [{"id": 1' + "0" * 5000 + "}]}")
    assert problem.startswith("not valid JSON (Exceeds the limit (4300 digits)")


def test_cell_values(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id\nACME\n",
        entitlements_csv="id,account,rank,channels\nE-1,ACME,x,phone;;web\nE-2,ACME,-3,all\n",
    )
    assert problems(load_book, folder) == [
        "entitlements.csv line 2, column channels: '' is not a channel " + CHANNELS,
        "entitlements.csv line 2, column rank: 'x' is not a whole number",
    ]


def test_components_of_an_asset_with_problems_are_not_reported_twice(tmp_path):
    folder = write(
        tmp_path / "book",
        accounts_csv="id\nACME\n",
        assets_csv="id,account,product,name\nXR-1,ACME, XR-9,\n",
        components_csv="asset,id,parent,name\nXR-1,detector,,\n",
    )
    assert problems(load_book, folder) == [
        "assets.csv line 2, column product: ' XR-9' is not an id (a non-empty string)"
    ]


def test_more_calendar_shapes():
    assert problems(calendar_from_dict, {"week": {"mon": [["09:00", "17:00"]]}}) == [
        "$: missing required field 'timezone'",
        '$.week.mon[0]: ["09:00", "17:00"] is not an interval \'HH:MM-HH:MM\'',
    ]
    full_names = {"timezone": "UTC", "week": {"Monday": ["09:00-17:00"], "SUNDAY": ["10:00-12:00"]}}
    calendar = calendar_from_dict(full_names)
    assert calendar_to_dict(calendar)["week"]["sun"] == ["10:00-12:00"]


def test_case_values():
    data = cases_to_dicts(CASES)
    data[0].update(opened_at=5, worked=90, channel=None)
    data[1]["worked"] = "99999999999h"
    assert problems(cases_from_dicts, data) == [
        f"$[0].channel: null is not a channel {CHANNELS}",
        "$[0].opened_at: 5 is not a date and time (ISO 8601 with an offset, like "
        "'2025-01-01T09:00:00+01:00')",
        "$[0].worked: 90 is not a duration like '1h30m'",
        "$[1].worked: '99999999999h' is out of range",
    ]
