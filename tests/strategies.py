"""Hypothesis strategies for the business-hours calendar tests.

Primitives come first; the ``@st.composite`` builders below take keyword knobs
where ``None`` means "draw it".
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import tz as dateutil_tz
from hypothesis import strategies as st

from oracle import DAY_MINUTES, EPOCH, CalendarSpec, Interval, build_calendar

WEEK_MINUTES = 7 * DAY_MINUTES

# ---------------------------------------------------------------------------
# Primitives
# ---------------------------------------------------------------------------

ZONES = (
    "America/New_York",
    "Europe/Paris",
    "Australia/Lord_Howe",
    "UTC",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Pacific/Apia",
)

zone_names = st.sampled_from(ZONES)
key_styles = st.sampled_from(("short", "full", "upper", "title"))
interval_styles = st.sampled_from(("tuple", "string"))
granularities = st.sampled_from((1, 5, 15, 30, 60))
#: a local wall time of day, to the minute (for ``by`` and ``cutoff``)
minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
#: zones used only to *present* an input instant; the instant is what matters
view_zones = st.sampled_from(
    (
        UTC,
        ZoneInfo("UTC"),
        ZoneInfo("Asia/Tokyo"),
        ZoneInfo("America/Los_Angeles"),
        timezone(timedelta(hours=5, minutes=45)),
        timezone(-timedelta(hours=9, minutes=30)),
        dateutil_tz.gettz("Europe/Paris"),
        dateutil_tz.gettz("America/New_York"),
        *(ZoneInfo(z) for z in ZONES),
    )
)
# minute resolution durations, up to about two business days
duration_minutes = st.integers(min_value=1, max_value=2 * DAY_MINUTES)
micro_durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2))
positive_micro_durations = st.timedeltas(
    min_value=timedelta(microseconds=1), max_value=timedelta(days=2)
)

_SCAN_FIRST_YEAR = 1995
_SCAN_LAST_YEAR = 2060


@functools.cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """UTC instants (to the minute) where ``zone`` changes its offset, 1995-2060."""
    tz = ZoneInfo(zone)
    result: list[datetime] = []
    t = datetime(_SCAN_FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(_SCAN_LAST_YEAR, 12, 31, tzinfo=UTC)
    step = timedelta(hours=12)
    offset = t.astimezone(tz).utcoffset()
    while t < end:
        nxt = t + step
        new = nxt.astimezone(tz).utcoffset()
        if new != offset:
            lo, hi = t, nxt  # offset(lo) == old, offset(hi) == new
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) // 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    mid = lo + timedelta(minutes=1)
                if mid.astimezone(tz).utcoffset() == new:
                    hi = mid
                else:
                    lo = mid
            result.append(hi)
            offset = new
        t = nxt
    return tuple(result)


# ---------------------------------------------------------------------------
# Instants
# ---------------------------------------------------------------------------


@st.composite
def anchors(draw: st.DrawFn, zone: str | None = None, *, near_transition: bool | None = None):
    """A minute-aligned UTC instant, often a few days around a DST transition of ``zone``."""
    zone = draw(zone_names) if zone is None else zone
    trans = transitions(zone)
    if near_transition is None:
        near_transition = bool(trans) and draw(st.integers(0, 3)) > 0
    if near_transition and trans:
        base = draw(st.sampled_from(trans))
        jitter = draw(st.integers(-4 * DAY_MINUTES, 4 * DAY_MINUTES))
        return base + timedelta(minutes=jitter)
    minutes = draw(st.integers(0, 110 * 365 * DAY_MINUTES))
    return datetime(1975, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)


@st.composite
def zone_instants(draw: st.DrawFn, *, zone: str | None = None, near_transition: bool | None = None):
    """``(ZoneInfo, instant)`` with the instant as integer microseconds since the UTC epoch,
    often within a few days of one of the zone's transitions."""
    zone = draw(zone_names) if zone is None else zone
    anchor = draw(anchors(zone, near_transition=near_transition))
    micros = (anchor - EPOCH) // timedelta(microseconds=1)
    return ZoneInfo(zone), micros + draw(st.integers(0, 60_000_000 - 1))


@st.composite
def instants_near(
    draw: st.DrawFn,
    anchor: datetime,
    *,
    within_minutes: int = 3 * DAY_MINUTES,
    micro: bool = False,
    view: bool = True,
):
    """An instant within ``within_minutes`` of ``anchor``; minute-aligned unless ``micro``."""
    offset = draw(st.integers(-within_minutes, within_minutes))
    t = anchor + timedelta(minutes=offset)
    if micro:
        t += timedelta(microseconds=draw(st.integers(0, 60_000_000 - 1)))
    if view:
        t = t.astimezone(draw(view_zones))
    return t


# ---------------------------------------------------------------------------
# Weekly patterns
# ---------------------------------------------------------------------------


