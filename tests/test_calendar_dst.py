"""Hand-written DST cases in real zones (the wall-clock rule, SEMANTICS item 3).

Every expected value is worked out by hand in UTC; comparisons are made in UTC
because Python ignores ``fold`` when comparing datetimes that share a tzinfo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from entitlements import BusinessHours
from instants import utc as u

H = timedelta(hours=1)
M = timedelta(minutes=1)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
APIA = ZoneInfo("Pacific/Apia")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def z(y, mo, d, h=0, mi=0):
    """A UTC instant (the only unambiguous way to write expectations)."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def wall(tz, y, mo, d, h=0, mi=0, fold=0):
    return datetime(y, mo, d, h, mi, tzinfo=tz, fold=fold)


def daily(zone, *intervals):
    return BusinessHours(timezone=zone, week={day: list(intervals) for day in DAYS})


def assert_instant(actual, expected, cal=None):
    assert u(actual) == u(expected), (actual, u(actual), u(expected))
    if cal is not None:
        assert actual.tzinfo == cal.timezone


# ---------------------------------------------------------------------------
# A table: 24x7 day length, the 00:00-06:00 night, the Sat 22:00-06:00 overnight
# ---------------------------------------------------------------------------

TRANSITIONS = [
    # zone, local date of the change, 24x7 day, 00:00-06:00 night, 22:00-06:00 into that day
    pytest.param(PARIS, date(2023, 3, 26), 23 * H, 5 * H, 7 * H, id="paris-spring"),
    pytest.param(PARIS, date(2023, 10, 29), 25 * H, 7 * H, 9 * H, id="paris-autumn"),
    pytest.param(NEW_YORK, date(2024, 3, 10), 23 * H, 5 * H, 7 * H, id="new-york-spring"),
    pytest.param(NEW_YORK, date(2024, 11, 3), 25 * H, 7 * H, 9 * H, id="new-york-autumn"),
    pytest.param(
        LORD_HOWE, date(2023, 4, 2), 24 * H + 30 * M, 6 * H + 30 * M, 8 * H + 30 * M,
        id="lord-howe-back-30min",
    ),
    pytest.param(
        LORD_HOWE, date(2023, 10, 1), 23 * H + 30 * M, 5 * H + 30 * M, 7 * H + 30 * M,
        id="lord-howe-forward-30min",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("tz", "day", "full_day", "night", "overnight"), TRANSITIONS)
def test_always_open_counts_real_time_across_the_change(tz, day, full_day, night, overnight):
    cal = BusinessHours.always_open(tz)
    start = wall(tz, day.year, day.month, day.day)
    end_day = day + timedelta(days=1)
    end = wall(tz, end_day.year, end_day.month, end_day.day)
    assert cal.elapsed(start, end) == full_day
    assert_instant(cal.add(start, full_day), end, cal)
    assert_instant(cal.subtract(end, full_day), start, cal)
    assert [(u(a), u(b)) for a, b in cal.open_intervals(start, end)] == [(u(start), u(end))]


@pytest.mark.parametrize(("tz", "day", "full_day", "night", "overnight"), TRANSITIONS)
def test_a_00_to_06_window_lasts_real_time(tz, day, full_day, night, overnight):
    cal = daily(tz, "00:00-06:00")
    noon_before = wall(tz, day.year, day.month, day.day) - timedelta(hours=12)
    start = wall(tz, day.year, day.month, day.day)
    six = wall(tz, day.year, day.month, day.day, 6)
    noon = wall(tz, day.year, day.month, day.day, 12)
    assert cal.elapsed(noon_before, noon) == night
    intervals = [(u(a), u(b)) for a, b in cal.open_intervals(noon_before, noon)]
    assert intervals == [(u(start), u(six))]
    assert u(six) - u(start) == night  # the hand-written table agrees with tzdata
    assert_instant(cal.add(start, night), six, cal)
    assert_instant(cal.next_close(start + timedelta(minutes=1)), six, cal)


@pytest.mark.parametrize(("tz", "day", "full_day", "night", "overnight"), TRANSITIONS)
def test_an_overnight_shift_into_the_change_lasts_real_time(tz, day, full_day, night, overnight):
    cal = daily(tz, ("22:00", "06:00"))
    eve = day - timedelta(days=1)
    start = wall(tz, eve.year, eve.month, eve.day, 22)
    end = wall(tz, day.year, day.month, day.day, 6)
    assert u(end) - u(start) == overnight
    assert cal.elapsed(start - timedelta(hours=3), end + timedelta(hours=3)) == overnight
    assert_instant(cal.add(start, overnight), end, cal)
    assert_instant(cal.next_close(start + timedelta(hours=1)), end, cal)
    assert_instant(cal.subtract(end, overnight), start, cal)
    # the shift belongs to the evening it starts on
    (shift,) = cal.day_hours(eve)
    assert (u(shift[0]), u(shift[1])) == (u(start), u(end))


# ---------------------------------------------------------------------------
# Europe/Paris
# ---------------------------------------------------------------------------


def test_paris_spring_forward_24x7_add_jumps_the_missing_hour():
    cal = BusinessHours.always_open("Europe/Paris")
    # 01:30 CET is 00:30 UTC; one hour later is 01:30 UTC, 03:30 CEST on the wall
    result = cal.add(wall(PARIS, 2023, 3, 26, 1, 30), H)
    assert_instant(result, z(2023, 3, 26, 1, 30), cal)
    assert (result.hour, result.minute) == (3, 30)


def test_paris_window_inside_the_skipped_hour_opens_at_the_jump():
    # 02:30-04:00 on a night that skips 02:00-03:00 opens at 03:00 CEST (01:00 UTC)
    cal = BusinessHours(timezone="Europe/Paris", week={"sun": ["02:30-04:00"]})
    midnight = wall(PARIS, 2023, 3, 26)
    assert_instant(cal.next_open(midnight), z(2023, 3, 26, 1, 0), cal)
    assert not cal.is_open(z(2023, 3, 26, 0, 59))
    assert cal.is_open(z(2023, 3, 26, 1, 0))
    assert_instant(cal.next_close(midnight), z(2023, 3, 26, 2, 0), cal)
    assert cal.elapsed(midnight, wall(PARIS, 2023, 3, 27)) == H


def test_paris_repeated_hour_counts_twice_and_joins():
    cal = BusinessHours(timezone="Europe/Paris", week={"sun": ["02:00-03:00"]})
    first = wall(PARIS, 2023, 10, 29, 2, 30, fold=0)  # 02:30 CEST = 00:30 UTC
    second = wall(PARIS, 2023, 10, 29, 2, 30, fold=1)  # 02:30 CET = 01:30 UTC
    assert u(first) == z(2023, 10, 29, 0, 30)
    assert u(second) == z(2023, 10, 29, 1, 30)
    assert cal.is_open(first)
    assert cal.is_open(second)
    day_start, day_end = wall(PARIS, 2023, 10, 29), wall(PARIS, 2023, 10, 30)
    assert cal.elapsed(day_start, day_end) == 2 * H
    assert [(u(a), u(b)) for a, b in cal.open_intervals(day_start, day_end)] == [
        (z(2023, 10, 29, 0, 0), z(2023, 10, 29, 2, 0))
    ]
    assert_instant(cal.next_close(first), z(2023, 10, 29, 2, 0), cal)
    assert_instant(cal.add(day_start, 90 * M), z(2023, 10, 29, 1, 30), cal)


def test_paris_half_window_in_the_repeated_hour_opens_twice():
    # 02:30-03:00: the clock shows 02:30-02:59 twice, with 02:00-02:29 CET in between
    cal = BusinessHours(timezone="Europe/Paris", week={"sun": ["02:30-03:00"]})
    day_start, day_end = wall(PARIS, 2023, 10, 29), wall(PARIS, 2023, 10, 30)
    assert [(u(a), u(b)) for a, b in cal.open_intervals(day_start, day_end)] == [
        (z(2023, 10, 29, 0, 30), z(2023, 10, 29, 1, 0)),
        (z(2023, 10, 29, 1, 30), z(2023, 10, 29, 2, 0)),
    ]
    assert cal.elapsed(day_start, day_end) == H
    assert not cal.is_open(z(2023, 10, 29, 1, 15))  # 02:15 CET
    assert_instant(cal.next_close(z(2023, 10, 29, 0, 40)), z(2023, 10, 29, 1, 0))
    assert_instant(cal.next_open(z(2023, 10, 29, 1, 0)), z(2023, 10, 29, 1, 30))
    assert_instant(cal.add(day_start, 45 * M), z(2023, 10, 29, 1, 45), cal)


# ---------------------------------------------------------------------------
# America/New_York
# ---------------------------------------------------------------------------


def test_new_york_window_inside_the_skipped_hour_opens_at_the_jump():
    cal = BusinessHours(timezone="America/New_York", week={"sun": ["02:30-04:00"]})
    midnight = wall(NEW_YORK, 2024, 3, 10)
    opening = cal.next_open(midnight)
    assert_instant(opening, z(2024, 3, 10, 7, 0), cal)  # 03:00 EDT
    assert (opening.hour, opening.minute) == (3, 0)
    assert cal.elapsed(midnight, wall(NEW_YORK, 2024, 3, 11)) == H


def test_new_york_weekdays_across_spring_forward_weekend():
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York")
    friday_four = wall(NEW_YORK, 2024, 3, 8, 16)  # EST, 21:00 UTC
    monday_ten = z(2024, 3, 11, 14, 0)  # 10:00 EDT
    assert_instant(cal.add(friday_four, 2 * H), monday_ten, cal)
    assert cal.elapsed(wall(NEW_YORK, 2024, 3, 8, 9), wall(NEW_YORK, 2024, 3, 11, 17)) == 16 * H
    assert_instant(cal.subtract(monday_ten, 2 * H), friday_four, cal)


def test_new_york_fall_back_24x7_lands_in_the_second_one_thirty():
    cal = BusinessHours.always_open("America/New_York")
    result = cal.add(wall(NEW_YORK, 2024, 11, 3, 0, 30), 2 * H)  # 04:30 UTC + 2h
    assert_instant(result, z(2024, 11, 3, 6, 30), cal)
    assert (result.hour, result.minute) == (1, 30)
    assert result.utcoffset() == -5 * H  # EST: the second 01:30


def test_new_york_repeated_hour_counts_both_occurrences():
    cal = BusinessHours(timezone="America/New_York", week={"sun": ["01:00-02:00"]})
    day_start, day_end = wall(NEW_YORK, 2024, 11, 3), wall(NEW_YORK, 2024, 11, 4)
    assert cal.elapsed(day_start, day_end) == 2 * H
    assert cal.is_open(wall(NEW_YORK, 2024, 11, 3, 1, 30, fold=0))
    assert cal.is_open(wall(NEW_YORK, 2024, 11, 3, 1, 30, fold=1))
    assert [(u(a), u(b)) for a, b in cal.open_intervals(day_start, day_end)] == [
        (z(2024, 11, 3, 5, 0), z(2024, 11, 3, 7, 0))
    ]


def test_new_york_window_ending_inside_the_repeated_hour():
    # 00:00-01:30: open 00:00-01:29 EDT, closed 01:30-01:59 EDT, open again 01:00-01:29 EST
    cal = BusinessHours(timezone="America/New_York", week={"sun": ["00:00-01:30"]})
    day_start, day_end = wall(NEW_YORK, 2024, 11, 3), wall(NEW_YORK, 2024, 11, 4)
    assert [(u(a), u(b)) for a, b in cal.open_intervals(day_start, day_end)] == [
        (z(2024, 11, 3, 4, 0), z(2024, 11, 3, 5, 30)),
        (z(2024, 11, 3, 6, 0), z(2024, 11, 3, 6, 30)),
    ]
    assert cal.elapsed(day_start, day_end) == 2 * H
    assert_instant(cal.next_close(wall(NEW_YORK, 2024, 11, 3, 0, 10)), z(2024, 11, 3, 5, 30))
    assert_instant(cal.next_open(z(2024, 11, 3, 5, 40)), z(2024, 11, 3, 6, 0))
    assert_instant(cal.add(day_start, 100 * M), z(2024, 11, 3, 6, 10), cal)


# ---------------------------------------------------------------------------
# Australia/Lord_Howe: 30-minute shifts
# ---------------------------------------------------------------------------


def test_lord_howe_repeated_half_hour_counts_twice():
    # 2023-04-02 02:00 (+11) -> 01:30 (+10:30): 01:30-01:59 shows twice (14:30-15:30 UTC)
    cal = BusinessHours(timezone="Australia/Lord_Howe", week={"sun": ["01:30-02:00"]})
    day_start, day_end = wall(LORD_HOWE, 2023, 4, 2), wall(LORD_HOWE, 2023, 4, 3)
    assert cal.elapsed(day_start, day_end) == H
    assert [(u(a), u(b)) for a, b in cal.open_intervals(day_start, day_end)] == [
        (z(2023, 4, 1, 14, 30), z(2023, 4, 1, 15, 30))
    ]


def test_lord_howe_half_hour_gap_opens_at_the_jump():
    # 2023-10-01 02:00 (+10:30) -> 02:30 (+11): a 02:00-03:00 window opens 02:30 (15:30 UTC)
    cal = BusinessHours(timezone="Australia/Lord_Howe", week={"sun": ["02:00-03:00"]})
    midnight = wall(LORD_HOWE, 2023, 10, 1)
    assert_instant(cal.next_open(midnight), z(2023, 9, 30, 15, 30), cal)
    assert_instant(cal.next_close(midnight), z(2023, 9, 30, 16, 0), cal)
    assert cal.elapsed(midnight, wall(LORD_HOWE, 2023, 10, 2)) == 30 * M


# ---------------------------------------------------------------------------
# Pacific/Apia: 2011-12-30 never happened (Dec 29 24:00 -10 became Dec 31 00:00 +14)
# ---------------------------------------------------------------------------

APIA_JUMP = z(2011, 12, 30, 10, 0)


def test_apia_24x7_skips_the_missing_day():
    cal = BusinessHours.always_open("Pacific/Apia")
    start = wall(APIA, 2011, 12, 29)  # 10:00 UTC Dec 29
    end = wall(APIA, 2012, 1, 1)  # 10:00 UTC Dec 31
    assert cal.elapsed(start, end) == 48 * H
    result = cal.add(wall(APIA, 2011, 12, 29, 23), 2 * H)
    assert_instant(result, z(2011, 12, 30, 11, 0), cal)
    assert (result.day, result.hour) == (31, 1)


def test_apia_weekdays_skip_the_missing_friday():
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="Pacific/Apia")
    thursday_four = wall(APIA, 2011, 12, 29, 16)
    monday_ten = wall(APIA, 2012, 1, 2, 10)  # +14: Jan 1 20:00 UTC
    assert u(monday_ten) == z(2012, 1, 1, 20, 0)
    assert_instant(cal.add(thursday_four, 2 * H), monday_ten, cal)
    assert cal.elapsed(wall(APIA, 2011, 12, 29, 9), wall(APIA, 2012, 1, 2, 17)) == 16 * H
    # the Friday that never was holds no open time
    assert sum((u(b) - u(a) for a, b in cal.day_hours(date(2011, 12, 30))), timedelta()) == (
        timedelta(0)
    )


