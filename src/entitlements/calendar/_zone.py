"""Where a zone's wall clock shows a given local time.

``zoneinfo`` answers "what is the offset at this instant" but does not list
its transitions, so this module finds them, a UTC year at a time, by sampling
the offset every 24 hours and bisecting each change to the second (tzdata
transitions fall on whole seconds). Two transitions less than a day apart that
cancel out would be missed; tzdata has none since 1970.

With the transitions known, :meth:`ZoneTimeline.wall_to_instants` maps a local
wall-clock window to the exact set of instants at which the clock shows a time
inside it (the DST rule of the calendar): a window shortened by a
spring-forward jump, lengthened by a fall-back, or split in two around a
repeated hour.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from entitlements.calendar._instants import EPOCH_ORDINAL, US_PER_SECOND, utc_year

__all__ = ["ZoneTimeline"]

_SAMPLE_S = 24 * 3600
# No zone's offset reaches 26 hours; wall +/- this bounds the instants of a wall time.
_MAX_OFFSET_US = 26 * 3600 * US_PER_SECOND
_INF = 1 << 80


def _offset_s(tz: ZoneInfo, second: int) -> int:
    offset = datetime.fromtimestamp(second, tz).utcoffset()
    if offset is None:  # pragma: no cover - a ZoneInfo always has an offset
        raise TypeError(f"{tz!r} gives no UTC offset")
    return offset // timedelta(seconds=1)


@lru_cache(maxsize=4096)
def _year_transitions(tz: ZoneInfo, year: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The offset at the start of UTC ``year`` and the transitions within it (µs).

    Shared by every calendar in the zone, so each zone-year is scanned once
    per process.
    """
    lo_s = (date(year, 1, 1).toordinal() - EPOCH_ORDINAL) * 86_400
    hi_s = (date(year + 1, 1, 1).toordinal() - EPOCH_ORDINAL) * 86_400
    first = previous = _offset_s(tz, lo_s)
    transitions: list[tuple[int, int]] = []
    previous_s = sample = lo_s
    while sample < hi_s:
        sample = min(sample + _SAMPLE_S, hi_s)
        current = _offset_s(tz, sample)
        if current != previous:
            low, high = previous_s, sample  # bisect to the first second of the new offset
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_s(tz, middle) == previous:
                    low = middle
                else:
                    high = middle
            transitions.append((high * US_PER_SECOND, current * US_PER_SECOND))
            previous = current
        previous_s = sample
    return first * US_PER_SECOND, tuple(transitions)


class ZoneTimeline:
    """The UTC offsets of ``tz`` over the instants ``[lo_us, hi_us]``."""

    __slots__ = ("_offsets", "_times")

    def __init__(self, tz: ZoneInfo, lo_us: int, hi_us: int) -> None:
        first_year, last_year = utc_year(lo_us), utc_year(hi_us)
        start_offset, _ = _year_transitions(tz, first_year)
        times: list[int] = []
        # _offsets[k] holds from _times[k-1] (or the start) until _times[k].
        offsets: list[int] = [start_offset]
        for year in range(first_year, last_year + 1):
            for instant, offset in _year_transitions(tz, year)[1]:
                times.append(instant)
                offsets.append(offset)
        self._times = times
        self._offsets = offsets

    def offset_at(self, instant_us: int) -> int:
        """Return the UTC offset (µs) in force at ``instant_us``."""
        return self._offsets[bisect_right(self._times, instant_us)]

    def wall_to_instants(self, wall_start: int, wall_end: int) -> list[tuple[int, int]]:
        """Return the instants at which the local clock reads within [wall_start, wall_end).

        Both bounds are local wall readings in µs (as if the wall were UTC). The
        result is a sorted list of disjoint, non-empty ``(start, end)`` instants.
        """
        times = self._times
        first = bisect_right(times, wall_start - _MAX_OFFSET_US)
        last = bisect_left(times, wall_end + _MAX_OFFSET_US)
        offsets = self._offsets
        if first == last:  # one offset throughout: the common case
            offset = offsets[first]
            return [(wall_start - offset, wall_end - offset)]
        pieces: list[tuple[int, int]] = []
        segment_start = -_INF
        for k in range(first, last + 1):
            segment_end = times[k] if k < last else _INF
            offset = offsets[k]
            start = max(wall_start - offset, segment_start)
            end = min(wall_end - offset, segment_end)
            if start < end:
                if pieces and pieces[-1][1] == start:
                    pieces[-1] = (pieces[-1][0], end)
                else:
                    pieces.append((start, end))
            segment_start = segment_end
        return pieces

    def first_instant_at(self, wall: int) -> int:
        """Return the first instant at which the local clock reads ``wall`` or later.

        A wall time skipped by a spring-forward jump resolves to the instant of
        the jump; a repeated one to its first occurrence.
        """
        times = self._times
        first = bisect_right(times, wall - _MAX_OFFSET_US)
        last = bisect_left(times, wall + _MAX_OFFSET_US)
        offsets = self._offsets
        segment_start = -_INF
        for k in range(first, last + 1):
            segment_end = times[k] if k < last else _INF
            candidate = wall - offsets[k]
            if candidate < segment_end:
                return max(candidate, segment_start)
            segment_start = segment_end
        raise AssertionError("unreachable: the last segment is unbounded")  # pragma: no cover
