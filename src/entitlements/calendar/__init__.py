"""Business-hours calendars: open time, and exact arithmetic over it.

The calendar knows nothing of contracts or cases; everything else in the
library stands on it.
"""

from entitlements.calendar._business_hours import BusinessHours
from entitlements.calendar._closures import CountryHolidays
from entitlements.calendar._compiled import REACH_YEARS, CompiledCalendar
from entitlements.calendar._compose import IntervalCalendar, intersect, with_closures
from entitlements.calendar._hours import DailyInterval
from entitlements.calendar._intersection import IntersectionCalendar
from entitlements.calendar._protocol import BusinessCalendar

__all__ = [
    "REACH_YEARS",
    "BusinessCalendar",
    "BusinessHours",
    "CompiledCalendar",
    "CountryHolidays",
    "DailyInterval",
    "IntersectionCalendar",
    "IntervalCalendar",
    "intersect",
    "with_closures",
]
