"""Availability against an uptime promise ("99.9 % a month"), with service credits.

:func:`availability` gives one row per :class:`Period`: the time counted, the
downtime, the achieved availability, whether the target was met, the downtime
still allowed and the service credit owed under a declared credit table.

The rules, all exact (integer microseconds and fractions, no floating point
until the row is built):

* **Service time** is a period's wall-clock length, or with a
  ``service_calendar`` only its open time (``calendar.elapsed``), so a
  "99.9 % within service hours" promise ignores the night and the weekend.
  A DST month is as long as the clock says: Europe/Paris 2025-03 is 743 hours.
* **Downtime** is the *union* of the outages -- overlapping or repeated
  reports of one incident count once -- clipped to the period, and with a
  calendar only its open time. Outages are half-open ``[start, end)``;
  one of zero length costs nothing and is not counted.
* **as_of** is the instant the report is made at. An outage with
  ``end=None`` (still going) runs until ``as_of``; nothing after ``as_of``
  counts. A period not over by ``as_of`` is measured month-to-date over
  ``[start, as_of)`` (``measured``), while ``allowed_downtime`` stays the
  allowance of the whole period; a period that starts at or after ``as_of``
  has nothing measured. Without ``as_of`` every period is measured in full
  and an ongoing outage is an error.
* **achieved** is ``100 * (measured - downtime) / measured``; None when
  nothing was measured (``met`` is then None too, and no credit applies).
  ``met`` compares the exact values (``achieved >= target``), not the
  rounded floats shown in the row.
* **allowed_downtime** is ``(1 - target / 100) * service_time`` rounded
  *down* to the microsecond (the promise is never stretched by rounding);
  ``downtime_left`` is ``allowed_downtime - downtime``, negative when over.
* **Percentages** -- the target and credit tiers -- are read as exact
  decimals: ``99.9``, ``"99.9"``, ``"99.9%"`` and ``"99.9 %"`` all mean
  exactly 999/1000 of the time.
* **Credit**: the tier with the *smallest* ``below`` that is still strictly
  greater than the achieved availability applies (AWS style), so with tiers
  ``below=99.99 -> 10``, ``below=99.0 -> 30``, ``below=95.0 -> 100``, exactly
  99.0 % earns 10 % and 98.9 % earns 30 %. No tier applies: credit 0. In a
  month-to-date row the credit is provisional (from the availability so far).
* ``outages`` counts the outages whose span overlaps the measured part of
  the period, whether or not they cost service time.

Rows echo each period's ``start`` and ``end`` as given.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from attrs import Attribute, field, frozen

from entitlements._fields import check_text, fail, where
from entitlements.calendar._business_hours import parse_timezone
from entitlements.calendar._instants import EPOCH, ONE_US, to_us, us_to_timedelta
from entitlements.calendar._protocol import BusinessCalendar
from entitlements.errors import ModelError, NaiveDatetimeError
from entitlements.reports._table import Report

__all__ = [
    "AvailabilityRow",
    "CreditTier",
    "Outage",
    "Percent",
    "Period",
    "availability",
]

#: A percentage as a number or decimal text: ``99.9``, ``"99.9"``, ``"99.9 %"``.
Percent = float | int | str | Decimal

_HUNDRED = Fraction(100)


# -- checks -------------------------------------------------------------------------------


def _check_instant(instance: object, attribute: Attribute[Any], value: object) -> None:
    """An aware datetime (None allowed for an outage's end)."""
    if value is None and attribute.name == "end" and isinstance(instance, Outage):
        return
    if not isinstance(value, datetime):
        raise fail(instance, attribute.name, f"{value!r} is not a datetime")
    if value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{where(instance)}: {attribute.name}: {value.isoformat()} is naive; attach a time "
            "zone (naive datetimes are never assumed to be UTC)"
        )


