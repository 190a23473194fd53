"""Aware datetimes <-> integer microseconds since the Unix epoch (UTC).

All calendar arithmetic runs on plain integers, so it is exact to the
microsecond and cheap; only the edges convert.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from entitlements.errors import CalendarRangeError, NaiveDatetimeError, NotADatetimeError

__all__ = [
    "EPOCH",
    "EPOCH_ORDINAL",
    "ONE_US",
    "US_PER_DAY",
    "US_PER_SECOND",
    "from_us",
    "to_us",
    "us_to_timedelta",
    "utc_year",
    "wall_us",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
ONE_US = timedelta(microseconds=1)
US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
_LOCAL_EPOCHS: dict[ZoneInfo, datetime] = {}


def to_us(value: object, field: str = "at") -> int:
    """Return the instant ``value`` as microseconds since the epoch.

    Raises:
        NaiveDatetimeError: ``value`` has no UTC offset.
        NotADatetimeError: ``value`` is not a ``datetime``.
    """
    try:
        us: int = (value - EPOCH) // ONE_US  # type: ignore[operator]
    except TypeError:
        pass  # not an aware datetime: say which mistake it is, below
    else:
        return us
    if not isinstance(value, datetime):
        raise NotADatetimeError(
            f"{field}: expected an aware datetime, got {type(value).__name__} {value!r}"
        )
    raise NaiveDatetimeError(
        f"{field}: {value.isoformat()} is naive; attach a time zone "
        "(naive datetimes are never assumed to be UTC)"
    )


def from_us(us: int, tz: ZoneInfo) -> datetime:
    """Return the instant ``us`` as an aware datetime in ``tz``."""
    epoch = _LOCAL_EPOCHS.get(tz)
    if epoch is None:
        epoch = _LOCAL_EPOCHS[tz] = datetime(1970, 1, 1, tzinfo=tz)
    try:
        # The wall reading of the UTC instant, then ``fromutc`` shifts it into the zone.
        return tz.fromutc(epoch + timedelta(0, 0, us))  # positional: measurably faster
    except OverflowError:
        raise CalendarRangeError(
            f"instant {us} µs from the epoch is outside the datetime range"
        ) from None


def utc_year(us: int) -> int:
    """Return the UTC calendar year of the instant ``us``."""
    try:
        return date.fromordinal(EPOCH_ORDINAL + us // US_PER_DAY).year
    except (ValueError, OverflowError):
        raise CalendarRangeError(
            f"instant {us} µs from the epoch is outside the datetime range"
        ) from None


def us_to_timedelta(us: int) -> timedelta:
    """Return ``us`` microseconds as a ``timedelta``."""
    return timedelta(microseconds=us)


def wall_us(day: date, time_of_day_us: int = 0) -> int:
    """Return a local wall-clock reading as microseconds, as if the wall were UTC."""
    return (day.toordinal() - EPOCH_ORDINAL) * US_PER_DAY + time_of_day_us
