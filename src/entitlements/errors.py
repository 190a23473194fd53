"""The exception hierarchy of ``entitlements``.

Every error the library raises on purpose is an :class:`EntitlementsError`.
Each specific error also subclasses the builtin it refines (``ValueError``,
``TypeError``, ``LookupError``, ``OverflowError``), so callers who already
catch builtins keep working, and callers who want only this library's errors
catch :class:`EntitlementsError`.
"""

from __future__ import annotations

__all__ = [
    "CalendarDefinitionError",
    "CalendarRangeError",
    "EntitlementsError",
    "NaiveDatetimeError",
    "NoBusinessTimeError",
    "NoClosingTimeError",
    "NotADatetimeError",
    "OverlappingIntervalsError",
    "TargetError",
    "UnknownHolidayCountryError",
    "UnknownTimezoneError",
]


class EntitlementsError(Exception):
    """Base class of every error raised by this library."""


class NaiveDatetimeError(EntitlementsError, ValueError):
    """A datetime without a UTC offset was given where an instant is required.

    Naive datetimes are never assumed to be UTC or local time: attach a zone.
    """


class NotADatetimeError(EntitlementsError, TypeError):
    """Something other than a ``datetime`` was given where an instant is required."""


class CalendarDefinitionError(EntitlementsError, ValueError):
    """A business calendar was defined with a value it cannot use.

    The message names the field (``week['mon'][1]``, ``special_hours[2025-12-24]``,
    ``holidays[0]``, ``timezone``) and the offending value.
    """


class OverlappingIntervalsError(CalendarDefinitionError):
    """Two opening intervals of a calendar overlap; the message names both."""


class UnknownTimezoneError(CalendarDefinitionError):
    """The IANA time-zone name is not known to ``zoneinfo``/``tzdata``."""


class UnknownHolidayCountryError(CalendarDefinitionError):
    """The ``holidays`` package has no calendar for this country or subdivision."""


class NoBusinessTimeError(EntitlementsError, LookupError):
    """The calendar has no open time within reach of the computation.

    Raised promptly instead of searching forever (an empty week, or every day
    closed for years on end).
    """


class NoClosingTimeError(EntitlementsError, LookupError):
    """The calendar never closes within reach (for example a 24x7 calendar)."""


class CalendarRangeError(EntitlementsError, OverflowError):
    """The computation reaches beyond the years the calendar can represent."""


class TargetError(EntitlementsError, ValueError):
    """A milestone target (``"2h"``, ``"NBD 12:00"``, ``BusinessDays(0)``) is invalid."""
