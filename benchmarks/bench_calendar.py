#!/usr/bin/env python3
"""Speed of the business-hours calendar against businesstimedelta and pandas.

One run times, side by side and on the same calendar (Mon-Fri 09:00-17:00
America/New_York, US federal holidays), this library, businesstimedelta and
pandas ``CustomBusinessHour``, after checking on a sample of the same inputs
that the three give the same answers. It prints one markdown table (µs per
operation and the ratios peer / entitlements) with notes and the targets of
the issue below it. Progress and the cross-check go to stderr.

    python benchmarks/bench_calendar.py            # full run, a few minutes
    python benchmarks/bench_calendar.py --quick    # smoke run, under a minute

Method: every timed loop runs over the same seeded random starts (uniform
instants 2020-01-01..2027-01-01 local, microsecond resolution, aware
``ZoneInfo`` datetimes). The starts are cut in chunks; each chunk is timed
several rounds, the libraries interleaved round by round, and the fastest
round of each chunk counts (as ``timeit`` takes the minimum). The garbage
collector is off while timing. A peer that is slow on an operation is timed
on the first n starts only; the table says n.

Holidays: the library is given ``holidays="US"``, which it expands year by
year from ``holidays.country_holidays("US", years=...)``; the peers are given
exactly the dates that call returns for 2020-2030 (the computations never
leave those years), so all three close the same days.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import businesstimedelta
import holidays
import pandas as pd
import pytz

from _common import git_commit
from entitlements import BusinessHours

# The conversions exactly as the library does them at its edges.
from entitlements.calendar._instants import from_us, to_us

ZONE_NAME = "America/New_York"
ZONE = ZoneInfo(ZONE_NAME)
SEED = 20240917
HOLIDAY_YEARS = range(2020, 2031)  # dates handed to the peers
STARTS_FROM = datetime(2020, 1, 1, tzinfo=ZONE)
STARTS_TO = datetime(2027, 1, 1, tzinfo=ZONE)  # + 4000 h of open time ends before 2030
DURATIONS_H = (1, 8, 40, 400, 4000)
SPANS = (
    ("a day", timedelta(days=1)),
    ("a month", timedelta(days=30)),
    ("a year", timedelta(days=365)),
)
EXTRA_PER_YEAR = 100

ENT, BTD, PDS = "entitlements", "businesstimedelta", "pandas"
TIMES = "\N{MULTIPLICATION SIGN}"
DASH = "\N{EN DASH}"


@dataclass(frozen=True)
class Mode:
    starts: int
    rounds_ent: int  # timing rounds for entitlements (cheap)
    rounds_peer: int  # timing rounds for rows with a peer
    check: int  # random inputs in the cross-check (plus the edge cases)
    compile_reps: int
    caps: dict[str, int] = field(default_factory=dict)  # peer row -> max starts


FULL = Mode(
    starts=10_000,
    rounds_ent=9,
    rounds_peer=3,
    check=500,
    compile_reps=9,
    caps={
        "btd add 40": 2_000,
        "btd add 400": 300,
        "btd add 4000": 40,
        "btd elapsed a month": 1_000,
        "btd elapsed a year": 100,
        "btd add 8 extra": 2_000,
    },
)
QUICK = Mode(
    starts=200,
    rounds_ent=5,
    rounds_peer=2,
    check=60,
    compile_reps=3,
    caps={
        "btd add 40": 200,
        "btd add 400": 40,
        "btd add 4000": 8,
        "btd elapsed a month": 100,
        "btd elapsed a year": 15,
        "btd add 8 extra": 200,
    },
)


# -- calendars ----------------------------------------------------------------


def us_holidays() -> list[date]:
    """The dates the library's ``holidays="US"`` closes in 2020-2030."""
    return sorted(holidays.country_holidays("US", years=HOLIDAY_YEARS).keys())


def extra_closed_dates(rng: random.Random, taken: set[date]) -> list[date]:
    """About EXTRA_PER_YEAR further weekday closures a year, seeded."""
    extra: list[date] = []
    for year in HOLIDAY_YEARS:
        first = date(year, 1, 1)
        days = [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]
        weekdays = [d for d in days if d.weekday() < 5 and d not in taken]
        extra.extend(rng.sample(weekdays, EXTRA_PER_YEAR))
    return sorted(extra)


def ent_calendar(closures: object) -> BusinessHours:
    return BusinessHours.weekdays("09:00", "17:00", timezone=ZONE_NAME, holidays=closures)


