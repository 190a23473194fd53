"""Reporting periods: which day, week, month, quarter or year a local date falls in.

Periods are calendar periods of local dates (the account's dates, for SLA
compliance): ``day``, ``week`` (ISO weeks, Monday to Sunday), ``month``,
``quarter``, ``year``, or ``all`` (one period for everything). Each has a
label that sorts in time order: ``2025-07-03``, ``2025-W27``, ``2025-07``,
``2025-Q3``, ``2025``, ``all``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, get_args

from dateutil.relativedelta import relativedelta

from entitlements.errors import ModelError

__all__ = ["PERIODS", "PeriodName", "period_of"]

#: The period names compliance can group by.
PeriodName = Literal["day", "week", "month", "quarter", "year", "all"]
PERIODS: tuple[str, ...] = get_args(PeriodName)


def check_period(value: object) -> PeriodName:
    """``value`` if it names a period; :class:`ModelError` naming ``period`` otherwise."""
    if value not in PERIODS:
        choices = ", ".join(repr(p) for p in PERIODS)
        raise ModelError(
            f"period: {value!r} is not one of {choices}",
            field="period",
            reason=f"{value!r} is not one of {choices}",
        )
    return value  # type: ignore[return-value]  # checked just above


def period_of(day: date, period: PeriodName) -> tuple[str, date | None, date | None]:
    """The label, first and last date (inclusive) of the period holding ``day``.

    ``all`` has no bounds (``None``, ``None``).
    """
    if period == "day":
        return day.isoformat(), day, day
    if period == "week":
        year, week, weekday = day.isocalendar()
        first = day - timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", first, first + timedelta(days=6)
    if period == "month":
        first = day.replace(day=1)
        return f"{day.year}-{day.month:02d}", first, first + relativedelta(months=1, days=-1)
    if period == "quarter":
        quarter = (day.month - 1) // 3
        first = date(day.year, quarter * 3 + 1, 1)
        return f"{day.year}-Q{quarter + 1}", first, first + relativedelta(months=3, days=-1)
    if period == "year":
        return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)
    return "all", None, None