def _decimal(value: object) -> Decimal | None:
    """``value`` as a finite decimal, or None when it is not a percentage's form."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    text = value.strip().removesuffix("%").rstrip() if isinstance(value, str) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _exact(value: object) -> Fraction:
    """A percentage already checked by :func:`_decimal`, as an exact fraction."""
    number = _decimal(value)
    if number is None:  # pragma: no cover - records are checked when built
        raise ValueError(f"{value!r} is not a percentage")
    return Fraction(number)


def _percent_text(number: Decimal) -> str:
    """``99.9``, ``100``: the shortest plain text of a decimal."""
    return format(number.normalize(), "f")


def _check_credit_percent(instance: object, attribute: Attribute[Any], value: object) -> None:
    number = _decimal(value)
    if attribute.name == "below":
        if number is None or not 0 < number <= 100:
            raise fail(instance, "below", f"{value!r} is not a percentage above 0 and at most 100")
    elif number is None or not 0 <= number <= 100:
        raise fail(instance, "credit", f"{value!r} is not a percentage from 0 to 100")


def _parse_target(value: object) -> tuple[Fraction, str]:
    number = _decimal(value)
    if number is None:
        reason = f"{value!r} is not a percentage like 99.9 or '99.9 %'"
    elif not 0 < number <= 100:
        reason = f"{value!r} is not a percentage above 0 and at most 100"
    else:
        return Fraction(number), _percent_text(number)
    raise ModelError(f"target: {reason}", field="target", reason=reason)


# -- records ------------------------------------------------------------------------------


@frozen(kw_only=True)
class Outage:
    """A stretch of time the service was down: ``[start, end)``; ``end=None`` while still down.

    Raises:
        NaiveDatetimeError: ``start`` or ``end`` is naive.
        ModelError: ``end`` is before ``start``, or a field has the wrong type.
    """

    start: datetime = field(validator=_check_instant)
    end: datetime | None = field(default=None, validator=_check_instant)
    id: str = field(default="", validator=check_text)
    service: str = field(default="", validator=check_text)
    description: str = field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise fail(
                self, "end", f"{self.end.isoformat()} is before start {self.start.isoformat()}"
            )


@frozen(kw_only=True)
class Period:
    """A reporting period ``[start, end)`` of aware instants, with a label for its row.

    Raises:
        NaiveDatetimeError: ``start`` or ``end`` is naive.
        ModelError: ``end`` is not after ``start``, or a field has the wrong type.
    """

    start: datetime = field(validator=_check_instant)
    end: datetime = field(validator=_check_instant)
    label: str = field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise fail(
                self, "end", f"{self.end.isoformat()} is not after start {self.start.isoformat()}"
            )

    @classmethod
    def month(cls, year: int, month: int, timezone: str | ZoneInfo) -> Period:
        """The calendar month in ``timezone``: local midnight of the 1st to that of the next 1st.

        Labelled ``"2025-07"``. A midnight skipped by DST starts at the transition.

        Raises:
            ModelError: ``month`` is not 1 to 12 or ``year`` is out of range.
            UnknownTimezoneError: ``timezone`` is not a known IANA zone.
        """
        zone = parse_timezone(timezone)
        _check_month(month, "month")
        if isinstance(year, bool) or not isinstance(year, int):
            reason = f"{year!r} is not a year"
            raise ModelError(f"Period: year: {reason}", field="year", reason=reason)
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        try:
            start = _local_midnight(year, month, zone)
            end = _local_midnight(*following, zone)
        except (ValueError, OverflowError, TypeError):
            reason = f"{year!r} is not a year the calendar can represent"
            raise ModelError(f"Period: year: {reason}", field="year", reason=reason) from None
        return cls(start=start, end=end, label=f"{year:04d}-{month:02d}")

    @classmethod
    def months(
        cls, first_year: int, first_month: int, count: int, timezone: str | ZoneInfo
    ) -> tuple[Period, ...]:
        """``count`` consecutive calendar months from ``first_year``-``first_month``."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            reason = f"{count!r} is not a number of months (0 or more)"
            raise ModelError(f"Period: count: {reason}", field="count", reason=reason)
        _check_month(first_month, "first_month")
        periods = []
        for offset in range(count):
            year, zero_based = divmod(first_month - 1 + offset, 12)
            periods.append(cls.month(first_year + year, zero_based + 1, timezone))
        return tuple(periods)


