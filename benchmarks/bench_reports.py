#!/usr/bin/env python3
"""Reports over a million cases: time and memory of ``compliance``, against what a user would write.

The issue: "Reports over 1,000,000 cases must run in bounded memory ...;
benchmark compliance over 1 M cases (target: under a minute on one core)."
This script builds the alarm company's 2,500-site book
(``examples/generate_alarm_sites.py``) and a seeded **generator** of a year of
cases on it (2025), yielded in opening order so that nothing holds them: most
on a site whose contract is in force, some on a site whose contract has not
started, some on a site covered only by the free Basic tier (two cases a
year, then ``allowance_used_up``) or by nothing, chat on Standard (not
covered); histories with milestone completions (on time and late), "waiting
on customer" pauses, priority changes and closures (some before the
milestone was met: cancelled).

It measures, each in a fresh interpreter so that its memory figure is its own:

- the generator alone (the cost of producing the cases);
- ``compliance(book, stream, as_of, period="month")`` over the stream, and the
  report's own share (total minus the generator alone);
- ``usage()``, ``non_entitled()`` and ``iter_audit()`` (counted, not kept) over
  the same stream;
- for each, the growth of the peak resident set (``ru_maxrss``) during the
  call, at 100,000 and 1,000,000 cases: memory that does not grow with the
  number of cases.

And side by side, on a subsample of the cases without a pause, the same
monthly compliance figures (met, met late, violated, open, cancelled; the sum
and minimum of the business time to target) computed as a user would without
the library: a plain loop with businesstimedelta (24x7 targets by
``timedelta``), and pandas (``CustomBusinessDay`` / numpy business-day
arithmetic, vectorized, then ``groupby``). Their result is compared with
``compliance`` on the same cases, row by row.

    python benchmarks/bench_reports.py            # full run: 100,000 and 1,000,000 cases
    python benchmarks/bench_reports.py --quick    # smoke run: 2,000 and 20,000 cases
    python benchmarks/bench_reports.py --profile  # cProfile of compliance over 50,000 cases
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import gc
import importlib.metadata
import io
import json
import os
import platform
import pstats
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _common import fmt_ratio, fmt_s, fmt_us, git_commit, log, weekday_rules
from _common import us_holidays as common_us_holidays
from entitlements import Case, CaseEvent, CaseEventKind, CoverageBook, resolve_all
from entitlements.reports import compliance, iter_audit, iter_non_entitled, usage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
from generate_alarm_sites import generate_book  # noqa: E402

SEED = 20250101
ZONE_NAME = "America/New_York"
NY = ZoneInfo(ZONE_NAME)
FIRST = datetime(2025, 1, 1, tzinfo=NY)  # cases open from here ...
LAST = datetime(2025, 12, 31, 12, tzinfo=NY)  # ... to here
AS_OF = datetime(2026, 1, 2, 12, tzinfo=NY)  # the report's instant
HOLIDAY_YEARS = range(2024, 2028)
WAITING, WORKING = "waiting on customer", "in progress"
CHANNELS = (("phone", 55), ("email", 20), ("web", 20), ("chat", 5))  # Standard has no chat
STANDARD_CHANNELS = frozenset({"phone", "email", "web"})
BASIC_CHANNELS = frozenset({"email", "web"})
TIMES = "\N{MULTIPLICATION SIGN}"
US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SUBSAMPLE = 20_000  # cases without a pause, for the baselines

#: the SLA table a user would write from the contracts (checked against the book):
#: process -> (milestone, target: a duration on 24x7 or a number of business days)
PLANS: dict[str, tuple[tuple[str, timedelta | int], ...]] = {
    "platinum": (
        ("First Response", timedelta(minutes=15)),
        ("On-site Arrival", timedelta(hours=2)),
    ),
    "standard": (("On-site Arrival", 1),),
    "basic": (("First Response", 3),),
}
PLAN_TEXT = {"platinum": ["15m", "2h"], "standard": ["NBD"], "basic": ["3BD"]}


@dataclass(frozen=True)
class Mode:
    sizes: tuple[int, ...]  # numbers of cases, each in a fresh interpreter
    extras: int  # the largest size usage / non_entitled / iter_audit run at


FULL = Mode(sizes=(100_000, 1_000_000), extras=100_000)
QUICK = Mode(sizes=(2_000, 20_000), extras=20_000)


# -- the cases -------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    account: str
    asset: str
    tier: str | None  # "platinum", "standard", or None (no line item)
    start: date | None  # the contract's term, for a site with a line item
    end: date | None
    active: bool  # the contract is not suspended
    basic: bool  # the account has the free Basic tier


def sites_of(book: CoverageBook) -> list[Site]:
    """Every site of the book, with what covers it."""
    tier_of: dict[str, tuple[str, Any]] = {}
    basic = set()
    for entitlement in book.entitlements:
        if entitlement.line_item is None:
            basic.add(entitlement.account)
            continue
        item = book.line_item(entitlement.line_item)
        assert item.asset is not None
        assert entitlement.process is not None
        tier_of[item.asset] = (entitlement.process, book.contract(item.contract))
    sites = []
    for asset in book.assets:
        tier, contract = tier_of.get(asset.id, (None, None))
        sites.append(
            Site(
                account=asset.account,
                asset=asset.id,
                tier=tier,
                start=None if contract is None else contract.start,
                end=None if contract is None else contract.end,
                active=contract is None or contract.status.value == "active",
                basic=asset.account in basic,
            )
        )
    return sites


def expected_process(site: Site, channel: str, day: date) -> str | None:
    """The process the case will follow, by the book's rules (to write a fitting history)."""
    if site.tier is not None and site.active:
        assert site.start is not None
        assert site.end is not None
        if site.start <= day <= site.end and (site.tier == "platinum" or channel != "chat"):
            return site.tier
    if site.basic and channel in BASIC_CHANNELS and day.year == 2025:
        return "basic"  # unless its two cases of the year are used up: then not covered
    return None


