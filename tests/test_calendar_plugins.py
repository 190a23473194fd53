"""Plugging in calendars and holiday sources that the library did not build."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_package
import pytest
from dateutil.rrule import YEARLY, rrule, rruleset

from entitlements import (
    BusinessCalendar,
    BusinessHours,
    CalendarDefinitionError,
    CalendarRangeError,
    NaiveDatetimeError,
    intersect,
)

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)


class RotaCalendar:
    """A calendar that only implements the protocol (no library base class).

    It stands for a workforce system: it answers from a list of shifts.
    """

    def __init__(self, shifts: list[tuple[datetime, datetime]]) -> None:
        self.shifts = shifts
        self._twin = BusinessHours.always_open(NY)  # used only for the protocol's other methods

    @property
    def timezone(self) -> ZoneInfo:
        return NY

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        for a, b in self.shifts:
            if a < end and b > start:
                yield max(a, start), min(b, end)

    def add(self, start: datetime, duration: timedelta) -> datetime:  # pragma: no cover
        raise NotImplementedError

    subtract = add

    def elapsed(self, start: datetime, end: datetime) -> timedelta:  # pragma: no cover
        raise NotImplementedError

    def is_open(self, at: datetime) -> bool:  # pragma: no cover
        raise NotImplementedError

    def next_open(self, at: datetime) -> datetime:  # pragma: no cover
        raise NotImplementedError

    next_close = next_open

    def day_hours(self, day: date) -> tuple[tuple[datetime, datetime], ...]:  # pragma: no cover
        raise NotImplementedError


def test_a_protocol_only_calendar_composes_through_its_open_intervals():
    rota = RotaCalendar(
        [
            (datetime(2025, 6, 2, 8, tzinfo=NY), datetime(2025, 6, 2, 20, tzinfo=NY)),
            (datetime(2025, 6, 3, 8, tzinfo=NY), datetime(2025, 6, 3, 20, tzinfo=NY)),
        ]
    )
    assert isinstance(rota, BusinessCalendar)
    office = BusinessHours.weekdays("09:00", "17:00", timezone=NY)
    late_shift = BusinessHours.weekdays("12:00", "22:00", timezone=NY)
    both = intersect(rota, office, late_shift)  # 12:00-17:00 on the two rota days
    start = datetime(2025, 6, 2, 7, tzinfo=NY)
    assert both.add(start, 5 * H) == datetime(2025, 6, 2, 17, tzinfo=NY)
    assert both.add(start, 6 * H) == datetime(2025, 6, 3, 13, tzinfo=NY)
    assert both.elapsed(start, datetime(2025, 6, 9, tzinfo=NY)) == 10 * H


class NaiveRota(RotaCalendar):
    """A broken plug-in: its intervals have no time zone."""

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        yield datetime(2025, 6, 2, 8), datetime(2025, 6, 2, 20)


def test_a_protocol_calendar_giving_naive_intervals_is_refused():
    both = intersect(NaiveRota([]), BusinessHours.always_open(NY))
    with pytest.raises(NaiveDatetimeError, match="open interval start"):
        both.is_open(datetime(2025, 6, 2, 9, tzinfo=NY))


def test_a_holidays_object_expands_to_later_years_and_is_copied():
    table = holidays_package.country_holidays("US", years=2025)
    cal = BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=table)
    table[date(2031, 3, 3)] = "added by the caller afterwards"
    # 4 July 2030 is in no year the caller populated: the private copy expands itself.
    assert not cal.is_open(datetime(2030, 7, 4, 10, tzinfo=NY))
    assert cal.is_open(datetime(2031, 3, 3, 10, tzinfo=NY))  # later changes do not leak in


def test_a_holidays_object_with_expand_false_stays_as_given():
    table = holidays_package.country_holidays("US", years=2025, expand=False)
    table[date(2025, 6, 3)] = "company day"
    cal = BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=[table])
    assert not cal.is_open(datetime(2025, 6, 3, 10, tzinfo=NY))
    assert cal.is_open(datetime(2030, 7, 4, 10, tzinfo=NY))  # not expanded to 2030
    twin = BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=[table])
    assert twin == cal
    assert hash(twin) == hash(cal)


def test_rrule_closures_compare_by_their_rule_text():
    def founders_day() -> rrule:
        return rrule(YEARLY, bymonth=6, bymonthday=2, dtstart=datetime(2020, 1, 1))

    a = BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=founders_day())
    b = BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=[founders_day()])
    assert a == b
    assert not a.is_open(datetime(2025, 6, 2, 10, tzinfo=NY))
    rules = rruleset()
    rules.rrule(founders_day())
    c = BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=rules)
    assert c != a  # an rruleset is equal only to itself
    assert not c.is_open(datetime(2026, 6, 2, 10, tzinfo=NY))


def test_an_rrule_with_an_aware_start_is_refused():
    rule = rrule(YEARLY, dtstart=datetime(2020, 6, 2, tzinfo=UTC))
    with pytest.raises(CalendarDefinitionError, match="naive dtstart"):
        BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=[rule])


@pytest.mark.parametrize(
    "value",
    [42, [3.5], [datetime(2025, 1, 1, tzinfo=UTC)]],
    ids=["not-a-list", "not-a-source", "a-datetime"],
)
def test_bad_holiday_sources_are_refused(value):
    with pytest.raises(CalendarDefinitionError, match="holidays"):
        BusinessHours.weekdays("09:00", "17:00", timezone=NY, holidays=value)


def test_instants_beyond_the_supported_years_raise_a_range_error():
    cal = BusinessHours.always_open(NY)
    with pytest.raises(CalendarRangeError):
        cal.is_open(datetime(9999, 12, 31, tzinfo=UTC))
    with pytest.raises(CalendarRangeError):
        cal.is_open(datetime(9990, 6, 1, tzinfo=UTC))
    with pytest.raises(CalendarRangeError):
        cal.add(datetime(9990, 1, 1, tzinfo=UTC), timedelta(days=3650))
    with pytest.raises(CalendarRangeError):
        cal.is_open(datetime(1, 1, 2, tzinfo=UTC))
