"""``BusinessCalendar``: what the milestone clock needs from any calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

__all__ = ["BusinessCalendar"]


@runtime_checkable
class BusinessCalendar(Protocol):
    """A business-hours calendar: open time, and arithmetic over it.

    :class:`~entitlements.BusinessHours`, intersections and
    :class:`~entitlements.IntervalCalendar` all satisfy it. To plug in a
    calendar backed by something else (a rota, a workforce system), either
    implement this protocol or, more simply, give :class:`IntervalCalendar` a
    function that lists open intervals: it derives every operation from that.
    """

    @property
    def timezone(self) -> ZoneInfo:
        """The zone results are returned in."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Earliest instant with ``duration`` of open time since ``start``."""

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """Latest instant with ``duration`` of open time until ``end``."""

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants (negative when ``end < start``)."""

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` lies in open time."""

    def next_open(self, at: datetime) -> datetime:
        """``at`` when open, else the next opening."""

    def next_close(self, at: datetime) -> datetime:
        """The end of the current (or else the next) open stretch."""

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open stretches within ``[start, end]``, clipped, in order."""

    def day_hours(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The open intervals that belong to local date ``day``."""
