"""Business-hours calendars as JSON data, and back.

The JSON form of a :class:`~entitlements.calendar.BusinessHours`::

    {"timezone": "America/New_York",
     "week": {"mon": ["09:00-17:00", "18:00-20:00"], "tue": [], ...},
     "holidays": ["US", "US-CA", "2025-12-26",
                  {"country": "DE", "subdiv": "BY", "categories": ["public"]},
                  {"rrule": "DTSTART:20250101T000000\\nRRULE:FREQ=YEARLY;BYMONTHDAY=31"}],
     "special_hours": {"2025-12-24": ["08:00-12:00"]}}

``timezone`` and ``week`` are required (weekdays left out are closed; full
names like ``"monday"`` are accepted), ``holidays`` and ``special_hours`` are
optional. A holiday is an ISO date, a country code of the ``holidays``
package (``"US"``, ``"US-CA"``), an object naming ``country`` with optional
``subdiv`` and ``categories``, or ``{"rrule": ...}`` holding RFC 5545 text as
``str(rule)`` writes it (a naive ``DTSTART:YYYYMMDDTHHMMSS`` line and one
``RRULE`` line). Dumping writes all seven weekdays, the explicit dates first
and sorted, then the other sources in order.

Only ``BusinessHours`` can be written: plug-in calendars, intersections,
``holidays`` package objects and rule sets have no data form, and
:func:`calendar_to_dict` raises :class:`~entitlements.errors.DumpError`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from dateutil.rrule import rrule, rrulestr

from entitlements.calendar import BusinessCalendar, BusinessHours, CountryHolidays, DailyInterval
from entitlements.calendar._business_hours import parse_timezone
from entitlements.calendar._closures import ClosedDates, RecurringClosure
from entitlements.calendar._hours import WEEKDAYS
from entitlements.errors import DumpError, LoadError
from entitlements.io._converter import parse_date
from entitlements.io._issues import BadValueError, Issue, ValuePath, json_path, show

__all__ = ["calendar_from_dict", "calendar_to_dict", "read_calendar"]

_FIELDS = ("timezone", "week", "holidays", "special_hours")
_REQUIRED = ("timezone", "week")
_COUNTRY_FIELDS = ("country", "subdiv", "categories")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DTSTART = re.compile(r"DTSTART:[0-9]{8}T[0-9]{6}")
_MARK = "\x00"  # stands for the field in a calendar error message, then is cut out


def _reason(error: Exception) -> str:
    """A calendar error's message without the field name it starts with."""
    text = str(error).replace(f"{_MARK}: ", "").replace(_MARK, "")
    for field in ("timezone", "holidays"):
        text = text.removeprefix(f"{field}: ")
    return text


def _object_issues(data: dict[Any, Any], fields: tuple[str, ...], path: ValuePath) -> list[Issue]:
    return [Issue(path, f"unknown field {key!r}") for key in data if key not in fields]