def _check_month(month: object, name: str) -> None:
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        reason = f"{month!r} is not a month number from 1 to 12"
        raise ModelError(f"Period: {name}: {reason}", field=name, reason=reason)


def _local_midnight(year: int, month: int, zone: ZoneInfo) -> datetime:
    # The wall reading of midnight, normalised through UTC so that a midnight
    # skipped by a DST jump becomes the first instant of the day.
    return datetime(year, month, 1, tzinfo=zone).astimezone(UTC).astimezone(zone)


@frozen(kw_only=True)
class CreditTier:
    """A service-credit tier: ``credit`` % of the bill when availability is below ``below`` %.

    Both are percentages read as exact decimals (``99.99``, ``"99.99 %"``).

    Raises:
        ModelError: ``below`` is not in (0, 100] or ``credit`` not in [0, 100].
    """

    below: Percent = field(validator=_check_credit_percent)
    credit: Percent = field(validator=_check_credit_percent)


@frozen(kw_only=True)
class AvailabilityRow:
    """Availability in one period; the durations are service time (see the module notes).

    ``achieved`` and ``met`` are None when nothing of the period was measured.
    """

    period: str
    start: datetime
    end: datetime
    service_time: timedelta
    measured: timedelta
    downtime: timedelta
    outages: int
    achieved: float | None
    target: float
    met: bool | None
    allowed_downtime: timedelta
    downtime_left: timedelta
    credit: float


# -- the report ---------------------------------------------------------------------------


def _periods(period: object) -> list[Period]:
    if isinstance(period, Period):
        return [period]
    if isinstance(period, str | bytes) or not isinstance(period, Iterable):
        reason = f"{period!r} is not a Period or an iterable of Periods"
        raise ModelError(f"period: {reason}", field="period", reason=reason)
    periods = list(period)
    for index, item in enumerate(periods):
        if not isinstance(item, Period):
            reason = f"{item!r} is not a Period"
            raise ModelError(f"period[{index}]: {reason}", field=f"period[{index}]", reason=reason)
    return periods


def _tiers(credits: object) -> list[tuple[Fraction, Fraction]]:
    """The credit table as exact (below, credit) pairs, smallest ``below`` first."""
    if isinstance(credits, str | bytes) or not isinstance(credits, Iterable):
        reason = f"{credits!r} is not a sequence of CreditTier"
        raise ModelError(f"credits: {reason}", field="credits", reason=reason)
    seen: dict[Fraction, int] = {}
    tiers = []
    for index, item in enumerate(credits):
        name = f"credits[{index}]"
        if isinstance(item, tuple | list) and len(item) == 2:
            try:
                item = CreditTier(below=item[0], credit=item[1])
            except ModelError as error:
                raise ModelError(
                    f"{name}: {error.field}: {error.reason}",
                    field=f"{name}.{error.field}",
                    reason=error.reason,
                ) from None
        if not isinstance(item, CreditTier):
            reason = f"{item!r} is not a CreditTier or a (below, credit) pair"
            raise ModelError(f"{name}: {reason}", field=name, reason=reason)
        below = _exact(item.below)
        if below in seen:
            reason = f"below {item.below!r} % repeats credits[{seen[below]}]"
            raise ModelError(f"{name}: {reason}", field=f"{name}.below", reason=reason)
        seen[below] = index
        tiers.append((below, _exact(item.credit)))
    tiers.sort()
    return tiers