def _pieces(
    draw: st.DrawFn, start: int, stop: int, *, overnight: bool
) -> list[tuple[int, Interval]]:
    """Cut the stretch [start, stop) of week minutes into per-day intervals.

    Returns ``(weekday, (start_minute, end_minute))`` pieces; consecutive pieces are
    adjacent, so the calendar must join them into one stretch again.
    """
    pieces: list[tuple[int, Interval]] = []
    pos = start
    while pos < stop:
        day0 = pos - pos % DAY_MINUTES
        tod = pos - day0
        weekday = (day0 // DAY_MINUTES) % 7
        same_day_limit = day0 + DAY_MINUTES
        overnight_limit = day0 + DAY_MINUTES + tod - 1 if (overnight and tod > 0) else None
        if stop <= same_day_limit:
            end = stop
        elif overnight_limit is not None and draw(st.booleans()):
            end = min(stop, draw(st.integers(same_day_limit, overnight_limit)))
        else:
            end = same_day_limit
        # sometimes cut an extra time (adjacent intervals on the same stretch)
        if end - pos >= 2 and draw(st.integers(0, 5)) == 0:
            end = draw(st.integers(pos + 1, end - 1))
        if end <= same_day_limit:
            if end == same_day_limit and tod > 0 and overnight and draw(st.integers(0, 7)) == 0:
                interval = (tod, 0)  # "22:00-00:00": overnight, ending at midnight
            else:
                interval = (tod, end - day0)  # may be 1440, i.e. "24:00"
        else:
            interval = (tod, end - same_day_limit)
        pieces.append((weekday, interval))
        pos = end
    return pieces


def _assemble(pieces: list[tuple[int, Interval]]) -> dict[int, tuple[Interval, ...]]:
    week: dict[int, list[Interval]] = {}
    for weekday, interval in pieces:
        week.setdefault(weekday, []).append(interval)
    return {day: tuple(sorted(ivs)) for day, ivs in sorted(week.items())}


@st.composite
def cyclic_weeks(
    draw: st.DrawFn,
    *,
    n_stretches: int | None = None,
    overnight: bool | None = None,
    granularity: int | None = None,
):
    """A weekly pattern built from sorted cut points on the cyclic week (no overlaps)."""
    n = draw(st.integers(1, 10)) if n_stretches is None else n_stretches
    overnight = draw(st.booleans()) if overnight is None else overnight
    gran = draw(granularities) if granularity is None else granularity
    slots = WEEK_MINUTES // gran
    points = sorted(
        p * gran
        for p in draw(
            st.lists(st.integers(0, slots - 1), min_size=2 * n, max_size=2 * n, unique=True)
        )
    )
    if draw(st.booleans()):  # wrap the last stretch from Sunday into Monday
        points = [*points[1:], points[0] + WEEK_MINUTES]
    pieces: list[tuple[int, Interval]] = []
    for i in range(n):
        pieces.extend(_pieces(draw, points[2 * i], points[2 * i + 1], overnight=overnight))
    return _assemble(pieces)


@st.composite
def office_weeks(draw: st.DrawFn, *, lunch: bool | None = None, saturday: bool | None = None):
    """Office-like hours: the same day on Mon-Fri, with a lunch break, maybe a short Saturday."""
    lunch = draw(st.booleans()) if lunch is None else lunch
    saturday = draw(st.booleans()) if saturday is None else saturday
    cuts = sorted(draw(st.lists(st.integers(5 * 4, 22 * 4), min_size=4, max_size=4, unique=True)))
    cuts = [c * 15 for c in cuts]
    day: tuple[Interval, ...] = (
        ((cuts[0], cuts[1]), (cuts[2], cuts[3])) if lunch else ((cuts[0], cuts[3]),)
    )
    week = dict.fromkeys(range(5), day)
    if saturday:
        week[5] = ((cuts[0], cuts[1]),)
    return week


ALWAYS_OPEN_WEEK = dict.fromkeys(range(7), ((0, DAY_MINUTES),))


@st.composite
def weekly_patterns(draw: st.DrawFn, *, kind: str | None = None):
    kind = (
        draw(st.sampled_from(("cyclic", "cyclic", "cyclic", "office", "24x7")))
        if kind is None
        else kind
    )
    if kind == "24x7":
        return dict(ALWAYS_OPEN_WEEK)
    if kind == "office":
        return draw(office_weeks())
    return draw(cyclic_weeks())


def spill_end(week: dict[int, tuple[Interval, ...]], weekday: int) -> int:
    """How far into the next day the overnight intervals of ``weekday`` reach."""
    return max((end for start, end in week.get(weekday, ()) if end <= start), default=0)


@st.composite
def day_intervals(draw: st.DrawFn, *, earliest: int = 0, max_intervals: int = 3):
    """Sorted, non-overlapping same-day intervals within [earliest, 24:00]."""
    n = draw(st.integers(0, max_intervals))
    slots = list(range(earliest, DAY_MINUTES + 1))
    if n == 0 or len(slots) < 2 * n:
        return ()
    cuts = sorted(
        draw(st.lists(st.sampled_from(slots), min_size=2 * n, max_size=2 * n, unique=True))
    )
    return tuple((cuts[2 * i], cuts[2 * i + 1]) for i in range(n))


# ---------------------------------------------------------------------------
# Calendars and scenarios
# ---------------------------------------------------------------------------


def _with_overnight(
    draw: st.DrawFn,
    intervals: tuple[Interval, ...],
    next_day: tuple[Interval, ...],
    *,
    earliest: int,
) -> tuple[Interval, ...]:
    """Append an overnight interval after ``intervals`` that stops before ``next_day``."""
    after = max((end for _, end in intervals), default=earliest)
    limit = min((start for start, _ in next_day), default=DAY_MINUTES)
    if after >= DAY_MINUTES - 1:
        return intervals
    start = draw(st.integers(max(after, 1), DAY_MINUTES - 1))
    end = draw(st.integers(0, min(limit, start - 1)))
    return (*intervals, (start, end))


@dataclasses.dataclass(frozen=True)
class Scenario:
    spec: CalendarSpec
    anchor: datetime  # UTC, minute-aligned
    key_style: str = "short"
    interval_style: str = "tuple"

    def build(self):
        return build_calendar(
            self.spec, key_style=self.key_style, interval_style=self.interval_style
        )


@st.composite
def calendar_specs(
    draw: st.DrawFn,
    *,
    zone: str | None = None,
    week: dict[int, tuple[Interval, ...]] | None = None,
    anchor: datetime | None = None,
    n_holidays: int | None = None,
    n_special: int | None = None,
    n_closures: int | None = None,
):
    """A calendar spec whose holidays, special hours and closures lie near ``anchor``."""
    zone = draw(zone_names) if zone is None else zone
    week = draw(weekly_patterns()) if week is None else week
    anchor = draw(anchors(zone)) if anchor is None else anchor
    local = anchor.astimezone(ZoneInfo(zone)).date()
    nearby = st.integers(-4, 8).map(lambda k: local + timedelta(days=k))
    n_holidays = draw(st.integers(0, 3)) if n_holidays is None else n_holidays
    n_special = draw(st.integers(0, 2)) if n_special is None else n_special
    n_closures = draw(st.integers(0, 1)) if n_closures is None else n_closures
    holidays = frozenset(draw(st.lists(nearby, min_size=n_holidays, max_size=n_holidays)))
    special: dict[date, tuple[Interval, ...]] = {}
    special_dates = draw(st.lists(nearby, min_size=n_special, max_size=n_special, unique=True))
    for d in special_dates:
        earliest = spill_end(week, (d.weekday() - 1) % 7)
        intervals = draw(day_intervals(earliest=earliest))
        next_day = d + timedelta(days=1)
        if next_day not in special_dates and draw(st.integers(0, 2)) == 0:
            # an overnight special shift, ending before the next day's own first interval
            intervals = _with_overnight(
                draw, intervals, week.get(next_day.weekday(), ()), earliest=earliest
            )
        special[d] = intervals
    # closures may hit special days too: with_closures wins over special hours
    closure_pool = st.sampled_from(sorted(special)) if special and draw(st.booleans()) else nearby
    closures = frozenset(draw(st.lists(closure_pool, min_size=n_closures, max_size=n_closures)))
    return CalendarSpec(zone=zone, week=week, holidays=holidays, special=special, closures=closures)


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    zone: str | None = None,
    week: dict[int, tuple[Interval, ...]] | None = None,
    n_holidays: int | None = None,
    n_special: int | None = None,
    n_closures: int | None = None,
):
    zone = draw(zone_names) if zone is None else zone
    anchor = draw(anchors(zone))
    spec = draw(
        calendar_specs(
            zone=zone,
            week=week,
            anchor=anchor,
            n_holidays=n_holidays,
            n_special=n_special,
            n_closures=n_closures,
        )
    )
    return Scenario(
        spec=spec,
        anchor=anchor,
        key_style=draw(key_styles),
        interval_style=draw(interval_styles),
    )


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


@st.composite
def targets(draw: st.DrawFn, *, kind: str | None = None, fine: bool | None = None):
    """A target; ``fine`` allows seconds and microseconds in durations and times."""
    from entitlements import BusinessDays, BusinessDuration, NextBusinessDay

    kind = draw(st.sampled_from(("duration", "nbd", "bd"))) if kind is None else kind
    fine = draw(st.booleans()) if fine is None else fine
    times = st.times() if fine else minute_times
    by = draw(st.none() | times)
    cutoff = draw(st.none() | times)
    if kind == "duration":
        if fine:
            duration = draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)))
        else:
            duration = timedelta(minutes=draw(st.integers(1, 5 * DAY_MINUTES)))
        return BusinessDuration(duration)
    if kind == "nbd":
        return NextBusinessDay(by=by, cutoff=cutoff)
    return BusinessDays(draw(st.integers(1, 30)), by=by, cutoff=cutoff)
