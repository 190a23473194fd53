"""The compiled engine: compiling ahead, lazily, and from several threads."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from entitlements import BusinessHours, CalendarRangeError

NY = ZoneInfo("America/New_York")


def make() -> BusinessHours:
    return BusinessHours(
        timezone=NY,
        week={"mon": ["09:00-12:00", "13:00-17:00"], "wed": ["22:00-06:00"], "fri": "08:00-24:00"},
        holidays="US",
    )


def starts(count: int) -> list[datetime]:
    rng = random.Random(7)
    base = datetime(2018, 1, 1, tzinfo=NY)
    return [base + timedelta(minutes=rng.randrange(0, 12 * 365 * 24 * 60)) for _ in range(count)]


def answers(cal: BusinessHours, points: list[datetime]) -> list[object]:
    return [
        (cal.add(s, timedelta(hours=30)), cal.elapsed(s, s + timedelta(days=40)), cal.is_open(s))
        for s in points
    ]


def test_compiling_ahead_changes_no_answer():
    points = starts(300)
    ahead = make()
    ahead.compile(2017, 2031)
    assert answers(ahead, points) == answers(make(), points)


def test_compiling_outside_the_supported_years_is_refused():
    with pytest.raises(CalendarRangeError, match="year 9995"):
        make().compile(2020, 9995)


def test_threads_compiling_one_calendar_agree_with_a_single_thread():
    points = starts(400)
    expected = answers(make(), points)
    shared = make()  # nothing compiled yet: the threads race to extend it
    chunks = [points[k::4] for k in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda chunk: answers(shared, chunk), chunks))
    for k, result in enumerate(results):
        assert result == expected[k::4]
