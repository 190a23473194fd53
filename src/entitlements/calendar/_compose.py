"""Calendars built from other calendars, or from a function listing open intervals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from attrs import field, frozen

from entitlements.calendar._business_hours import BusinessHours, parse_timezone
from entitlements.calendar._compiled import CompiledCalendar
from entitlements.calendar._instants import from_us, to_us
from entitlements.calendar._protocol import BusinessCalendar
from entitlements.errors import CalendarDefinitionError

__all__ = ["IntersectionCalendar", "IntervalCalendar", "intersect", "with_closures"]

IntervalSource = Callable[[datetime, datetime], Iterable[tuple[datetime, datetime]]]


def _pieces_of(calendar: BusinessCalendar, lo: int, hi: int) -> list[tuple[int, int]]:
    """Open time of any calendar within [lo, hi) as sorted µs pieces."""
    if isinstance(calendar, CompiledCalendar):
        return calendar._stretches_us(lo, hi)
    tz = calendar.timezone
    return _clip_sorted(
        (
            (to_us(a, "open interval start"), to_us(b, "open interval end"))
            for a, b in calendar.open_intervals(from_us(lo, tz), from_us(hi, tz))
        ),
        lo,
        hi,
    )


def _clip_sorted(pieces: Iterable[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """Clip pieces to [lo, hi), sort them and merge overlapping ones."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(a, lo), min(b, hi)) for a, b in pieces):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@frozen
class IntersectionCalendar(CompiledCalendar):
    """Open exactly when both calendars are open; results in the first one's zone.

    For example a provider's support hours intersected with the hours a
    customer's site can be entered.
    """

    first: BusinessCalendar
    second: BusinessCalendar

    @property
    def timezone(self) -> ZoneInfo:
        """The first calendar's zone."""
        return self.first.timezone

    def _open_pieces(self, lo: int, hi: int) -> list[tuple[int, int]]:
        a, b = _pieces_of(self.first, lo, hi), _pieces_of(self.second, lo, hi)
        pieces: list[tuple[int, int]] = []
        i = j = 0
        while i < len(a) and j < len(b):
            start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
            if start < end:
                pieces.append((start, end))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return pieces


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
class IntervalCalendar(CompiledCalendar):
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
        return _clip_sorted(
            (
                (to_us(a, "source interval start"), to_us(b, "source interval end"))
                for a, b in self.source(from_us(lo, tz), from_us(hi, tz))
            ),
            lo,
            hi,
        )