def _spans(outages: object, as_of_us: int | None) -> list[tuple[int, int]]:
    """Each outage as ``(start, end)`` µs, clipped to ``as_of``; empty ones left out."""
    if isinstance(outages, str | bytes) or not isinstance(outages, Iterable):
        reason = f"{outages!r} is not an iterable of Outage"
        raise ModelError(f"outages: {reason}", field="outages", reason=reason)
    spans = []
    for index, outage in enumerate(outages):
        name = f"outages[{index}]"
        if not isinstance(outage, Outage):
            reason = f"{outage!r} is not an Outage"
            raise ModelError(f"{name}: {reason}", field=name, reason=reason)
        start = to_us(outage.start)
        if outage.end is not None:
            end = to_us(outage.end)
            if as_of_us is not None:
                end = min(end, as_of_us)
        elif as_of_us is not None:
            end = as_of_us
        else:
            reason = "None: still going, and no as_of was given to measure it up to"
            raise ModelError(
                f"{name}: {where(outage)}: end: {reason}", field=f"{name}.end", reason=reason
            )
        if end > start:
            spans.append((start, end))
    return spans


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sorted, disjoint, non-touching union of half-open spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _instant(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def availability(
    outages: Iterable[Outage],
    period: Period | Iterable[Period],
    target: Percent,
    service_calendar: BusinessCalendar | None = None,
    *,
    credits: Iterable[CreditTier | tuple[Percent, Percent]] = (),
    as_of: datetime | None = None,
) -> Report[AvailabilityRow]:
    """Availability per period against ``target`` %, with allowed downtime left and credits.

    Args:
        outages: the outages, in any order; overlaps count once.
        period: one :class:`Period`, or several (one row each, in the given order).
        target: the promised availability in percent (``99.9``, ``"99.9 %"``).
        service_calendar: count only its open time (service hours); None for 24x7.
        credits: the credit table: :class:`CreditTier` or ``(below, credit)`` pairs.
        as_of: the instant the report is made at (aware); ongoing outages run until
            it, and a period not yet over is measured up to it.

    Returns:
        A report titled ``Availability against 99.9 %`` with one
        :class:`AvailabilityRow` per period.

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: ``target`` is not a percentage in (0, 100]; a credit tier is
            invalid or repeats a ``below`` (naming ``credits[i]``); an outage is
            still going and there is no ``as_of``; an argument has the wrong type.
    """
    target_fraction, target_text = _parse_target(target)
    tiers = _tiers(credits)
    as_of_us = None if as_of is None else to_us(as_of, "as_of")
    periods = _periods(period)
    spans = _spans(outages, as_of_us)
    merged = _union(spans)
    merged_ends = [end for _, end in merged]
    starts = sorted(start for start, _ in spans)
    ends = sorted(end for _, end in spans)

    def counted(start_us: int, end_us: int) -> int:
        """Service time in ``[start_us, end_us)``."""
        if service_calendar is None:
            return end_us - start_us
        return service_calendar.elapsed(_instant(start_us), _instant(end_us)) // ONE_US

    rows = []
    for item in periods:
        start_us, end_us = to_us(item.start, "start"), to_us(item.end, "end")
        if service_calendar is None:
            service_us = end_us - start_us
        else:
            service_us = service_calendar.elapsed(item.start, item.end) // ONE_US
        stop_us = end_us if as_of_us is None else min(end_us, max(start_us, as_of_us))
        if stop_us == end_us:
            measured_us = service_us
        else:
            measured_us = counted(start_us, stop_us) if stop_us > start_us else 0
        down_us = 0
        count = 0
        if stop_us > start_us:
            for index in range(bisect_right(merged_ends, start_us), len(merged)):
                piece_start, piece_end = merged[index]
                if piece_start >= stop_us:
                    break
                down_us += counted(max(piece_start, start_us), min(piece_end, stop_us))
            count = bisect_left(starts, stop_us) - bisect_right(ends, start_us)
        allowed_us = (_HUNDRED - target_fraction) * service_us // 100
        achieved: Fraction | None = None
        credit = Fraction(0)
        if measured_us > 0:
            achieved = _HUNDRED * (measured_us - down_us) / measured_us
            for below, tier_credit in tiers:
                if below > achieved:
                    credit = tier_credit
                    break
        rows.append(
            AvailabilityRow(
                period=item.label or item.start.isoformat(),
                start=item.start,
                end=item.end,
                service_time=us_to_timedelta(service_us),
                measured=us_to_timedelta(measured_us),
                downtime=us_to_timedelta(down_us),
                outages=count,
                achieved=None if achieved is None else float(achieved),
                target=float(target_fraction),
                met=None if achieved is None else achieved >= target_fraction,
                allowed_downtime=us_to_timedelta(allowed_us),
                downtime_left=us_to_timedelta(allowed_us - down_us),
                credit=float(credit),
            )
        )
    return Report(
        title=f"Availability against {target_text} %", row_type=AvailabilityRow, rows=rows
    )
