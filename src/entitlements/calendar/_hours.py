"""Opening hours: daily wall-clock intervals and the weekly pattern.

An interval is written ``("09:00", "17:00")``, ``"09:00-17:00"`` or with
``datetime.time`` values. ``"24:00"`` is midnight at the end of the day and is
allowed only as an end. An end earlier than the start makes an overnight
interval, which runs into the next day and belongs to the day it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time
from itertools import pairwise

from attrs import frozen

from entitlements.calendar._instants import US_PER_DAY, US_PER_SECOND
from entitlements.errors import CalendarDefinitionError, OverlappingIntervalsError

__all__ = [
    "WEEKDAYS",
    "DailyInterval",
    "check_no_overlap",
    "format_clock",
    "parse_clock",
    "parse_intervals",
    "parse_week",
    "time_to_us",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")
_RANGE = re.compile(r"\s*[-\u2013]\s*")
_US_PER_MINUTE = 60 * US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE


def format_clock(us: int) -> str:
    """Format µs since local midnight as ``HH:MM`` (with seconds only when needed)."""
    hours, rest = divmod(us, _US_PER_HOUR)
    minutes, rest = divmod(rest, _US_PER_MINUTE)
    seconds, micros = divmod(rest, US_PER_SECOND)
    text = f"{hours:02d}:{minutes:02d}"
    if seconds or micros:
        text += f":{seconds:02d}"
    if micros:
        text += f".{micros:06d}"
    return text


def time_to_us(value: time) -> int:
    """Return a time of day as µs since midnight."""
    return (
        (value.hour * 60 + value.minute) * _US_PER_MINUTE
        + value.second * US_PER_SECOND
        + value.microsecond
    )


def parse_clock(value: object, field: str, *, allow_24: bool) -> int:
    """Parse ``"HH:MM[:SS[.ffffff]]"`` or a naive ``time`` into µs since midnight."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise CalendarDefinitionError(
                f"{field}: {value!r} carries a time zone; opening hours are local wall times"
            )
        return time_to_us(value)
    if not isinstance(value, str):
        raise CalendarDefinitionError(
            f"{field}: {value!r} is not a time; write 'HH:MM' or a datetime.time"
        )
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        raise CalendarDefinitionError(f"{field}: {value!r} is not a time of day 'HH:MM'")
    hours, minutes = int(match[1]), int(match[2])
    seconds = int(match[3] or 0)
    micros = int((match[4] or "0").ljust(6, "0"))
    if hours == 24 and minutes == seconds == micros == 0:
        if not allow_24:
            raise CalendarDefinitionError(
                f"{field}: {value!r} is allowed only as the end of an interval"
            )
        return US_PER_DAY
    if hours > 23 or minutes > 59 or seconds > 59:
        raise CalendarDefinitionError(f"{field}: {value!r} is not a time of day 'HH:MM'")
    return (hours * 60 + minutes) * _US_PER_MINUTE + seconds * US_PER_SECOND + micros


@frozen(order=True)
class DailyInterval:
    """One opening interval of a day, in µs from that day's local midnight.

    ``end`` exceeds one day for an overnight interval (it ends the next morning).
    """

    start: int
    end: int

    @property
    def overnight(self) -> bool:
        """Whether the interval runs past midnight into the next day."""
        return self.end > US_PER_DAY

    def __str__(self) -> str:
        end = self.end - US_PER_DAY if self.overnight else self.end
        return f"{format_clock(self.start)}-{format_clock(end)}"

    def __repr__(self) -> str:
        return f"DailyInterval.parse({str(self)!r})"

    @classmethod
    def parse(cls, value: object, field: str = "") -> DailyInterval:
        """Parse one interval: a pair of times or a ``"HH:MM-HH:MM"`` string."""
        if isinstance(value, DailyInterval):
            return value
        field = field or repr(value)
        if isinstance(value, str):
            parts = _RANGE.split(value.strip())
            if len(parts) != 2:
                raise CalendarDefinitionError(
                    f"{field}: {value!r} is not an interval 'HH:MM-HH:MM'"
                )
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            parts = list(value)
        else:
            raise CalendarDefinitionError(
                f"{field}: {value!r} is not an interval; write ('HH:MM', 'HH:MM') or 'HH:MM-HH:MM'"
            )
        try:
            start = parse_clock(parts[0], field, allow_24=False)
            end = parse_clock(parts[1], field, allow_24=True)
        except CalendarDefinitionError as error:
            if isinstance(value, str):
                raise CalendarDefinitionError(
                    f"{field}: {value!r} is not an interval 'HH:MM-HH:MM' ({error})"
                ) from None
            raise
        if end == start:
            raise CalendarDefinitionError(
                f"{field}: {value!r} starts and ends at the same time; "
                "write '00:00-24:00' for a whole day"
            )
        if end < start:
            end += US_PER_DAY  # overnight: ends on the next day
        return cls(start, end)


