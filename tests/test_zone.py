"""The zone timeline: offsets, wall windows and wall instants against zoneinfo itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from entitlements.calendar._instants import EPOCH, US_PER_SECOND
from entitlements.calendar._zone import ZoneTimeline
from strategies import zone_instants

MINUTE = 60 * US_PER_SECOND


def local_wall_us(instant_us: int, tz: ZoneInfo) -> int:
    """What the local clock reads at an instant, as µs (wall treated as UTC)."""
    local = (EPOCH + timedelta(microseconds=instant_us)).astimezone(tz)
    return (local.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)


@given(zone_instants())
def test_offset_matches_zoneinfo(drawn):
    tz, instant = drawn
    timeline = ZoneTimeline(tz, instant - 86_400 * US_PER_SECOND, instant + 86_400 * US_PER_SECOND)
    expected = (EPOCH + timedelta(microseconds=instant)).astimezone(tz).utcoffset()
    assert timeline.offset_at(instant) == expected // timedelta(microseconds=1)


@given(zone_instants(), st.integers(1, 26 * 60), st.integers(-26 * 60, 26 * 60))
def test_wall_window_holds_exactly_the_instants_whose_clock_reads_inside(drawn, length, shift):
    """Brute force, minute by minute, over the window's neighbourhood."""
    tz, instant = drawn
    instant -= instant % MINUTE
    wall_start = local_wall_us(instant, tz) + shift * MINUTE
    wall_end = wall_start + length * MINUTE
    lo, hi = wall_start - 30 * 3600 * US_PER_SECOND, wall_end + 30 * 3600 * US_PER_SECOND
    pieces = ZoneTimeline(tz, lo, hi).wall_to_instants(wall_start, wall_end)
    assert all(a < b for a, b in pieces)
    assert all(b1 < a2 for (_, b1), (a2, _) in pairwise(pieces))
    for t in range(lo, hi, MINUTE):
        inside = wall_start <= local_wall_us(t, tz) < wall_end
        assert inside == any(a <= t < b for a, b in pieces), t


@given(zone_instants(), st.integers(-26 * 60, 26 * 60))
def test_first_instant_at_is_the_first_minute_the_clock_reaches_the_wall_time(drawn, shift):
    tz, instant = drawn
    instant -= instant % MINUTE
    wall = local_wall_us(instant, tz) + shift * MINUTE
    lo = wall - 30 * 3600 * US_PER_SECOND
    found = ZoneTimeline(tz, lo, wall + 30 * 3600 * US_PER_SECOND).first_instant_at(wall)
    expected = next(
        t
        for t in range(lo, wall + 30 * 3600 * US_PER_SECOND, MINUTE)
        if local_wall_us(t, tz) >= wall
    )
    assert found == expected


def test_transitions_of_known_zones():
    """Spot checks against published transition instants."""
    cases = [
        ("America/New_York", datetime(2024, 3, 10, 7, 0, tzinfo=UTC), -5, -4),
        ("America/New_York", datetime(2024, 11, 3, 6, 0, tzinfo=UTC), -4, -5),
        ("Europe/Paris", datetime(2023, 3, 26, 1, 0, tzinfo=UTC), 1, 2),
        ("Australia/Lord_Howe", datetime(2023, 4, 1, 15, 0, tzinfo=UTC), 11, 10.5),
        ("Pacific/Apia", datetime(2011, 12, 30, 10, 0, tzinfo=UTC), -10, 14),
    ]
    for name, moment, before, after in cases:
        at = (moment - EPOCH) // timedelta(microseconds=1)
        timeline = ZoneTimeline(ZoneInfo(name), at - 10**11, at + 10**11)
        assert timeline.offset_at(at - 1) == before * 3600 * US_PER_SECOND, name
        assert timeline.offset_at(at) == after * 3600 * US_PER_SECOND, name
