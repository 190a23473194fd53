"""Calendars built from other calendars, or from a function listing open intervals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from attrs import field, frozen

from entitlements.calendar._business_hours import BusinessHours, parse_timezone
from entitlements.calendar._instants import from_us
from entitlements.calendar._intersection import (
    ComposableCalendar,
    IntersectionCalendar,
    datetime_pieces,
)
from entitlements.calendar._protocol import BusinessCalendar
from entitlements.errors import CalendarDefinitionError

__all__ = ["IntervalCalendar", "intersect", "with_closures"]

IntervalSource = Callable[[datetime, datetime], Iterable[tuple[datetime, datetime]]]


def intersect(first: BusinessCalendar, *others: BusinessCalendar) -> BusinessCalendar:
    """Return a calendar open exactly when all the given calendars are open.

    Results come back in the first calendar's zone.
    """
    for calendar in (first, *others):
        if not isinstance(calendar, BusinessCalendar):
            raise CalendarDefinitionError(f"intersect: {calendar!r} is not a business calendar")
    result = first
    for other in others:
        result = IntersectionCalendar(result, other)
    return result


def with_closures(calendar: BusinessCalendar, dates: Iterable[date]) -> BusinessCalendar:
    """Return ``calendar`` with the given local dates closed.

    A :class:`BusinessHours` closes them as holidays (an overnight shift that
    started the day before still runs); any other calendar loses the open time
    between those dates' local midnights.
    """
    if isinstance(calendar, BusinessHours):
        return calendar.with_closures(dates)
    return IntersectionCalendar(
        calendar, BusinessHours.always_open(calendar.timezone, holidays=list(dates))
    )


@frozen
class IntervalCalendar(ComposableCalendar):
    """A calendar defined by one function that lists its open intervals.

    ``source(start, end)`` returns the open intervals (pairs of aware datetimes)
    overlapping ``[start, end)``; they may overlap each other or stick out of
    the span (they are clipped and merged). Every operation is derived from it.

    Cost: the source is called once per UTC year a computation reaches and the
    answer is compiled and kept; after that, each operation is a bisection.
    The source must therefore be deterministic: the same span gives the same
    intervals.
    """

    timezone: ZoneInfo = field(converter=parse_timezone)
    source: IntervalSource = field(eq=True)

    def _open_pieces(self, lo: int, hi: int) -> list[tuple[int, int]]:
        tz = self.timezone
        return datetime_pieces(self.source(from_us(lo, tz), from_us(hi, tz)), lo, hi)
