"""A brute-force business-hours oracle that knows nothing of the implementation.

A calendar is described by a :class:`CalendarSpec`: a zone name, a weekly pattern
``{weekday: ((start_minute, end_minute), ...)}`` (weekday 0 is Monday; an
interval with ``end <= start`` is overnight and runs to ``end`` on the next local
date; ``end == 1440`` is 24:00), whole closed dates, special hours that replace a
date's intervals, and closures applied with ``with_closures``.

The oracle decides whether a minute-aligned instant is open by converting it to
local wall-clock time with ``astimezone`` and checking the intervals that belong to
that local date, plus the overnight spill of the previous local date.  Everything
else (elapsed, add, subtract, next_open, next_close, open intervals) is computed by
stepping one minute at a time, which is exact as long as the calendar and the
instants are minute-aligned (all modern UTC offsets are whole minutes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from entitlements import BusinessHours

MINUTE = timedelta(minutes=1)
DAY_MINUTES = 1440
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Interval = tuple[int, int]
Week = Mapping[int, tuple[Interval, ...]]

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# ---------------------------------------------------------------------------
# The calendar description
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CalendarSpec:
    zone: str
    week: Week
    holidays: frozenset[date] = frozenset()
    special: Mapping[date, tuple[Interval, ...]] = dataclasses.field(default_factory=dict)
    closures: frozenset[date] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def intervals_for(self, d: date) -> tuple[Interval, ...]:
        """The intervals that belong to local date ``d``."""
        if d in self.closures:
            return ()
        if d in self.special:
            return tuple(self.special[d])
        if d in self.holidays:
            return ()
        return tuple(self.week.get(d.weekday(), ()))


def is_overnight(interval: Interval) -> bool:
    start, end = interval
    return end <= start


def in_interval(interval: Interval, owner: date, local_date: date, tod: int) -> bool:
    """Does the wall clock reading (local_date, tod) fall inside ``interval`` of ``owner``?"""
    start, end = interval
    if local_date == owner:
        if is_overnight(interval):
            return tod >= start
        return start <= tod < end
    if local_date == owner + timedelta(days=1) and is_overnight(interval):
        return tod < end
    return False


def wall_clock(tz: ZoneInfo, t: datetime) -> tuple[date, int]:
    local = t.astimezone(tz)
    return local.date(), local.hour * 60 + local.minute


def spec_is_open(spec: CalendarSpec, t: datetime) -> bool:
    """The wall-clock rule for one minute-aligned instant."""
    local_date, tod = wall_clock(spec.tz, t)
    for interval in spec.intervals_for(local_date):
        if in_interval(interval, local_date, local_date, tod):
            return True
    previous = local_date - timedelta(days=1)
    return any(
        is_overnight(interval) and in_interval(interval, previous, local_date, tod)
        for interval in spec.intervals_for(previous)
    )


# ---------------------------------------------------------------------------
# Minute-stepping oracle
# ---------------------------------------------------------------------------


def minute_index(t: datetime) -> int:
    seconds = (t - EPOCH) // timedelta(seconds=1)
    if seconds % 60 or t.microsecond:
        raise ValueError(f"oracle instants must be minute-aligned, got {t!r}")
    return seconds // 60


def from_index(k: int) -> datetime:
    return EPOCH + k * MINUTE


class Oracle:
    """Open/closed per UTC minute, memoised; every query is bounded by ``limit`` minutes."""

    def __init__(self, predicate: Callable[[datetime], bool], limit: int = 12 * DAY_MINUTES):
        self._predicate = predicate
        self._memo: dict[int, bool] = {}
        self.limit = limit

    @classmethod
    def for_spec(cls, spec: CalendarSpec, limit: int = 12 * DAY_MINUTES) -> Oracle:
        return cls(lambda t: spec_is_open(spec, t), limit)

    @classmethod
    def intersection(cls, *specs: CalendarSpec, limit: int = 12 * DAY_MINUTES) -> Oracle:
        return cls(lambda t: all(spec_is_open(s, t) for s in specs), limit)

    def _open(self, k: int) -> bool:
        try:
            return self._memo[k]
        except KeyError:
            value = self._memo[k] = self._predicate(from_index(k))
            return value

    def is_open(self, t: datetime) -> bool:
        return self._open(minute_index(t))

    def elapsed(self, a: datetime, b: datetime) -> timedelta:
        ka, kb = minute_index(a), minute_index(b)
        if kb < ka:
            return -self.elapsed(b, a)
        if kb - ka > self.limit:
            raise ValueError("oracle window too large")
        return sum(self._open(k) for k in range(ka, kb)) * MINUTE

    def add(self, start: datetime, minutes: int) -> datetime | None:
        """Earliest t >= start with ``minutes`` open minutes in [start, t]; None beyond limit."""
        k0 = k = minute_index(start)
        if minutes == 0:
            return start
        count = 0
        while count < minutes:
            if k - k0 > self.limit:
                return None
            count += self._open(k)
            k += 1
        return from_index(k)

    def subtract(self, end: datetime, minutes: int) -> datetime | None:
        """Latest t <= end with ``minutes`` open minutes in [t, end]; None beyond limit."""
        k0 = k = minute_index(end)
        if minutes == 0:
            return end
        count = 0
        while count < minutes:
            if k0 - k > self.limit:
                return None
            k -= 1
            count += self._open(k)
        return from_index(k)

    def next_open(self, t: datetime) -> datetime | None:
        k0 = k = minute_index(t)
        while not self._open(k):
            k += 1
            if k - k0 > self.limit:
                return None
        return from_index(k)

    def next_close(self, t: datetime) -> datetime | None:
        k0 = k = minute_index(t)
        while not self._open(k):
            k += 1
            if k - k0 > self.limit:
                return None
        while self._open(k):
            k += 1
            if k - k0 > self.limit:
                return None
        return from_index(k)

    def open_intervals(self, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
        ka, kb = minute_index(a), minute_index(b)
        if kb - ka > self.limit:
            raise ValueError("oracle window too large")
        result: list[tuple[datetime, datetime]] = []
        run_start: int | None = None
        for k in range(ka, kb):
            if self._open(k):
                if run_start is None:
                    run_start = k
            elif run_start is not None:
                result.append((from_index(run_start), from_index(k)))
                run_start = None
        if run_start is not None:
            result.append((from_index(run_start), from_index(kb)))
        return result


# ---------------------------------------------------------------------------
# Wall-time helpers for the day-based targets
# ---------------------------------------------------------------------------


def resolve_first(tz: ZoneInfo, wall: datetime) -> datetime:
    """The first instant whose wall clock shows ``wall`` (naive), in UTC.

    A repeated wall time resolves to its first occurrence, a skipped one to the
    first instant after the gap (the instant of the jump).
    """
    candidates = []
    for fold in (0, 1):
        aware = wall.replace(tzinfo=tz, fold=fold)
        instant = aware.astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == wall:
            candidates.append(instant)
    if candidates:
        return min(candidates)
    # In a gap: fold=1 uses the offset after the jump and lands before it, fold=0 after it.
    lo = int(wall.replace(tzinfo=tz, fold=1).timestamp())
    hi = int(wall.replace(tzinfo=tz, fold=0).timestamp())
    after = datetime.fromtimestamp(hi, UTC).astimezone(tz).utcoffset()
    # Smallest whole second in (lo, hi] that already has the post-jump offset.
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def interval_minutes(spec: CalendarSpec, owner: date, interval: Interval) -> Iterator[datetime]:
    """Every UTC minute at which the wall clock shows a time inside ``interval`` of ``owner``."""
    tz = spec.tz
    start, end = interval
    wall_start = datetime.combine(owner, time()) + timedelta(minutes=start)
    span = (end - start) if not is_overnight(interval) else (DAY_MINUTES - start + end)
    # Offsets lie within [-12h, +14h]: scan generously around the naive UTC reading.
    lo = wall_start.replace(tzinfo=UTC) - timedelta(hours=15)
    hi = wall_start.replace(tzinfo=UTC) + timedelta(minutes=span) + timedelta(hours=13)
    k = minute_index(lo)
    while from_index(k) < hi:
        t = from_index(k)
        local_date, tod = wall_clock(tz, t)
        if in_interval(interval, owner, local_date, tod):
            yield t
        k += 1


def owned_minutes(spec: CalendarSpec, d: date) -> set[datetime]:
    """The open minutes that belong to local date ``d`` (what ``day_hours(d)`` covers)."""
    result: set[datetime] = set()
    for interval in spec.intervals_for(d):
        result.update(interval_minutes(spec, d, interval))
    return result


def fixed_offset_near(tz: ZoneInfo, d: date) -> timedelta | None:
    """The zone's offset if it is constant from the day before ``d`` to two days after.

    Sampled hourly, which is plenty for real tzdata (transitions are months apart).
    """
    t = datetime.combine(d, time(), tzinfo=UTC) - timedelta(days=2)
    offset = t.astimezone(tz).utcoffset()
    for hour in range(6 * 24):
        if (t + timedelta(hours=hour)).astimezone(tz).utcoffset() != offset:
            return None
    return offset


def has_open_time(spec: CalendarSpec, d: date) -> bool:
    """Does local date ``d`` have open time of its own (not only intervals lost in a gap)?"""
    intervals = spec.intervals_for(d)
    if not intervals:
        return False
    if fixed_offset_near(spec.tz, d) is not None:
        return True
    return any(next(interval_minutes(spec, d, iv), None) is not None for iv in intervals)


def day_close(spec: CalendarSpec, d: date) -> datetime | None:
    """End of the last interval belonging to ``d`` (None if it never shows on the clock)."""
    intervals = spec.intervals_for(d)
    if not intervals:
        return None
    last = max(intervals, key=lambda iv: iv[0])
    offset = fixed_offset_near(spec.tz, d)
    if offset is not None:
        _, end = last
        end_wall = datetime.combine(d, time()) + timedelta(
            minutes=end + (DAY_MINUTES if is_overnight(last) else 0)
        )
        return (end_wall - offset).replace(tzinfo=UTC)
    minutes = list(interval_minutes(spec, d, last))
    if not minutes:
        return None
    return minutes[-1] + MINUTE


# ---------------------------------------------------------------------------
# Building the real calendar from a spec
# ---------------------------------------------------------------------------


def hhmm(minute: int) -> str:
    if not 0 <= minute <= DAY_MINUTES:
        raise ValueError(minute)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def render_interval(interval: Interval, style: str) -> str | tuple[str, str]:
    start, end = interval
    if style == "string":
        return f"{hhmm(start)}-{hhmm(end)}"
    return (hhmm(start), hhmm(end))


def render_key(weekday: int, style: str) -> str:
    if style == "short":
        return WEEKDAY_KEYS[weekday]
    if style == "full":
        return WEEKDAY_NAMES[weekday]
    if style == "upper":
        return WEEKDAY_KEYS[weekday].upper()
    return WEEKDAY_NAMES[weekday].title()


def build_calendar(
    spec: CalendarSpec, *, key_style: str = "short", interval_style: str = "tuple"
) -> BusinessHours:
    from entitlements import BusinessHours  # the oracle itself stays independent

    week = {
        render_key(day, key_style): [render_interval(iv, interval_style) for iv in intervals]
        for day, intervals in spec.week.items()
        if intervals
    }
    special = {
        d: [render_interval(iv, interval_style) for iv in intervals]
        for d, intervals in spec.special.items()
    }
    cal = BusinessHours(
        timezone=spec.zone,
        week=week,
        holidays=sorted(spec.holidays),
        special_hours=special or None,
    )
    if spec.closures:
        cal = cal.with_closures(sorted(spec.closures))
    return cal
