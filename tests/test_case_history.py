"""A case's history: the CaseEvent model, the checks of Case.history, and its files.

The model part pins every validation message (field and value named) and the
readers of the history. The io part pins the JSON ``history`` list and the
CSV events file ``<stem>_events.csv``: exact output, exact located problems,
and a round-trip property over generated histories.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlements import Case, CoverageBook, LoadError, ModelError, NaiveDatetimeError
from entitlements.cases import CaseEvent, CaseEventKind
from entitlements.io import (
    cases_from_dicts,
    cases_to_dicts,
    dump_book,
    dump_cases,
    load_book,
    load_cases,
)

NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
PLUS2 = timezone(timedelta(hours=2))
KINDS = "(one of 'status', 'priority', 'completed', 'reply', 'closed')"

OPENED = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)


def at(hour: int, minute: int = 0, tz: timezone | ZoneInfo = UTC) -> datetime:
    """An instant on the day OPENED is on, given as a UTC wall time shown in ``tz``."""
    return datetime(2025, 7, 3, hour, minute, tzinfo=UTC).astimezone(tz)


def event(when: datetime, kind: str, value: str = "") -> CaseEvent:
    return CaseEvent(at=when, kind=kind, value=value)


def case(*history: CaseEvent) -> Case:
    """Case C-1, opened at OPENED with priority P2, with this history."""
    return Case(
        id="C-1", account="ACME", channel="phone", opened_at=OPENED, priority="P2", history=history
    )


def model_error(build, *args, **kwargs) -> ModelError:
    with pytest.raises(ModelError) as caught:
        build(*args, **kwargs)
    return caught.value


def problems(load, *args) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load(*args)
    return list(caught.value.problems)


# -- CaseEvent --------------------------------------------------------------------------


def test_an_event_converts_its_kind_and_defaults_to_no_value():
    reply = CaseEvent(at=at(10), kind="reply")
    assert reply.kind is CaseEventKind.REPLY
    assert reply.value == ""
    status = CaseEvent(at=at(10), kind=CaseEventKind.STATUS, value="in progress")
    assert (status.kind, status.value) == (CaseEventKind.STATUS, "in progress")
    assert [kind.value for kind in CaseEventKind] == [
        "status",
        "priority",
        "completed",
        "reply",
        "closed",
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"at": "2025-07-03T10:00+00:00"}, "at", "'2025-07-03T10:00+00:00' is not a datetime"),
        ({"at": datetime(2025, 7, 3, 10)}, "at", "2025-07-03T10:00:00 has no UTC offset"),
        ({"kind": "escalated"}, "kind", f"'escalated' is not a case event kind {KINDS}"),
        ({"kind": 3}, "kind", f"3 is not a case event kind {KINDS}"),
        ({"value": 7}, "value", "7 is not a string"),
        (
            {"kind": "status", "value": ""},
            "value",
            "'' is not a status (a status event needs a non-empty value without "
            "surrounding spaces)",
        ),
        (
            {"kind": "priority", "value": " P1"},
            "value",
            "' P1' is not a priority (a priority event needs a non-empty value without "
            "surrounding spaces)",
        ),
        (
            {"kind": "completed", "value": "First Response "},
            "value",
            "'First Response ' is not a milestone name (a completed event needs a non-empty "
            "value without surrounding spaces)",
        ),
        ({"kind": "reply", "value": "thanks"}, "value", "'thanks': a reply event carries no value"),
        ({"kind": "closed", "value": "done"}, "value", "'done': a closed event carries no value"),
    ],
)
def test_every_bad_event_names_the_field_and_the_value(fields, field, message):
    values: dict[str, object] = {"at": at(10), "kind": "status", "value": "open"}
    values.update(fields)
    error = model_error(CaseEvent, **values)
    assert (error.field, error.reason) == (field, message)
    assert str(error) == f"CaseEvent: {field}: {message}"


# -- Case.history -----------------------------------------------------------------------


def test_a_history_is_kept_as_a_tuple_in_the_order_given():
    events = [event(at(10), "status", "in progress"), event(at(10), "priority", "P1")]
    built = Case(id="C-1", account="A", channel="web", opened_at=OPENED, history=events)
    assert built.history == tuple(events)
    assert isinstance(built.history, tuple)
    assert case().history == ()
    assert Case(id="C-2", account="A", channel="web", opened_at=OPENED).history == ()


def test_events_may_share_an_instant_and_start_at_the_opening():
    history = (
        event(OPENED, "status", "new"),
        event(at(10), "status", "in progress"),
        event(at(10), "status", "waiting on customer"),
        event(at(10), "reply"),
        event(at(10), "closed"),
    )
    assert case(*history).history == history


@pytest.mark.parametrize(
    ("history", "field", "message"),
    [
        (
            [event(at(8, 59), "reply")],
            "history[0].at",
            "2025-07-03T08:59:00+00:00 is before the case opened at 2025-07-03T09:00:00+00:00",
        ),
        (
            [event(at(10), "reply"), event(at(8), "reply")],
            "history[1].at",
            "2025-07-03T08:00:00+00:00 is before the case opened at 2025-07-03T09:00:00+00:00",
        ),
        (
            [
                event(at(9, 30), "status", "new"),
                event(at(11), "status", "in progress"),
                event(at(10), "priority", "P1"),
            ],
            "history[2].at",
            "2025-07-03T10:00:00+00:00 is before the previous event at "
            "2025-07-03T11:00:00+00:00; events must be in time order",
        ),
        (
            [event(at(10), "reply"), event(at(10), "status", "open"), event(at(10), "reply")],
            "history[2]",
            "the reply event at 2025-07-03T10:00:00+00:00 appears twice",
        ),
        (
            [
                event(at(10), "completed", "First Response"),
                event(at(10), "completed", "First Response"),
            ],
            "history[1]",
            "the completed 'First Response' event at 2025-07-03T10:00:00+00:00 appears twice",
        ),
        (
            [event(at(10), "closed"), event(at(11), "reply")],
            "history[1]",
            "the reply event at 2025-07-03T11:00:00+00:00 follows the case's closure",
        ),
        (
            [event(at(10), "closed"), event(at(10), "status", "reopened")],
            "history[1]",
            "the status 'reopened' event at 2025-07-03T10:00:00+00:00 follows the case's closure",
        ),
        ("not events", "history", "'not events' is not a list of case events"),
        (
            [event(at(10), "reply"), "reply"],
            "history[1]",
            "'reply' is not a case event",
        ),
    ],
)
def test_every_bad_history_names_the_event_and_its_value(history, field, message):
    error = model_error(
        Case, id="C-1", account="A", channel="web", opened_at=OPENED, history=history
    )
    assert (error.field, error.reason) == (field, message)
    assert str(error) == f"Case 'C-1': {field}: {message}"


def test_the_same_instant_in_another_zone_is_the_same_instant():
    # 12:00+02:00 is 10:00Z: not before 10:00Z, and a repeat of the same reply
    same = at(10, tz=PLUS2)
    assert same.hour == 12
    assert (
        case(event(at(10), "status", "open"), event(same, "priority", "P1")).history[1].at == same
    )
    error = model_error(case, event(at(10), "reply"), event(same, "reply"))
    assert (error.field, error.reason) == (
        "history[1]",
        "the reply event at 2025-07-03T12:00:00+02:00 appears twice",
    )
    # 11:30+02:00 is 09:30Z: it reads later than 10:00Z but is before it
    error = model_error(case, event(at(10), "reply"), event(at(9, 30, PLUS2), "reply"))
    assert (error.field, error.reason) == (
        "history[1].at",
        "2025-07-03T11:30:00+02:00 is before the previous event at 2025-07-03T10:00:00+00:00; "
        "events must be in time order",
    )
    # and the opening time too: 05:00-04:00 is 09:00Z, exactly when the case opened
    assert case(event(at(9, tz=NY), "reply")).history[0].at.hour == 5


def test_the_readers_of_the_history():
    history = (
        event(at(10), "status", "in progress"),
        event(at(11), "priority", "P1"),
        event(at(11), "status", "waiting on customer"),
        event(at(11), "priority", "P3"),
        event(at(12), "reply"),
        event(at(13), "completed", "Resolution"),
        event(at(14), "closed"),
    )
    built = case(*history)
    assert list(built.events_until(OPENED)) == []
    assert list(built.events_until(at(11))) == list(history[:4])
    assert list(built.events_until(at(11, tz=PARIS))) == list(history[:4])  # 13:00+02:00
    assert list(built.events_until(at(12, 59))) == list(history[:5])
    assert list(built.events_until(at(23))) == list(history)
    # the priority and status in force, after every event at that instant, in order
    assert [built.priority_at(at(h)) for h in (9, 10, 11, 12)] == ["P2", "P2", "P3", "P3"]
    assert [built.status_at(at(h)) for h in (9, 10, 11, 14)] == [
        "",
        "in progress",
        "waiting on customer",
        "waiting on customer",
    ]
    assert built.priority_at(at(10, 59)) == "P2"
    assert built.closed_at == at(14)
    assert case(*history[:-1]).closed_at is None
    assert case().closed_at is None
    assert case().priority_at(at(12)) == "P2"
    assert case().status_at(at(12)) == ""
    with pytest.raises(NaiveDatetimeError, match=r"^instant: 2025-07-03T11:00:00 is naive"):
        built.priority_at(datetime(2025, 7, 3, 11))


def test_events_at_one_instant_apply_in_the_order_given():
    a, b = event(at(10), "status", "a"), event(at(10), "status", "b")
    assert case(a, b).status_at(at(10)) == "b"
    assert case(b, a).status_at(at(10)) == "a"
    p1, p3 = event(at(10), "priority", "P1"), event(at(10), "priority", "P3")
    assert case(p1, p3).priority_at(at(10)) == "P3"
    assert case(p3, p1).priority_at(at(10)) == "P1"


# -- JSON ------------------------------------------------------------------------------

HISTORY = (
    event(datetime(2025, 7, 3, 16, 40, tzinfo=NY), "status", "in progress"),
    event(datetime(2025, 7, 3, 16, 40, tzinfo=NY), "priority", "P1"),
    event(datetime(2025, 7, 3, 23, 5, tzinfo=PARIS), "completed", "First Response"),
    event(datetime(2025, 7, 4, 9, 0, 0, 250000, tzinfo=UTC), "status", 'waiting, on "customer"'),
    event(datetime(2025, 7, 4, 10, 0, tzinfo=UTC), "reply"),
    event(datetime(2025, 7, 5, 8, 0, tzinfo=UTC), "closed"),
)
CASES = [
    Case(
        id="C-1",
        account="ACME",
        channel="phone",
        opened_at=datetime(2025, 7, 3, 16, 10, tzinfo=NY),
        priority="P2",
        history=HISTORY,
    ),
    Case(id="C-2", account="ACME", channel="web", opened_at=datetime(2025, 7, 4, tzinfo=UTC)),
    Case(
        id="C-3",
        account="ACME",
        channel="email",
        opened_at=datetime(2025, 7, 4, tzinfo=UTC),
        history=[event(datetime(2025, 7, 4, 1, 0, tzinfo=UTC), "reply")],
    ),
]


def test_cases_write_their_history_last_with_every_key():
    data = cases_to_dicts(CASES)
    assert list(data[0]) == [
        "id",
        "account",
        "asset",
        "component",
        "product",
        "channel",
        "priority",
        "opened_at",
        "worked",
        "history",
    ]
    assert data[0]["history"] == [
        {"at": "2025-07-03T16:40:00-04:00", "kind": "status", "value": "in progress"},
        {"at": "2025-07-03T16:40:00-04:00", "kind": "priority", "value": "P1"},
        {"at": "2025-07-03T23:05:00+02:00", "kind": "completed", "value": "First Response"},
        {
            "at": "2025-07-04T09:00:00.250000+00:00",
            "kind": "status",
            "value": 'waiting, on "customer"',
        },
        {"at": "2025-07-04T10:00:00+00:00", "kind": "reply", "value": ""},
        {"at": "2025-07-05T08:00:00+00:00", "kind": "closed", "value": ""},
    ]
    assert data[1]["history"] == []
    assert cases_from_dicts(data) == CASES
    assert cases_from_dicts(json.loads(json.dumps(data))) == CASES


def test_json_history_may_leave_out_empty_values_and_the_history_itself():
    data = cases_to_dicts(CASES)
    for item in data[0]["history"]:
        if item["value"] == "":
            del item["value"]
    del data[1]["history"]
    assert cases_from_dicts(data) == CASES


def test_history_round_trips_through_a_json_file(tmp_path):
    dump_cases(CASES, tmp_path / "cases.json")
    loaded = load_cases(tmp_path / "cases.json")
    assert loaded == CASES
    # the instant is kept with the offset it was written with, not its zone
    assert loaded[0].history[2].at.utcoffset() == timedelta(hours=2)
    assert loaded[0].history[2].at.tzinfo != PARIS
    assert not (tmp_path / "cases_events.json").exists()
    assert not (tmp_path / "cases_events.csv").exists()


def test_json_history_problems_are_located():
    data = cases_to_dicts(CASES)
    data[0]["history"][0]["at"] = "2025-07-03T16:40"
    data[0]["history"][1]["kind"] = "escalated"
    data[0]["history"][2]["value"] = ""
    data[0]["history"][3]["colour"] = "red"
    del data[0]["history"][4]["at"]
    data[0]["history"][5]["value"] = None
    data[1]["history"] = {"at": "2025-07-04T01:00:00+00:00", "kind": "reply"}
    data[2]["history"].append("reply")
    assert problems(cases_from_dicts, data) == [
        "$[0].history[0].at: '2025-07-03T16:40' has no UTC offset",
        f"$[0].history[1].kind: 'escalated' is not a case event kind {KINDS}",
        "$[0].history[2].value: '' is not a milestone name (a completed event needs a "
        "non-empty value without surrounding spaces)",
        "$[0].history[3]: unknown field 'colour'",
        "$[0].history[4]: missing required field 'at'",
        "$[0].history[5].value: null is not a string",
        '$[1].history: {"at": "2025-07-04T01:00:00+00:00", "kind": "reply"} is not a list',
        "$[2].history[1]: 'reply' is not an object",
    ]


def test_json_history_out_of_order_is_located_at_the_event():
    data = cases_to_dicts(CASES)
    data[0]["history"][3]["at"] = "2025-07-03T20:50:00+00:00"  # before 23:05+02:00 (21:05Z)
    data[2]["history"][0]["at"] = "2025-07-03T23:00:00+00:00"  # before C-3 opened
    data[1]["history"] = [
        {"at": "2025-07-04T02:00:00+02:00", "kind": "reply"},  # 00:00Z, the opening
        {"at": "2025-07-04T00:00:00+00:00", "kind": "reply"},  # the same instant again
    ]
    assert problems(cases_from_dicts, data) == [
        "$[0].history[3].at: 2025-07-03T20:50:00+00:00 is before the previous event at "
        "2025-07-03T23:05:00+02:00; events must be in time order",
        "$[1].history[1]: the reply event at 2025-07-04T00:00:00+00:00 appears twice",
        "$[2].history[0].at: 2025-07-03T23:00:00+00:00 is before the case opened at "
        "2025-07-04T00:00:00+00:00",
    ]
    data = cases_to_dicts(CASES)
    data[0]["history"].append({"at": "2025-07-06T08:00:00+00:00", "kind": "reply", "value": ""})
    assert problems(cases_from_dicts, data) == [
        "$[0].history[6]: the reply event at 2025-07-06T08:00:00+00:00 follows the case's closure"
    ]


def test_json_file_history_problems_name_the_file(tmp_path):
    data = cases_to_dicts(CASES)
    data[2]["history"][0]["kind"] = "Reply"
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_cases(path)
    assert caught.value.problems == (
        f"$[2].history[0].kind: 'Reply' is not a case event kind {KINDS}",
    )
    assert caught.value.source == str(path)


# -- CSV --------------------------------------------------------------------------------


def test_history_goes_to_the_events_file_beside_the_cases_file(tmp_path):
    dump_cases(CASES, tmp_path / "cases.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "cases_events.csv"]
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "id,account,asset,component,product,channel,priority,opened_at,worked"
    )
    assert (tmp_path / "cases_events.csv").read_bytes().decode().split("\r\n") == [
        "case,at,kind,value",
        "C-1,2025-07-03T16:40:00-04:00,status,in progress",
        "C-1,2025-07-03T16:40:00-04:00,priority,P1",
        "C-1,2025-07-03T23:05:00+02:00,completed,First Response",
        'C-1,2025-07-04T09:00:00.250000+00:00,status,"waiting, on ""customer"""',
        "C-1,2025-07-04T10:00:00+00:00,reply,",
        "C-1,2025-07-05T08:00:00+00:00,closed,",
        "C-3,2025-07-04T01:00:00+00:00,reply,",
        "",
    ]
    assert load_cases(tmp_path / "cases.csv") == CASES


