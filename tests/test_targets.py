"""Day-based and duration targets (SEMANTICS item 9) and ``parse_target``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from entitlements import (
    BusinessDays,
    BusinessDuration,
    BusinessHours,
    NextBusinessDay,
    TargetError,
    parse_target,
)
from instants import same
from instants import utc as u
from oracle import CalendarSpec, day_close, has_open_time, resolve_first
from strategies import instants_near, micro_durations, minute_times, scenarios, targets

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)
M = timedelta(minutes=1)
MON, TUE, WED, THU, FRI, SAT = ((2025, 6, d) for d in range(2, 8))


def ny(*args):
    return datetime(*args, tzinfo=NY)


@pytest.fixture
def office():
    return BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York", holidays=["US"])


# ---------------------------------------------------------------------------
# The examples of item 9 (Mon-Fri 09-17)
# ---------------------------------------------------------------------------


def test_nbd_from_friday_is_monday_close(office):
    assert same(NextBusinessDay().due(ny(*FRI, 10), office), ny(2025, 6, 9, 17), office)


def test_nbd_from_saturday_counts_from_monday(office):
    assert same(NextBusinessDay().due(ny(*SAT, 10), office), ny(2025, 6, 10, 17), office)


def test_cutoff_strictly_after(office):
    late = NextBusinessDay(cutoff=time(15, 0))
    assert same(late.due(ny(*MON, 16), office), ny(*WED, 17), office)
    assert same(late.due(ny(*MON, 14, 59), office), ny(*TUE, 17), office)
    assert same(late.due(ny(*MON, 15, 0, 0), office), ny(*TUE, 17), office)  # not after
    assert same(late.due(ny(*MON, 15, 0, 0, 1), office), ny(*WED, 17), office)


def test_nbd_by_a_time(office):
    assert same(NextBusinessDay(by=time(12, 0)).due(ny(*MON, 10), office), ny(*TUE, 12), office)
    both = NextBusinessDay(by=time(12, 0), cutoff=time(15, 0))
    assert same(both.due(ny(*MON, 15, 30), office), ny(*WED, 12), office)


def test_receipt_outside_hours_on_a_business_day_is_that_day(office):
    # the receipt day is the local date, open or not at that moment
    assert same(NextBusinessDay().due(ny(*MON, 20), office), ny(*TUE, 17), office)
    assert same(NextBusinessDay().due(ny(*MON, 7), office), ny(*TUE, 17), office)
    # and the input zone does not matter: Tue 01:00 UTC is still Monday in New York
    assert same(NextBusinessDay().due(datetime(2025, 6, 3, 1, 0, tzinfo=UTC), office), ny(*TUE, 17))


def test_business_days(office):
    assert same(BusinessDays(3).due(ny(*MON, 10), office), ny(*THU, 17), office)
    assert same(BusinessDays(3, by=time(10, 30)).due(ny(*MON, 10), office), ny(*THU, 10, 30))
    assert same(BusinessDays(3).due(ny(*FRI, 10), office), ny(2025, 6, 11, 17), office)
    assert same(BusinessDays(2, cutoff=time(12)).due(ny(*THU, 12, 1), office), ny(2025, 6, 10, 17))


def test_holidays_are_not_business_days(office):
    # Fri 2025-07-04 is Independence Day
    assert same(NextBusinessDay().due(ny(2025, 7, 3, 10), office), ny(2025, 7, 7, 17), office)
    assert same(NextBusinessDay().due(ny(2025, 7, 4, 10), office), ny(2025, 7, 8, 17), office)
    assert same(BusinessDays(2).due(ny(2025, 7, 2, 10), office), ny(2025, 7, 7, 17), office)


def test_nbd_is_one_business_day(office):
    starts = [ny(*MON, 10), ny(*FRI, 16), ny(*SAT, 3), ny(2025, 7, 3, 16, 10)]
    for by in (None, time(12)):
        for cutoff in (None, time(15)):
            for start in starts:
                assert same(
                    NextBusinessDay(by=by, cutoff=cutoff).due(start, office),
                    BusinessDays(1, by=by, cutoff=cutoff).due(start, office),
                )


def test_close_is_the_end_of_the_last_interval():
    lunch = BusinessHours(
        timezone="America/New_York",
        week={"mon": ["09:00-12:00", "13:00-17:30"], "tue": ["09:00-12:00", "13:00-16:00"]},
    )
    assert same(NextBusinessDay().due(ny(*MON, 10), lunch), ny(*TUE, 16), lunch)
    assert same(NextBusinessDay().due(ny(2025, 5, 27, 10), lunch), ny(*MON, 17, 30), lunch)


def test_close_of_an_overnight_shift_is_next_morning():
    nights = BusinessHours(
        timezone="America/New_York",
        week={day: [("22:00", "06:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
    )
    # received Monday 23:00 (a business day), due Tuesday: Tuesday's shift ends Wed 06:00
    assert same(NextBusinessDay().due(ny(*MON, 23), nights), ny(*WED, 6), nights)
    # received Tue 02:00: the local date is Tuesday, so due on Wednesday (shift ends Thu 06:00)
    assert same(NextBusinessDay().due(ny(*TUE, 2), nights), ny(*THU, 6), nights)


def test_close_of_a_day_ending_at_24():
    cal = BusinessHours(timezone="UTC", week={"mon": ["17:00-24:00"], "tue": ["00:00-08:00"]})
    start = datetime(2025, 6, 2, 10, tzinfo=UTC)  # Monday, receipt day
    # the next business day is Tuesday (it has 00:00-08:00 of its own), closing 08:00
    assert same(NextBusinessDay().due(start, cal), datetime(2025, 6, 3, 8, tzinfo=UTC), cal)
    # from Sunday: received Monday, due Tuesday 08:00 as well
    assert same(NextBusinessDay().due(start - 24 * H, cal), datetime(2025, 6, 3, 8, tzinfo=UTC))
    # Monday's close is its 24:00, i.e. Tuesday 00:00
    start_sat = datetime(2025, 5, 31, 10, tzinfo=UTC)
    assert same(BusinessDays(1).due(start_sat, cal), datetime(2025, 6, 3, 8, tzinfo=UTC))
    assert same(
        NextBusinessDay().due(datetime(2025, 5, 27, 10, tzinfo=UTC), cal),
        datetime(2025, 6, 2, 0, tzinfo=UTC) + 24 * H,
    )


def test_by_in_a_skipped_hour_resolves_to_the_jump():
    daily = BusinessHours(
        timezone="America/New_York",
        week={d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    due = NextBusinessDay(by=time(2, 30)).due(ny(2024, 3, 9, 10), daily)
    assert same(due, datetime(2024, 3, 10, 7, 0, tzinfo=UTC), daily)  # 03:00 EDT


def test_by_in_a_repeated_hour_is_the_first_occurrence():
    daily = BusinessHours(
        timezone="America/New_York",
        week={d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    due = NextBusinessDay(by=time(1, 30)).due(ny(2024, 11, 2, 10), daily)
    assert same(due, datetime(2024, 11, 3, 5, 30, tzinfo=UTC), daily)  # 01:30 EDT
    assert due.utcoffset() == -4 * H


def test_close_inside_a_repeated_hour_is_the_last_moment_open():
    # 00:00-01:30 on 2024-11-03 is open 00:00-01:29 EDT and again 01:00-01:29 EST
    cal = BusinessHours(
        timezone="America/New_York",
        week={d: ["00:00-01:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    due = NextBusinessDay().due(ny(2024, 11, 2, 10), cal)
    assert same(due, datetime(2024, 11, 3, 6, 30, tzinfo=UTC), cal)  # 01:30 EST


def test_a_day_that_never_happened_is_not_a_business_day():
    # Pacific/Apia skipped Friday 2011-12-30 entirely
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="Pacific/Apia")
    apia = ZoneInfo("Pacific/Apia")
    due = NextBusinessDay().due(datetime(2011, 12, 29, 10, tzinfo=apia), cal)
    assert same(due, datetime(2012, 1, 2, 17, tzinfo=apia), cal)


def test_business_duration_is_add(office):
    for start in (ny(*MON, 10), ny(*FRI, 16), ny(*SAT, 12), ny(2025, 7, 3, 16, 10)):
        for d in (timedelta(0), 15 * M, 2 * H, 9 * H):
            assert same(BusinessDuration(d).due(start, office), office.add(start, d), office)


# ---------------------------------------------------------------------------
# parse_target and str
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", BusinessDuration(2 * H)),
        ("15m", BusinessDuration(15 * M)),
        ("1h30m", BusinessDuration(90 * M)),
        ("90m", BusinessDuration(90 * M)),
        ("NBD", NextBusinessDay()),
        ("NBD 12:00", NextBusinessDay(by=time(12, 0))),
        ("3BD", BusinessDays(3)),
        ("3BD 17:00", BusinessDays(3, by=time(17, 0))),
        ("NBD cutoff 15:00", NextBusinessDay(cutoff=time(15, 0))),
        ("NBD 12:00 cutoff 15:00", NextBusinessDay(by=time(12, 0), cutoff=time(15, 0))),
    ],
)
def test_parse_target(text, expected):
    parsed = parse_target(text)
    assert parsed == expected
    assert hash(parsed) == hash(expected)
    again = parse_target(str(parsed))
    assert again == parsed
    assert str(again) == str(parsed)


def test_targets_differ():
    assert NextBusinessDay() != NextBusinessDay(by=time(12))
    assert NextBusinessDay(cutoff=time(15)) != NextBusinessDay(by=time(15))
    assert BusinessDays(2) != BusinessDays(3)
    assert BusinessDuration(H) != BusinessDuration(2 * H)
    assert parse_target("1h30m") == parse_target("90m")
    assert str(parse_target("1h30m")) == str(parse_target("90m"))  # canonical


def test_targets_are_immutable():
    target = BusinessDays(3)
    with pytest.raises(AttributeError):
        target.n = 4
    assert target == BusinessDays(3)


@given(targets())
def test_str_round_trips(target):
    text = str(target)
    parsed = parse_target(text)
    assert parsed == target
    assert hash(parsed) == hash(target)
    assert str(parsed) == text


@pytest.mark.parametrize("n", [0, -3])
def test_n_below_one_is_an_error(n):
    with pytest.raises(TargetError):
        BusinessDays(n, by=time(12))


# ---------------------------------------------------------------------------
# A day-walk oracle for day-based targets
# ---------------------------------------------------------------------------


def _business_day(spec: CalendarSpec, d: date) -> bool:
    has_intervals = bool(spec.intervals_for(d))
    # a date whose intervals all fall into a DST gap is ambiguous: keep away from it
    assume(has_open_time(spec, d) == has_intervals)
    return has_intervals


def _next_business_day(spec: CalendarSpec, d: date) -> date:
    for _ in range(400):
        d += timedelta(days=1)
        if _business_day(spec, d):
            return d
    raise AssertionError("no business day within 400 days")  # weeks always have one


def expected_due(spec: CalendarSpec, start: datetime, n: int, by, cutoff) -> datetime:
    local = start.astimezone(spec.tz)
    receipt = local.date()
    if not _business_day(spec, receipt) or (cutoff is not None and local.time() > cutoff):
        receipt = _next_business_day(spec, receipt)
    due = receipt
    for _ in range(n):
        due = _next_business_day(spec, due)
    if by is not None:
        return resolve_first(spec.tz, datetime.combine(due, by))
    close = day_close(spec, due)
    assume(close is not None)
    return close


@given(scenarios(), st.data())
def test_day_targets_match_the_day_walk(sc, data):
    cal = sc.build()
    start = data.draw(instants_near(sc.anchor))
    if data.draw(st.booleans()):  # seconds matter for the strict cutoff
        start += timedelta(seconds=data.draw(st.integers(0, 59)))
    by = data.draw(st.none() | minute_times)
    cutoff = data.draw(st.none() | minute_times)
    if data.draw(st.booleans()):
        n, target = 1, NextBusinessDay(by=by, cutoff=cutoff)
    else:
        n = data.draw(st.integers(1, 4))
        target = BusinessDays(n, by=by, cutoff=cutoff)
    expected = expected_due(sc.spec, start, n, by, cutoff)
    result = target.due(start, cal)
    assert result.tzinfo == cal.timezone
    assert u(result) == u(expected), (result, expected)


@given(scenarios(), st.data(), micro_durations)
def test_business_duration_due_is_add(sc, data, d):
    cal = sc.build()
    start = data.draw(instants_near(sc.anchor, micro=True))
    result = BusinessDuration(d).due(start, cal)
    assert result.tzinfo == cal.timezone
    assert u(result) == u(cal.add(start, d))


def test_a_day_whose_hours_fall_into_the_gap_is_not_a_business_day():
    # Sunday 2024-03-10 in New York has 02:00-03:00 on paper, but the clock skips it
    cal = BusinessHours(
        timezone="America/New_York", week={"sat": ["09:00-17:00"], "sun": ["02:00-03:00"]}
    )
    # so the next business day after Saturday 03-09 is Saturday 03-16, not Sunday 03-10
    due = NextBusinessDay().due(ny(2024, 3, 9, 10), cal)
    assert same(due, datetime(2024, 3, 16, 21, 0, tzinfo=UTC), cal)  # Sat 17:00 EDT
    # and the one after that is Sunday 03-17, whose 02:00-03:00 does happen (EDT)
    due = BusinessDays(2).due(ny(2024, 3, 9, 10), cal)
    assert same(due, datetime(2024, 3, 17, 7, 0, tzinfo=UTC), cal)


@pytest.mark.parametrize("text", ["99999999999h", "9" * 5000 + "BD", "9999999BD", "1" * 30 + "m"])
def test_targets_too_large_are_target_errors(text):
    with pytest.raises(TargetError, match="out of range"):
        parse_target(text)
