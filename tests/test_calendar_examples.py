"""Readable examples of SEMANTICS items 2, 4, 5, 6 and 7.

Every expectation is worked out by hand from the definition. Instants are
compared in UTC (same-tzinfo comparisons in Python ignore ``fold``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_package
import pytest
from dateutil.rrule import MO, MONTHLY, WEEKLY, rrule, rruleset

from entitlements import (
    BusinessHours,
    CountryHolidays,
    IntervalCalendar,
    intersect,
    with_closures,
)
from instants import same
from instants import utc as u

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)
M = timedelta(minutes=1)
US_ = timedelta(microseconds=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def at(zone, y, mo, d, h=0, mi=0, s=0, us=0):
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return datetime(y, mo, d, h, mi, s, us, tzinfo=tz)


def ny(*args):
    return at(NY, *args)


def spans(pairs):
    return [(u(a), u(b)) for a, b in pairs]


# 2025-06-02 is a Monday; June has no DST change in New York.
MON, TUE, FRI, SAT = (2025, 6, 2), (2025, 6, 3), (2025, 6, 6), (2025, 6, 7)


@pytest.fixture
def office():
    return BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York")


@pytest.fixture
def lunch():
    return BusinessHours(
        timezone="America/New_York",
        week={day: [("09:00", "12:00"), ("13:00", "17:00")] for day in WEEKDAYS},
    )


# ---------------------------------------------------------------------------
# Item 5: add / subtract / elapsed
# ---------------------------------------------------------------------------


def test_add_reaching_the_close_stops_at_the_close(office):
    assert same(office.add(ny(*MON, 16), H), ny(*MON, 17), office)


def test_add_zero_is_the_start_even_when_closed(office):
    assert same(office.add(ny(*SAT, 10), timedelta(0)), ny(*SAT, 10), office)
    assert same(office.subtract(ny(*SAT, 10), timedelta(0)), ny(*SAT, 10), office)


def test_add_from_a_closed_instant_counts_from_the_next_opening(office):
    assert same(office.add(ny(*SAT, 10), H), ny(2025, 6, 9, 10), office)
    assert same(office.add(ny(*MON, 17), H), ny(*TUE, 10), office)
    assert same(office.add(ny(*MON, 7), 8 * H), ny(*MON, 17), office)


def test_add_carries_over_nights_and_weekends(office):
    assert same(office.add(ny(*FRI, 16), 2 * H), ny(2025, 6, 9, 10), office)
    assert same(office.add(ny(*MON, 9), 40 * H), ny(*FRI, 17), office)
    assert same(office.add(ny(*MON, 9), 40 * H + M), ny(2025, 6, 9, 9, 1), office)


def test_subtract_is_the_latest_start(office):
    assert same(office.subtract(ny(*TUE, 10), H), ny(*TUE, 9), office)
    assert same(office.subtract(ny(*TUE, 9), H), ny(*MON, 16), office)
    assert same(office.subtract(ny(2025, 6, 9, 10), 2 * H), ny(*FRI, 16), office)
    assert same(office.subtract(ny(*SAT, 12), H), ny(*FRI, 16), office)


def test_negative_add_is_subtract(office):
    assert same(office.add(ny(*TUE, 9, 30), -H), ny(*MON, 16, 30), office)
    assert same(office.add(ny(*TUE, 10), -90 * M), office.subtract(ny(*TUE, 10), 90 * M))


def test_elapsed(office):
    assert office.elapsed(ny(*FRI, 16), ny(2025, 6, 9, 10)) == 2 * H
    assert office.elapsed(ny(2025, 6, 9, 10), ny(*FRI, 16)) == -2 * H
    assert office.elapsed(ny(*SAT, 1), ny(*SAT, 23)) == timedelta(0)
    assert office.elapsed(ny(*MON, 16, 59, 59, 999_999), ny(*MON, 17)) == US_
    assert office.elapsed(ny(*MON), ny(*MON) + 7 * 24 * H) == 40 * H


def test_instants_in_other_zones(office):
    # Monday 16:00 in New York is 20:00 UTC and 22:00 in Paris
    start_utc = datetime(2025, 6, 2, 20, 0, tzinfo=UTC)
    start_paris = at("Europe/Paris", *MON, 22)
    for start in (start_utc, start_paris):
        result = office.add(start, 2 * H)
        assert same(result, ny(*TUE, 10), office)
        assert (result.hour, result.minute) == (10, 0)


# ---------------------------------------------------------------------------
# Item 6: is_open / next_open / next_close
# ---------------------------------------------------------------------------


def test_open_on_the_opening_closed_on_the_closing(office):
    assert office.is_open(ny(*MON, 9))
    assert not office.is_open(ny(*MON, 8, 59, 59, 999_999))
    assert office.is_open(ny(*MON, 16, 59, 59, 999_999))
    assert not office.is_open(ny(*MON, 17))
    assert not office.is_open(ny(*SAT, 12))


def test_next_open(office):
    assert same(office.next_open(ny(*MON, 10, 15)), ny(*MON, 10, 15), office)
    assert same(office.next_open(ny(*MON, 17)), ny(*TUE, 9), office)
    assert same(office.next_open(ny(*SAT, 12)), ny(2025, 6, 9, 9), office)


def test_next_close(office):
    assert same(office.next_close(ny(*MON, 9)), ny(*MON, 17), office)
    assert same(office.next_close(ny(*MON, 17)), ny(*TUE, 17), office)  # closed: next stretch
    assert same(office.next_close(ny(*SAT, 12)), ny(2025, 6, 9, 17), office)


# ---------------------------------------------------------------------------
# Item 2 and 7: lunch breaks, 24:00, overnight intervals, joining
# ---------------------------------------------------------------------------


def test_lunch_break(lunch):
    assert same(lunch.add(ny(*MON, 11), 2 * H), ny(*MON, 14), lunch)
    assert same(lunch.subtract(ny(*MON, 14), 2 * H), ny(*MON, 11), lunch)
    assert lunch.elapsed(ny(*MON, 11, 30), ny(*MON, 13, 30)) == H
    assert not lunch.is_open(ny(*MON, 12))
    assert not lunch.is_open(ny(*MON, 12, 30))
    assert same(lunch.next_open(ny(*MON, 12, 30)), ny(*MON, 13), lunch)
    assert same(lunch.next_close(ny(*MON, 10)), ny(*MON, 12), lunch)
    assert same(lunch.next_close(ny(*MON, 12, 30)), ny(*MON, 17), lunch)
    assert spans(lunch.open_intervals(ny(*MON, 8), ny(*MON, 18))) == spans(
        [(ny(*MON, 9), ny(*MON, 12)), (ny(*MON, 13), ny(*MON, 17))]
    )
    assert spans(lunch.open_intervals(ny(*MON, 10), ny(*MON, 14))) == spans(
        [(ny(*MON, 10), ny(*MON, 12)), (ny(*MON, 13), ny(*MON, 14))]
    )
    assert spans(lunch.day_hours(date(*MON))) == spans(
        [(ny(*MON, 9), ny(*MON, 12)), (ny(*MON, 13), ny(*MON, 17))]
    )
    assert lunch.day_hours(date(*SAT)) == ()


def test_open_intervals_are_clipped_and_empty_when_closed(lunch):
    assert list(lunch.open_intervals(ny(*SAT, 8), ny(*SAT, 18))) == []
    assert list(lunch.open_intervals(ny(*MON, 10), ny(*MON, 10))) == []
    (only,) = lunch.open_intervals(ny(*MON, 9, 30), ny(*MON, 11))
    assert spans([only]) == spans([(ny(*MON, 9, 30), ny(*MON, 11))])
    assert only[0].tzinfo == lunch.timezone


@pytest.fixture(params=["24:00 then 00:00", "overnight"])
def evening_to_morning(request):
    if request.param == "overnight":
        week = {"mon": [("17:00", "08:00")]}
    else:
        week = {"mon": ["17:00-24:00"], "tue": ["00:00-08:00"]}
    return BusinessHours(timezone="America/New_York", week=week)


def test_24h_end_and_next_day_start_join_into_one_stretch(evening_to_morning):
    cal = evening_to_morning
    assert same(cal.next_close(ny(*MON, 18)), ny(*TUE, 8), cal)
    assert same(cal.next_close(ny(*MON, 12)), ny(*TUE, 8), cal)
    assert spans(cal.open_intervals(ny(*MON, 12), ny(*TUE, 12))) == spans(
        [(ny(*MON, 17), ny(*TUE, 8))]
    )
    assert cal.is_open(ny(*MON, 23, 59, 59, 999_999))
    assert cal.is_open(ny(*TUE, 0))
    assert not cal.is_open(ny(*TUE, 8))
    assert same(cal.add(ny(*MON, 23), 2 * H), ny(*TUE, 1), cal)
    assert cal.elapsed(ny(*MON), ny(*TUE, 23)) == 15 * H


def test_day_hours_of_24h_end_and_of_overnight():
    split = BusinessHours(timezone="UTC", week={"mon": ["17:00-24:00"], "tue": ["00:00-08:00"]})
    night = BusinessHours(timezone="UTC", week={"mon": [("17:00", "08:00")]})
    mon, tue = date(*MON), date(*TUE)
    assert spans(split.day_hours(mon)) == spans([(at("UTC", *MON, 17), at("UTC", *TUE))])
    assert spans(split.day_hours(tue)) == spans([(at("UTC", *TUE), at("UTC", *TUE, 8))])
    assert spans(night.day_hours(mon)) == spans([(at("UTC", *MON, 17), at("UTC", *TUE, 8))])
    assert night.day_hours(tue) == ()


def test_adjacent_intervals_on_one_day_join():
    cal = BusinessHours(timezone="UTC", week={"mon": ["09:00-12:00", "12:00-17:00"]})
    assert same(cal.next_close(at("UTC", *MON, 10)), at("UTC", *MON, 17), cal)
    assert spans(cal.open_intervals(at("UTC", *MON), at("UTC", *TUE))) == spans(
        [(at("UTC", *MON, 9), at("UTC", *MON, 17))]
    )


def test_midnight_end_written_as_00_00_is_overnight():
    cal = BusinessHours(timezone="UTC", week={"mon": [("22:00", "00:00")]})
    assert cal.is_open(at("UTC", *MON, 23, 59))
    assert not cal.is_open(at("UTC", *TUE, 0))
    assert same(cal.next_close(at("UTC", *MON, 22)), at("UTC", *TUE), cal)


def test_sunday_night_runs_into_monday():
    cal = BusinessHours(timezone="UTC", week={"sun": [("22:00", "06:00")]})
    assert cal.is_open(at("UTC", *MON, 5, 59))
    assert not cal.is_open(at("UTC", *MON, 6))
    assert same(cal.next_close(at("UTC", 2025, 6, 1, 23)), at("UTC", *MON, 6), cal)


def test_overnight_shift_belongs_to_the_day_it_starts():
    week = {"mon": [("22:00", "06:00")]}
    monday_off = BusinessHours(timezone="UTC", week=week, holidays=[date(*MON)])
    tuesday_off = BusinessHours(timezone="UTC", week=week, holidays=[date(*TUE)])
    assert not monday_off.is_open(at("UTC", *MON, 23))
    assert not monday_off.is_open(at("UTC", *TUE, 2))  # the whole shift is gone
    assert tuesday_off.is_open(at("UTC", *TUE, 2))  # a holiday next day does not cut it
    assert same(tuesday_off.next_close(at("UTC", *MON, 23)), at("UTC", *TUE, 6), tuesday_off)
    assert tuesday_off.elapsed(at("UTC", *MON), at("UTC", 2025, 6, 4)) == 8 * H


def test_weekday_keys_in_any_spelling():
    spellings = [
        {"mon": ["09:00-17:00"]},
        {"Monday": ["09:00-17:00"]},
        {"MON": ["09:00-17:00"]},
        {"monday": [("09:00", "17:00")]},
    ]
    for week in spellings:
        cal = BusinessHours(timezone="UTC", week=week)
        assert cal.is_open(at("UTC", *MON, 9))
        assert not cal.is_open(at("UTC", *TUE, 9))
        assert cal.elapsed(at("UTC", *MON), at("UTC", *MON) + 7 * 24 * H) == 8 * H


def test_days_left_out_are_closed():
    cal = BusinessHours(timezone="UTC", week={"wed": ["10:00-11:00"]})
    assert cal.elapsed(at("UTC", *MON), at("UTC", *MON) + 7 * 24 * H) == H
    assert same(cal.next_open(at("UTC", *MON)), at("UTC", 2025, 6, 4, 10), cal)


def test_always_open_and_weekdays_constructors():
    always = BusinessHours.always_open("Europe/Paris")
    assert always.timezone == ZoneInfo("Europe/Paris")
    assert always.is_open(at("Europe/Paris", *SAT, 3))
    assert same(always.add(at("Europe/Paris", *SAT, 23), 2 * H), at("Europe/Paris", 2025, 6, 8, 1))
    closed_christmas = BusinessHours.always_open("Europe/Paris", holidays=[date(2025, 12, 25)])
    assert same(
        closed_christmas.next_close(at("Europe/Paris", 2025, 12, 20, 10)),
        at("Europe/Paris", 2025, 12, 25),
        closed_christmas,
    )
    assert (
        closed_christmas.elapsed(at("Europe/Paris", 2025, 12, 24), at("Europe/Paris", 2025, 12, 27))
        == 48 * H
    )
    office = BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York")
    assert office.elapsed(ny(*MON), ny(*MON) + 7 * 24 * H) == 40 * H
    assert not office.is_open(ny(*SAT, 10))
    assert office.timezone == NY


def test_timezone_may_be_a_zoneinfo():
    cal = BusinessHours(timezone=NY, week={"mon": ["09:00-17:00"]})
    assert cal.timezone == NY
    assert isinstance(cal.timezone, ZoneInfo)
    assert cal.is_open(ny(*MON, 9))


# ---------------------------------------------------------------------------
# Item 4: holidays, special hours, closures
# ---------------------------------------------------------------------------


def test_us_holidays_by_country_code():
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York", holidays=["US"])
    assert not cal.is_open(ny(2025, 7, 4, 10))
    assert cal.day_hours(date(2025, 7, 4)) == ()
    assert cal.is_open(ny(2025, 7, 3, 10))
    assert same(cal.add(ny(2025, 7, 3, 16), 2 * H), ny(2025, 7, 7, 10), cal)
    # far from the year the calendar was built in, too
    assert not cal.is_open(ny(2031, 7, 4, 10))  # a Friday
    assert not cal.is_open(ny(2026, 1, 1, 10))


def test_country_subdivision_code():
    # Cesar Chavez Day (2025-03-31, a Monday) is a California holiday, not a federal one
    ca = BusinessHours.weekdays(
        "09:00", "17:00", timezone="America/Los_Angeles", holidays=["US-CA"]
    )
    us = BusinessHours.weekdays("09:00", "17:00", timezone="America/Los_Angeles", holidays=["US"])
    monday = at("America/Los_Angeles", 2025, 3, 31, 10)
    assert not ca.is_open(monday)
    assert us.is_open(monday)
    assert not ca.is_open(at("America/Los_Angeles", 2025, 7, 4, 10))  # federal ones too


def test_country_holidays_with_subdivision_and_categories():
    # Epiphany (2025-01-06, Monday) is a holiday in Bavaria, not in all of Germany
    bavaria = BusinessHours.weekdays(
        "08:00", "16:00", timezone="Europe/Berlin", holidays=[CountryHolidays("DE", subdiv="BY")]
    )
    germany = BusinessHours.weekdays(
        "08:00", "16:00", timezone="Europe/Berlin", holidays=[CountryHolidays("DE")]
    )
    epiphany = at("Europe/Berlin", 2025, 1, 6, 10)
    assert not bavaria.is_open(epiphany)
    assert germany.is_open(epiphany)
    # Assumption Day (2025-08-15, Friday) is only in the "catholic" category in Bavaria
    catholic = BusinessHours.weekdays(
        "08:00",
        "16:00",
        timezone="Europe/Berlin",
        holidays=[CountryHolidays("DE", subdiv="BY", categories=("public", "catholic"))],
    )
    assumption = at("Europe/Berlin", 2025, 8, 15, 10)
    assert bavaria.is_open(assumption)
    assert not catholic.is_open(assumption)
    assert not catholic.is_open(epiphany)


def test_holiday_base_instance():
    scotland = holidays_package.country_holidays("GB", subdiv="SCT")
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="Europe/London", holidays=[scotland])
    england = BusinessHours.weekdays("09:00", "17:00", timezone="Europe/London", holidays=["GB"])
    second_of_january = at("Europe/London", 2025, 1, 2, 10)  # Thursday; a Scottish holiday
    assert not cal.is_open(second_of_january)
    assert england.is_open(second_of_january)


def test_rrule_closures():
    # closed on the first Monday of each month
    first_mondays = rrule(MONTHLY, byweekday=MO(1), dtstart=datetime(2025, 1, 1))
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="UTC", holidays=[first_mondays])
    assert not cal.is_open(at("UTC", 2025, 2, 3, 10))
    assert cal.is_open(at("UTC", 2025, 2, 10, 10))
    assert not cal.is_open(at("UTC", 2027, 3, 1, 10))  # far ahead, still closed
    assert cal.is_open(at("UTC", 2024, 12, 2, 10))  # before dtstart: not closed
    assert same(cal.add(at("UTC", 2025, 1, 31, 16), 2 * H), at("UTC", 2025, 2, 4, 10), cal)


def test_rruleset_closures_with_exceptions():
    rules = rruleset()
    rules.rrule(rrule(WEEKLY, byweekday=MO, dtstart=datetime(2025, 6, 2)))
    rules.exdate(datetime(2025, 6, 9))
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="UTC", holidays=[rules])
    assert not cal.is_open(at("UTC", *MON, 10))
    assert cal.is_open(at("UTC", 2025, 6, 9, 10))
    assert not cal.is_open(at("UTC", 2025, 6, 16, 10))


def test_mixed_holiday_sources():
    cal = BusinessHours.weekdays(
        "09:00",
        "17:00",
        timezone="America/New_York",
        holidays=[date(*TUE), "US", rrule(MONTHLY, bymonthday=13, dtstart=datetime(2025, 1, 1))],
    )
    assert not cal.is_open(ny(*TUE, 10))
    assert not cal.is_open(ny(2025, 7, 4, 10))
    assert not cal.is_open(ny(2025, 6, 13, 10))
    assert cal.is_open(ny(*MON, 10))


@pytest.fixture
def christmas():
    return BusinessHours.weekdays(
        "09:00",
        "17:00",
        timezone="America/New_York",
        holidays=["US"],
        special_hours={date(2025, 12, 24): [("09:00", "12:00")]},
    )


def test_christmas_eve_closes_at_noon(christmas):
    assert christmas.is_open(ny(2025, 12, 24, 11, 59))
    assert not christmas.is_open(ny(2025, 12, 24, 12, 30))
    assert same(christmas.next_close(ny(2025, 12, 24, 10)), ny(2025, 12, 24, 12), christmas)
    # Wed 24th 11:00 + 2h: 1h on the 24th, the 25th is a holiday, 1h on Friday 26th
    assert same(christmas.add(ny(2025, 12, 24, 11), 2 * H), ny(2025, 12, 26, 10), christmas)
    assert spans(christmas.day_hours(date(2025, 12, 24))) == spans(
        [(ny(2025, 12, 24, 9), ny(2025, 12, 24, 12))]
    )


def test_special_hours_take_precedence_over_holidays_and_the_week():
    cal = BusinessHours.weekdays(
        "09:00",
        "17:00",
        timezone="America/New_York",
        holidays=["US", date(2025, 12, 23)],
        special_hours={
            date(2025, 12, 25): [("10:00", "14:00")],  # a holiday, opened anyway
            date(2025, 12, 23): ["08:00-10:00"],  # an explicit holiday, opened anyway
            date(2025, 12, 27): ["10:00-12:00"],  # a Saturday
            date(2025, 12, 22): [],  # a Monday, closed
        },
    )
    assert cal.is_open(ny(2025, 12, 25, 11))
    assert not cal.is_open(ny(2025, 12, 25, 9, 30))
    assert cal.is_open(ny(2025, 12, 23, 8, 30))
    assert not cal.is_open(ny(2025, 12, 23, 11))
    assert cal.is_open(ny(2025, 12, 27, 11))
    assert not cal.is_open(ny(2025, 12, 22, 11))
    assert cal.elapsed(ny(2025, 12, 22), ny(2025, 12, 29)) == (2 + 8 + 4 + 8 + 2) * H


def test_with_closures_closes_whole_dates_even_special_ones(christmas):
    closed = christmas.with_closures([date(2025, 12, 24), date(2025, 12, 26)])
    assert not closed.is_open(ny(2025, 12, 24, 10))
    assert not closed.is_open(ny(2025, 12, 26, 10))
    assert closed.day_hours(date(2025, 12, 24)) == ()
    assert same(closed.add(ny(2025, 12, 23, 16), 2 * H), ny(2025, 12, 29, 10), closed)
    # the original is untouched
    assert christmas.is_open(ny(2025, 12, 24, 10))
    assert christmas.is_open(ny(2025, 12, 26, 10))


# ---------------------------------------------------------------------------
# intersect, IntervalCalendar
# ---------------------------------------------------------------------------


@pytest.fixture
def provider():
    return BusinessHours.weekdays("08:00", "18:00", timezone="America/New_York")


@pytest.fixture
def site():
    # Site access in Chicago time (one hour behind New York):
    # Mon-Sat 07:00-11:00 and 12:00-15:00 CT = 08:00-12:00 and 13:00-16:00 ET
    return BusinessHours(
        timezone="America/Chicago",
        week={
            day: [("07:00", "11:00"), ("12:00", "15:00")]
            for day in ("mon", "tue", "wed", "thu", "fri", "sat")
        },
    )


def test_intersect_provider_hours_with_site_access(provider, site):
    both = intersect(provider, site)
    assert both.timezone == NY
    assert same(both.add(ny(*MON, 11), 3 * H), ny(*MON, 15), both)
    assert both.elapsed(ny(*MON), ny(*TUE)) == 7 * H
    assert not both.is_open(ny(*SAT, 10))  # site open, provider closed
    assert not both.is_open(ny(*MON, 17))  # provider open, site closed
    assert same(both.next_close(ny(*MON, 9)), ny(*MON, 12), both)
    assert same(both.next_open(ny(*MON, 12, 30)), ny(*MON, 13), both)
    assert spans(both.open_intervals(ny(*MON), ny(*TUE))) == spans(
        [(ny(*MON, 8), ny(*MON, 12)), (ny(*MON, 13), ny(*MON, 16))]
    )
    assert same(both.subtract(ny(*TUE, 9), 2 * H), ny(*MON, 15), both)


def test_intersect_takes_the_zone_of_the_first(provider, site):
    other_way = intersect(site, provider)
    assert other_way.timezone == ZoneInfo("America/Chicago")
    result = other_way.add(ny(*MON, 11), 3 * H)
    assert result.tzinfo == ZoneInfo("America/Chicago")
    assert same(result, ny(*MON, 15))
    assert (result.hour, result.minute) == (14, 0)


def test_ampersand_is_intersect(provider, site):
    both = provider & site
    assert both.timezone == NY
    assert same(both.add(ny(*MON, 11), 3 * H), ny(*MON, 15), both)
    assert both == intersect(provider, site)


def test_intersect_with_holidays_on_either_side(provider, site):
    both = intersect(provider.with_closures([date(*MON)]), site.with_closures([date(*TUE)]))
    assert both.elapsed(ny(*MON), ny(*TUE) + 24 * H) == timedelta(0)
    assert same(both.next_open(ny(*MON)), ny(2025, 6, 4, 8), both)


def _rota(zone, shifts):
    """A rota source: ``shifts[weekday]`` is a list of (start hour, hours)."""
    tz = ZoneInfo(zone)

    def source(start, end):
        assert start.tzinfo is not None
        assert end.tzinfo is not None
        day = start.astimezone(tz).date() - timedelta(days=2)
        last = end.astimezone(tz).date() + timedelta(days=1)
        while day <= last:
            for hour, hours in shifts.get(day.weekday(), ()):
                begin = datetime(day.year, day.month, day.day, hour, tzinfo=tz)
                # hand back UTC instants: only the instants matter
                yield begin.astimezone(UTC), (begin + hours * H).astimezone(UTC)
            day += timedelta(days=1)

    return source


def test_interval_calendar_matches_equivalent_business_hours():
    rota = IntervalCalendar("America/New_York", _rota("America/New_York", {
        d: [(9, 8)] for d in range(5)
    }))  # fmt: skip
    office = BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York")
    assert rota.timezone == NY
    probes = [ny(*MON, 8), ny(*MON, 9), ny(*MON, 16, 30), ny(*FRI, 16), ny(*SAT, 12)]
    for t in probes:
        assert rota.is_open(t) == office.is_open(t)
        assert same(rota.next_open(t), office.next_open(t), rota)
        assert same(rota.next_close(t), office.next_close(t), rota)
        for d in (timedelta(0), 30 * M, 3 * H, 9 * H, 20 * H):
            assert same(rota.add(t, d), office.add(t, d), rota)
            assert same(rota.subtract(t, d), office.subtract(t, d), rota)
        assert rota.elapsed(t, t + 80 * H) == office.elapsed(t, t + 80 * H)
        assert spans(rota.open_intervals(t, t + 80 * H)) == spans(
            office.open_intervals(t, t + 80 * H)
        )


def test_interval_calendar_joins_adjacent_shifts():
    # Monday 06:00-14:00 then 14:00-22:00, then a night shift 22:00-06:00
    rota = IntervalCalendar("UTC", _rota("UTC", {0: [(6, 8), (14, 8), (22, 8)]}))
    assert same(rota.next_close(at("UTC", *MON, 7)), at("UTC", *TUE, 6), rota)
    assert spans(rota.open_intervals(at("UTC", *MON), at("UTC", *TUE, 12))) == spans(
        [(at("UTC", *MON, 6), at("UTC", *TUE, 6))]
    )
    assert same(rota.add(at("UTC", *MON, 21), 5 * H), at("UTC", *TUE, 2), rota)


# ---------------------------------------------------------------------------
# Immutable, hashable, equal definitions compare equal
# ---------------------------------------------------------------------------


def _office(**changes):
    kwargs = {
        "timezone": "America/New_York",
        "week": {day: [("09:00", "12:00"), ("13:00", "17:00")] for day in WEEKDAYS},
        "holidays": [date(2025, 12, 25), "US"],
        "special_hours": {date(2025, 12, 24): [("09:00", "12:00")]},
    }
    kwargs.update(changes)
    return BusinessHours(**kwargs)


def test_equal_definitions_are_equal_and_hash_alike():
    a, b = _office(), _office()
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert {a: "x"}[b] == "x"


def test_equal_definitions_in_other_spellings():
    a = _office()
    b = _office(
        timezone=NY,
        week={name.upper(): ["09:00-12:00", "13:00-17:00"] for name in WEEKDAYS},
    )
    assert a == b
    assert hash(a) == hash(b)


@pytest.mark.parametrize(
    "changes",
    [
        {"timezone": "America/Chicago"},
        {"week": {"mon": ["09:00-17:00"]}},
        {"holidays": ["US-CA"]},
        {"special_hours": None},
        {"special_hours": {date(2025, 12, 24): [("09:00", "13:00")]}},
    ],
)
def test_different_definitions_differ(changes):
    assert _office() != _office(**changes)


def test_calendars_are_immutable():
    cal = _office()
    with pytest.raises(AttributeError):
        cal.timezone = ZoneInfo("UTC")
    closed = cal.with_closures([date(2025, 6, 2)])
    assert closed != cal
    assert cal.is_open(ny(*MON, 10))
    assert not closed.is_open(ny(*MON, 10))
    assert closed == cal.with_closures([date(2025, 6, 2)])
    assert hash(closed) == hash(cal.with_closures([date(2025, 6, 2)]))


def test_composed_calendars_are_hashable(provider, site):
    assert intersect(provider, site) == intersect(provider, site)
    assert hash(intersect(provider, site)) == hash(intersect(provider, site))
    assert hash(BusinessHours.always_open("UTC")) == hash(BusinessHours.always_open("UTC"))
    assert BusinessHours.always_open("UTC") != BusinessHours.always_open("Europe/Paris")


def test_calendars_with_unhashable_holiday_sources_are_hashable():
    # a holidays.HolidayBase is a dict, an rrule compares by identity
    scotland = holidays_package.country_holidays("GB", subdiv="SCT")
    mondays = rrule(WEEKLY, byweekday=MO, dtstart=datetime(2025, 1, 6))
    a = BusinessHours.weekdays("09:00", "17:00", timezone="Europe/London", holidays=[scotland])
    b = BusinessHours.weekdays("09:00", "17:00", timezone="UTC", holidays=[mondays])
    assert hash(a) == hash(a)
    assert hash(b) == hash(b)
    assert len({a, b, a}) == 2


def test_elapsed_over_a_decade_counts_every_business_day():
    cal = BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York", holidays=["US"])
    us = holidays_package.country_holidays("US", years=range(2020, 2031))
    first, last = date(2020, 1, 1), date(2030, 1, 1)
    days = [first + timedelta(days=k) for k in range((last - first).days)]
    business = [d for d in days if d.weekday() < 5 and d not in us]
    assert len(business) > 2400  # the count itself is plausible
    assert cal.elapsed(ny(2020, 1, 1), ny(2030, 1, 1)) == 8 * H * len(business)
    assert same(cal.add(ny(2020, 1, 1), 8 * H * len(business)), ny(2029, 12, 31, 17), cal)


def test_always_open_closes_at_a_distant_holiday():
    cal = BusinessHours.always_open("UTC", holidays=[date(2026, 3, 1)])
    assert same(cal.next_close(at("UTC", *MON, 10)), at("UTC", 2026, 3, 1), cal)
    assert same(cal.next_open(at("UTC", 2026, 3, 1, 10)), at("UTC", 2026, 3, 2), cal)


def test_with_closures_on_an_intersection(provider, site):
    # closing dates on any calendar goes through the module-level with_closures
    both = with_closures(intersect(provider, site), [date(*MON)])
    assert not both.is_open(ny(*MON, 9))
    assert both.is_open(ny(*TUE, 9))
    assert same(both.next_open(ny(*MON, 7)), ny(*TUE, 8), both)
    assert both.timezone == NY


def test_input_in_fixed_offset_and_dateutil_zones(office):
    from datetime import timezone

    from dateutil import tz as dateutil_tz

    monday_four_pm = ny(*MON, 16)
    for zone in (
        timezone(timedelta(hours=-4)),
        timezone(timedelta(hours=9)),
        dateutil_tz.gettz("Asia/Tokyo"),
    ):
        start = monday_four_pm.astimezone(zone)
        assert same(office.add(start, 2 * H), ny(*TUE, 10), office)
        assert office.is_open(start)
        assert office.elapsed(start, ny(*TUE, 10)) == 2 * H
