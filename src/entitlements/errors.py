"""The exception hierarchy of ``entitlements``.

Every error the library raises on purpose is an :class:`EntitlementsError`.
Each specific error also subclasses the builtin it refines (``ValueError``,
``TypeError``, ``LookupError``, ``OverflowError``), so callers who already
catch builtins keep working, and callers who want only this library's errors
catch :class:`EntitlementsError`.
"""

from __future__ import annotations

__all__ = [
    "BookError",
    "CalendarDefinitionError",
    "CalendarRangeError",
    "DumpError",
    "EntitlementsError",
    "LoadError",
    "MissingDependencyError",
    "ModelError",
    "NaiveDatetimeError",
    "NoBusinessTimeError",
    "NoClosingTimeError",
    "NotADatetimeError",
    "OverlappingIntervalsError",
    "Problem",
    "TargetError",
    "UnknownHolidayCountryError",
    "UnknownRecordError",
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


class ModelError(EntitlementsError, ValueError):
    """A record (account, contract, entitlement, case, ...) was given a value it cannot use.

    The message names the record, its id when known, the field and the value:
    ``ServiceContract 'SC-1': end: 2024-01-01 is before start 2024-02-01``.
    ``field`` is the field at fault and ``reason`` the message without the
    record and field, so loaders can point at a file line or a JSON path.
    """

    def __init__(self, message: str, *, field: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.field = field
        self.reason = message if reason is None else reason


class Problem:
    """One problem found in a coverage book, with its location.

    ``collection`` is the book's field (``"contracts"``), ``index`` the record's
    position in it (``None`` for calendars, which are keyed by id), ``record``
    the record's id when it has a readable one, and ``field`` the field at fault.
    Loaders use the location to point at a file line or a JSON path.
    """

    __slots__ = ("collection", "field", "index", "message", "record")

    def __init__(
        self, collection: str, index: int | None, record: str | None, field: str, message: str
    ) -> None:
        self.collection = collection
        self.index = index
        self.record = record
        self.field = field
        self.message = message

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[str, int | None, str | None, str, str]:
        return (self.collection, self.index, self.record, self.field, self.message)

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __str__(self) -> str:
        place = self.collection if self.index is None else f"{self.collection}[{self.index}]"
        if self.record is not None:
            place += f" {self.record!r}"
        return (
            f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"
        )


class BookError(ModelError):
    """A coverage book is inconsistent as a whole.

    ``problems`` lists every :class:`Problem` found (dangling references,
    duplicate ids, a line item outside its contract's dates, ...), each naming
    the record and the field; the message shows them all.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the coverage book"
        super().__init__(head + ":\n  " + "\n  ".join(map(str, self.problems)))


class UnknownRecordError(EntitlementsError, KeyError):
    """A coverage book has no record of that kind with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class LoadError(EntitlementsError, ValueError):
    """A document or folder could not be loaded.

    ``problems`` lists every problem with its location
    (``contracts.csv line 14, column end: '2024-02-30' is not a date`` or
    ``$.entitlements[3].channels[1]: 'fax' is not a channel``).
    """

    def __init__(self, problems: list[str] | tuple[str, ...], source: str = "") -> None:
        self.problems = tuple(problems)
        self.source = source
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}"
        head += f" in {source}" if source else ""
        super().__init__(head + ":\n  " + "\n  ".join(self.problems))


class DumpError(EntitlementsError, TypeError):
    """A value cannot be written to the requested format (for example a plug-in calendar)."""


class MissingDependencyError(EntitlementsError, ImportError):
    """An optional extra is needed and not installed; the message says which to install."""