def parse_intervals(values: object, field: str) -> tuple[DailyInterval, ...]:
    """Parse a day's intervals and check that they do not overlap one another.

    ``values`` is a list of intervals, or one interval on its own; ``None`` or an
    empty list means closed.
    """
    if values is None:
        return ()
    if _is_one_interval(values):
        values = [values]
    if not isinstance(values, Iterable):
        raise CalendarDefinitionError(f"{field}: {values!r} is not a list of intervals")
    intervals = tuple(
        sorted(
            DailyInterval.parse(value, f"{field}[{index}]") for index, value in enumerate(values)
        )
    )
    check_no_overlap([(i.start, i.end, f"{field} {i}") for i in intervals])
    return intervals


def _is_one_interval(values: object) -> bool:
    if isinstance(values, (str, DailyInterval)):
        return True
    return (
        isinstance(values, tuple)
        and len(values) == 2
        and all(
            isinstance(v, time) or (isinstance(v, str) and not _RANGE.search(v)) for v in values
        )
    )


def parse_week(week: object) -> tuple[tuple[DailyInterval, ...], ...]:
    """Parse ``{"mon": [...], ...}`` into seven interval tuples, Monday first."""
    if isinstance(week, tuple) and len(week) == 7 and all(isinstance(d, tuple) for d in week):
        days: list[tuple[DailyInterval, ...]] = [
            parse_intervals(d, f"week[{i}]") for i, d in enumerate(week)
        ]
    else:
        if not isinstance(week, Mapping):
            raise CalendarDefinitionError(
                f"week: {week!r} is not a mapping of weekday to intervals, "
                "like {'mon': ['09:00-17:00']}"
            )
        days = [() for _ in WEEKDAYS]
        seen: dict[int, object] = {}
        for key, values in week.items():
            index = _weekday_index(key)
            if index in seen:
                raise CalendarDefinitionError(f"week: {key!r} repeats weekday {seen[index]!r}")
            seen[index] = key
            days[index] = parse_intervals(values, f"week[{key!r}]")
    spans = [
        (day * US_PER_DAY + i.start, day * US_PER_DAY + i.end, f"week[{WEEKDAYS[day]!r}] {i}")
        for day, intervals in enumerate(days)
        for i in intervals
    ]
    check_no_overlap(spans, cycle=7 * US_PER_DAY)
    return tuple(days)


def _weekday_index(key: object) -> int:
    if isinstance(key, str):
        name = key.strip().lower()
        if name in WEEKDAYS:
            return WEEKDAYS.index(name)
        if name in _FULL_NAMES:
            return _FULL_NAMES.index(name)
    raise CalendarDefinitionError(
        f"week: {key!r} is not a weekday; use one of {', '.join(WEEKDAYS)}"
    )


def check_no_overlap(spans: list[tuple[int, int, str]], cycle: int | None = None) -> None:
    """Raise if any two ``(start, end, label)`` spans overlap (touching is fine).

    With ``cycle``, the spans repeat with that period (a week), so the last one
    may also overlap the first one of the next cycle.
    """
    ordered = sorted(spans)
    for before, after in pairwise(ordered):
        if after[0] < before[1]:
            raise OverlappingIntervalsError(f"{before[2]} overlaps {after[2]}")
    if cycle is not None and len(ordered) > 1:
        last, first = ordered[-1], ordered[0]
        if last[1] - cycle > first[0]:
            raise OverlappingIntervalsError(f"{last[2]} overlaps {first[2]}")
