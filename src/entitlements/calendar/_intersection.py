"""The intersection of calendars, and the ``&`` operator that builds it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from attrs import frozen

from entitlements.calendar._compiled import CompiledCalendar
from entitlements.calendar._instants import from_us, to_us
from entitlements.calendar._protocol import BusinessCalendar

__all__ = [
    "ComposableCalendar",
    "IntersectionCalendar",
    "clip_sorted",
    "datetime_pieces",
    "pieces_of",
]


def pieces_of(calendar: BusinessCalendar, lo: int, hi: int) -> list[tuple[int, int]]:
    """Open time of any calendar within [lo, hi) as sorted, disjoint µs pieces."""
    if isinstance(calendar, CompiledCalendar):
        return calendar._stretches_us(lo, hi)  # same engine: skip the datetimes
    tz = calendar.timezone
    return datetime_pieces(calendar.open_intervals(from_us(lo, tz), from_us(hi, tz)), lo, hi)


def datetime_pieces(
    intervals: Iterable[tuple[datetime, datetime]], lo: int, hi: int
) -> list[tuple[int, int]]:
    """Aware ``(start, end)`` pairs from a plug-in as sorted µs pieces within [lo, hi)."""
    return clip_sorted(
        ((to_us(a, "open interval start"), to_us(b, "open interval end")) for a, b in intervals),
        lo,
        hi,
    )


def clip_sorted(pieces: Iterable[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """Clip pieces to [lo, hi), sort them and merge the ones that overlap."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(a, lo), min(b, hi)) for a, b in pieces):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class ComposableCalendar(CompiledCalendar):
    """A compiled calendar that intersects with ``&``."""

    __slots__ = ()

    def __and__(self, other: BusinessCalendar) -> IntersectionCalendar:
        """Return the calendar open exactly when both are (in this one's zone)."""
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return IntersectionCalendar(self, other)


@frozen
class IntersectionCalendar(ComposableCalendar):
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
        a, b = pieces_of(self.first, lo, hi), pieces_of(self.second, lo, hi)
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
