"""``BusinessHours``: weekly opening hours in a zone, with holidays and special days."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import evolve, field, frozen

from entitlements.calendar._closures import ClosureSource, parse_closures
from entitlements.calendar._hours import (
    WEEKDAYS,
    DailyInterval,
    check_no_overlap,
    parse_intervals,
    parse_week,
)
from entitlements.calendar._instants import EPOCH_ORDINAL, US_PER_DAY, from_us
from entitlements.calendar._intersection import ComposableCalendar
from entitlements.calendar._zone import ZoneTimeline
from entitlements.errors import CalendarDefinitionError, UnknownTimezoneError

__all__ = ["BusinessHours", "parse_timezone"]

SpecialHours = tuple[tuple[date, tuple[DailyInterval, ...]], ...]


def parse_timezone(value: object) -> ZoneInfo:
    """Return a ``ZoneInfo`` for an IANA name or a ``ZoneInfo``."""
    if isinstance(value, ZoneInfo):
        return value
    if not isinstance(value, str):
        raise UnknownTimezoneError(
            f"timezone: {value!r} is not an IANA zone name like 'America/New_York'"
        )
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise UnknownTimezoneError(f"timezone: {value!r} is not a known IANA zone name") from None


def _parse_special_hours(value: object) -> SpecialHours:
    if value is None:
        return ()
    if isinstance(value, tuple) and all(
        isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], tuple) for pair in value
    ):
        items: Iterable[tuple[Any, Any]] = value
    elif isinstance(value, Mapping):
        items = value.items()
    else:
        raise CalendarDefinitionError(
            f"special_hours: {value!r} is not a mapping of date to intervals"
        )
    parsed: dict[date, tuple[DailyInterval, ...]] = {}
    for day, intervals in items:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise CalendarDefinitionError(
                f"special_hours: key {day!r} is not a date (a datetime.date, without time)"
            )
        if day in parsed:
            raise CalendarDefinitionError(f"special_hours: {day.isoformat()} is given twice")
        parsed[day] = parse_intervals(intervals, f"special_hours[{day.isoformat()}]")
    return tuple(sorted(parsed.items()))


class _DayTable:
    """Compiled state of a :class:`BusinessHours`: each local date's open instants."""

    __slots__ = ("lock", "pieces", "years")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pieces: dict[int, list[tuple[int, int]]] = {}
        self.years: set[int] = set()

    def __reduce__(self) -> tuple[type[_DayTable], tuple[()]]:
        return (_DayTable, ())  # a copy or an unpickled calendar compiles afresh