def test_apia_overnight_shifts_around_the_missing_day():
    # Thursday 22:00-06:00 shows only 22:00-24:00; the clock then reads Dec 31 00:00,
    # which lies inside Friday's 22:00-06:00 shift (Dec 30 22:00 - Dec 31 06:00).
    cal = daily("Pacific/Apia", ("22:00", "06:00"))
    start, end = wall(APIA, 2011, 12, 29, 12), wall(APIA, 2011, 12, 31, 12)
    assert [(u(a), u(b)) for a, b in cal.open_intervals(start, end)] == [
        (z(2011, 12, 30, 8, 0), z(2011, 12, 30, 16, 0))
    ]
    assert cal.elapsed(start, end) == 8 * H
    assert cal.is_open(APIA_JUMP)
    assert_instant(cal.next_close(wall(APIA, 2011, 12, 29, 23)), z(2011, 12, 30, 16, 0))


# ---------------------------------------------------------------------------
# America/Sao_Paulo: changes at midnight (2018-11-04 forward, 2019-02-17 back)
# ---------------------------------------------------------------------------


def test_sao_paulo_midnight_gap():
    # 2018-11-04 00:00 -03 became 01:00 -02 (03:00 UTC): that Sunday has 23 hours
    cal = BusinessHours(timezone="America/Sao_Paulo", week={"sun": ["00:00-24:00"]})
    saturday_noon = wall(SAO_PAULO, 2018, 11, 3, 12)
    assert_instant(cal.next_open(saturday_noon), z(2018, 11, 4, 3, 0), cal)
    assert cal.elapsed(saturday_noon, wall(SAO_PAULO, 2018, 11, 5, 12)) == 23 * H


