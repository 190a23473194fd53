"""Whole-day closures: explicit dates, public holidays, recurring rules.

Each source answers one question, "which local dates of these years are
closed?", so a calendar can expand its closures lazily, year by year.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import holidays as holidays_package
from attrs import field, frozen
from dateutil.rrule import rrule, rruleset

from entitlements.errors import CalendarDefinitionError, UnknownHolidayCountryError

__all__ = [
    "ClosedDates",
    "ClosureSource",
    "CountryHolidays",
    "HolidayTable",
    "RecurringClosure",
    "parse_closures",
]


def _categories(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@frozen
class CountryHolidays:
    """The public holidays of a country (and subdivision) from the ``holidays`` package.

    ``CountryHolidays("US")``, ``CountryHolidays("US", subdiv="CA")`` or, as a
    string in a calendar's ``holidays``, ``"US-CA"``. Observed days (a Saturday
    holiday observed on Friday) are closed too, as the package reports them.

    Raises:
        UnknownHolidayCountryError: the package has no such country or subdivision.
    """

    country: str
    subdiv: str | None = None
    categories: tuple[str, ...] | None = field(default=None, converter=_categories)

    def __attrs_post_init__(self) -> None:
        self._build(years=())

    @classmethod
    def parse(cls, code: str) -> CountryHolidays:
        """Parse ``"US"`` or ``"US-CA"`` (country, optionally dash and subdivision)."""
        country, _, subdiv = code.strip().partition("-")
        return cls(country, subdiv or None)

    def _build(self, years: Iterable[int]) -> Any:
        label = self.country + (f"-{self.subdiv}" if self.subdiv else "")
        try:
            return holidays_package.country_holidays(
                self.country, subdiv=self.subdiv, years=years, categories=self.categories
            )
        except NotImplementedError:
            raise UnknownHolidayCountryError(
                f"holidays: {label!r} is not a country or subdivision known to the holidays package"
            ) from None
        except (ValueError, KeyError) as error:
            raise UnknownHolidayCountryError(f"holidays: {label!r}: {error}") from None

    def closed_dates(self, years: range) -> set[date]:
        """Return the holidays falling in ``years``."""
        return set(self._build(years=years).keys())

    def __str__(self) -> str:
        return self.country + (f"-{self.subdiv}" if self.subdiv else "")


_EXPANSION_LOCK = threading.Lock()  # the package expands its objects in place


def _private_copy(table: Any) -> Any:
    return copy.deepcopy(table)


@frozen(eq=False)
class HolidayTable:
    """A ``holidays`` package object the caller built (any country, market or custom one).

    The library keeps a private copy, so later changes to the caller's object do
    not change the calendar, and expands it for more years only when the
    object was created with ``expand=True`` (the package's default).
    """

    table: Any = field(converter=_private_copy)

    def closed_dates(self, years: range) -> set[date]:
        """Return the dates of the table that fall in ``years``."""
        with _EXPANSION_LOCK:
            if self.table.expand:
                for year in years:
                    if year not in self.table.years:
                        self.table.get(date(year, 1, 1))  # the package expands on lookup
            return {day for day in self.table if day.year in years}

    def _key(self) -> tuple[object, ...]:
        table = self.table
        return (
            type(table).__name__,
            getattr(table, "country", None),
            getattr(table, "market", None),
            table.subdiv,
            tuple(sorted(table.categories)) if table.categories else None,
            table.observed,
            table.expand,
            tuple(sorted(table.items())),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HolidayTable):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@frozen(eq=False)
class RecurringClosure:
    """Closed days from a dateutil ``rrule``/``rruleset`` over naive local datetimes.

    Each occurrence closes its local date. Equality compares the RFC 5545 text
    of an ``rrule``; an ``rruleset`` is equal only to itself.
    """

    rule: rrule | rruleset

    def __attrs_post_init__(self) -> None:
        try:
            self.rule.between(datetime(2000, 1, 1), datetime(2000, 1, 2))  # noqa: DTZ001
        except TypeError:
            raise CalendarDefinitionError(
                f"holidays: {self.rule!r} has an aware dtstart; recurring closures are "
                "local dates, so give the rule a naive dtstart"
            ) from None

    def closed_dates(self, years: range) -> set[date]:
        """Return the dates of the occurrences falling in ``years``."""
        start = datetime(years.start, 1, 1)  # noqa: DTZ001 - local dates by design
        end = datetime(years.stop, 1, 1)  # noqa: DTZ001
        return {moment.date() for moment in self.rule.between(start, end, inc=True) if moment < end}

    def _key(self) -> object:
        return str(self.rule) if isinstance(self.rule, rrule) else id(self.rule)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecurringClosure):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@frozen(repr=False)
class ClosedDates:
    """Explicitly listed closed dates."""

    dates: frozenset[date]

    def __repr__(self) -> str:
        return f"ClosedDates({sorted(self.dates)!r})"

    def closed_dates(self, years: range) -> set[date]:
        """Return the listed dates that fall in ``years``."""
        return {day for day in self.dates if day.year in years}


ClosureSource = CountryHolidays | HolidayTable | RecurringClosure | ClosedDates
_SOURCES = (CountryHolidays, HolidayTable, RecurringClosure, ClosedDates)


def parse_closures(value: object) -> tuple[ClosureSource, ...]:
    """Normalise a calendar's ``holidays`` argument into closure sources.

    Accepts one item or an iterable of items; each item is a ``date``, a country
    code (``"US"``, ``"US-CA"``), a :class:`CountryHolidays`, a ``holidays``
    package object, or a dateutil ``rrule``/``rruleset``. All explicit dates are
    gathered into one :class:`ClosedDates`, placed first.
    """
    if value is None:
        return ()
    single = (str, date, rrule, rruleset, holidays_package.HolidayBase, *_SOURCES)
    if isinstance(value, single):
        items: list[object] = [value]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise CalendarDefinitionError(f"holidays: {value!r} is not a date, code or list of them")
    dates: set[date] = set()
    sources: list[ClosureSource] = []
    for index, item in enumerate(items):
        if isinstance(item, datetime):
            raise CalendarDefinitionError(
                f"holidays[{index}]: {item!r} is a datetime; closures are whole dates"
            )
        if isinstance(item, date):
            dates.add(item)
        elif isinstance(item, ClosedDates):
            dates.update(item.dates)
        elif isinstance(item, str):
            sources.append(CountryHolidays.parse(item))
        elif isinstance(item, holidays_package.HolidayBase):
            sources.append(HolidayTable(item))
        elif isinstance(item, (rrule, rruleset)):
            sources.append(RecurringClosure(item))
        elif isinstance(item, (CountryHolidays, HolidayTable, RecurringClosure)):
            sources.append(item)
        else:
            raise CalendarDefinitionError(
                f"holidays[{index}]: {item!r} is not a date, a country code, a holidays "
                "calendar or a dateutil rrule"
            )
    if dates:
        sources.insert(0, ClosedDates(frozenset(dates)))
    return tuple(sources)