def secs(rng: random.Random, lo: timedelta, hi: timedelta) -> timedelta:
    return timedelta(seconds=rng.randrange(int(lo.total_seconds()), int(hi.total_seconds())))


def history(rng: random.Random, opened: datetime, process: str | None) -> list[CaseEvent]:
    """A seeded history: completions (on time or late), a pause, a priority change, closure."""
    opened = opened.astimezone(UTC)  # arithmetic and order in UTC (wall-clock in New York is not)
    events: list[tuple[datetime, CaseEventKind, str]] = []
    done: list[datetime] = []
    if process == "platinum":
        if rng.random() < 0.9:  # first response, about one in five late (15 min)
            done.append(opened + timedelta(seconds=int(rng.expovariate(1 / 600)) + 30))
            events.append((done[-1], CaseEventKind.COMPLETED, "First Response"))
        if rng.random() < 0.85:  # on site, about one in five late (2 h)
            done.append(opened + timedelta(seconds=int(rng.expovariate(1 / 4800)) + 600))
            events.append((done[-1], CaseEventKind.COMPLETED, "On-site Arrival"))
    elif process == "standard":
        if rng.random() < 0.85:  # on site by the next business day, or not
            done.append(opened + secs(rng, timedelta(minutes=30), timedelta(hours=60)))
            events.append((done[-1], CaseEventKind.COMPLETED, "On-site Arrival"))
    elif process == "basic" and rng.random() < 0.9:
        done.append(opened + secs(rng, timedelta(minutes=5), timedelta(days=6)))
        events.append((done[-1], CaseEventKind.COMPLETED, "First Response"))
    if process is not None and rng.random() < 0.15:
        paused = opened + secs(rng, timedelta(minutes=2), timedelta(hours=4))
        events.append((paused, CaseEventKind.STATUS, WAITING))
        if rng.random() < 0.95:
            resumed = paused + secs(rng, timedelta(minutes=5), timedelta(hours=12))
            events.append((resumed, CaseEventKind.STATUS, WORKING))
    if process is not None and rng.random() < 0.1:
        at = opened + secs(rng, timedelta(minutes=1), timedelta(hours=24))
        events.append((at, CaseEventKind.PRIORITY, rng.choice(("P1", "P2", "P3"))))
    events.sort(key=lambda e: e[0])
    closes = rng.random()
    if closes < 0.05:  # closed early: what is not done by then is cancelled (or stays violated)
        closed = opened + secs(rng, timedelta(minutes=1), timedelta(hours=3))
        events = [e for e in events if e[0] < closed]
    elif closes < 0.9:
        last = max((e[0] for e in events), default=opened)
        closed = last + secs(rng, timedelta(minutes=1), timedelta(hours=8))
    else:
        closed = None  # still open
    if closed is not None:
        events.append((closed, CaseEventKind.CLOSED, ""))
    return [
        CaseEvent(at=at.astimezone(NY), kind=kind, value=value)
        for at, kind, value in events
        if at <= AS_OF
    ]


