"""Streaming cases: iter_cases reads, dump_cases writes, one case at a time."""

from __future__ import annotations

import itertools
import json
import tempfile
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from book_strategies import ZONES, ids
from clock_strategies import NAMES, PRIORITIES, histories
from entitlements import Case, Channel, DumpError, LoadError
from entitlements.cases import CaseEvent
from entitlements.io import cases_to_dicts, dump_cases, iter_cases, load_cases
from entitlements.io._text import dumps_json

SUFFIXES = (".json", ".jsonl", ".csv")
CHANNELS = "(one of 'phone', 'email', 'web', 'chat', 'on-site')"
OPENED = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)


def problems(stream) -> list[str]:
    with pytest.raises(LoadError) as caught:
        list(stream)
    return list(caught.value.problems)


def generated(count: int) -> list[Case]:
    """``count`` cases, C-0, C-1, ...; the odd ones have a reply and a closure."""
    return [_case(number) for number in range(count)]


def _case(number: int) -> Case:
    opened = OPENED + timedelta(minutes=number)
    history = []
    if number % 2 == 1:
        history = [
            CaseEvent(at=opened + timedelta(hours=1), kind="reply"),
            CaseEvent(at=opened + timedelta(hours=2), kind="closed"),
        ]
    return Case(id=f"C-{number}", account="A", channel="web", opened_at=opened, history=history)


# -- strategies ----------------------------------------------------------------------------

#: ids as in book_strategies, and some with a carriage return inside (old Mac line ends)
case_ids = ids | st.builds(lambda a, b: f"{a}\r{b}", ids, ids)


@st.composite
def any_cases(draw: st.DrawFn, ident: str) -> Case:
    """A case with any of its optional fields and a history from the clock strategies.

    Instants carry the offset of one of the zones at that instant (a fixed offset: an instant in
    a repeated hour of a ZoneInfo zone never compares equal to its read-back form).
    """
    instant = draw(st.datetimes(datetime(2000, 1, 1), datetime(2040, 1, 1), timezones=st.just(UTC)))
    offset = instant.astimezone(ZoneInfo(draw(st.sampled_from(ZONES)))).utcoffset()
    opened = instant.replace(second=0, microsecond=0).astimezone(timezone(offset or timedelta()))
    asset = draw(st.none() | case_ids)
    return Case(
        id=ident,
        account=draw(case_ids),
        asset=asset,
        component=None if asset is None else draw(st.none() | case_ids),
        product=draw(st.none() | case_ids),
        channel=draw(st.sampled_from(list(Channel))),
        priority=draw(st.sampled_from(("", *PRIORITIES))),
        opened_at=opened,
        worked=timedelta(minutes=draw(st.integers(0, 10_000))),
        history=draw(histories(opened, NAMES, horizon=3000, max_size=5)),
    )


case_lists = st.lists(case_ids, unique=True, max_size=6).flatmap(
    lambda idents: st.tuples(*(any_cases(ident) for ident in idents)).map(list)
)


# -- round trips ---------------------------------------------------------------------------


@given(case_lists)
def test_a_dump_streams_back_as_the_cases_and_agrees_with_load_cases(cases: list[Case]):
    with tempfile.TemporaryDirectory() as folder:
        for suffix in SUFFIXES:
            path = Path(folder) / f"cases{suffix}"
            dump_cases(iter(cases), path)  # any iterable, not only a list
            assert list(iter_cases(path)) == cases
            assert load_cases(path) == cases
        assert sorted(p.name for p in Path(folder).iterdir()) == sorted(
            ["cases.json", "cases.jsonl", "cases.csv"]
            + (["cases_events.csv"] if any(case.history for case in cases) else [])
        )


@given(case_lists)
def test_json_lines_hold_one_case_object_a_line(cases: list[Case]):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.jsonl"
        dump_cases(cases, path)
        text = path.read_bytes().decode("utf-8")
        assert [json.loads(line) for line in text.split("\n")[:-1]] == cases_to_dicts(cases)
        assert text.endswith("\n") or not cases


@given(case_lists)
def test_a_streamed_json_dump_is_the_same_text_as_before(cases: list[Case]):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.json"
        dump_cases(iter(cases), path)
        assert path.read_bytes().decode("utf-8") == dumps_json(cases_to_dicts(cases))


