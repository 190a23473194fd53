"""Hypothesis strategies and a minute-stepping oracle for the availability report.

A :class:`Grid` keeps everything on whole minutes counted from a UTC ``base``:
one period ``[lo, hi)``, outages ``(start, end)`` (``end`` None while still
going) and an optional ``as_of``. :func:`expected` recomputes a row by looking
at every minute of the period, knowing nothing of the implementation.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import strategies as st

from entitlements.reports._availability import Outage, Period
from oracle import DAY_MINUTES, MINUTE
from strategies import view_zones

#: Targets as the user writes them, with the exact fraction they mean.
TARGETS = (
    (99.9, Fraction(999, 10)),
    ("99.95 %", Fraction(9995, 100)),
    ("99%", Fraction(99)),
    (95, Fraction(95)),
    ("100", Fraction(100)),
    (50.5, Fraction(101, 2)),
)
#: The AWS-style table of the examples, and one with a zero-credit tier.
CREDIT_TABLES = (
    (),
    ((99.99, 10), (99.0, 30), (95.0, 100)),
    ((100, 5), ("97.5 %", "25"), (90, 50)),
)

Minutes = tuple[int, int | None]


@dataclasses.dataclass(frozen=True)
class Grid:
    """A period, outages and ``as_of`` in minutes from ``base`` (UTC, minute-aligned)."""

    base: datetime
    lo: int
    hi: int
    outages: tuple[Minutes, ...]
    as_of: int | None
    views: tuple[object, ...]  # zones to present each instant in (cycled)

    def at(self, minute: int, view: int = 0) -> datetime:
        zone = self.views[view % len(self.views)]
        return (self.base + minute * MINUTE).astimezone(zone)  # type: ignore[arg-type]

    def period(self, label: str = "p") -> Period:
        return Period(start=self.at(self.lo, 1), end=self.at(self.hi, 2), label=label)

    def outage_records(self) -> list[Outage]:
        return [
            Outage(
                start=self.at(s, i),
                end=None if e is None else self.at(e, i + 1),
                id=f"o{i}",
            )
            for i, (s, e) in enumerate(self.outages)
        ]

    def as_of_instant(self) -> datetime | None:
        return None if self.as_of is None else self.at(self.as_of, 3)


@st.composite
def grids(
    draw: st.DrawFn,
    *,
    base: datetime | None = None,
    max_days: int = 3,
    max_outages: int = 6,
    ongoing: bool = True,
) -> Grid:
    """A period of up to ``max_days`` and outages around it, some perhaps still going."""
    if base is None:
        base = datetime(2025, 1, 1, tzinfo=UTC) + draw(st.integers(0, 365 * DAY_MINUTES)) * MINUTE
    span = max_days * DAY_MINUTES
    lo = draw(st.integers(0, DAY_MINUTES))
    hi = lo + draw(st.integers(1, span))
    edge = st.integers(0, hi + DAY_MINUTES)
    as_of = draw(st.none() | edge) if ongoing else None
    outages: list[Minutes] = []
    for _ in range(draw(st.integers(0, max_outages))):
        start = draw(edge)
        length = draw(st.integers(0, 2 * DAY_MINUTES // draw(st.sampled_from((1, 4, 40)))))
        still_going = as_of is not None and start <= as_of and draw(st.integers(0, 4)) == 0
        outages.append((start, None if still_going else start + length))
    views = tuple(draw(st.lists(view_zones, min_size=4, max_size=4)))
    return Grid(base, lo, hi, tuple(outages), as_of, views)


def percent(value: object) -> Fraction:
    """``"97.5 %"`` -> 195/2, independently of the implementation's parser."""
    return Fraction(str(value).replace("%", "").strip())


def expected(
    grid: Grid,
    is_open: Callable[[datetime], bool] | None,
    target: Fraction,
    table: tuple[tuple[object, object], ...] = (),
) -> dict[str, object]:
    """The row, minute by minute: which minutes count, which of them are down."""

    def counts(minute: int) -> bool:
        return is_open is None or is_open(grid.base + minute * MINUTE)

    stop = grid.hi if grid.as_of is None else min(grid.hi, max(grid.lo, grid.as_of))
    spans = []
    for start, end in grid.outages:
        stops = [x for x in (end, grid.as_of) if x is not None]
        spans.append((start, min(stops)))
    service = sum(counts(m) for m in range(grid.lo, grid.hi))
    measured = sum(counts(m) for m in range(grid.lo, stop))
    down = sum(counts(m) and any(s <= m < e for s, e in spans) for m in range(grid.lo, stop))
    overlapping = sum(max(s, grid.lo) < min(e, stop) for s, e in spans)
    allowed_us = math.floor((100 - target) * service * 60_000_000 / 100)
    achieved = None if measured == 0 else Fraction(100 * (measured - down), measured)
    credit = Fraction(0)
    if achieved is not None:
        applicable = [(percent(b), percent(c)) for b, c in table if percent(b) > achieved]
        if applicable:
            credit = min(applicable)[1]
    return {
        "service_time": service * MINUTE,
        "measured": measured * MINUTE,
        "downtime": down * MINUTE,
        "outages": overlapping,
        "achieved": None if achieved is None else float(achieved),
        "met": None if achieved is None else achieved >= target,
        "allowed_downtime": timedelta(microseconds=allowed_us),
        "downtime_left": timedelta(microseconds=allowed_us - down * 60_000_000),
        "credit": float(credit),
    }