def btd_rules(dates: Sequence[date]) -> businesstimedelta.Rules:
    """businesstimedelta: a workday rule and, when given dates, a holiday rule (a set)."""
    tz = pytz.timezone(ZONE_NAME)
    rules: list[Any] = [
        businesstimedelta.WorkDayRule(
            start_time=clock(9), end_time=clock(17), working_days=[0, 1, 2, 3, 4], tz=tz
        )
    ]
    if dates:
        rules.append(businesstimedelta.HolidayRule(frozenset(dates), tz=tz))
    return businesstimedelta.Rules(rules)


def pd_offset(hours: int, dates: Sequence[date]) -> pd.offsets.CustomBusinessHour:
    return pd.offsets.CustomBusinessHour(n=hours, start="09:00", end="17:00", holidays=list(dates))


# -- inputs -------------------------------------------------------------------


def random_starts(rng: random.Random, n: int) -> list[datetime]:
    lo, hi = to_us(STARTS_FROM), to_us(STARTS_TO)
    return [from_us(rng.randrange(lo, hi), ZONE) for _ in range(n)]


def edge_starts() -> list[datetime]:
    """Openings, closings, a µs either side, weekends, holidays and DST days."""
    days = [
        date(2021, 3, 10),
        date(2021, 3, 12),
        date(2021, 3, 13),
        date(2021, 3, 14),
        date(2021, 3, 15),
        date(2021, 7, 5),
        date(2021, 11, 7),
        date(2021, 11, 8),
        date(2021, 12, 24),
        date(2021, 12, 31),
        date(2024, 2, 29),
    ]
    times = [
        clock(0),
        clock(1, 30),
        clock(8, 59, 59, 999_999),
        clock(9),
        clock(12, 30),
        clock(16, 59, 59, 999_999),
        clock(17),
        clock(23, 30),
    ]
    return [datetime.combine(d, t, tzinfo=ZONE) for d in days for t in times]


def weekdays(years: range) -> list[date]:
    first, stop = date(years.start, 1, 1), date(years.stop, 1, 1)
    days = (first + timedelta(days=k) for k in range((stop - first).days))
    return [d for d in days if d.weekday() < 5]


_FIRST_COMPILE = """
import time
from entitlements import BusinessHours
cal = BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York", holidays="US")
t0 = time.perf_counter()
cal.compile(2020, 2029)
print((time.perf_counter() - t0) * 1e3)
"""


