"""Property tests of BusinessHours against the brute-force oracle, and the invariants.

Oracle tests keep calendars and instants minute-aligned; the invariant tests use
microsecond-resolution instants and durations and need no oracle.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlements import (
    BusinessHours,
    IntervalCalendar,
    NoBusinessTimeError,
    NoClosingTimeError,
    intersect,
)
from instants import utc
from oracle import DAY_MINUTES, MINUTE, CalendarSpec, Oracle, build_calendar, owned_minutes
from strategies import (
    calendar_specs,
    duration_minutes,
    instants_near,
    micro_durations,
    positive_micro_durations,
    scenarios,
    view_zones,
)

US = timedelta(microseconds=1)  # arithmetic with it is always done in UTC (wall-time
# arithmetic on a zoned datetime can land in a DST gap)
WINDOW = 5 * DAY_MINUTES  # how far the oracle looks for add/subtract budgets


def floor_minute(t: datetime) -> datetime:
    t = utc(t)
    return t.replace(second=0, microsecond=0)


def assert_in_zone(result: datetime, cal) -> None:
    assert isinstance(result, datetime)
    assert result.tzinfo is not None
    assert result.tzinfo == cal.timezone


def assert_same_instant(actual: datetime, expected: datetime) -> None:
    # Compare in UTC: same-tzinfo comparisons in Python ignore the fold.
    assert utc(actual) == utc(expected), (actual, utc(actual), utc(expected))


# ---------------------------------------------------------------------------
# Against the oracle (minute resolution)
# ---------------------------------------------------------------------------


@given(scenarios(), st.data())
def test_is_open_matches_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    for _ in range(8):
        t = data.draw(instants_near(sc.anchor, micro=data.draw(st.booleans())))
        assert cal.is_open(t) == orc.is_open(floor_minute(t)), t


@given(scenarios(), st.data())
def test_elapsed_matches_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    a = data.draw(instants_near(sc.anchor))
    b = data.draw(instants_near(sc.anchor))
    assert cal.elapsed(a, b) == orc.elapsed(utc(a), utc(b))


@given(scenarios(), st.data())
def test_add_matches_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    s = data.draw(instants_near(sc.anchor))
    available = orc.elapsed(utc(s), utc(s) + WINDOW * MINUTE) // MINUTE
    if available == 0:
        # nothing open within the window: the answer must lie beyond it
        result = cal.add(s, MINUTE)
        assert utc(result) > utc(s) + WINDOW * MINUTE
        return
    minutes = data.draw(st.integers(1, min(available, 2 * DAY_MINUTES)))
    result = cal.add(s, minutes * MINUTE)
    assert_in_zone(result, cal)
    assert_same_instant(result, orc.add(utc(s), minutes))


@given(scenarios(), st.data())
def test_subtract_matches_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    e = data.draw(instants_near(sc.anchor))
    available = orc.elapsed(utc(e) - WINDOW * MINUTE, utc(e)) // MINUTE
    if available == 0:
        result = cal.subtract(e, MINUTE)
        assert utc(result) < utc(e) - WINDOW * MINUTE
        return
    minutes = data.draw(st.integers(1, min(available, 2 * DAY_MINUTES)))
    result = cal.subtract(e, minutes * MINUTE)
    assert_in_zone(result, cal)
    assert_same_instant(result, orc.subtract(utc(e), minutes))
    assert_same_instant(cal.add(e, -minutes * MINUTE), result)


@given(scenarios(), st.data())
def test_next_open_matches_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    t = data.draw(instants_near(sc.anchor))
    expected = orc.next_open(utc(t))
    if expected is None:
        try:
            result = cal.next_open(t)
        except NoBusinessTimeError:
            return
        assert utc(result) > utc(t) + orc.limit * MINUTE
        return
    result = cal.next_open(t)
    assert_in_zone(result, cal)
    assert_same_instant(result, expected)


@given(scenarios(), st.data())
def test_next_close_matches_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    t = data.draw(instants_near(sc.anchor))
    expected = orc.next_close(utc(t))
    if expected is None:
        try:
            result = cal.next_close(t)
        except (NoClosingTimeError, NoBusinessTimeError):
            return
        assert utc(result) > utc(t) + orc.limit * MINUTE
        return
    result = cal.next_close(t)
    assert_in_zone(result, cal)
    assert_same_instant(result, expected)


@given(scenarios(), st.data())
def test_open_intervals_match_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    a = data.draw(instants_near(sc.anchor))
    b = data.draw(instants_near(sc.anchor))
    a, b = sorted((a, b), key=utc)
    got = list(cal.open_intervals(a, b))
    for lo, hi in got:
        assert_in_zone(lo, cal)
        assert_in_zone(hi, cal)
    assert [(utc(lo), utc(hi)) for lo, hi in got] == orc.open_intervals(utc(a), utc(b))


@given(scenarios(), st.data())
def test_day_hours_cover_exactly_the_minutes_owned_by_the_date(sc, data):
    cal = sc.build()
    local = sc.anchor.astimezone(sc.spec.tz).date()
    d = local + timedelta(days=data.draw(st.integers(-3, 3)))
    got = cal.day_hours(d)
    assert isinstance(got, tuple)
    covered: set[datetime] = set()
    total = timedelta(0)
    previous_end = None
    for lo, hi in got:
        assert_in_zone(lo, cal)
        assert_in_zone(hi, cal)
        assert utc(lo) < utc(hi)
        if previous_end is not None:
            assert previous_end <= utc(lo)  # in order, not overlapping
        previous_end = utc(hi)
        total += utc(hi) - utc(lo)
        k = utc(lo)
        while k < utc(hi):
            covered.add(k)
            k += MINUTE
    assert total == len(covered) * MINUTE
    assert covered == owned_minutes(sc.spec, d)


@given(scenarios(), st.data())
def test_intersection_matches_oracle(sc, data):
    other = data.draw(calendar_specs(anchor=sc.anchor))
    first, second = sc.build(), build_calendar(other)
    both = intersect(first, second)
    assert both.timezone == first.timezone
    orc = Oracle.intersection(sc.spec, other)
    a = data.draw(instants_near(sc.anchor))
    b = data.draw(instants_near(sc.anchor))
    assert both.is_open(a) == orc.is_open(utc(a))
    assert both.elapsed(a, b) == orc.elapsed(utc(a), utc(b))
    available = orc.elapsed(utc(a), utc(a) + WINDOW * MINUTE) // MINUTE
    if available:
        minutes = data.draw(st.integers(1, min(available, 2 * DAY_MINUTES)))
        result = both.add(a, minutes * MINUTE)
        assert_in_zone(result, both)
        assert_same_instant(result, orc.add(utc(a), minutes))
    expected = orc.next_close(utc(a))
    if expected is not None:
        assert_same_instant(both.next_close(a), expected)


# ---------------------------------------------------------------------------
# Invariants (microsecond resolution, no oracle)
# ---------------------------------------------------------------------------


def micro_instants(sc):
    return instants_near(sc.anchor, micro=True)


@given(scenarios(), st.data(), micro_durations)
def test_add_then_elapsed_round_trips(sc, data, d):
    cal = sc.build()
    s = data.draw(micro_instants(sc))
    t = cal.add(s, d)
    assert_in_zone(t, cal)
    assert utc(t) >= utc(s)
    assert cal.elapsed(s, t) == d
    if d > timedelta(0):
        # the earliest such instant: a microsecond earlier is not enough
        assert cal.elapsed(s, utc(t) - US) < d
    else:
        assert_same_instant(t, s)


@given(scenarios(), st.data(), micro_durations)
def test_subtract_then_elapsed_round_trips(sc, data, d):
    cal = sc.build()
    e = data.draw(micro_instants(sc))
    t = cal.subtract(e, d)
    assert_in_zone(t, cal)
    assert utc(t) <= utc(e)
    assert cal.elapsed(t, e) == d
    if d > timedelta(0):
        assert cal.elapsed(utc(t) + US, e) < d  # the latest such instant
    else:
        assert_same_instant(t, e)
    assert_same_instant(cal.add(e, -d), t)


@given(scenarios(), st.data(), micro_durations)
def test_add_is_monotonic_in_start(sc, data, d):
    cal = sc.build()
    s1, s2 = sorted((data.draw(micro_instants(sc)), data.draw(micro_instants(sc))), key=utc)
    assert utc(cal.add(s1, d)) <= utc(cal.add(s2, d))
    assert utc(cal.subtract(s1, d)) <= utc(cal.subtract(s2, d))


@given(scenarios(), st.data(), micro_durations, micro_durations)
def test_add_is_monotonic_in_duration(sc, data, d1, d2):
    cal = sc.build()
    s = data.draw(micro_instants(sc))
    d1, d2 = sorted((d1, d2))
    assert utc(cal.add(s, d1)) <= utc(cal.add(s, d2))
    assert utc(cal.subtract(s, d1)) >= utc(cal.subtract(s, d2))


@given(scenarios(), st.data(), positive_micro_durations, positive_micro_durations)
def test_add_composes(sc, data, a, b):
    cal = sc.build()
    s = data.draw(micro_instants(sc))
    assert_same_instant(cal.add(cal.add(s, a), b), cal.add(s, a + b))
    assert_same_instant(cal.subtract(cal.subtract(s, a), b), cal.subtract(s, a + b))


@given(scenarios(), st.data(), positive_micro_durations)
def test_subtract_after_add_returns_to_the_opening(sc, data, d):
    # [s, add(s, d)] holds exactly d of open time, so the latest t with d of open time
    # in [t, add(s, d)] is not before s: it is where the open time starts, next_open(s).
    cal = sc.build()
    s = data.draw(micro_instants(sc))
    back = cal.subtract(cal.add(s, d), d)
    assert utc(back) >= utc(s)
    assert_same_instant(back, cal.next_open(s))
    # and symmetrically add(subtract(e, d), d) is where the open time last ended, <= e
    forth = cal.add(cal.subtract(s, d), d)
    assert utc(forth) <= utc(s)
    assert cal.elapsed(forth, s) == timedelta(0)
    assert cal.is_open(utc(forth) - US)


@given(scenarios(), st.data())
def test_elapsed_is_additive_and_antisymmetric(sc, data):
    cal = sc.build()
    a, m, b = (data.draw(micro_instants(sc)) for _ in range(3))
    assert cal.elapsed(a, m) + cal.elapsed(m, b) == cal.elapsed(a, b)
    assert cal.elapsed(b, a) == -cal.elapsed(a, b)
    assert cal.elapsed(a, a) == timedelta(0)
    lo, hi = sorted((a, b), key=utc)
    assert timedelta(0) <= cal.elapsed(lo, hi) <= utc(hi) - utc(lo)


@given(scenarios(), st.data(), micro_durations)
def test_answers_do_not_depend_on_the_input_zone(sc, data, d):
    cal = sc.build()
    s = data.draw(micro_instants(sc))
    other = s.astimezone(data.draw(view_zones))
    assert_same_instant(cal.add(other, d), cal.add(s, d))
    assert_in_zone(cal.add(other, d), cal)
    assert cal.is_open(other) == cal.is_open(s)
    assert cal.elapsed(other, sc.anchor) == cal.elapsed(s, sc.anchor)


@given(scenarios(), st.data())
def test_next_open_and_next_close_are_consistent(sc, data):
    cal = sc.build()
    t = data.draw(micro_instants(sc))
    opening = cal.next_open(t)
    assert_in_zone(opening, cal)
    assert utc(opening) >= utc(t)
    assert cal.is_open(opening)
    assert cal.elapsed(t, opening) == timedelta(0)
    if cal.is_open(t):
        assert_same_instant(opening, t)
    else:
        assert not cal.is_open(utc(opening) - US)
    try:
        closing = cal.next_close(t)
    except NoClosingTimeError:
        orc = Oracle.for_spec(sc.spec)
        assert orc.next_close(floor_minute(t)) is None
        return
    assert_in_zone(closing, cal)
    assert utc(closing) > utc(opening)
    assert not cal.is_open(closing)
    assert cal.is_open(utc(closing) - US)
    # the stretch from the opening to the close is open throughout
    assert cal.elapsed(opening, closing) == utc(closing) - utc(opening)


@given(scenarios(), st.data())
def test_open_intervals_are_joined_ordered_and_open(sc, data):
    cal = sc.build()
    a, b = sorted((data.draw(micro_instants(sc)), data.draw(micro_instants(sc))), key=utc)
    got = list(cal.open_intervals(a, b))
    total = timedelta(0)
    previous_end = None
    for lo, hi in got:
        assert utc(a) <= utc(lo) < utc(hi) <= utc(b)
        if previous_end is not None:
            assert previous_end < utc(lo)  # joined: never adjacent
        previous_end = utc(hi)
        assert cal.elapsed(lo, hi) == utc(hi) - utc(lo)
        if utc(lo) > utc(a):
            assert not cal.is_open(utc(lo) - US)
        if utc(hi) < utc(b):
            assert not cal.is_open(hi)
        total += utc(hi) - utc(lo)
    assert total == cal.elapsed(a, b)


@given(scenarios(), st.data(), duration_minutes)
def test_zero_and_negative_durations(sc, data, minutes):
    cal = sc.build()
    s = data.draw(micro_instants(sc))
    zero = cal.add(s, timedelta(0))
    assert_in_zone(zero, cal)
    assert_same_instant(zero, s)
    assert_same_instant(cal.subtract(s, timedelta(0)), s)
    d = minutes * MINUTE
    assert_same_instant(cal.add(s, -d), cal.subtract(s, d))
    assert_same_instant(cal.subtract(s, -d), cal.add(s, d))


@given(scenarios(), st.data())
def test_with_closures_only_removes_open_time(sc, data):
    cal = sc.build()
    local = sc.anchor.astimezone(sc.spec.tz).date()
    closed = local + timedelta(days=data.draw(st.integers(-2, 2)))
    reduced = cal.with_closures([closed])
    assert reduced.day_hours(closed) == ()
    a, b = sorted((data.draw(micro_instants(sc)), data.draw(micro_instants(sc))), key=utc)
    own = sum(
        (
            min(utc(hi), utc(b)) - max(utc(lo), utc(a))
            for lo, hi in cal.day_hours(closed)
            if utc(lo) < utc(b) and utc(hi) > utc(a)
        ),
        timedelta(0),
    )
    assert reduced.elapsed(a, b) == cal.elapsed(a, b) - own


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_oracle_sanity_on_a_plain_week(zone):
    # Guards the oracle itself: Mon-Fri 09-17, one week has exactly 40 open hours.
    spec = CalendarSpec(zone, dict.fromkeys(range(5), ((540, 1020),)))
    orc = Oracle.for_spec(spec)
    monday = datetime(2025, 6, 2, tzinfo=spec.tz)
    assert orc.elapsed(utc(monday), utc(monday + timedelta(days=7))) == timedelta(hours=40)


# ---------------------------------------------------------------------------
# Other calendar kinds must agree with the BusinessHours they mirror
# ---------------------------------------------------------------------------


def _agree(mirror, cal, data, sc) -> None:
    assert mirror.timezone == cal.timezone
    s = data.draw(micro_instants(sc))
    e = data.draw(micro_instants(sc))
    d = data.draw(micro_durations)
    assert mirror.is_open(s) == cal.is_open(s)
    assert mirror.elapsed(s, e) == cal.elapsed(s, e)
    for method in ("add", "subtract"):
        got = getattr(mirror, method)(s, d)
        assert_in_zone(got, mirror)
        assert_same_instant(got, getattr(cal, method)(s, d))
    assert_same_instant(mirror.next_open(s), cal.next_open(s))
    try:
        expected_close = cal.next_close(s)
    except NoClosingTimeError:
        expected_close = None
    if expected_close is not None:
        assert_same_instant(mirror.next_close(s), expected_close)
    lo, hi = sorted((s, e), key=utc)
    assert [(utc(a), utc(b)) for a, b in mirror.open_intervals(lo, hi)] == [
        (utc(a), utc(b)) for a, b in cal.open_intervals(lo, hi)
    ]


@given(scenarios(), st.data())
def test_interval_calendar_fed_by_open_intervals_agrees(sc, data):
    cal = sc.build()
    mirror = IntervalCalendar(sc.spec.zone, cal.open_intervals)
    _agree(mirror, cal, data, sc)


@given(scenarios(), st.data())
def test_intersecting_with_always_open_or_itself_changes_nothing(sc, data):
    cal = sc.build()
    other_zone = data.draw(st.sampled_from(["UTC", "Asia/Kolkata", "Pacific/Apia"]))
    _agree(intersect(cal, BusinessHours.always_open(other_zone)), cal, data, sc)
    _agree(intersect(cal, cal), cal, data, sc)