def generate(book: CoverageBook, n: int, seed: int) -> Iterator[Case]:
    """``n`` seeded cases opened over 2025, yielded in opening order (ties by id)."""
    rng = random.Random(seed)
    sites = sites_of(book)
    tiered = sorted((s for s in sites if s.tier is not None), key=lambda s: s.start or date.min)
    starts = [s.start for s in tiered]
    bare = [s for s in sites if s.tier is None]
    channels, weights = zip(*CHANNELS, strict=True)
    first_s, span = int(FIRST.timestamp()), int((LAST - FIRST).total_seconds())
    for i in range(n):
        # in order: the i-th case opens in the i-th n-th of the year, at a random second
        opened = datetime.fromtimestamp(first_s + (i * span + rng.randrange(span)) // n, NY)
        day = opened.date()
        pick = rng.random()
        if pick < 0.03:
            site = rng.choice(bare)  # no contract: the Basic tier, or nothing
        elif pick < 0.08:
            site = rng.choice(tiered)  # any site: its contract may not have started
        else:  # a site whose contract has started
            site = tiered[rng.randrange(bisect.bisect_right(starts, day))]
        channel = rng.choices(channels, weights)[0]
        process = expected_process(site, channel, day)
        yield Case(
            id=f"C{i:07d}",
            account=site.account,
            asset=site.asset,
            channel=channel,
            priority=rng.choice(("P1", "P2", "P3")),
            opened_at=opened,
            history=history(rng, opened, process),
        )


def paused(case: Case) -> bool:
    return any(e.kind is CaseEventKind.STATUS for e in case.history)


def check_plans(book: CoverageBook) -> None:
    """The hand-written SLA table is the book's (no variants, no recurrence)."""
    for process_id, plan in PLANS.items():
        process = book.process(process_id)
        ours = [(m.name, str(m.target)) for m in process.milestones]
        theirs = [(name, text) for (name, _), text in zip(plan, PLAN_TEXT[process_id], strict=True)]
        assert ours == theirs, (process_id, ours, theirs)
        assert all(not m.priorities for m in process.milestones)
        assert all(m.recurrence.value == "none" for m in process.milestones)


def us_holidays() -> list[date]:
    return common_us_holidays(HOLIDAY_YEARS)


# -- what a user would otherwise write -------------------------------------------

#: (account, "YYYY-MM") -> [met, met late, violated, open, cancelled, margin sum µs, worst µs]
Tally = dict[tuple[str, str], list[Any]]
STATES = ("met", "met late", "violated", "open", "cancelled")


def outcome(case: Case) -> tuple[dict[str, datetime], datetime | None]:
    """Each milestone's first completion, and the closure (in UTC: comparing two New York
    datetimes compares their wall clocks, wrong around a DST change)."""
    done: dict[str, datetime] = {}
    closed = None
    for event in case.history:
        if event.kind is CaseEventKind.COMPLETED:
            done.setdefault(event.value, event.at.astimezone(UTC))
        elif event.kind is CaseEventKind.CLOSED:
            closed = event.at.astimezone(UTC)
    return done, closed


def add_to(tally: Tally, key: tuple[str, str], state: int, margin_us: int | None) -> None:
    row = tally.get(key)
    if row is None:
        row = tally[key] = [0, 0, 0, 0, 0, 0, None]
    row[state] += 1
    if margin_us is not None:
        row[5] += margin_us
        row[6] = margin_us if row[6] is None else min(row[6], margin_us)


class BtdCompliance:
    """businesstimedelta: Mon-Fri 08:00-17:00 New York rules with the US holiday dates."""

    def __init__(self, dates: Sequence[date]) -> None:
        self.rules = weekday_rules(dates, ZONE_NAME)
        self.closed = frozenset(dates)

    def business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def due(self, start: datetime, days: int) -> datetime:
        """The close of the ``days``-th business day after the one the case was received on."""
        day = start.astimezone(NY).date()
        while not self.business_day(day):
            day += timedelta(days=1)
        for _ in range(days):
            day += timedelta(days=1)
            while not self.business_day(day):
                day += timedelta(days=1)
        return datetime.combine(day, clock(17), NY).astimezone(UTC)

    def margin(self, end: datetime, due: datetime) -> int:
        """Business time from ``end`` to ``due`` in µs, negative when ``end`` is later."""
        elapsed = self.rules.difference(end, due).timedelta // US
        return elapsed if end <= due else -elapsed

    def run(self, items: Sequence[tuple[Case, str]], as_of: datetime) -> Tally:
        as_of = as_of.astimezone(UTC)
        tally: Tally = {}
        for case, process in items:
            done, closed = outcome(case)
            opened = case.opened_at.astimezone(UTC)
            key = (case.account, f"{case.opened_at.astimezone(NY):%Y-%m}")
            for name, target in PLANS[process]:
                always = isinstance(target, timedelta)
                due = opened + target if isinstance(target, timedelta) else self.due(opened, target)
                completed = done.get(name)
                if completed is not None:
                    state, end = (0 if completed <= due else 1), completed
                elif closed is not None:
                    state, end = (4 if closed <= due else 2), closed
                else:
                    state, end = (2 if due <= as_of else 3), as_of
                margin = None
                if state < 3:
                    margin = (due - end) // US if always else self.margin(end, due)
                add_to(tally, key, state, margin)
        return tally


class PandasCompliance:
    """pandas: one row per milestone, deadlines and margins vectorized, then ``groupby``."""

    def __init__(self, dates: Sequence[date], *, offsets: bool = False) -> None:
        import numpy as np
        import pandas as pd

        self.np, self.pd = np, pd
        self.offsets = offsets
        self.bday = pd.offsets.CustomBusinessDay(holidays=list(dates))
        self.days = {n: pd.offsets.CustomBusinessDay(n=n, holidays=list(dates)) for n in (1, 3)}
        self.holidays = np.array(list(dates), dtype="datetime64[D]")
        self.calendar = np.busdaycalendar(weekmask="1111100", holidays=self.holidays)

    def frame(self, items: Sequence[tuple[Case, str]]) -> Any:
        """One row per case and milestone: account, opened, target, completed, closed."""
        rows = []
        for case, process in items:
            done, closed = outcome(case)
            for name, target in PLANS[process]:
                rows.append((case.account, case.opened_at, target, done.get(name), closed))
        pd = self.pd
        frame = pd.DataFrame(rows, columns=["account", "opened", "target", "completed", "closed"])
        for column in ("opened", "completed", "closed"):
            frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(ZONE_NAME)
        return frame

    def elapsed(self, a: Any, b: Any) -> Any:
        """Business time (08:00-17:00, business days) from ``a`` to ``b`` (local, ``a <= b``)."""
        np = self.np
        nine, eight = np.timedelta64(9, "h"), np.timedelta64(8, "h")
        da, db = a.astype("datetime64[D]"), b.astype("datetime64[D]")

        def before(t: Any, d: Any) -> Any:  # open time of its day before t
            part = np.clip(t - d.astype(t.dtype), eight, eight + nine) - eight
            return np.where(np.is_busday(d, busdaycal=self.calendar), part, np.timedelta64(0))

        days = np.busday_count(da, db, busdaycal=self.calendar)
        return days * nine - before(a, da) + before(b, db)

    def run(self, items: Sequence[tuple[Case, str]], as_of: datetime) -> Tally:
        np, pd = self.np, self.pd
        frame = self.frame(items)
        local = frame["opened"].dt.tz_localize(None).to_numpy()
        always = frame["target"].map(lambda t: isinstance(t, timedelta)).to_numpy()
        days = frame["target"].map(lambda t: 0 if isinstance(t, timedelta) else t).to_numpy()
        span = frame["target"].map(lambda t: t if isinstance(t, timedelta) else timedelta(0))
        if self.offsets:  # pandas offsets, applied row by row
            day = pd.Series(local).dt.normalize()
            received = day.map(self.bday.rollforward)
            due_day = [r + self.days[n] if n else r for r, n in zip(received, days, strict=True)]
            due_local = pd.Series(due_day).to_numpy() + np.timedelta64(17, "h")
        else:  # numpy business-day arithmetic, vectorized
            received = np.busday_offset(
                local.astype("datetime64[D]"), 0, roll="forward", busdaycal=self.calendar
            )
            due_day = np.busday_offset(received, days.astype(int), busdaycal=self.calendar)
            due_local = due_day.astype("datetime64[us]") + np.timedelta64(17, "h")
        by_day = pd.Series(due_local).dt.tz_localize(ZONE_NAME)
        due = frame["opened"] + pd.to_timedelta(span)
        due = due.where(always, by_day.dt.tz_convert(ZONE_NAME))
        completed, closed = frame["completed"], frame["closed"]
        as_of_ts = pd.Timestamp(as_of).tz_convert(ZONE_NAME)
        has_done, has_closed = completed.notna(), closed.notna()
        state = np.select(
            [
                has_done & (completed <= due),
                has_done,
                has_closed & (closed <= due),
                has_closed,
                due <= as_of_ts,
            ],
            [0, 1, 4, 2, 2],
            3,
        )
        end = completed.where(has_done, closed.where(has_closed, as_of_ts))
        end_l = end.dt.tz_localize(None).to_numpy()
        due_l = due.dt.tz_localize(None).to_numpy()
        early = end_l <= due_l
        lo, hi = np.where(early, end_l, due_l), np.where(early, due_l, end_l)
        business = self.elapsed(lo, hi)
        wall = (due - end).to_numpy()
        margin = np.where(always, wall, np.where(early, business, -business))
        frame["state"] = state
        margin_us = margin.astype("timedelta64[us]").astype("int64")
        frame["margin"] = np.where(state < 3, margin_us, 0)
        frame["month"] = frame["opened"].dt.strftime("%Y-%m")
        frame["decided_margin"] = frame["margin"].where(state < 3)
        counts = pd.crosstab([frame["account"], frame["month"]], frame["state"])
        sums = frame.groupby(["account", "month"]).agg(
            margin=("decided_margin", "sum"), worst=("decided_margin", "min")
        )
        tally: Tally = {}
        for key, row in counts.iterrows():
            agg = sums.loc[key]
            worst = None if pd.isna(agg["worst"]) else int(agg["worst"])
            tally[key] = [int(row.get(s, 0)) for s in range(5)] + [int(agg["margin"]), worst]
        return tally


def ours_tally(report: Any) -> Tally:
    tally: Tally = {}
    for row in report.rows:
        decided = row.met + row.met_late + row.violated
        margin = None if row.mean_to_target is None else row.mean_to_target // US
        worst = None if row.worst_to_target is None else row.worst_to_target // US
        tally[(row.account, row.period)] = [
            row.met,
            row.met_late,
            row.violated,
            row.open,
            row.cancelled,
            (decided, margin),
            worst,
        ]
    return tally


def agree(ours: Tally, theirs: Tally) -> list[str]:
    """Differences between our rows and a baseline's (the mean rounded as the library does)."""
    bad = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        if a is None or b is None:
            bad.append(f"{key}: only in {'the baseline' if a is None else 'compliance'}")
            continue
        decided = b[0] + b[1] + b[2]
        mean = round(Fraction(b[5], decided)) if decided else None
        theirs_row = [*b[:5], (decided, mean), b[6]]
        if a != theirs_row:
            bad.append(f"{key}: compliance {a}, baseline {theirs_row}")
    return bad


# -- one measurement in a fresh interpreter -------------------------------------------


def max_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def child(what: str, n: int, seed: int) -> dict[str, Any]:
    """Time ``what`` over ``n`` generated cases; the growth of the peak RSS during it."""
    book = generate_book(2500, 2025)
    for calendar_id in ("platinum-24x7", "standard-us"):  # one-time compile, not timed
        book.calendar(calendar_id).add(FIRST - timedelta(days=10), timedelta(days=400))
    # warm up (imports, caches) on a few cases, not timed
    list(compliance(book, generate(book, 200, seed + 1), AS_OF).rows)
    gc.collect()
    before = max_rss_kib()
    stream = generate(book, n, seed)
    t0, c0 = time.perf_counter(), time.process_time()
    count = 0
    if what == "generate":
        for _ in stream:
            count += 1
    elif what == "compliance":
        count = len(compliance(book, stream, AS_OF, period="month").rows)
    elif what == "usage":
        count = len(usage(book, stream, AS_OF).rows)
    elif what == "non_entitled":
        count = sum(1 for _ in iter_non_entitled(book, stream, AS_OF))
    elif what == "iter_audit":
        count = sum(1 for _ in iter_audit(book, stream, AS_OF))
    else:
        raise ValueError(what)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "what": what,
        "n": n,
        "seconds": seconds,
        "cpu": cpu,
        "count": count,
        "rss_before_kib": before,
        "rss_growth_kib": max_rss_kib() - before,
    }