class _Reader:
    """Reads one calendar's data, collecting every problem with its path."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def problem(self, path: ValuePath, message: str) -> None:
        self.issues.append(Issue(path, message))

    def intervals(self, values: object, path: ValuePath) -> list[DailyInterval]:
        if not isinstance(values, list):
            self.problem(path, f"{show(values)} is not a list of intervals 'HH:MM-HH:MM'")
            return []
        parsed = []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                self.problem((*path, index), f"{show(value)} is not an interval 'HH:MM-HH:MM'")
                continue
            try:
                parsed.append(DailyInterval.parse(value, _MARK))
            except Exception as error:  # every calendar error is reported
                self.problem((*path, index), _reason(error))
        return parsed

    def week(self, data: object) -> dict[str, list[DailyInterval]]:
        if not isinstance(data, dict):
            self.problem(("week",), f"{show(data)} is not an object of weekday to intervals")
            return {}
        week: dict[str, list[DailyInterval]] = {}
        for key, values in data.items():
            path: ValuePath = ("week", key)
            name = key.lower() if isinstance(key, str) else ""
            day = WEEKDAYS[_FULL_NAMES.index(name)] if name in _FULL_NAMES else name
            if day not in WEEKDAYS:
                self.problem(path, f"{show(key)} is not a weekday (one of {', '.join(WEEKDAYS)})")
            elif day in week:
                self.problem(path, f"{show(key)} repeats weekday {day!r}")
            else:
                week[day] = self.intervals(values, path)
        return week

    def holiday(self, item: object, path: ValuePath) -> object:
        if isinstance(item, str) and item[:1].isdigit():
            return parse_date(item)
        if isinstance(item, str):
            return CountryHolidays.parse(item)
        if isinstance(item, dict) and "rrule" in item:
            self.issues += _object_issues(item, ("rrule",), path)
            return _recurring(item["rrule"])
        if isinstance(item, dict):
            issues = _object_issues(item, _COUNTRY_FIELDS, path)
            if "country" not in item:
                issues.append(Issue(path, "missing required field 'country'"))
            if issues:
                self.issues += issues
                return None
            country, subdiv = item["country"], item.get("subdiv")
            categories = item.get("categories")
            if not isinstance(country, str) or not country:
                raise BadValueError(f"{show(country)} is not a country code", ("country",))
            if subdiv is not None and not isinstance(subdiv, str):
                raise BadValueError(f"{show(subdiv)} is not a subdivision code", ("subdiv",))
            if categories is not None and (
                not isinstance(categories, list) or not all(isinstance(c, str) for c in categories)
            ):
                raise BadValueError(f"{show(categories)} is not a list of strings", ("categories",))
            return CountryHolidays(country, subdiv, categories)
        raise BadValueError(
            f"{show(item)} is not a date (YYYY-MM-DD), a country code like 'US-CA', "
            "a {'country': ...} object or an {'rrule': ...} object"
        )

    def holidays(self, data: object) -> list[object]:
        if not isinstance(data, list):
            self.problem(("holidays",), f"{show(data)} is not a list of holidays")
            return []
        sources: list[object] = []
        for index, item in enumerate(data):
            path: ValuePath = ("holidays", index)
            try:
                source = self.holiday(item, path)
            except BadValueError as error:
                self.problem((*path, *error.path), error.message)
                continue
            except Exception as error:  # every calendar error is reported
                self.problem(path, _reason(error))
                continue
            if isinstance(source, date) and source in sources:
                self.problem(path, f"{show(item)} appears twice")
            elif source is not None:
                sources.append(source)
        return sources

    def special_hours(self, data: object) -> dict[date, list[DailyInterval]]:
        if not isinstance(data, dict):
            self.problem(("special_hours",), f"{show(data)} is not an object of date to intervals")
            return {}
        special: dict[date, list[DailyInterval]] = {}
        for key, values in data.items():
            path: ValuePath = ("special_hours", key)
            try:
                day = parse_date(key)
            except BadValueError as error:
                self.problem(path, error.message)
                continue
            special[day] = self.intervals(values, path)
        return special


def _recurring(text: object) -> RecurringClosure:
    lines = text.strip().splitlines() if isinstance(text, str) else []
    starts = [line for line in lines if line.upper().startswith("DTSTART")]
    if len(starts) != 1 or not _DTSTART.fullmatch(starts[0].strip()):
        raise BadValueError(
            f"{show(text)} is not RFC 5545 text with one naive 'DTSTART:YYYYMMDDTHHMMSS' line "
            "and one 'RRULE:' line",
            ("rrule",),
        )
    try:
        rule = rrulestr(str(text))
    except Exception as error:  # dateutil raises assorted types
        raise BadValueError(
            f"{show(text)} is not a recurrence rule ({error})", ("rrule",)
        ) from None
    if not isinstance(rule, rrule):
        raise BadValueError(f"{show(text)} is a set of rules; give one RRULE line", ("rrule",))
    return RecurringClosure(rule)


def read_calendar(data: object) -> tuple[BusinessHours | None, list[Issue]]:
    """The calendar ``data`` describes, or None and every problem (paths inside the calendar)."""
    if not isinstance(data, dict):
        return None, [Issue((), f"{show(data)} is not an object")]
    reader = _Reader()
    reader.issues += _object_issues(data, _FIELDS, ())
    reader.issues += [
        Issue((), f"missing required field {name!r}") for name in _REQUIRED if name not in data
    ]
    timezone = data.get("timezone")
    if "timezone" in data:
        try:
            timezone = parse_timezone(timezone)
        except Exception as error:  # an odd name may raise OSError
            reader.problem(("timezone",), _reason(error))
    week = reader.week(data.get("week", {}))
    holidays = reader.holidays(data.get("holidays", []))
    special = reader.special_hours(data.get("special_hours", {}))
    if reader.issues:
        return None, reader.issues
    try:
        calendar = BusinessHours(
            timezone=timezone, week=week, holidays=holidays, special_hours=special
        )
    except Exception as error:  # overlaps and the like, reported whole
        return None, [Issue((), _reason(error))]
    return calendar, []


def calendar_from_dict(data: object, where: str = "$") -> BusinessHours:
    """Build a :class:`BusinessHours` from its JSON form.

    Raises:
        LoadError: every problem, located by a JSON path under ``where``
            (``$.week.mon[0]: '9-17' is not an interval ...``).
    """
    calendar, issues = read_calendar(data)
    if calendar is None:
        raise LoadError([f"{json_path(issue.path, where)}: {issue.message}" for issue in issues])
    return calendar


def _holiday_to_data(source: object, where: str) -> list[Any]:
    if isinstance(source, ClosedDates):
        return [day.isoformat() for day in sorted(source.dates)]
    if isinstance(source, CountryHolidays):
        if source.categories is None and CountryHolidays.parse(str(source)) == source:
            return [str(source)]
        categories = None if source.categories is None else list(source.categories)
        return [{"country": source.country, "subdiv": source.subdiv, "categories": categories}]
    if isinstance(source, RecurringClosure) and isinstance(source.rule, rrule):
        return [{"rrule": str(source.rule)}]
    raise DumpError(
        f"{where}: holiday source {source!r} cannot be written; only dates, country codes "
        "and single rrules can"
    )


def calendar_to_dict(calendar: BusinessCalendar, where: str = "calendar") -> dict[str, Any]:
    """The JSON form of a :class:`BusinessHours` (all fields, weekdays Monday first).

    Raises:
        DumpError: ``calendar`` is another kind of calendar, or holds a holiday
            source without a data form; the message starts with ``where``.
    """
    if not isinstance(calendar, BusinessHours):
        raise DumpError(
            f"{where}: a {type(calendar).__name__} cannot be written; "
            "only BusinessHours calendars can"
        )
    if not calendar.timezone.key:
        raise DumpError(f"{where}: its time zone {calendar.timezone!r} has no IANA name")
    return {
        "timezone": calendar.timezone.key,
        "week": {
            WEEKDAYS[day]: [str(interval) for interval in intervals]
            for day, intervals in enumerate(calendar.week)
        },
        "holidays": [
            item for source in calendar.holidays for item in _holiday_to_data(source, where)
        ],
        "special_hours": {
            day.isoformat(): [str(interval) for interval in intervals]
            for day, intervals in calendar.special_hours
        },
    }
