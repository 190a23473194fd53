"""entitlements: service contracts, coverage and exact business-hours SLA clocks.

Import everything from here; the submodules are implementation detail.
"""

from entitlements.calendar import (
    REACH_YEARS,
    BusinessCalendar,
    BusinessHours,
    CompiledCalendar,
    CountryHolidays,
    DailyInterval,
    IntersectionCalendar,
    IntervalCalendar,
    intersect,
    with_closures,
)
from entitlements.errors import (
    CalendarDefinitionError,
    CalendarRangeError,
    EntitlementsError,
    NaiveDatetimeError,
    NoBusinessTimeError,
    NoClosingTimeError,
    NotADatetimeError,
    OverlappingIntervalsError,
    TargetError,
    UnknownHolidayCountryError,
    UnknownTimezoneError,
)
from entitlements.targets import (
    BusinessDays,
    BusinessDuration,
    NextBusinessDay,
    Target,
    parse_target,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "REACH_YEARS",
    "BusinessCalendar",
    "BusinessDays",
    "BusinessDuration",
    "BusinessHours",
    "CalendarDefinitionError",
    "CalendarRangeError",
    "CompiledCalendar",
    "CountryHolidays",
    "DailyInterval",
    "EntitlementsError",
    "IntersectionCalendar",
    "IntervalCalendar",
    "NaiveDatetimeError",
    "NextBusinessDay",
    "NoBusinessTimeError",
    "NoClosingTimeError",
    "NotADatetimeError",
    "OverlappingIntervalsError",
    "Target",
    "TargetError",
    "UnknownHolidayCountryError",
    "UnknownTimezoneError",
    "__version__",
    "intersect",
    "parse_target",
    "with_closures",
]