def run_child(what: str, n: int, seed: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", what, str(n), "--seed", str(seed)]
    log(f"  {what} over {n:,} cases ...")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child {what} {n} failed")
    result: dict[str, Any] = json.loads(done.stdout)
    log(
        f"    {result['seconds']:.2f} s, {result['count']:,} rows, "
        f"peak RSS +{result['rss_growth_kib'] / 1024:.1f} MiB"
    )
    return result


# -- output helpers ----------------------------------------------------------------


def fmt_mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


def profile(n: int, seed: int) -> None:
    book = generate_book(2500, 2025)
    cases = list(generate(book, n, seed))
    list(compliance(book, cases[:200], AS_OF).rows)
    profiler = cProfile.Profile()
    profiler.enable()
    compliance(book, iter(cases), AS_OF)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats("entitlements", 25)
    print(out.getvalue())


def timed_best(job: Any, runs: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        result = job()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (2,000 and 20,000 cases)")
    parser.add_argument("--sizes", type=int, nargs="+", help="numbers of cases")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--profile", type=int, nargs="?", const=50_000, help="cProfile, n cases")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # what, n: JSON out
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.seed)))
        return 0
    if args.profile:
        profile(args.profile, args.seed)
        return 0
    mode = QUICK if args.quick else FULL
    sizes = tuple(args.sizes) if args.sizes else mode.sizes
    extras = mode.extras if not args.sizes else max(sizes)
    t_run = time.perf_counter()

    # -- the reports over the stream, each in a fresh interpreter --------------
    log("reports over the stream (fresh interpreter each) ...")
    results: dict[tuple[str, int], dict[str, Any]] = {}
    for n in sizes:
        for what in ("generate", "compliance", "usage", "non_entitled", "iter_audit"):
            if what in ("usage", "non_entitled", "iter_audit") and n > extras:
                continue
            results[what, n] = run_child(what, n, args.seed)

    # -- the baselines, on a subsample of the largest stream --------------------
    n = max(sizes)
    book = generate_book(2500, 2025)
    check_plans(book)
    step = max(1, n // (SUBSAMPLE * 5 // 4))
    log(f"subsample: every {step}th of {n:,} cases, without a pause, up to {SUBSAMPLE:,} ...")
    sample = [c for i, c in enumerate(generate(book, n, args.seed)) if i % step == 0]
    sample = [c for c in sample if not paused(c)][:SUBSAMPLE]
    decisions = resolve_all(sample, book, as_of=AS_OF)  # the rule compliance() follows
    items = [
        (c, d.entitlement.process)
        for c, d in zip(sample, decisions, strict=True)
        if d.entitlement is not None and d.entitlement.process is not None
    ]
    dates = us_holidays()
    btd, pdc = BtdCompliance(dates), PandasCompliance(dates)
    pdo = PandasCompliance(dates, offsets=True)
    m = len(sample)
    for calendar_id in ("platinum-24x7", "standard-us"):
        book.calendar(calendar_id).add(FIRST - timedelta(days=10), timedelta(days=400))
    t_ours, report = timed_best(lambda: compliance(book, sample, AS_OF, period="month"), 3)
    t_btd, btd_tally = timed_best(lambda: btd.run(items, AS_OF), 1)
    t_pd, pd_tally = timed_best(lambda: pdc.run(items, AS_OF), 3)
    t_pdo, pdo_tally = timed_best(lambda: pdo.run(items, AS_OF), 1)
    t_frame, _ = timed_best(lambda: pdc.frame(items), 3)
    ours = ours_tally(report)
    bad_btd, bad_pd = agree(ours, btd_tally), agree(ours, pd_tally)
    bad_pdo = agree(ours, pdo_tally)
    for label, bad in (
        ("businesstimedelta", bad_btd),
        ("pandas vectorized", bad_pd),
        ("pandas offsets", bad_pdo),
    ):
        log(f"  {label}: {len(ours):,} rows compared, {len(bad)} differ")
        for text in bad[:10]:
            log(f"    {text}")
    instances = sum(r.met + r.met_late + r.violated + r.open + r.cancelled for r in report.rows)

    # -- output ----------------------------------------------------------------
    out = [
        f"Reports over a stream of generated cases (a generator in opening order; "
        f"as of {AS_OF:%Y-%m-%d %H:%M} New York), each in a fresh interpreter:",
        "",
        "| report | cases | total s | generating s | report s | report CPU s "
        "| µs per case (report) | rows | peak RSS growth MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "compliance": '`compliance(book, stream, as_of, period="month")`',
        "usage": "`usage(book, stream, as_of)`",
        "non_entitled": "`iter_non_entitled(book, stream, as_of)`, counted",
        "iter_audit": "`iter_audit(book, stream, as_of)`, counted",
    }
    for what, label in [("generate", "the generator alone"), *labels.items()]:
        for size in sizes:
            r = results.get((what, size))
            if r is None:
                continue
            gen = results["generate", size]["seconds"]
            own = r["seconds"] - gen if what != "generate" else r["seconds"]
            cpu = r["cpu"] - results["generate", size]["cpu"] if what != "generate" else r["cpu"]
            rows = f"{r['count']:,}" if what != "generate" else "—"
            out.append(
                f"| {label} | {size:,} | {fmt_s(r['seconds'])} "
                f"| {fmt_s(gen)} | {fmt_s(own) if what != 'generate' else '—'} | {fmt_s(cpu)} "
                f"| {fmt_us(own * 1e6 / size)} | {rows} | {fmt_mib(r['rss_growth_kib'])} |"
            )
    out += [
        "",
        f"Against what a user would otherwise write, on {m:,} of the cases without a pause "
        f"({'every case' if step == 1 else f'every {step}th case'} of the {n:,}; "
        f"{len(items):,} under an SLA process, "
        f"{instances:,} milestone instances, {len(report.rows):,} account-month rows); "
        "ratio = baseline ÷ `compliance`:",
        "",
        "| how | s | µs per case | ratio | rows that differ |",
        "|---|---:|---:|---:|---:|",
        f'| `compliance(book, cases, as_of, period="month")` (resolving included) '
        f"| {fmt_s(t_ours)} | {fmt_us(t_ours * 1e6 / m)} | 1.0{TIMES} | — |",
        f"| businesstimedelta + a plain loop (processes given) | {fmt_s(t_btd)} "
        f"| {fmt_us(t_btd * 1e6 / m)} | {fmt_ratio(t_btd / t_ours)} | {len(bad_btd)} |",
        f"| pandas, `CustomBusinessDay` offsets row by row + `groupby` (processes given) "
        f"| {fmt_s(t_pdo)} | {fmt_us(t_pdo * 1e6 / m)} | {fmt_ratio(t_pdo / t_ours)} "
        f"| {len(bad_pdo)} |",
        f"| pandas, numpy business days vectorized + `groupby` (processes given) "
        f"| {fmt_s(t_pd)} | {fmt_us(t_pd * 1e6 / m)} | {fmt_ratio(t_pd / t_ours)} "
        f"| {len(bad_pd)} |",
        f"| … of which building the frame from the cases | {fmt_s(t_frame)} "
        f"| {fmt_us(t_frame * 1e6 / m)} | — | — |",
    ]
    print("\n".join(out))
    print()
    top = max(sizes)
    own = results["compliance", top]["seconds"] - results["generate", top]["seconds"]
    verdict = "met" if own < 60 else "NOT MET"
    if top < 1_000_000:
        verdict = f"not measured at 1,000,000 (the largest run is {top:,})"
    print(
        f"Target: compliance over 1,000,000 cases in under a minute on one core: over {top:,} "
        f"cases the report took {own:.1f} s ({results['compliance', top]['seconds']:.1f} s "
        f"with generating the cases): {verdict}."
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    version = importlib.metadata.version
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}; Python "
        f"{platform.python_version()}; entitlements {version('entitlements')} {git_commit()}, "
        f"businesstimedelta {version('businesstimedelta')}, pandas {version('pandas')}, "
        f"numpy {version('numpy')}; load average at the end {load:.2f}; "
        f"run took {time.perf_counter() - t_run:.0f} s."
    )
    disagreements = len(bad_btd) + len(bad_pd) + len(bad_pdo)
    print(
        f"Cross-check: {disagreements} row(s) differ (details on stderr); "
        f"{'OK' if not disagreements else 'SEE STDERR'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