def test_sao_paulo_midnight_repeat():
    # 2019-02-17 00:00 -02 became 2019-02-16 23:00 -03 (02:00 UTC): 23:00-23:59 Saturday twice
    cal = BusinessHours(timezone="America/Sao_Paulo", week={"sat": ["22:00-24:00"]})
    start = wall(SAO_PAULO, 2019, 2, 16, 12)
    assert cal.elapsed(start, start + 24 * H) == 3 * H
    assert [(u(a), u(b)) for a, b in cal.open_intervals(start, start + 24 * H)] == [
        (z(2019, 2, 17, 0, 0), z(2019, 2, 17, 3, 0))
    ]


def test_intervals_either_side_of_the_gap_join():
    # 00:00-02:00 ends at the jump, 03:00-05:00 starts at it: one 4-hour stretch
    cal = BusinessHours(timezone="America/New_York", week={"sun": ["00:00-02:00", "03:00-05:00"]})
    start = wall(NEW_YORK, 2024, 3, 9, 12)
    assert [(u(a), u(b)) for a, b in cal.open_intervals(start, start + 48 * H)] == [
        (z(2024, 3, 10, 5, 0), z(2024, 3, 10, 9, 0))
    ]
    assert_instant(cal.next_close(wall(NEW_YORK, 2024, 3, 10, 0, 30)), z(2024, 3, 10, 9, 0), cal)
    assert cal.elapsed(start, start + 48 * H) == 4 * H


def test_a_window_that_falls_entirely_into_the_gap_never_opens():
    cal = BusinessHours(timezone="America/New_York", week={"sun": ["02:00-03:00"]})
    midnight = wall(NEW_YORK, 2024, 3, 10)
    assert cal.elapsed(midnight, wall(NEW_YORK, 2024, 3, 11)) == timedelta(0)
    assert_instant(cal.next_open(midnight), z(2024, 3, 17, 6, 0), cal)  # a week later, EDT
    assert_instant(cal.add(midnight, 30 * M), z(2024, 3, 17, 6, 30), cal)
