"""Domain stories: service contracts and their deadlines, worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from entitlements import (
    BusinessDuration,
    BusinessHours,
    NextBusinessDay,
    parse_target,
)
from instants import same

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
M = timedelta(minutes=1)


# Thursday 2025-07-03, 16:10 in New York: the day before Independence Day (Fri 2025-07-04).
ALARM_CALL = datetime(2025, 7, 3, 16, 10, tzinfo=NEW_YORK)


def platinum_hours():
    return BusinessHours.always_open("America/New_York")


def standard_hours():
    return BusinessHours.weekdays("08:00", "17:00", timezone="America/New_York", holidays=["US"])


def test_platinum_alarm_site_gets_two_hours_around_the_clock():
    cal = platinum_hours()
    target = parse_target("2h")
    assert target == BusinessDuration(2 * H)
    deadline = target.due(ALARM_CALL, cal)
    assert same(deadline, datetime(2025, 7, 3, 18, 10, tzinfo=NEW_YORK), cal)


def test_platinum_warnings_at_50_75_90_percent():
    cal = platinum_hours()
    target = 2 * H
    warnings = [cal.add(ALARM_CALL, share * target) for share in (0.5, 0.75, 0.9)]
    expected = [ALARM_CALL + minutes * M for minutes in (60, 90, 108)]  # no DST change here
    for warning, want in zip(warnings, expected, strict=True):
        assert same(warning, want, cal)
    assert [(w.hour, w.minute) for w in warnings] == [(17, 10), (17, 40), (17, 58)]


def test_standard_site_next_business_day_skips_the_holiday_and_the_weekend():
    cal = standard_hours()
    deadline = parse_target("NBD").due(ALARM_CALL, cal)
    assert same(deadline, datetime(2025, 7, 7, 17, 0, tzinfo=NEW_YORK), cal)  # Monday close


def test_standard_site_two_business_hours_carry_over_the_long_weekend():
    cal = standard_hours()
    # 50 minutes on Thursday, then 70 on Monday morning
    deadline = BusinessDuration(2 * H).due(ALARM_CALL, cal)
    assert same(deadline, datetime(2025, 7, 7, 9, 10, tzinfo=NEW_YORK), cal)
    first_response = datetime(2025, 7, 7, 9, 0, tzinfo=NEW_YORK)
    assert cal.elapsed(ALARM_CALL, first_response) == 50 * M + 60 * M
    assert not cal.is_open(datetime(2025, 7, 4, 10, tzinfo=NEW_YORK))


def test_the_day_after_thanksgiving_in_california():
    # Wed 2025-11-26 16:30 Pacific, next business day with a 15:00 cut-off.
    call = datetime(2025, 11, 26, 16, 30, tzinfo=LOS_ANGELES)
    target = parse_target("NBD cutoff 15:00")
    assert target == NextBusinessDay(cutoff=time(15, 0))
    federal = BusinessHours.weekdays(
        "08:00", "17:00", timezone="America/Los_Angeles", holidays=["US"]
    )
    california = BusinessHours.weekdays(
        "08:00", "17:00", timezone="America/Los_Angeles", holidays=["US-CA"]
    )
    # federal: after the cut-off, Thanksgiving is closed, so received Fri 28th, due Mon 1st
    assert same(target.due(call, federal), datetime(2025, 12, 1, 17, tzinfo=LOS_ANGELES), federal)
    # California also closes Fri 28th: received Mon 1st, due Tue 2nd
    assert same(
        target.due(call, california), datetime(2025, 12, 2, 17, tzinfo=LOS_ANGELES), california
    )


def test_a_call_on_black_friday_at_a_federal_site():
    cal = standard_hours()
    call = datetime(2025, 11, 28, 10, 0, tzinfo=NEW_YORK)  # Friday after Thanksgiving: open
    assert cal.is_open(call)
    assert same(parse_target("NBD").due(call, cal), datetime(2025, 12, 1, 17, tzinfo=NEW_YORK), cal)
    assert same(
        parse_target("NBD 12:00").due(call, cal), datetime(2025, 12, 1, 12, tzinfo=NEW_YORK), cal
    )
    assert same(parse_target("3BD").due(call, cal), datetime(2025, 12, 3, 17, tzinfo=NEW_YORK), cal)


def test_critical_fifteen_minute_response_through_the_spring_forward_night():
    # Paris, Sunday 2025-03-30: 02:00 CET jumps to 03:00 CEST (01:00 UTC)
    cal = BusinessHours.always_open("Europe/Paris")
    call = datetime(2025, 3, 30, 1, 50, tzinfo=PARIS)  # 00:50 UTC
    deadline = parse_target("15m").due(call, cal)
    assert same(deadline, datetime(2025, 3, 30, 1, 5, tzinfo=UTC), cal)
    assert (deadline.hour, deadline.minute) == (3, 5)  # 03:05 on the wall clock
    assert cal.elapsed(call, deadline) == 15 * M


def test_managed_security_provider_four_hours_over_lunch():
    soc = BusinessHours(
        timezone="Europe/London",
        week={
            day: [("09:00", "12:30"), ("13:30", "17:30")]
            for day in ("mon", "tue", "wed", "thu", "fri")
        },
        holidays=["GB"],
    )
    four_hours = parse_target("4h")
    # Tuesday 10:30: 2h before lunch, 2h after -> 15:30
    morning = datetime(2025, 6, 3, 10, 30, tzinfo=LONDON)
    assert same(four_hours.due(morning, soc), datetime(2025, 6, 3, 15, 30, tzinfo=LONDON), soc)
    # Tuesday 16:00: 1h30 on Tuesday, 2h30 on Wednesday -> Wednesday 11:30
    afternoon = datetime(2025, 6, 3, 16, 0, tzinfo=LONDON)
    deadline = four_hours.due(afternoon, soc)
    assert same(deadline, datetime(2025, 6, 4, 11, 30, tzinfo=LONDON), soc)
    # the 75 % warning (3h) falls on Wednesday 10:30
    assert same(soc.add(afternoon, 3 * H), datetime(2025, 6, 4, 10, 30, tzinfo=LONDON), soc)
    # a reply during lunch: the clock stood still
    reply = datetime(2025, 6, 3, 13, 0, tzinfo=LONDON)
    assert soc.elapsed(morning, reply) == 2 * H
    assert soc.elapsed(morning, datetime(2025, 6, 3, 13, 30, tzinfo=LONDON)) == 2 * H


def test_christmas_in_london_half_day_then_two_bank_holidays():
    desk = BusinessHours.weekdays(
        "09:00",
        "17:00",
        timezone="Europe/London",
        holidays=["GB"],
        special_hours={date(2025, 12, 24): [("09:00", "12:00")]},
    )
    call = datetime(2025, 12, 24, 11, 0, tzinfo=LONDON)
    # 1h on Christmas Eve; 25th and 26th are bank holidays; weekend; Mon 29th 09:00 + 3h
    assert same(parse_target("4h").due(call, desk), datetime(2025, 12, 29, 12, tzinfo=LONDON), desk)
    assert same(
        parse_target("NBD").due(call, desk), datetime(2025, 12, 29, 17, tzinfo=LONDON), desk
    )


def test_engineer_dispatch_needs_provider_and_site_both_open():
    provider = BusinessHours.weekdays("08:00", "18:00", timezone="America/New_York")
    site_access = BusinessHours(
        timezone="America/New_York",
        week={"tue": ["10:00-14:00"], "thu": ["10:00-14:00"]},
    )
    dispatch = provider & site_access
    call = datetime(2025, 6, 2, 9, 0, tzinfo=NEW_YORK)  # Monday
    # 6 hours of joint time: Tuesday 10-14 (4h), Thursday 10-12 (2h)
    assert same(
        parse_target("6h").due(call, dispatch),
        datetime(2025, 6, 5, 12, 0, tzinfo=NEW_YORK),
        dispatch,
    )
    # next business day of the joint calendar: received Monday (no joint time on Monday,
    # so not a business day) -> Tuesday; due Thursday at its close
    assert same(
        parse_target("NBD").due(call, dispatch),
        datetime(2025, 6, 5, 14, 0, tzinfo=NEW_YORK),
        dispatch,
    )