@frozen(kw_only=True, repr=False)
class BusinessHours(ComposableCalendar):
    """Weekly opening hours in a time zone, with closed days and special days.

    Args:
        timezone: IANA zone name or ``ZoneInfo``; results come back in it.
        week: weekday (``"mon"``..``"sun"`` or full names) to a list of
            intervals ``("09:00", "17:00")`` or ``"09:00-17:00"``; days left
            out are closed. An end before the start runs overnight into the
            next day; ``"24:00"`` is allowed as an end.
        holidays: whole closed dates: ``date``s, country codes (``"US"``,
            ``"US-CA"``), :class:`CountryHolidays`, a ``holidays`` package
            object, a dateutil ``rrule``/``rruleset``, or a list mixing them.
        special_hours: date to the intervals that replace that date's hours
            (``[]`` closes it). Special hours win over holidays.

    Raises:
        CalendarDefinitionError: a malformed value; the message names the field.
        OverlappingIntervalsError: two intervals overlap; the message names both.
        UnknownTimezoneError: the zone is unknown.
        UnknownHolidayCountryError: the holiday country/subdivision is unknown.
    """

    timezone: ZoneInfo = field(converter=parse_timezone)
    week: tuple[tuple[DailyInterval, ...], ...] = field(converter=parse_week)
    holidays: tuple[ClosureSource, ...] = field(default=(), converter=parse_closures)
    special_hours: SpecialHours = field(default=(), converter=_parse_special_hours)
    _days: _DayTable = field(factory=_DayTable, init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._check_special_neighbours()

    def __repr__(self) -> str:
        week = {
            WEEKDAYS[day]: [str(interval) for interval in intervals]
            for day, intervals in enumerate(self.week)
            if intervals
        }
        text = f"BusinessHours(timezone={self.timezone.key!r}, week={week!r}"
        if self.holidays:
            text += f", holidays={list(self.holidays)!r}"
        if self.special_hours:
            special = {day: [str(i) for i in hours] for day, hours in self.special_hours}
            text += f", special_hours={special!r}"
        return text + ")"

    # -- constructors --------------------------------------------------------

    @classmethod
    def always_open(
        cls,
        timezone: str | ZoneInfo = "UTC",
        *,
        holidays: object = (),
        special_hours: Mapping[date, object] | None = None,
    ) -> BusinessHours:
        """Return a 24x7 calendar (optionally with closures or special days)."""
        return cls(
            timezone=timezone,
            week={day: [("00:00", "24:00")] for day in WEEKDAYS},
            holidays=holidays,
            special_hours=special_hours,
        )

    @classmethod
    def weekdays(
        cls,
        start: str | time,
        end: str | time,
        *,
        timezone: str | ZoneInfo,
        holidays: object = (),
        special_hours: Mapping[date, object] | None = None,
    ) -> BusinessHours:
        """Return a Monday-to-Friday calendar open from ``start`` to ``end`` each day."""
        return cls(
            timezone=timezone,
            week={day: [(start, end)] for day in WEEKDAYS[:5]},
            holidays=holidays,
            special_hours=special_hours,
        )

    def with_closures(self, dates: Iterable[date]) -> BusinessHours:
        """Return this calendar with the given dates closed, even where special hours were set."""
        closed = parse_closures(list(dates))
        closed_days = {day for source in closed for day in getattr(source, "dates", ())}
        return evolve(
            self,
            holidays=self.holidays + closed,
            special_hours=tuple(
                (day, hours) for day, hours in self.special_hours if day not in closed_days
            ),
        )

    # -- definition ----------------------------------------------------------

    def hours_on(self, day: date) -> tuple[DailyInterval, ...]:
        """Return the intervals the definition gives ``day`` (after holidays and special hours)."""
        special = dict(self.special_hours)
        if day in special:
            return special[day]
        if day in self._closed_dates(range(day.year, day.year + 1)):
            return ()
        return self.week[day.weekday()]

    def _closed_dates(self, years: range) -> set[date]:
        return {day for source in self.holidays for day in source.closed_dates(years)}

    def _check_special_neighbours(self) -> None:
        """Special days must not overlap the overnight spill of their neighbours."""
        special = dict(self.special_hours)
        for day in special:
            spans: list[tuple[int, int, str]] = []
            for offset in (-1, 0, 1):
                other = day + timedelta(days=offset)
                hours = special.get(other, self.week[other.weekday()])
                label = (
                    f"special_hours[{other.isoformat()}]"
                    if other in special
                    else f"week[{WEEKDAYS[other.weekday()]!r}]"
                )
                spans.extend(
                    (offset * US_PER_DAY + i.start, offset * US_PER_DAY + i.end, f"{label} {i}")
                    for i in hours
                )
            check_no_overlap(spans)

    # -- compilation -----------------------------------------------------------

    def _cover_days(
        self, first_ordinal: int, last_ordinal: int
    ) -> dict[int, list[tuple[int, int]]]:
        """Compile the local years holding the given days; return the day table.

        The table maps a date's proleptic ordinal to the open instants (µs) of
        that date's own intervals, so an overnight shift sits under its first day.
        """
        days = self._days
        first_year = date.fromordinal(first_ordinal).year
        last_year = date.fromordinal(last_ordinal).year
        missing = [y for y in range(first_year, last_year + 1) if y not in days.years]
        if not missing:
            return days.pieces
        with days.lock:
            missing = [y for y in missing if y not in days.years]
            if missing:
                self._compile_years(missing[0], missing[-1])
        return days.pieces

    def _compile_years(self, first_year: int, last_year: int) -> None:
        """Fill the day table for the local years ``first_year..last_year``."""
        first = date(first_year, 1, 1).toordinal()
        stop = date(last_year + 1, 1, 1).toordinal()
        closed = {day.toordinal() for day in self._closed_dates(range(first_year, last_year + 1))}
        special = {day.toordinal(): hours for day, hours in self.special_hours}
        week = self.week
        zone = ZoneTimeline(
            self.timezone,
            (first - EPOCH_ORDINAL - 3) * US_PER_DAY,
            (stop - EPOCH_ORDINAL + 3) * US_PER_DAY,
        )
        table = self._days.pieces
        for ordinal in range(first, stop):
            hours = special.get(ordinal)
            if hours is None:
                if ordinal in closed:
                    continue
                hours = week[(ordinal - 1) % 7]  # ordinal 1 (0001-01-01) is a Monday
            if not hours:
                continue
            midnight = (ordinal - EPOCH_ORDINAL) * US_PER_DAY
            pieces: list[tuple[int, int]] = []
            for interval in hours:
                pieces.extend(
                    zone.wall_to_instants(midnight + interval.start, midnight + interval.end)
                )
            if len(pieces) > 1:
                pieces.sort()
            if pieces:
                table[ordinal] = pieces
        self._days.years.update(range(first_year, last_year + 1))

    def _open_pieces(self, lo: int, hi: int) -> list[tuple[int, int]]:
        # Local dates whose intervals can reach [lo, hi): offsets stay within
        # +-26 h and an interval lasts at most a day, so pad by two days.
        first = EPOCH_ORDINAL + lo // US_PER_DAY - 2
        last = EPOCH_ORDINAL + (hi - 1) // US_PER_DAY + 2
        table = self._cover_days(first, last)
        pieces: list[tuple[int, int]] = []
        for ordinal in range(first, last + 1):
            for start, end in table.get(ordinal, ()):
                if start < hi and end > lo:
                    pieces.append((max(start, lo), min(end, hi)))
        # Fall-back nights can interleave the pieces of neighbouring intervals.
        pieces.sort()
        return pieces

    def _has_hours(self, day: date) -> bool:
        """Whether ``day`` has open time of its own: ``bool(day_hours(day))``, without datetimes."""
        ordinal, table = day.toordinal(), self._days
        if day.year not in table.years:
            self._cover_days(ordinal, ordinal)
        return ordinal in table.pieces

    def _day_close(self, day: date) -> datetime:
        """When ``day``'s own hours end: ``day_hours(day)[-1][1]``, building one datetime.

        Raises:
            IndexError: ``day`` has no hours of its own.
        """
        ordinal = day.toordinal()
        return from_us(self._cover_days(ordinal, ordinal)[ordinal][-1][1], self.timezone)

    def day_hours(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """Return the open intervals of ``day``'s own hours, as instants in the calendar's zone.

        An overnight interval belongs wholly to the day it starts. Touching
        pieces are joined.
        """
        tz = self.timezone
        ordinal = day.toordinal()
        joined: list[tuple[int, int]] = []
        for start, end in self._cover_days(ordinal, ordinal).get(ordinal, ()):
            if joined and joined[-1][1] == start:
                joined[-1] = (joined[-1][0], end)
            else:
                joined.append((start, end))
        return tuple((from_us(a, tz), from_us(b, tz)) for a, b in joined)