def test_the_events_file_is_named_after_the_cases_file(tmp_path):
    dump_cases(CASES, tmp_path / "open.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["open.csv", "open_events.csv"]
    assert load_cases(tmp_path / "open.csv") == CASES
    (tmp_path / "open_events.csv").rename(tmp_path / "cases_events.csv")
    assert all(not c.history for c in load_cases(tmp_path / "open.csv"))


def test_without_history_no_events_file_is_written_and_a_stale_one_goes(tmp_path):
    plain = [c for c in CASES if not c.history]
    dump_cases(plain, tmp_path / "cases.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]
    assert load_cases(tmp_path / "cases.csv") == plain
    dump_cases(CASES, tmp_path / "cases.csv")
    dump_cases(plain, tmp_path / "cases.csv")  # the events of the first dump must not remain
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]
    assert load_cases(tmp_path / "cases.csv") == plain


def write_cases(folder: Path, events: str) -> Path:
    (folder / "cases.csv").write_text(
        "id,account,channel,opened_at\n"
        "C-1,ACME,phone,2025-07-03T09:00:00+00:00\n"
        "C-2,ACME,web,2025-07-03T09:00:00+00:00\n",
        encoding="utf-8",
    )
    (folder / "cases_events.csv").write_text(events, encoding="utf-8")
    return folder / "cases.csv"


def test_events_of_cases_may_interleave_and_need_no_value_column(tmp_path):
    path = write_cases(
        tmp_path,
        "kind,case,at\n"
        "reply,C-2,2025-07-03T10:00:00+00:00\n"
        "\n"
        "reply,C-1,2025-07-03T11:00:00+00:00\n"
        "closed,C-2,2025-07-03T12:00:00+02:00\n"
        "closed,C-1,2025-07-03T11:00:00+00:00\n",
    )
    first, second = load_cases(path)
    assert first.history == (event(at(11), "reply"), event(at(11), "closed"))
    assert second.history == (event(at(10), "reply"), event(at(10), "closed"))
    assert second.closed_at == at(10)


def test_events_file_problems_are_located_by_line_and_column(tmp_path):
    path = write_cases(
        tmp_path,
        "case,at,kind,value\n"
        "C-1,2025-07-03T10:00:00+00:00,status,in progress\n"
        "C-1,2025-07-03T10:00,status,open\n"
        "C-2,2025-07-03T10:00:00+00:00,escalated,\n"
        "C-2,2025-07-03T10:00:00+00:00,reply,thanks\n"
        "C-2,yesterday,reply,\n"
        ",2025-07-03T10:00:00+00:00,reply,\n"
        "C-9,2025-07-03T10:00:00+00:00,reply,\n"
        "C-1,2025-07-03T10:00:00+00:00,reply\n",
    )
    # the shape of the file first (as for every table), then each row in turn
    assert problems(load_cases, path) == [
        "cases_events.csv line 9: 3 cells, but the header has 4 columns",
        "cases_events.csv line 3, column at: '2025-07-03T10:00' has no UTC offset",
        f"cases_events.csv line 4, column kind: 'escalated' is not a case event kind {KINDS}",
        "cases_events.csv line 5, column value: 'thanks': a reply event carries no value",
        "cases_events.csv line 6, column at: 'yesterday' is not a date and time (ISO 8601 with "
        "an offset, like '2025-01-01T09:00:00+01:00')",
        "cases_events.csv line 7, column case: missing required field 'case'",
        "cases_events.csv line 8, column case: 'C-9' is not a case in cases.csv",
    ]


def test_an_events_file_header_is_checked_like_any_table(tmp_path):
    path = write_cases(
        tmp_path,
        "case,value,colour,value\nC-1,open,red,open\n",
    )
    assert problems(load_cases, path) == [
        "cases_events.csv line 1: unknown column 'colour'",
        "cases_events.csv line 1: column 'value' appears twice",
        "cases_events.csv line 1: missing required column 'at'",
        "cases_events.csv line 1: missing required column 'kind'",
    ]
    path = write_cases(tmp_path, "")
    assert problems(load_cases, path) == [
        "cases_events.csv: no header row (the first line names the columns)"
    ]
    # without a case column, the rows are still read, and their own problems reported
    path = write_cases(tmp_path, "at,kind\n2025-07-03T10:00:00+00:00,reply\nsoon,reply\n")
    assert problems(load_cases, path) == [
        "cases_events.csv line 1: missing required column 'case'",
        "cases_events.csv line 3, column at: 'soon' is not a date and time (ISO 8601 with an "
        "offset, like '2025-01-01T09:00:00+01:00')",
    ]


def test_a_history_out_of_order_is_located_at_the_event_row(tmp_path):
    path = write_cases(
        tmp_path,
        "case,at,kind,value\n"
        "C-1,2025-07-03T10:00:00+00:00,status,open\n"
        "C-2,2025-07-03T10:00:00+00:00,closed,\n"
        "C-1,2025-07-03T11:30:00+02:00,status,in progress\n"
        "C-2,2025-07-03T12:00:00+02:00,reply,\n",
    )
    assert problems(load_cases, path) == [
        "cases_events.csv line 4, column at: 2025-07-03T11:30:00+02:00 is before the previous "
        "event at 2025-07-03T10:00:00+00:00; events must be in time order",
        "cases_events.csv line 5: the reply event at 2025-07-03T12:00:00+02:00 follows the "
        "case's closure",
    ]
    path = write_cases(
        tmp_path,
        "case,at,kind,value\n"
        "C-2,2025-07-03T08:00:00+00:00,reply,\n"
        "C-1,2025-07-03T10:00:00+00:00,reply,\n"
        "C-1,2025-07-03T12:00:00+02:00,reply,\n",
    )
    assert problems(load_cases, path) == [
        "cases_events.csv line 2, column at: 2025-07-03T08:00:00+00:00 is before the case "
        "opened at 2025-07-03T09:00:00+00:00",
        "cases_events.csv line 4: the reply event at 2025-07-03T12:00:00+02:00 appears twice",
    ]


def test_a_case_with_an_unreadable_event_is_not_checked_for_order(tmp_path):
    # without line 3, line 4 would seem to repeat line 2; only line 3's own problem is reported
    path = write_cases(
        tmp_path,
        "case,at,kind,value\n"
        "C-1,2025-07-03T10:00:00+00:00,reply,\n"
        "C-1,2025-07-03T11:00:00+00:00,status,\n"
        "C-1,2025-07-03T10:00:00+00:00,reply,\n",
    )
    assert problems(load_cases, path) == [
        "cases_events.csv line 3, column value: '' is not a status (a status event needs a "
        "non-empty value without surrounding spaces)"
    ]


def test_problems_of_both_files_are_collected(tmp_path):
    path = write_cases(
        tmp_path,
        "case,at,kind,value\n"
        "C-1,2025-07-03T10:00:00+00:00,reply,\n"
        "C-3,2025-07-03T10:00:00+00:00,reply,\n"
        "C-2,2025-07-03T10:00:00+00:00,reply,\n",
    )
    path.write_text(
        "id,account,channel,opened_at\n"
        "C-1,ACME,fax,2025-07-03T09:00:00+00:00\n"
        "C-2,ACME,web,2025-07-03T09:00:00+00:00\n",
        encoding="utf-8",
    )
    # C-1's row is bad: its events are not "not a case", they wait for the row to be fixed
    assert problems(load_cases, path) == [
        "cases.csv line 2, column channel: 'fax' is not a channel "
        "(one of 'phone', 'email', 'web', 'chat', 'on-site')",
        "cases_events.csv line 3, column case: 'C-3' is not a case in cases.csv",
    ]
    (tmp_path / "cases_events.csv").write_bytes(b"case,at,kind\n\xff\n")
    assert problems(load_cases, path) == [
        "cases.csv line 2, column channel: 'fax' is not a channel "
        "(one of 'phone', 'email', 'web', 'chat', 'on-site')",
        "cases_events.csv: not UTF-8 text (invalid start byte at byte 13)",
    ]


def test_a_repeated_case_id_is_the_one_problem_reported(tmp_path):
    path = write_cases(
        tmp_path,
        "case,at,kind,value\n"
        "C-1,2025-07-03T10:00:00+00:00,reply,\n"
        "C-1,2025-07-03T11:00:00+00:00,closed,\n",
    )
    path.write_text(
        "id,account,channel,opened_at\n"
        "C-1,ACME,phone,2025-07-03T09:00:00+00:00\n"
        "C-1,ACME,web,2025-07-03T12:00:00+00:00\n",
        encoding="utf-8",
    )
    # the events fit the first C-1 (and are not checked again against the second)
    assert problems(load_cases, path) == ["cases.csv line 3, column id: 'C-1' appears twice"]


def test_a_badly_shaped_cases_file_does_not_make_every_event_unknown(tmp_path):
    path = write_cases(tmp_path, "case,at,kind\nC-2,2025-07-03T10:00:00+00:00,reply\n")
    path.write_text(
        "id,account,channel,opened_at\nC-1,ACME,phone,2025-07-03T09:00:00+00:00\nC-2,ACME,web\n",
        encoding="utf-8",
    )
    assert problems(load_cases, path) == ["cases.csv line 3: 3 cells, but the header has 4 columns"]


def test_a_book_folder_leaves_the_cases_and_their_events_alone(tmp_path):
    book = CoverageBook()
    dump_book(book, tmp_path / "book")
    dump_cases(CASES, tmp_path / "book" / "cases.csv")
    assert (tmp_path / "book" / "cases_events.csv").exists()
    assert load_book(tmp_path / "book") == book
    (tmp_path / "book" / "case_events.csv").write_text("case,at,kind\n", encoding="utf-8")
    assert problems(load_book, tmp_path / "book") == [
        "case_events.csv: unknown file (a book folder holds accounts.csv, assets.csv, "
        "components.csv, contracts.csv, line_items.csv, entitlements.csv, processes.json, "
        "calendars.json)"
    ]


# -- round trips of generated histories -------------------------------------------------

ZONES = st.sampled_from(
    [UTC, PLUS2, timezone(timedelta(hours=-9, minutes=-30)), NY, PARIS, ZoneInfo("Asia/Kolkata")]
)
VALUES = st.sampled_from(
    ["open", "in progress", 'waiting, on "customer"', "P1", "é \u2603", "two\nlines", "a;b"]
)
NAMED = ("status", "priority", "completed")


@st.composite
def histories(draw: st.DrawFn, opened: datetime) -> list[CaseEvent]:
    """A valid history: instants never going back (often equal), shown in random zones."""
    events: list[CaseEvent] = []
    seen: set[tuple[datetime, str, str]] = set()
    moment = opened.astimezone(UTC)  # absolute arithmetic, not wall-clock
    for _ in range(draw(st.integers(0, 6))):
        moment += draw(
            st.sampled_from([timedelta(0), timedelta(microseconds=1)])
            | st.timedeltas(timedelta(0), timedelta(days=40))
        )
        kind = draw(st.sampled_from([*NAMED, "reply"]))
        value = draw(VALUES) if kind in NAMED else ""
        key = (moment, kind, value)
        if key not in seen:
            seen.add(key)
            events.append(event(moment.astimezone(draw(ZONES)), kind, value))
    if draw(st.booleans()):
        events.append(event(moment.astimezone(draw(ZONES)), "closed"))
    return events


@st.composite
def cases_with_histories(draw: st.DrawFn) -> list[Case]:
    cases = []
    for number in range(draw(st.integers(0, 4))):
        # any wall time, even one a DST change skips or repeats (then its offset is used)
        opened = draw(st.datetimes(datetime(2001, 1, 1), datetime(2030, 12, 31), timezones=ZONES))
        cases.append(
            Case(
                id=f"C-{number}",
                account="ACME",
                channel=draw(st.sampled_from(["phone", "web", "on-site"])),
                opened_at=opened,
                priority=draw(st.sampled_from(["", "P1", "P3"])),
                history=draw(histories(opened)),
            )
        )
    return cases


def fixed(moment: datetime) -> datetime:
    """The same instant with its UTC offset as a fixed zone: what a file keeps of it.

    Needed to compare: Python's ``==`` says False between zones whenever one
    side is a skipped or repeated wall time, even for the very same instant.
    """
    return moment.astimezone(timezone(moment.utcoffset() or timedelta(0)))


def as_written(cases: list[Case]) -> list[Case]:
    return [
        attrs.evolve(
            case,
            opened_at=fixed(case.opened_at),
            history=[attrs.evolve(e, at=fixed(e.at)) for e in case.history],
        )
        for case in cases
    ]


def offsets(cases: list[Case]) -> list[list[timedelta | None]]:
    return [[c.opened_at.utcoffset()] + [e.at.utcoffset() for e in c.history] for c in cases]


@given(cases_with_histories())
def test_histories_round_trip_through_plain_data(cases):
    loaded = cases_from_dicts(json.loads(json.dumps(cases_to_dicts(cases))))
    assert loaded == as_written(cases)
    assert offsets(loaded) == offsets(cases)  # each instant keeps the offset it had


@given(cases_with_histories())
def test_histories_round_trip_through_json_and_csv_files(cases):
    with tempfile.TemporaryDirectory() as folder:
        for name in ("cases.json", "cases.csv"):
            path = Path(folder) / name
            dump_cases(cases, path)
            loaded = load_cases(path)
            assert loaded == as_written(cases), name
            assert offsets(loaded) == offsets(cases), name
        assert (Path(folder) / "cases_events.csv").exists() == any(c.history for c in cases)
