"""The compiled engine shared by every built-in calendar.

A calendar is compiled, a UTC year at a time and only for the years a
computation reaches, into one sorted list of disjoint open stretches (integer
µs since the epoch) with the cumulative open time before each. Every operation
is then one or two bisections, so its cost does not grow with the duration,
the span, or the number of holidays.

A subclass supplies one primitive, :meth:`CompiledCalendar._open_pieces`: the
open time within a span of instants. Everything else is derived here.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from entitlements.calendar._instants import (
    EPOCH,
    ONE_US,
    US_PER_DAY,
    from_us,
    to_us,
    us_to_timedelta,
    utc_year,
    wall_us,
)
from entitlements.calendar._zone import ZoneTimeline
from entitlements.errors import (
    CalendarRangeError,
    NoBusinessTimeError,
    NoClosingTimeError,
    NotADatetimeError,
)

__all__ = ["REACH_YEARS", "CompiledCalendar", "Timeline"]

#: How far (in years) a search for open time or a closing goes before giving up.
REACH_YEARS = 10
# Supported UTC years: a margin from datetime's limits (years 1..9999) leaves
# room for the padding days and zone years that compiling a year touches.
_FIRST_YEAR = 10
_LAST_YEAR = 9990


def _year_start_us(year: int) -> int:
    return wall_us(date(year, 1, 1))


class Timeline:
    """Compiled open stretches over a contiguous range of UTC years.

    Immutable once built; extending returns a new timeline, so a reader in
    another thread always sees a consistent one.
    """

    __slots__ = (
        "cum",
        "cum_end",
        "ends",
        "first_year",
        "hi",
        "last_year",
        "lo",
        "starts",
        "total",
    )

    def __init__(self, first_year: int, last_year: int, starts: list[int], ends: list[int]) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.lo = _year_start_us(first_year)
        self.hi = _year_start_us(last_year + 1)
        self.starts = starts
        self.ends = ends
        cum: list[int] = []
        cum_end: list[int] = []
        total = 0
        for start, end in zip(starts, ends, strict=True):
            cum.append(total)
            total += end - start
            cum_end.append(total)
        self.cum = cum
        self.cum_end = cum_end
        self.total = total  # open time (µs) in the whole compiled range

    def open_before(self, instant: int) -> int:
        """Open time (µs) from the start of the range up to ``instant``."""
        i = bisect_right(self.starts, instant) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(instant, self.ends[i]) - self.starts[i]


def _join(starts: list[int], ends: list[int], pieces: Iterable[tuple[int, int]]) -> None:
    """Append sorted disjoint pieces, joining those that touch the previous one."""
    for start, end in pieces:
        if ends and ends[-1] == start:
            ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)


class CompiledCalendar(ABC):
    """A business calendar answered from its compiled open stretches.

    Subclasses implement :meth:`_open_pieces` and :attr:`timezone`; they must be
    immutable, and keep the compiled state in the ``_cache`` slot that this base
    fills lazily (excluded from equality and hashing).
    """

    __slots__ = ("_cache",)

    @property
    @abstractmethod
    def timezone(self) -> ZoneInfo:
        """The zone results are returned in."""

    @abstractmethod
    def _open_pieces(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Return the open time within ``[lo, hi)`` as sorted, disjoint µs pieces.

        Pieces are clipped to ``[lo, hi)``; pieces that touch may be returned
        separately (they are joined here).
        """

    # -- compiled state ----------------------------------------------------

    def _timeline(self) -> Timeline | None:
        cache: _Cache | None = getattr(self, "_cache", None)
        return cache.timeline if cache is not None else None

    def _lock(self) -> threading.Lock:
        cache: _Cache | None = getattr(self, "_cache", None)
        if cache is None:
            cache = _Cache()
            object.__setattr__(self, "_cache", cache)
        return cache.lock

    def compile(self, first_year: int, last_year: int) -> None:
        """Compile the UTC years ``first_year..last_year`` ahead of use.

        Optional: operations compile what they reach on demand. Useful to keep
        the one-time cost out of a latency-sensitive path.
        """
        self._cover(first_year, last_year)

    def _cover(self, first_year: int, last_year: int) -> Timeline:
        """Return a timeline covering at least the given UTC years."""
        timeline = self._timeline()
        if (
            timeline is not None
            and timeline.first_year <= first_year
            and last_year <= timeline.last_year
        ):
            return timeline
        if first_year < _FIRST_YEAR or last_year > _LAST_YEAR:
            year = first_year if first_year < _FIRST_YEAR else last_year
            raise CalendarRangeError(
                f"the computation reaches year {year}, "
                f"outside the supported years {_FIRST_YEAR}..{_LAST_YEAR}"
            )
        with self._lock():
            timeline = self._timeline()
            if timeline is None:
                lo_year, hi_year = first_year, last_year
                starts: list[int] = []
                ends: list[int] = []
                _join(
                    starts,
                    ends,
                    self._open_pieces(_year_start_us(lo_year), _year_start_us(hi_year + 1)),
                )
            else:
                lo_year = min(first_year, timeline.first_year)
                hi_year = max(last_year, timeline.last_year)
                starts, ends = [], []
                if lo_year < timeline.first_year:
                    _join(starts, ends, self._open_pieces(_year_start_us(lo_year), timeline.lo))
                _join(starts, ends, zip(timeline.starts, timeline.ends, strict=True))
                if hi_year > timeline.last_year:
                    _join(starts, ends, self._open_pieces(timeline.hi, _year_start_us(hi_year + 1)))
            timeline = Timeline(lo_year, hi_year, starts, ends)
            cache: _Cache = self._cache  # type: ignore[attr-defined]
            cache.timeline = timeline
            return timeline

    def _around(self, instant: int, other: int | None = None) -> Timeline:
        """Return a timeline covering the given instants (with a year of margin)."""
        cache: _Cache | None = getattr(self, "_cache", None)
        timeline = cache.timeline if cache is not None else None
        if other is None:
            other = instant
        if (
            timeline is not None
            and timeline.lo <= instant < timeline.hi
            and timeline.lo <= other < timeline.hi
        ):
            return timeline
        low, high = utc_year(min(instant, other)), utc_year(max(instant, other))
        return self._cover(low - 1, high + 1)

    def _forward(self, timeline: Timeline, origin: int) -> Timeline:
        """Compile a few more years forward, or raise when past reach of ``origin``."""
        if timeline.last_year >= utc_year(origin) + REACH_YEARS:
            raise NoBusinessTimeError(
                f"{self!r} has no open time within {REACH_YEARS} years after "
                f"{from_us(origin, self.timezone).isoformat()}"
            )
        extra = max(1, timeline.last_year - timeline.first_year)
        return self._cover(
            timeline.first_year, min(timeline.last_year + extra, utc_year(origin) + REACH_YEARS)
        )

    def _backward(self, timeline: Timeline, origin: int) -> Timeline:
        """Compile a few more years backward, or raise when past reach of ``origin``."""
        if timeline.first_year <= utc_year(origin) - REACH_YEARS:
            raise NoBusinessTimeError(
                f"{self!r} has no open time within {REACH_YEARS} years before "
                f"{from_us(origin, self.timezone).isoformat()}"
            )
        extra = max(1, timeline.last_year - timeline.first_year)
        return self._cover(
            max(timeline.first_year - extra, utc_year(origin) - REACH_YEARS), timeline.last_year
        )

    # -- µs operations -------------------------------------------------------

    def _add_us(self, start: int, duration: int) -> int:
        if duration == 0:
            return start
        if duration < 0:
            return self._subtract_us(start, -duration)
        cache: _Cache | None = getattr(self, "_cache", None)
        timeline = cache.timeline if cache is not None else None
        if timeline is None or not timeline.lo <= start < timeline.hi:
            timeline = self._around(start)
        while True:
            starts, cum = timeline.starts, timeline.cum
            i = bisect_right(starts, start) - 1  # open_before(start), inlined: the hot path
            target = duration + (cum[i] + min(start, timeline.ends[i]) - starts[i] if i >= 0 else 0)
            if target <= timeline.total:
                j = bisect_left(timeline.cum_end, target)
                return starts[j] + target - cum[j]
            # Reach counts from the last open time found, so long durations go on.
            ends = timeline.ends
            timeline = self._forward(timeline, max(start, ends[-1]) if ends else start)

    def _subtract_us(self, end: int, duration: int) -> int:
        if duration == 0:
            return end
        if duration < 0:
            return self._add_us(end, -duration)
        timeline = self._around(end)
        while True:
            target = timeline.open_before(end) - duration
            if target >= 0:
                j = bisect_right(timeline.cum, target) - 1
                return timeline.starts[j] + target - timeline.cum[j]
            starts = timeline.starts
            timeline = self._backward(timeline, min(end, starts[0]) if starts else end)

    def _elapsed_us(self, start: int, end: int) -> int:
        timeline = self._around(start, end)
        return timeline.open_before(end) - timeline.open_before(start)

    def _is_open_us(self, instant: int) -> bool:
        timeline = self._around(instant)
        i = bisect_right(timeline.starts, instant) - 1
        return i >= 0 and instant < timeline.ends[i]

    def _stretch_index(self, instant: int) -> tuple[Timeline, int]:
        """Return the stretch containing ``instant`` or else the next one."""
        timeline = self._around(instant)
        while True:
            i = bisect_right(timeline.starts, instant) - 1
            if i >= 0 and instant < timeline.ends[i]:
                return timeline, i
            if i + 1 < len(timeline.starts):
                return timeline, i + 1
            timeline = self._forward(timeline, instant)

    def _next_open_us(self, instant: int) -> int:
        timeline, i = self._stretch_index(instant)
        return max(instant, timeline.starts[i])

    def _next_close_us(self, instant: int) -> int:
        timeline, i = self._stretch_index(instant)
        while timeline.ends[i] >= timeline.hi:  # the stretch may go on: look further
            start = timeline.starts[i]
            try:
                timeline = self._forward(timeline, instant)
            except NoBusinessTimeError:
                raise NoClosingTimeError(
                    f"{self!r} does not close within {REACH_YEARS} years after "
                    f"{from_us(instant, self.timezone).isoformat()}"
                ) from None
            i = bisect_right(timeline.starts, start) - 1
        return timeline.ends[i]

    def _stretches_us(self, start: int, end: int) -> list[tuple[int, int]]:
        timeline = self._around(start, end)
        starts, ends = timeline.starts, timeline.ends
        i = max(bisect_right(starts, start) - 1, 0)
        stop = bisect_left(starts, end)
        return [
            (max(starts[k], start), min(ends[k], end))
            for k in range(i, stop)
            if max(starts[k], start) < min(ends[k], end)
        ]

    # -- public API ----------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Return the earliest instant with ``duration`` of open time since ``start``.

        ``add(s, timedelta(0)) == s``; a budget that runs out exactly at a
        closing lands on the closing, not on the next opening. A negative
        duration subtracts.

        Raises:
            NaiveDatetimeError: ``start`` is naive.
            NoBusinessTimeError: no such open time within reach.
        """
        try:  # the conversions of to_us/_duration_us, inlined: this is the hot path
            instant = (start - EPOCH) // ONE_US
            span = duration // ONE_US
        except TypeError:  # let the converters name the mistake
            instant, span = to_us(start, "start"), _duration_us(duration)
        return from_us(self._add_us(instant, span), self.timezone)

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """Return the latest instant from which ``duration`` of open time elapses until ``end``.

        The mirror of :meth:`add`: ``subtract(e, timedelta(0)) == e``, and a
        budget that runs out exactly at an opening lands on the opening.
        """
        return from_us(self._subtract_us(to_us(end, "end"), _duration_us(duration)), self.timezone)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Return the open time between ``start`` and ``end`` (negative when ``end < start``)."""
        return us_to_timedelta(self._elapsed_us(to_us(start, "start"), to_us(end, "end")))

    def is_open(self, at: datetime) -> bool:
        """Return whether the calendar is open at ``at`` (open on ``[opening, closing)``)."""
        return self._is_open_us(to_us(at))

    def next_open(self, at: datetime) -> datetime:
        """Return ``at`` itself when open, else the next opening."""
        return from_us(self._next_open_us(to_us(at)), self.timezone)

    def next_close(self, at: datetime) -> datetime:
        """Return the end of the open stretch containing ``at``, or of the next one when closed.

        Raises:
            NoClosingTimeError: the calendar does not close within reach (24x7).
        """
        return from_us(self._next_close_us(to_us(at)), self.timezone)

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield the open stretches within ``[start, end]``, clipped, in order.

        Adjacent intervals are joined into one stretch.
        """
        tz = self.timezone
        for lo, hi in self._stretches_us(to_us(start, "start"), to_us(end, "end")):
            yield from_us(lo, tz), from_us(hi, tz)

    def day_hours(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """Return the open intervals that belong to the local date ``day``.

        Here: the open time between that date's local midnight and the next.
        :class:`~entitlements.BusinessHours` refines it: an overnight interval
        belongs wholly to the day it starts.
        """
        lo = self._local_midnight_us(day)
        hi = self._local_midnight_us(day + timedelta(days=1))
        tz = self.timezone
        return tuple((from_us(a, tz), from_us(b, tz)) for a, b in self._stretches_us(lo, hi))

    def _local_midnight_us(self, day: date) -> int:
        wall = wall_us(day)
        zone = ZoneTimeline(self.timezone, wall - 2 * US_PER_DAY, wall + 2 * US_PER_DAY)
        return zone.first_instant_at(wall)


class _Cache:
    """Mutable compiled state hung off an immutable calendar."""

    __slots__ = ("lock", "timeline")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timeline: Timeline | None = None


def _duration_us(duration: timedelta) -> int:
    try:
        us: int = duration // ONE_US
    except TypeError:
        raise NotADatetimeError(
            f"duration: expected a timedelta, got {type(duration).__name__} {duration!r}"
        ) from None
    return us