def first_compile_ms() -> float:
    """ms to compile ten years for the first calendar of a fresh interpreter."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _FIRST_COMPILE], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


# -- timing -------------------------------------------------------------------


Loop = Callable[[Sequence[Any]], None]


@dataclass
class Case:
    loop: Loop
    items: Sequence[Any]
    rounds: int


def measure(cases: dict[str, Case]) -> dict[str, float]:
    """µs per item of each case: per chunk the fastest round, summed; cases interleaved."""
    chunked = {}
    for name, case in cases.items():
        size = max(1, min(500, len(case.items) // 10))
        chunked[name] = [case.items[i : i + size] for i in range(0, len(case.items), size)]
    best = {name: [float("inf")] * len(chunks) for name, chunks in chunked.items()}
    for case in cases.values():  # warm up: caches, lazy compilation, branch predictors
        case.loop(case.items[:50])
    gc.collect()
    gc.disable()
    try:
        for r in range(max(case.rounds for case in cases.values())):
            for name, case in cases.items():
                if r >= case.rounds:
                    continue
                for k, chunk in enumerate(chunked[name]):
                    t0 = time.perf_counter()
                    case.loop(chunk)
                    elapsed = time.perf_counter() - t0
                    if elapsed < best[name][k]:
                        best[name][k] = elapsed
    finally:
        gc.enable()
    return {name: sum(best[name]) / len(case.items) * 1e6 for name, case in cases.items()}


def add_loop(add: Callable[[datetime, timedelta], datetime], duration: timedelta) -> Loop:
    def loop(items: Sequence[datetime]) -> None:
        for s in items:
            add(s, duration)

    return loop


def plus_loop(offset: object) -> Loop:
    """``start + offset``: businesstimedelta's BusinessTimeDelta, pandas' offsets."""

    def loop(items: Sequence[Any]) -> None:
        for s in items:
            s + offset

    return loop


def pair_loop(fn: Callable[[Any, Any], object]) -> Loop:
    def loop(items: Sequence[tuple[Any, Any]]) -> None:
        for a, b in items:
            fn(a, b)

    return loop


def one_loop(fn: Callable[[Any], object]) -> Loop:
    def loop(items: Sequence[Any]) -> None:
        for s in items:
            fn(s)

    return loop


def btd_is_open(rules: businesstimedelta.Rules) -> Callable[[datetime], bool]:
    """businesstimedelta has no is_open: open iff the current-or-next period starts now."""
    nxt = rules.next

    def is_open(at: datetime) -> bool:
        return bool(nxt(at)[0] == at)

    return is_open


# -- cross-check --------------------------------------------------------------


@dataclass
class Check:
    inputs: int = 0
    modulo: int = 0  # legitimate semantic differences, counted
    bad: list[str] = field(default_factory=list)

    def mismatch(self, text: str) -> None:
        self.bad.append(text)


def check_add(
    cal: BusinessHours,
    rules: businesstimedelta.Rules,
    dates: Sequence[date],
    hours: int,
    for_btd: list[datetime],
    for_pd: list[datetime],
) -> tuple[Check, Check]:
    """Compare ``add`` with both peers; pandas modulo its landing on the next opening."""
    d = timedelta(hours=hours)
    b = businesstimedelta.BusinessTimeDelta(rules, hours=hours)
    off = pd_offset(hours, dates)
    c_btd, c_pd = Check(), Check()
    for s in for_btd:
        ours, theirs = cal.add(s, d), s + b
        c_btd.inputs += 1
        if theirs != ours:
            c_btd.mismatch(
                f"add({s.isoformat()}, {hours} h): entitlements "
                f"{ours.isoformat()}, businesstimedelta {theirs.isoformat()}"
            )
    for s in for_pd:
        ours, theirs = cal.add(s, d), (pd.Timestamp(s) + off).to_pydatetime()
        c_pd.inputs += 1
        if theirs == ours:
            continue
        # pandas never returns a closing: a budget running out exactly at
        # 17:00 lands on the next opening instead. Compare modulo that.
        if not cal.is_open(ours) and cal.next_open(ours) == theirs:
            c_pd.modulo += 1
        else:
            c_pd.mismatch(
                f"add({s.isoformat()}, {hours} h): entitlements "
                f"{ours.isoformat()}, pandas {theirs.isoformat()}"
            )
    return c_btd, c_pd


def cross_check(
    cals: dict[str, tuple[BusinessHours, businesstimedelta.Rules, Sequence[date]]],
    starts: list[datetime],
    mode: Mode,
) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    edges = edge_starts()
    pd_sample = starts[: mode.check] + edges

    def sample(cap_key: str) -> list[datetime]:
        return starts[: min(mode.check, mode.caps.get(cap_key, mode.check))] + edges

    cal, rules, dates = cals["US"]
    for hours in DURATIONS_H:
        c_btd, c_pd = check_add(cal, rules, dates, hours, sample(f"btd add {hours}"), pd_sample)
        checks[f"add {hours} h / {BTD}"] = c_btd
        checks[f"add {hours} h / {PDS}"] = c_pd
    for name, (other, other_rules, other_dates) in cals.items():
        if name != "US":
            c_btd, c_pd = check_add(
                other, other_rules, other_dates, 8, sample("btd add 8 extra"), pd_sample
            )
            checks[f"add 8 h, {name} / {BTD}"] = c_btd
            checks[f"add 8 h, {name} / {PDS}"] = c_pd

    for label, span in SPANS:
        c = Check()
        for s in sample(f"btd elapsed {label}"):
            e = s + span
            ours = cal.elapsed(s, e)
            theirs = rules.difference(s, e).timedelta
            c.inputs += 1
            if theirs == ours:
                continue
            # businesstimedelta's difference() drops the microseconds of its result.
            if ours.microseconds and theirs == ours - timedelta(microseconds=ours.microseconds):
                c.modulo += 1
            else:
                c.mismatch(
                    f"elapsed({s.isoformat()}, {e.isoformat()}): entitlements {ours}, "
                    f"businesstimedelta {theirs}"
                )
        checks[f"elapsed {label} / {BTD}"] = c

    is_open_btd = btd_is_open(rules)
    on_offset = pd_offset(1, dates).is_on_offset
    c_btd, c_pd = Check(), Check()
    for s in pd_sample:
        ours = cal.is_open(s)
        c_btd.inputs += 1
        c_pd.inputs += 1
        if is_open_btd(s) != ours:
            c_btd.mismatch(
                f"is_open({s.isoformat()}): entitlements {ours}, businesstimedelta {not ours}"
            )
        on = on_offset(pd.Timestamp(s))
        if on != ours:
            # pandas counts the closing instant as on the offset: [09:00, 17:00].
            if on and cal.is_open(s - timedelta(microseconds=1)):
                c_pd.modulo += 1
            else:
                c_pd.mismatch(f"is_open({s.isoformat()}): entitlements {ours}, pandas {on}")
    checks[f"is_open / {BTD}"] = c_btd
    checks[f"is_open / {PDS}"] = c_pd
    return checks


# -- the run ------------------------------------------------------------------


def fmt_us(us: float | None) -> str:
    if us is None:
        return "—"
    if us < 10:
        return f"{us:.2f}"
    if us < 100:
        return f"{us:.1f}"
    return f"{us:,.0f}"


def fmt_ratio(peer: float | None, ours: float) -> str:
    if peer is None:
        return "—"
    ratio = peer / ours
    return f"{ratio:,.0f}{TIMES}" if ratio >= 100 else f"{ratio:.1f}{TIMES}"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (200 starts)")
    parser.add_argument("--starts", type=int, help="number of random starts")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    n = args.starts or mode.starts
    rng = random.Random(args.seed)
    t_run = time.perf_counter()

    us_dates = us_holidays()
    extra = extra_closed_dates(rng, set(us_dates))
    all_dates = sorted(set(us_dates) | set(extra))
    starts = random_starts(rng, n)
    stamps = [pd.Timestamp(s) for s in starts]  # pandas gets its own aware Timestamps

    cal = ent_calendar("US")
    cal.compile(2019, 2031)  # steady state; the one-time compile is timed below
    rules = btd_rules(us_dates)
    cal0 = ent_calendar(())
    cal0.compile(2019, 2031)
    calx = ent_calendar(["US", *extra])
    calx.compile(2019, 2031)
    rules0, rulesx = btd_rules(()), btd_rules(all_dates)

    log(
        f"holidays: {len(us_dates)} US dates 2020-2030 (library: holidays='US'), "
        f"{len(extra)} extra; {n} starts, seed {args.seed}"
    )
    # The weekdays the library's calendar keeps closed must be the US dates given to the peers.
    closed = {d for d in weekdays(HOLIDAY_YEARS) if not cal.day_hours(d)}
    expected = {d for d in us_dates if d.weekday() < 5}
    if closed != expected:
        log(f"WARNING: the library closes {sorted(closed ^ expected)} differently from the peers")

    # Cross-check before timing.
    log("cross-checking answers ...")
    checks = cross_check(
        {
            "US": (cal, rules, us_dates),
            "no holidays": (cal0, rules0, ()),
            f"US + {EXTRA_PER_YEAR}/yr": (calx, rulesx, all_dates),
        },
        starts,
        mode,
    )
    disagreements = 0
    for name, c in checks.items():
        status = "agree" if not c.bad else f"{len(c.bad)} DISAGREE"
        note = f" ({c.modulo} differ only by the peer's semantics)" if c.modulo else ""
        log(f"  {name}: {c.inputs} inputs, {status}{note}")
        for text in c.bad[:5]:
            log(f"    {text}")
        disagreements += len(c.bad)

    rows: list[tuple[str, float | str, float | None, float | None, int | None, int | None]] = []
    results: dict[str, float] = {}

    def cap(key: str) -> int:
        """How many starts a slow peer is timed on."""
        return min(n, mode.caps.get(key, n))

    def row(label: str, ours: Case, btd: Case | None = None, pds: Case | None = None) -> None:
        log(f"timing {label} ...")
        cases = {ENT: ours}
        if btd is not None:
            cases[BTD] = btd
        if pds is not None:
            cases[PDS] = pds
        got = measure(cases)
        results[label] = got[ENT]
        rows.append(
            (
                label,
                got[ENT],
                got.get(BTD),
                got.get(PDS),
                len(btd.items) if btd else None,
                len(pds.items) if pds else None,
            )
        )

    re_, rp = mode.rounds_ent, mode.rounds_peer

    # add at each duration
    for hours in DURATIONS_H:
        d = timedelta(hours=hours)
        k = cap(f"btd add {hours}")
        row(
            f"add {hours} h",
            Case(add_loop(cal.add, d), starts, re_),
            Case(
                plus_loop(businesstimedelta.BusinessTimeDelta(rules, hours=hours)), starts[:k], rp
            ),
            Case(plus_loop(pd_offset(hours, us_dates)), stamps, rp),
        )

    # elapsed
    for label, span in SPANS:
        pairs = [(s, s + span) for s in starts]
        k = cap(f"btd elapsed {label}")
        row(
            f"elapsed over {label}",
            Case(pair_loop(cal.elapsed), pairs, re_),
            Case(pair_loop(rules.difference), pairs[:k], rp),
        )

    # is_open
    row(
        "is_open",
        Case(one_loop(cal.is_open), starts, re_),
        Case(one_loop(btd_is_open(rules)), starts, rp),
        Case(one_loop(pd_offset(1, us_dates).is_on_offset), stamps, rp),
    )

    # cost vs number of holidays: the same 8 h add
    d8 = timedelta(hours=8)
    row(
        "add 8 h, no holidays",
        Case(add_loop(cal0.add, d8), starts, re_),
        Case(plus_loop(businesstimedelta.BusinessTimeDelta(rules0, hours=8)), starts, rp),
        Case(plus_loop(pd_offset(8, ())), stamps, rp),
    )
    us_row = next(r for r in rows if r[0] == "add 8 h")
    rows.append(("add 8 h, US holidays (11/yr + observed; = add 8 h)", *us_row[1:]))
    k = cap("btd add 8 extra")
    row(
        f"add 8 h, US + {EXTRA_PER_YEAR}/yr extra dates",
        Case(add_loop(calx.add, d8), starts, re_),
        Case(plus_loop(businesstimedelta.BusinessTimeDelta(rulesx, hours=8)), starts[:k], rp),
        Case(plus_loop(pd_offset(8, all_dates)), stamps, rp),
    )

    # conversions in and out, and the integer core
    us_starts = [to_us(s) for s in starts]
    d8_us = d8 // timedelta(microseconds=1)

    add_us, elapsed_us = cal._add_us, cal._elapsed_us  # the integer core

    def to_and_from(items: Sequence[datetime]) -> None:
        for s in items:
            from_us(to_us(s), ZONE)

    def from_loop(items: Sequence[int]) -> None:
        for u in items:
            from_us(u, ZONE)

    def add_us_loop(items: Sequence[int]) -> None:
        for u in items:
            add_us(u, d8_us)

    row("conversion in: to_us(aware datetime)", Case(one_loop(to_us), starts, re_))
    row("conversion out: from_us(int µs, zone)", Case(from_loop, us_starts, re_))
    row("conversions in + out", Case(to_and_from, starts, re_))
    row("add 8 h on ints (_add_us, no conversions)", Case(add_us_loop, us_starts, re_))
    row(
        "elapsed a day on ints (_elapsed_us)",
        Case(pair_loop(elapsed_us), [(to_us(a), to_us(a + SPANS[0][1])) for a in starts], re_),
    )
    row("is_open on ints (_is_open_us)", Case(one_loop(cal._is_open_us), us_starts, re_))

    # one-time compile of ten years: a fresh calendar in this process (zone
    # data already scanned by earlier calendars), and the first calendar of a
    # new process (nothing scanned yet; imports and construction not timed)
    compile_ms: dict[str, float] = {}
    for label, closures in (
        ("no holidays", ()),
        ("US", "US"),
        (f"US + {EXTRA_PER_YEAR}/yr", ["US", *extra]),
    ):
        log(f"timing compile ({label}) ...")
        best = float("inf")
        for _ in range(mode.compile_reps):
            fresh = ent_calendar(closures)
            gc.collect()
            t0 = time.perf_counter()
            fresh.compile(2020, 2029)
            best = min(best, time.perf_counter() - t0)
        compile_ms[label] = best * 1e3
        rows.append(
            (
                f"compile 2020{DASH}2029, fresh calendar, {label}",
                f"{best * 1e3:.1f} ms",
                None,
                None,
                None,
                None,
            )
        )
    log("timing compile (first calendar of a new process) ...")
    first = min(first_compile_ms() for _ in range(mode.compile_reps))
    compile_ms["first in process"] = first
    rows.append(
        (
            f"compile 2020{DASH}2029, first calendar of a new process, US",
            f"{first:.1f} ms",
            None,
            None,
            None,
            None,
        )
    )

    # -- output ---------------------------------------------------------------
    out = [
        "| operation | entitlements µs/op | businesstimedelta µs/op | ratio "
        "| pandas µs/op | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, ours, btd, pds, k_btd, k_pd in rows:
        if isinstance(ours, str):
            out.append(f"| {label} | {ours} | — | — | — | — |")
            continue
        btd_cell = fmt_us(btd) + (f" (n={k_btd:,})" if k_btd is not None and k_btd < n else "")
        pd_cell = fmt_us(pds) + (f" (n={k_pd:,})" if k_pd is not None and k_pd < n else "")
        out.append(
            f"| {label} | {fmt_us(ours)} | {btd_cell} | {fmt_ratio(btd, ours)} "
            f"| {pd_cell} | {fmt_ratio(pds, ours)} |"
        )
    print("\n".join(out))

    def peer(label: str, col: int) -> float:
        value = next(r for r in rows if r[0] == label)[col]
        assert isinstance(value, float)
        return value

    add = {h: results[f"add {h} h"] for h in DURATIONS_H}
    conv = results["conversions in + out"]
    print()
    print(
        f"n = {n:,} seeded starts (seed {args.seed}) unless a cell says otherwise; "
        "µs per operation, fastest of several rounds per chunk of starts; "
        "ratio = peer / entitlements."
    )
    print(
        "entitlements and businesstimedelta take the same aware ZoneInfo datetimes and return "
        "aware datetimes; pandas takes tz-aware Timestamps built beforehand (not timed) and "
        "returns Timestamps. businesstimedelta has no is_open: timed as "
        "`rules.next(at)[0] == at`; pandas is_open is `CustomBusinessHour.is_on_offset`; "
        "pandas has no elapsed. 'on ints' rows are the library's internals without conversions."
    )
    t_in = results["conversion in: to_us(aware datetime)"]
    print(
        f"Conversions in + out are {conv:.2f} µs: {conv / add[8]:.0%} of add 8 h, "
        f"{t_in * 2 / results['elapsed over a day']:.0%} of elapsed (two conversions in) and "
        f"{t_in / results['is_open']:.0%} of is_open."
    )
    t_out = results["conversion out: from_us(int µs, zone)"]
    core = results["add 8 h on ints (_add_us, no conversions)"]
    print(
        f"add 8 h = to_us {t_in:.2f} + _add_us {core:.2f} + from_us {t_out:.2f} + the rest "
        f"(call of add, duration to µs) {add[8] - t_in - core - t_out:.2f} µs."
    )
    print()
    print("Targets:")

    def target(text: str, ok: bool, detail: str) -> None:
        print(f"- {text}: {'met' if ok else 'MISSED'} ({detail})")

    r1 = peer("add 1 h", 2) / add[1]
    target("add ≥ 25x faster than businesstimedelta at 1 h", r1 >= 25, f"{r1:.1f}x")
    for h in (40, 400, 4000):
        r = peer(f"add {h} h", 2) / add[h]
        target(f"add ≥ 100x faster than businesstimedelta at {h} h", r >= 100, f"{r:,.0f}x")
    for h in DURATIONS_H:
        r = peer(f"add {h} h", 3) / add[h]
        target(f"add ≥ 30x faster than pandas at {h} h", r >= 30, f"{r:.1f}x")
    re1 = peer("elapsed over a day", 2) / results["elapsed over a day"]
    target("elapsed over a day ≥ 25x faster than businesstimedelta", re1 >= 25, f"{re1:.1f}x")
    flat = max(add.values()) / min(add.values())
    target("add flat from 1 h to 4000 h (slowest / fastest ≤ 1.25)", flat <= 1.25, f"{flat:.2f}")
    hol = [
        results["add 8 h, no holidays"],
        add[8],
        results[f"add 8 h, US + {EXTRA_PER_YEAR}/yr extra dates"],
    ]
    ratio_h = max(hol) / min(hol)
    target(
        "add flat in the number of holidays (slowest / fastest ≤ 1.25)",
        ratio_h <= 1.25,
        f"{ratio_h:.2f}",
    )
    worst = max(compile_ms["US"], compile_ms["first in process"])
    target(
        "compile of ten years < 20 ms",
        worst < 20,
        f"{compile_ms['US']:.1f} ms fresh calendar, {compile_ms['first in process']:.1f} ms "
        "first in a new process, US holidays",
    )
    print()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    version = importlib.metadata.version
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}; Python "
        f"{platform.python_version()}; entitlements {version('entitlements')} {git_commit()}, "
        f"businesstimedelta {version('businesstimedelta')}, "
        f"pandas {pd.__version__}, holidays {version('holidays')}; "
        f"load average at the end {load:.2f}; run took {time.perf_counter() - t_run:.0f} s."
    )
    print(
        f"Cross-check: {disagreements} disagreement(s) "
        f"(details on stderr); {'OK' if not disagreements else 'SEE STDERR'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
