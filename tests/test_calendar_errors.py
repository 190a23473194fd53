"""Bad input (SEMANTICS items 1, 8 and 10)."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import DAILY, rrule

from entitlements import (
    BusinessDays,
    BusinessDuration,
    BusinessHours,
    CalendarDefinitionError,
    EntitlementsError,
    IntervalCalendar,
    NaiveDatetimeError,
    NextBusinessDay,
    NoBusinessTimeError,
    NoClosingTimeError,
    NotADatetimeError,
    OverlappingIntervalsError,
    TargetError,
    UnknownHolidayCountryError,
    UnknownTimezoneError,
    intersect,
    parse_target,
)

NY = ZoneInfo("America/New_York")
AWARE = datetime(2025, 6, 2, 10, 0, tzinfo=NY)  # a Monday
NAIVE = datetime(2025, 6, 2, 10, 0)
A_DATE = date(2025, 6, 2)
H = timedelta(hours=1)


def office() -> BusinessHours:
    return BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York")


# ---------------------------------------------------------------------------
# Item 1: instants are aware datetimes
# ---------------------------------------------------------------------------

CALLS = {
    "add": lambda cal, t: cal.add(t, H),
    "subtract": lambda cal, t: cal.subtract(t, H),
    "elapsed-a": lambda cal, t: cal.elapsed(t, AWARE),
    "elapsed-b": lambda cal, t: cal.elapsed(AWARE, t),
    "is_open": lambda cal, t: cal.is_open(t),
    "next_open": lambda cal, t: cal.next_open(t),
    "next_close": lambda cal, t: cal.next_close(t),
    "open_intervals-a": lambda cal, t: list(cal.open_intervals(t, AWARE + 48 * H)),
    "open_intervals-b": lambda cal, t: list(cal.open_intervals(AWARE - 48 * H, t)),
    "duration-due": lambda cal, t: BusinessDuration(H).due(t, cal),
    "nbd-due": lambda cal, t: NextBusinessDay().due(t, cal),
    "bd-due": lambda cal, t: BusinessDays(2).due(t, cal),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_naive_datetimes_are_refused(call):
    with pytest.raises(NaiveDatetimeError) as info:
        call(office(), NAIVE)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, EntitlementsError)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_dates_are_not_datetimes(call):
    with pytest.raises(NotADatetimeError) as info:
        call(office(), A_DATE)
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, EntitlementsError)


@pytest.mark.parametrize("bad", ["2025-06-02T10:00:00+00:00", 1748858400, None])
def test_other_things_are_not_datetimes(bad):
    with pytest.raises(NotADatetimeError):
        office().add(bad, H)
    with pytest.raises(NotADatetimeError):
        office().is_open(bad)


def test_naive_datetime_refused_by_every_calendar_kind():
    other = BusinessHours.always_open("UTC")
    rota = IntervalCalendar("UTC", lambda start, end: [])
    for cal in (BusinessHours.always_open("UTC"), intersect(office(), other), rota):
        with pytest.raises(NaiveDatetimeError):
            cal.is_open(NAIVE)
        with pytest.raises(NotADatetimeError):
            cal.is_open(A_DATE)


# ---------------------------------------------------------------------------
# Item 10: bad calendar definitions name the field and the value
# ---------------------------------------------------------------------------


def test_malformed_interval_names_value_and_weekday():
    with pytest.raises(CalendarDefinitionError) as info:
        BusinessHours(timezone="UTC", week={"mon": ["9am-5"]})
    assert "9am-5" in str(info.value)
    assert "mon" in str(info.value)


@pytest.mark.parametrize(
    ("interval", "needle"),
    [
        (("09:00", "09:00"), "09:00"),
        ("09:00-09:00", "09:00"),
        (("24:00", "06:00"), "24:00"),
        ("24:00-02:00", "24:00"),
        (("09:00", "25:00"), "25:00"),
        (("25:00", "26:00"), "25:00"),
        (("09:60", "17:00"), "09:60"),
    ],
)
def test_bad_intervals(interval, needle):
    with pytest.raises(CalendarDefinitionError) as info:
        BusinessHours(timezone="UTC", week={"tuesday": [interval]})
    message = str(info.value)
    assert needle in message
    assert "tue" in message.lower()
    assert not isinstance(info.value, OverlappingIntervalsError)


def test_bad_interval_in_special_hours_names_the_date():
    with pytest.raises(CalendarDefinitionError) as info:
        BusinessHours(
            timezone="UTC",
            week={"mon": ["09:00-17:00"]},
            special_hours={date(2025, 12, 24): ["9am-5"]},
        )
    assert "9am-5" in str(info.value)
    assert "2025-12-24" in str(info.value)


def test_unknown_weekday_key():
    with pytest.raises(CalendarDefinitionError) as info:
        BusinessHours(timezone="UTC", week={"funday": ["09:00-17:00"]})
    assert "funday" in str(info.value)


def test_unknown_zone():
    with pytest.raises(UnknownTimezoneError) as info:
        BusinessHours(timezone="Mars/Base", week={"mon": ["09:00-17:00"]})
    assert "Mars/Base" in str(info.value)
    assert isinstance(info.value, CalendarDefinitionError)
    with pytest.raises(UnknownTimezoneError):
        BusinessHours.always_open("Mars/Base")
    with pytest.raises(UnknownTimezoneError):
        BusinessHours.weekdays("09:00", "17:00", timezone="Mars/Base")


def test_unknown_holiday_country():
    with pytest.raises(UnknownHolidayCountryError) as info:
        BusinessHours(timezone="UTC", week={"mon": ["09:00-17:00"]}, holidays=["XX"])
    assert "XX" in str(info.value)
    assert isinstance(info.value, CalendarDefinitionError)


def test_unknown_holiday_subdivision():
    with pytest.raises(UnknownHolidayCountryError) as info:
        BusinessHours(timezone="UTC", week={"mon": ["09:00-17:00"]}, holidays=["US-ZZ"])
    assert "ZZ" in str(info.value)


def test_datetime_is_not_a_special_hours_date():
    when = datetime(2025, 12, 24, 0, 0, tzinfo=UTC)
    with pytest.raises(CalendarDefinitionError) as info:
        BusinessHours(
            timezone="UTC",
            week={"mon": ["09:00-17:00"]},
            special_hours={when: [("09:00", "12:00")]},
        )
    message = str(info.value)
    assert "special_hours" in message
    assert "2025-12-24" in message or "2025, 12, 24" in message


@pytest.mark.parametrize(
    ("week", "names"),
    [
        ({"mon": ["09:00-12:00", "11:00-13:00"]}, ("09:00", "11:00")),
        ({"mon": [("22:00", "06:00")], "tue": ["05:00-09:00"]}, ("22:00", "05:00")),
        ({"sun": [("20:00", "03:00")], "mon": ["02:00-04:00"]}, ("20:00", "02:00")),
        ({"wed": ["00:00-24:00", "10:00-11:00"]}, ("00:00", "10:00")),
    ],
    ids=["same-day", "overnight-spill", "sunday-wraps-to-monday", "full-day"],
)
def test_overlapping_intervals_name_both(week, names):
    with pytest.raises(OverlappingIntervalsError) as info:
        BusinessHours(timezone="UTC", week=week)
    message = str(info.value)
    for name in names:
        assert name in message


def test_adjacent_intervals_do_not_overlap():
    # the spill ending exactly where the next day's interval starts is fine, and joins
    cal = BusinessHours(
        timezone="UTC",
        week={"sun": [("20:00", "03:00")], "mon": ["03:00-04:00", "04:00-05:00"]},
    )
    sunday_evening = datetime(2025, 6, 1, 21, 0, tzinfo=UTC)
    assert cal.next_close(sunday_evening) == datetime(2025, 6, 2, 5, 0, tzinfo=UTC)
    assert cal.elapsed(sunday_evening, sunday_evening + 24 * H) == 8 * H


# ---------------------------------------------------------------------------
# Item 8: no open time within reach, and 24x7 never closes
# ---------------------------------------------------------------------------


def _promptly(call) -> None:
    began = clock.perf_counter()
    with pytest.raises(NoBusinessTimeError):
        call()
    assert clock.perf_counter() - began < 1.0


CLOSED_FOREVER = [
    pytest.param(lambda: BusinessHours(timezone="UTC", week={}), id="empty-week"),
    pytest.param(
        lambda: BusinessHours(
            timezone="America/New_York",
            week={"mon": ["09:00-17:00"]},
            holidays=[rrule(DAILY, dtstart=datetime(2000, 1, 1))],
        ),
        id="every-day-a-holiday",
    ),
    pytest.param(
        lambda: intersect(
            BusinessHours(timezone="UTC", week={"mon": ["09:00-17:00"]}),
            BusinessHours(timezone="UTC", week={"tue": ["09:00-17:00"]}),
        ),
        id="disjoint-intersection",
    ),
    pytest.param(lambda: IntervalCalendar("UTC", lambda start, end: []), id="empty-source"),
]


@pytest.mark.parametrize("make", CLOSED_FOREVER)
@pytest.mark.parametrize(
    "call",
    [
        lambda cal: cal.add(AWARE, H),
        lambda cal: cal.subtract(AWARE, H),
        lambda cal: cal.next_open(AWARE),
        lambda cal: cal.next_close(AWARE),
    ],
    ids=["add", "subtract", "next_open", "next_close"],
)
def test_no_business_time_is_reported_promptly(make, call):
    cal = make()
    _promptly(lambda: call(cal))
    assert not cal.is_open(AWARE)
    assert cal.elapsed(AWARE, AWARE + 30 * H) == timedelta(0)


def test_no_business_time_is_a_lookup_error():
    with pytest.raises(LookupError):
        BusinessHours(timezone="UTC", week={}).add(AWARE, H)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "Pacific/Apia"])
def test_always_open_never_closes(zone):
    cal = BusinessHours.always_open(zone)
    began = clock.perf_counter()
    with pytest.raises(NoClosingTimeError) as info:
        cal.next_close(AWARE)
    assert clock.perf_counter() - began < 1.0
    assert isinstance(info.value, LookupError)


def test_full_week_of_24h_days_never_closes():
    week = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    with pytest.raises(NoClosingTimeError):
        BusinessHours(timezone="Asia/Kolkata", week=week).next_close(AWARE)


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["9am-5", "2x", "NBD 25:00", "NBD cutoff", "h", "BD", "NBD noon"])
def test_malformed_target_strings_name_the_text(text):
    with pytest.raises(TargetError) as info:
        parse_target(text)
    message = str(info.value)
    assert text in message or text.split()[-1] in message


@pytest.mark.parametrize(("text", "value"), [("", ""), ("0BD", "0"), ("-2h", "2"), ("-1BD", "1")])
def test_invalid_target_strings(text, value):
    with pytest.raises(TargetError) as info:
        parse_target(text)
    assert value in str(info.value)


@pytest.mark.parametrize("n", [0, -1])
def test_business_days_must_be_positive(n):
    with pytest.raises(TargetError):
        BusinessDays(n)


def test_negative_business_duration():
    with pytest.raises(TargetError):
        BusinessDuration(-H)


def test_target_error_is_a_value_error():
    with pytest.raises(ValueError, match="9am-5"):
        parse_target("9am-5")


def test_interval_source_returning_naive_datetimes():
    def source(start, end):
        return [(datetime(2025, 6, 2, 9), datetime(2025, 6, 2, 17))]

    with pytest.raises(NaiveDatetimeError):
        IntervalCalendar("UTC", source).is_open(AWARE)


def test_interval_calendar_unknown_zone():
    with pytest.raises(UnknownTimezoneError):
        IntervalCalendar("Mars/Base", lambda start, end: [])