def test_blank_lines_and_a_byte_order_mark_are_accepted(tmp_path):
    path = tmp_path / "cases.jsonl"
    dump_cases(generated(3), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_bytes(("\ufeff" + "\n\n".join(lines) + "\n  \n\r\n").encode())
    assert list(iter_cases(path)) == generated(3)
    assert load_cases(path) == generated(3)


def test_events_in_another_order_are_read_whole_and_still_attached(tmp_path):
    path = tmp_path / "cases.csv"
    dump_cases(generated(6), path)
    events = tmp_path / "cases_events.csv"
    header, *rows = events.read_text(encoding="utf-8").splitlines()
    events.write_text("\n".join([header, *sorted(rows, key=lambda row: row.split(",")[1])]))
    assert list(iter_cases(path)) == generated(6) == load_cases(path)
    by_case = sorted(rows, key=lambda row: row.split(",")[0], reverse=True)  # stable
    events.write_text("\n".join([header, *by_case]))
    assert list(iter_cases(path)) == generated(6) == load_cases(path)


def test_a_file_is_rewritten_from_its_own_stream(tmp_path):
    for suffix in SUFFIXES:
        path = tmp_path / f"cases{suffix}"
        dump_cases(generated(5), path)
        dump_cases((case for case in iter_cases(path) if case.history), path)
        assert load_cases(path) == generated(5)[1::2]


def test_a_dump_that_fails_midway_leaves_the_old_files(tmp_path):
    def failing():
        yield from generated(3)
        raise LoadError(["cases.jsonl line 4: $.id: ..."], "cases.jsonl")

    for suffix in SUFFIXES:
        path = tmp_path / f"old{suffix}"
        dump_cases(generated(2), path)
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
        with pytest.raises(LoadError):
            dump_cases(failing(), path)
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_dump_without_history_removes_a_stale_events_file(tmp_path):
    path = tmp_path / "cases.csv"
    dump_cases(generated(3), path)
    assert (tmp_path / "cases_events.csv").exists()
    dump_cases((case for case in generated(3) if not case.history), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]


# -- laziness ------------------------------------------------------------------------------


def test_a_stream_yields_the_cases_before_a_bad_line(tmp_path):
    path = tmp_path / "cases.jsonl"
    dump_cases(generated(5), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:40]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stream = iter_cases(path)
    assert [next(stream), next(stream)] == generated(2)
    with pytest.raises(LoadError) as caught:
        next(stream)
    assert caught.value.problems == ("cases.jsonl line 3, column 40: Expecting value",)
    assert caught.value.source == str(path)


@pytest.mark.parametrize("events", ["none", "in step", "reordered"])
def test_a_csv_stream_yields_the_cases_before_a_bad_row(tmp_path, events):
    path = tmp_path / "cases.csv"
    dump_cases(generated(5), path)
    events_path = tmp_path / "cases_events.csv"
    if events == "none":
        events_path.unlink()
    elif events == "reordered":
        header, *rows = events_path.read_text(encoding="utf-8").splitlines()
        by_case = sorted(rows, key=lambda row: row.split(",")[0], reverse=True)
        events_path.write_text("\n".join([header, *by_case]) + "\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",web,", ",fax,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stream = iter_cases(path)
    first = [next(stream), next(stream)]
    expected = generated(2)
    if events == "none":
        expected = [attrs.evolve(case, history=()) for case in expected]
    assert first == expected
    with pytest.raises(LoadError) as caught:
        next(stream)
    assert caught.value.problems == (
        f"cases.csv line 4, column channel: 'fax' is not a channel {CHANNELS}",
    )


def test_nothing_is_read_until_the_first_case_is_asked_for(tmp_path):
    stream = iter_cases(tmp_path / "missing.jsonl")
    assert problems(stream)[0].startswith("missing.jsonl: cannot be read (")
    assert problems(iter_cases(tmp_path / "missing.csv"))[0].startswith(
        "missing.csv: cannot be read ("
    )


def test_an_unknown_suffix_fails_at_once(tmp_path):
    with pytest.raises(LoadError) as caught:
        iter_cases(tmp_path / "cases.txt")
    assert caught.value.problems == ("cases.txt: cases are read from a .json, .jsonl or .csv file",)
    with pytest.raises(DumpError, match=r"cases\.ndjson: cases are written to a \.json, \.jsonl"):
        dump_cases(generated(1), tmp_path / "cases.ndjson")
    assert not list(tmp_path.iterdir())


# -- located problems ----------------------------------------------------------------------


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


#: a good line: case C-1, with a reply and a closure
GOOD = json.dumps(cases_to_dicts([_case(1)])[0])


def test_json_lines_problems_name_the_line_and_the_path(tmp_path):
    path = tmp_path / "cases.jsonl"
    cases = {
        '{"id": "C-1", "account": "A", "channel": "web", "opened_at": "2025-07-03T09:00"}': (
            "cases.jsonl line 2: $.opened_at: '2025-07-03T09:00' has no UTC offset"
        ),
        '{"id": "C-1", "account": "A", "channel": "web"}': (
            "cases.jsonl line 2: $: missing required field 'opened_at'"
        ),
        GOOD.replace('"id"', '"colour": "red", "id"'): (
            "cases.jsonl line 2: $: unknown field 'colour'"
        ),
        GOOD.replace('"account": "A"', '"account": "A", "account": "B"'): (
            "cases.jsonl line 2: $: field 'account' appears twice"
        ),
        '["C-1"]': 'cases.jsonl line 2: $: ["C-1"] is not an object',
        '{"id": "C-1",}': "cases.jsonl line 2, column 14: Expecting property name enclosed in"
        " double quotes",
        GOOD.replace('"kind": "reply"', '"kind": "replied"'): (
            "cases.jsonl line 2: $.history[0].kind: 'replied' is not a case event kind"
            " (one of 'status', 'priority', 'completed', 'reply', 'closed')"
        ),
        GOOD.replace("T10:01:00", "T08:01:00"): (
            "cases.jsonl line 2: $.history[0].at: 2025-07-03T08:01:00+00:00 is before the case"
            " opened at 2025-07-03T09:01:00+00:00"
        ),
        "[" * 100_000 + "]" * 100_000: "cases.jsonl line 2: the JSON is nested too deeply",
    }
    for line, message in cases.items():
        write_lines(path, GOOD, line, GOOD)
        assert problems(iter_cases(path)) == [message], line
        with pytest.raises(LoadError) as caught:
            load_cases(path)
        assert caught.value.problems == (message,)


def test_a_line_that_is_not_utf8_is_located(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_bytes(GOOD.encode() + b"\n" + b'{"id": "\xff"}\n')
    assert problems(iter_cases(path)) == [
        f"cases.jsonl line 2: not UTF-8 text (invalid start byte at byte {len(GOOD) + 9})"
    ]
    path = tmp_path / "cases.csv"
    dump_cases(generated(1), path)
    before = path.read_bytes()
    path.write_bytes(before + b"C-\xff,A,,,,web,,2025-07-03T09:00:00+00:00,0m\r\n")
    assert problems(iter_cases(path)) == [
        f"cases.csv line 3: not UTF-8 text (invalid start byte at byte {len(before) + 2})"
    ]


def test_load_cases_reports_every_problem_of_json_lines_and_repeated_ids(tmp_path):
    path = write_lines(tmp_path / "cases.jsonl", "{", GOOD, "", "[]")
    with pytest.raises(LoadError) as caught:
        load_cases(path)
    assert caught.value.problems == (
        "cases.jsonl line 1, column 2: Expecting property name enclosed in double quotes",
        "cases.jsonl line 4: $: [] is not an object",
    )
    write_lines(path, GOOD, "", GOOD)
    with pytest.raises(LoadError) as caught:
        load_cases(path)
    assert caught.value.problems == ("cases.jsonl line 3: $.id: 'C-1' appears twice",)
    # a stream does not keep every id it has seen, but a .json list is read whole
    assert list(iter_cases(path)) == [_case(1)] * 2
    dump_cases([_case(1)] * 2, tmp_path / "cases.json")
    assert problems(iter_cases(tmp_path / "cases.json")) == ["$[1].id: 'C-1' appears twice"]


def test_csv_stream_problems_are_located(tmp_path):
    path = tmp_path / "cases.csv"
    write_lines(path, "id,account,channel,opened_at,colour", "C-1,A,web,2025-07-03T09:00:00Z,")
    assert problems(iter_cases(path)) == ["cases.csv line 1: unknown column 'colour'"]
    write_lines(path, "id,account,opened_at")
    assert problems(iter_cases(path)) == ["cases.csv line 1: missing required column 'channel'"]
    path.write_text("", encoding="utf-8")
    assert problems(iter_cases(path)) == [
        "cases.csv: no header row (the first line names the columns)"
    ]
    write_lines(path, "id,account,channel,opened_at", "C-1,A,web", "C-2,A,web,x")
    assert problems(iter_cases(path)) == ["cases.csv line 2: 3 cells, but the header has 4 columns"]
    write_lines(path, "id,account,channel,opened_at", 'C-1,A,web,"2025', "")
    assert problems(iter_cases(path)) == ["cases.csv line 3: unexpected end of data"]
    with pytest.raises(LoadError) as caught:
        load_cases(path)
    assert caught.value.problems == ("cases.csv line 3: unexpected end of data",)


def test_csv_events_problems_are_located_in_the_events_file(tmp_path):
    path = tmp_path / "cases.csv"
    dump_cases(generated(4), path)
    events = tmp_path / "cases_events.csv"
    header, *rows = events.read_text(encoding="utf-8").splitlines()
    # in step: a bad event and an event out of order, each at its own line
    bad = [header, rows[0].replace("reply", "replied"), *rows[1:]]
    events.write_text("\n".join(bad) + "\n", encoding="utf-8")
    stream = iter_cases(path)
    assert next(stream) == _case(0)
    assert problems(stream) == [
        "cases_events.csv line 2, column kind: 'replied' is not a case event kind"
        " (one of 'status', 'priority', 'completed', 'reply', 'closed')"
    ]
    late = [header, rows[1], rows[0], *rows[2:]]  # closed, then reply, of case C-1
    events.write_text("\n".join(late) + "\n", encoding="utf-8")
    assert problems(iter_cases(path)) == [
        "cases_events.csv line 3: the reply event at 2025-07-03T10:01:00+00:00 follows the"
        " case's closure"
    ]
    # read whole: its problems come before the first case, an unknown case after the last
    unknown = [header, *rows[2:], *rows[:2], "C-9,2025-07-03T10:00:00+00:00,reply,"]
    events.write_text("\n".join(unknown) + "\n", encoding="utf-8")
    stream = iter_cases(path)
    assert list(itertools.islice(stream, 4)) == generated(4)
    assert problems(stream) == [
        "cases_events.csv line 6, column case: 'C-9' is not a case in cases.csv"
    ]
    events.write_text("\n".join([*unknown, ",2025-07-03T10:00:00+00:00,reply,"]) + "\n")
    assert problems(iter_cases(path)) == [
        "cases_events.csv line 7, column case: missing required field 'case'"
    ]
    events.write_text("case,at,kind,colour\n")
    assert problems(iter_cases(path)) == ["cases_events.csv line 1: unknown column 'colour'"]


# -- memory ----------------------------------------------------------------------------------


def _peak(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_file_streams_in_bounded_memory(tmp_path):
    count = 20_000  # tracing allocations makes iterating 7 times slower: keep it short
    path = tmp_path / "cases.jsonl"
    dump_cases(map(_case, range(count)), path)  # generated as written, never listed
    assert path.stat().st_size > 4_000_000
    counted = []
    peak = _peak(lambda: counted.append(sum(1 for case in iter_cases(path) if case.history)))
    assert counted == [count // 2]
    assert peak < 200_000, peak
    # a list of a tenth of these cases takes ten times more than streaming all of them
    small = tmp_path / "small.jsonl"
    dump_cases(map(_case, range(count // 10)), small)
    listed = _peak(lambda: load_cases(small))
    assert peak * 10 < listed, (peak, listed)


def test_a_large_csv_pair_streams_in_bounded_memory(tmp_path):
    count = 5_000
    path = tmp_path / "cases.csv"
    dump_cases(map(_case, range(count)), path)
    assert (tmp_path / "cases_events.csv").stat().st_size > 200_000
    counted = []
    peak = _peak(lambda: counted.append(sum(1 for case in iter_cases(path) if case.history)))
    assert counted == [count // 2]
    assert peak < 200_000, peak  # the events file is read in step, not whole
