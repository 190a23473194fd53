"""Milestone targets: how long a customer may be kept waiting.

A target is a small immutable value evaluated against a business calendar:
``target.due(start, calendar)`` is the deadline for a request received at
``start``. Three kinds cover what service contracts promise:

* :class:`BusinessDuration` -- "2 hours" of open time (``"2h"``, ``"15m"``);
* :class:`NextBusinessDay` -- "next business day", by close or by a time
  (``"NBD"``, ``"NBD 12:00"``), optionally with a daily cut-off;
* :class:`BusinessDays` -- "within N business days" (``"3BD"``).

:func:`parse_target` reads the short string forms; ``str(target)`` writes them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from attrs import field, frozen

from entitlements.calendar import BusinessCalendar, BusinessHours
from entitlements.calendar._hours import format_clock, parse_clock, time_to_us
from entitlements.calendar._instants import US_PER_DAY, from_us, to_us, wall_us
from entitlements.calendar._zone import ZoneTimeline
from entitlements.errors import CalendarDefinitionError, NoBusinessTimeError, TargetError

__all__ = ["BusinessDays", "BusinessDuration", "NextBusinessDay", "Target", "parse_target"]

#: How many days a search for the next business day looks ahead before giving up.
_MAX_DAYS_AHEAD = 3660


def _duration(value: object) -> timedelta:
    if not isinstance(value, timedelta):
        raise TargetError(f"duration: {value!r} is not a timedelta")
    if value < timedelta(0):
        raise TargetError(f"duration: {value} is negative; a target lies after its start")
    return value


def _local_time(value: object, name: str) -> time | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            us = parse_clock(value, name, allow_24=False)
        except CalendarDefinitionError as error:
            raise TargetError(str(error)) from None
        seconds, micros = divmod(us, 1_000_000)
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60, micros)
    if not isinstance(value, time) or value.tzinfo is not None:
        raise TargetError(f"{name}: {value!r} is not a local time of day")
    return value


def _by(value: object) -> time | None:
    return _local_time(value, "by")


def _cutoff(value: object) -> time | None:
    return _local_time(value, "cutoff")


@frozen
class BusinessDuration:
    """A span of open time: the deadline is ``calendar.add(start, duration)``."""

    duration: timedelta = field(converter=_duration)

    def due(self, start: datetime, calendar: BusinessCalendar) -> datetime:
        """Return the deadline for a request received at ``start``."""
        return calendar.add(start, self.duration)

    def __str__(self) -> str:
        return format_duration(self.duration)


@frozen
class BusinessDays:
    """Due on the ``n``-th business day after the request is received.

    A business day is a local date with open time of its own. A request counts
    as received on its local date, or on the next business day when that date
    is not a business day or, with ``cutoff``, when it arrives after the
    cut-off time. It is due at ``by`` (local time) on the ``n``-th business day
    after that, or at that day's close when ``by`` is None.
    """

    n: int = field()
    by: time | None = field(default=None, converter=_by)
    cutoff: time | None = field(default=None, converter=_cutoff)

    @n.validator
    def _check_n(self, _attribute: object, value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise TargetError(f"n: {value!r} is not a whole number of business days >= 1")

    def due(self, start: datetime, calendar: BusinessCalendar) -> datetime:
        """Return the deadline for a request received at ``start``."""
        return _business_days_due(start, calendar, self.n, self.by, self.cutoff)

    def __str__(self) -> str:
        return _format_days(f"{self.n}BD", self.by, self.cutoff)


@frozen
class NextBusinessDay:
    """Due on the next business day: :class:`BusinessDays` with ``n == 1``."""

    by: time | None = field(default=None, converter=_by)
    cutoff: time | None = field(default=None, converter=_cutoff)

    def due(self, start: datetime, calendar: BusinessCalendar) -> datetime:
        """Return the deadline for a request received at ``start``."""
        return _business_days_due(start, calendar, 1, self.by, self.cutoff)

    def __str__(self) -> str:
        return _format_days("NBD", self.by, self.cutoff)


Target = BusinessDuration | NextBusinessDay | BusinessDays


def _business_days_due(
    start: datetime, calendar: BusinessCalendar, n: int, by: time | None, cutoff: time | None
) -> datetime:
    to_us(start, "start")  # reject naive or non-datetime values with the library's errors
    local = start.astimezone(calendar.timezone)
    day = local.date()
    if (cutoff is not None and local.time() > cutoff) or not _opens_on(calendar, day):
        day = _next_business_day(calendar, day)  # counts as received on the next business day
    for _ in range(n):
        day = _next_business_day(calendar, day)
    if by is None:
        if isinstance(calendar, BusinessHours):  # fast path: one datetime, not the whole day's
            return calendar._day_close(day)
        return calendar.day_hours(day)[-1][1]
    return _local_instant(calendar, day, by)


def _opens_on(calendar: BusinessCalendar, day: date) -> bool:
    """Whether ``day`` is a business day (a local date with open time of its own)."""
    if isinstance(calendar, BusinessHours):  # fast path: no datetimes built
        return calendar._has_hours(day)
    return bool(calendar.day_hours(day))


def _next_business_day(calendar: BusinessCalendar, day: date) -> date:
    for offset in range(1, _MAX_DAYS_AHEAD + 1):
        candidate = day + timedelta(days=offset)
        if _opens_on(calendar, candidate):
            return candidate
    raise NoBusinessTimeError(
        f"no business day within {_MAX_DAYS_AHEAD} days after {day.isoformat()}"
    )


def _local_instant(calendar: BusinessCalendar, day: date, at: time) -> datetime:
    """The first instant the local clock reads ``at`` on ``day`` (after a gap if skipped)."""
    wall = wall_us(day, time_to_us(at))
    zone = ZoneTimeline(calendar.timezone, wall - 2 * US_PER_DAY, wall + 2 * US_PER_DAY)
    return from_us(zone.first_instant_at(wall), calendar.timezone)


# -- the short string form ----------------------------------------------------

_DURATION = re.compile(r"(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+(?:\.\d{1,6})?)s)?", re.IGNORECASE)
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
_DAYS = re.compile(
    rf"(NBD|(\d+)\s*BD)(?:\s+(?:by\s+)?({_CLOCK}))?(?:\s+cut-?off\s+({_CLOCK}))?",
    re.IGNORECASE,
)


def parse_target(text: str) -> Target:
    """Parse a target's short form.

    ``"2h"``, ``"15m"``, ``"1h30m"``, ``"90s"``: a :class:`BusinessDuration`;
    ``"NBD"``, ``"NBD 12:00"``, ``"NBD cutoff 15:00"``: a :class:`NextBusinessDay`;
    ``"3BD"``, ``"3BD 17:00 cutoff 15:00"``: :class:`BusinessDays`.

    Raises:
        TargetError: the text is not one of these forms.
    """
    if not isinstance(text, str):
        raise TargetError(f"target: {text!r} is not a string like '2h', 'NBD' or '3BD'")
    stripped = text.strip()
    match = _DAYS.fullmatch(stripped)
    if match:
        by, cutoff = match[3], match[4]
        if match[2] is None:
            return NextBusinessDay(by=by, cutoff=cutoff)
        if len(match[2]) > 6:  # a million business days is already beyond any calendar
            raise TargetError(f"target: {text!r} is out of range")
        return BusinessDays(int(match[2]), by=by, cutoff=cutoff)
    try:
        duration = parse_duration(stripped)
    except TargetError:
        raise TargetError(f"target: {text!r} is out of range") from None
    if duration is not None:
        return BusinessDuration(duration)
    raise TargetError(
        f"target: {text!r} is not a target; write a duration like '2h', '15m' or '1h30m', "
        "or a day target like 'NBD', 'NBD 12:00', '3BD' or 'NBD cutoff 15:00'"
    )


def parse_duration(text: str) -> timedelta | None:
    """Read ``"2h"``, ``"15m"``, ``"1h30m"``, ``"90.5s"``; None when ``text`` is not one.

    Raises:
        TargetError: the duration is too large for a ``timedelta``.
    """
    match = _DURATION.fullmatch(text.strip())
    if not text.strip() or match is None or not any(match.groups()):
        return None
    whole, _, fraction = (match[3] or "0").partition(".")
    try:
        return timedelta(
            hours=int(match[1] or 0),
            minutes=int(match[2] or 0),
            seconds=int(whole),
            microseconds=int(fraction.ljust(6, "0")),
        )
    except (OverflowError, ValueError):  # beyond timedelta's range, or too many digits
        raise TargetError(f"duration: {text!r} is out of range") from None


def format_duration(duration: timedelta) -> str:
    """Write a non-negative duration in the short form :func:`parse_duration` reads."""
    total = duration // timedelta(microseconds=1)
    seconds, micros = divmod(total, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    if micros:
        text += f"{seconds}.{micros:06d}s"
    elif seconds:
        text += f"{seconds}s"
    return text or "0m"


def _format_days(head: str, by: time | None, cutoff: time | None) -> str:
    text = head
    if by is not None:
        text += f" {format_clock(time_to_us(by))}"
    if cutoff is not None:
        text += f" cutoff {format_clock(time_to_us(cutoff))}"
    return text
