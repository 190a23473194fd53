"""The milestone clock on small, hand-computed examples: one test per rule and error.

Two calendars do most of the work, both in New York:

* ``24x7``: always open, so business time is wall-clock time;
* ``office``: Monday to Friday 09:00-17:00, closed Friday 2025-07-04
  (Independence Day).

Useful dates: Monday 2025-06-02; Wednesday 2025-07-02, Thursday 2025-07-03,
(holiday) Friday 2025-07-04, Monday 2025-07-07, Tuesday 2025-07-08. Every
expected instant below is written out literally, with how it was worked out.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from entitlements import (
    Account,
    BusinessHours,
    Case,
    CaseEvent,
    CaseSla,
    CoverageBook,
    Entitlement,
    MilestoneDefinition,
    MilestoneState,
    ModelError,
    NaiveDatetimeError,
    NoBusinessTimeError,
    Reason,
    SlaEventKind,
    SlaProcess,
    resolve,
    track,
    trail,
)
from instants import same, utc

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
M = timedelta(minutes=1)
ZERO = timedelta(0)
WAITING = "waiting on customer"

ALWAYS = BusinessHours.always_open("America/New_York")
OFFICE = BusinessHours.weekdays(
    "09:00", "17:00", timezone="America/New_York", holidays=[date(2025, 7, 4)]
)
CALENDARS = {
    "24x7": ALWAYS,
    "office": OFFICE,
    "london": BusinessHours.always_open("Europe/London"),
}


def ny(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=NY, fold=fold)


MON = ny(2025, 6, 2, 10, 0)  # Monday 2 June 2025, 10:00 New York


def ms(name: str = "First Response", target: str = "2h", **fields) -> MilestoneDefinition:
    return MilestoneDefinition(name=name, target=target, **fields)


def book(
    *milestones: MilestoneDefinition,
    calendar: str | None = "24x7",
    pause_statuses: tuple[str, ...] = (WAITING,),
    entitlement_calendar: str | None = None,
    account_calendar: str | None = None,
    account_zone: str = "America/New_York",
    calendars: dict | None = None,
) -> CoverageBook:
    """Account A with one account-wide entitlement E following process P."""
    return CoverageBook(
        accounts=[Account(id="A", timezone=account_zone, calendar=account_calendar)],
        entitlements=[Entitlement(id="E", account="A", process="P", calendar=entitlement_calendar)],
        processes=[
            SlaProcess(
                id="P",
                milestones=list(milestones),
                calendar=calendar,
                pause_statuses=pause_statuses,
            )
        ],
        calendars=CALENDARS if calendars is None else calendars,
    )


def case(*history: CaseEvent, opened: datetime = MON, priority: str = "P1", id="C-1") -> Case:
    return Case(
        id=id,
        account="A",
        channel="phone",
        opened_at=opened,
        priority=priority,
        history=list(history),
    )


def status(at: datetime, value: str) -> CaseEvent:
    return CaseEvent(at=at, kind="status", value=value)


def priority(at: datetime, value: str) -> CaseEvent:
    return CaseEvent(at=at, kind="priority", value=value)


def done(at: datetime, milestone: str = "First Response") -> CaseEvent:
    return CaseEvent(at=at, kind="completed", value=milestone)


def reply(at: datetime) -> CaseEvent:
    return CaseEvent(at=at, kind="reply")


def closed(at: datetime) -> CaseEvent:
    return CaseEvent(at=at, kind="closed")


def sla(the_case: Case, the_book: CoverageBook, as_of: datetime) -> CaseSla:
    decision = resolve(the_case, the_book)
    assert decision.covered, decision.explain()
    return track(the_case, decision, the_book, as_of=as_of)


def trail_of(the_case: Case, the_book: CoverageBook, *, as_of: datetime) -> tuple:
    """``trail`` with the case's own decision."""
    return trail(the_case, resolve(the_case, the_book), the_book, as_of=as_of)


def steps(result: CaseSla) -> list[tuple[datetime, str, int, str]]:
    """The trail as (instant, milestone, instance, kind) rows."""
    return [(e.at, e.milestone, e.instance, e.kind.value) for e in result.trail]


def only(result: CaseSla) -> object:
    (milestone,) = result.milestones
    return milestone


# ---------------------------------------------------------------------------
# Deadlines and warnings
# ---------------------------------------------------------------------------


def test_a_2h_target_on_24x7_warns_at_50_75_90_percent_then_is_violated():
    the_book = book(ms(warnings=[50, 75, 90]))
    # 2h from 10:00 -> 12:00; 50 % = 1h -> 11:00; 75 % = 1h30 -> 11:30; 90 % = 1h48 -> 11:48.
    at_1140 = only(sla(case(), the_book, ny(2025, 6, 2, 11, 40)))
    assert at_1140.state is MilestoneState.OPEN
    assert at_1140.start == MON
    assert at_1140.due == at_1140.target == ny(2025, 6, 2, 12, 0)
    assert at_1140.budget == 2 * H
    assert [(w.threshold, w.at, w.reached) for w in at_1140.warnings] == [
        (50, ny(2025, 6, 2, 11, 0), True),
        (75, ny(2025, 6, 2, 11, 30), True),
        (90, ny(2025, 6, 2, 11, 48), False),
    ]
    assert at_1140.business_elapsed == at_1140.elapsed == 100 * M
    assert at_1140.paused == ZERO
    assert at_1140.remaining == 20 * M
    assert at_1140.percent == pytest.approx(100 / 120 * 100)
    assert at_1140.ended_at is None

    result = sla(case(), the_book, ny(2025, 6, 2, 12, 0))  # as_of is inclusive
    assert only(result).state is MilestoneState.VIOLATED
    assert all(w.reached for w in only(result).warnings)
    assert steps(result) == [
        (ny(2025, 6, 2, 10, 0), "First Response", 1, "started"),
        (ny(2025, 6, 2, 11, 0), "First Response", 1, "warning"),
        (ny(2025, 6, 2, 11, 30), "First Response", 1, "warning"),
        (ny(2025, 6, 2, 11, 48), "First Response", 1, "warning"),
        (ny(2025, 6, 2, 12, 0), "First Response", 1, "violated"),
    ]
    started, w50, _, w90, violated = result.trail
    assert started.reason == "case opened; target 2h"
    assert (w50.threshold, w50.reason) == (50, "50 % of 2h used")
    assert (w90.threshold, w90.reason) == (90, "90 % of 2h used")
    assert violated.reason == "target 2h passed while open"
    assert violated.threshold is None
    assert {e.case for e in result.trail} == {"C-1"}
    assert {e.entitlement for e in result.trail} == {"E"}
    assert {e.target for e in result.trail} == {ny(2025, 6, 2, 12, 0)}


def test_a_4h_target_on_office_hours_runs_over_the_night():
    the_book = book(ms(target="4h", warnings=[50, 75, 90]), calendar="office")
    opened = ny(2025, 6, 2, 15, 0)  # Monday 15:00: 2h left today, 2h more on Tuesday
    m = only(sla(case(opened=opened), the_book, ny(2025, 6, 3, 10, 0)))
    assert m.target == ny(2025, 6, 3, 11, 0)  # Tuesday 09:00 + 2h
    assert m.budget == 4 * H
    # 50 % = 2h -> Monday 17:00 exactly; 75 % = 3h -> Tuesday 10:00; 90 % = 3h36 -> 10:36.
    assert [(w.at, w.reached) for w in m.warnings] == [
        (ny(2025, 6, 2, 17, 0), True),
        (ny(2025, 6, 3, 10, 0), True),
        (ny(2025, 6, 3, 10, 36), False),
    ]
    assert m.business_elapsed == 3 * H  # Monday 15-17, Tuesday 09-10
    assert m.elapsed == 19 * H  # Monday 15:00 -> Tuesday 10:00 on the wall clock
    assert m.calendar == "office"


def test_nbd_skips_the_holiday_and_the_weekend_and_its_budget_is_the_business_time_to_due():
    the_book = book(ms(target="NBD", warnings=[50, 75, 90]), calendar="office")
    thursday = ny(2025, 7, 3, 10, 0)
    m = only(sla(case(opened=thursday), the_book, thursday))
    # The next business day after Thursday 3 July is Monday 7 July (Friday is a holiday);
    # due at its close.
    assert m.due == m.target == ny(2025, 7, 7, 17, 0)
    # Budget: Thursday 10:00-17:00 (7h) + Monday 09:00-17:00 (8h).
    assert m.budget == 15 * H
    # 50 % = 7h30: Thursday's 7h, then 30 min on Monday -> 09:30.
    # 75 % = 11h15: 7h + 4h15 -> Monday 13:15.  90 % = 13h30: 7h + 6h30 -> Monday 15:30.
    assert [w.at for w in m.warnings] == [
        ny(2025, 7, 7, 9, 30),
        ny(2025, 7, 7, 13, 15),
        ny(2025, 7, 7, 15, 30),
    ]
    assert str(m.definition.target) == "NBD"


def test_3bd_counts_three_business_days_after_the_day_received():
    the_book = book(ms(target="3BD", warnings=[50]), calendar="office")
    wednesday = ny(2025, 7, 2, 14, 0)
    m = only(sla(case(opened=wednesday), the_book, ny(2025, 7, 7, 12, 0)))
    # Business days after Wednesday 2 July: Thursday 3, Monday 7, Tuesday 8 (the 4th is a holiday).
    assert m.target == ny(2025, 7, 8, 17, 0)
    # Budget: Wednesday 14-17 (3h) + Thursday 8h + Monday 8h + Tuesday 8h.
    assert m.budget == 27 * H
    # 50 % = 13h30: Wednesday 3h + Thursday 8h = 11h, then 2h30 on Monday -> 11:30.
    assert m.warnings[0].at == ny(2025, 7, 7, 11, 30)
    assert m.warnings[0].reached
    # As of Monday 12:00: 3h + 8h + 3h.
    assert m.business_elapsed == 14 * H
    assert m.remaining == 13 * H
    assert m.state is MilestoneState.OPEN


def test_a_warning_falls_at_the_percentage_rounded_to_the_microsecond():
    the_book = book(ms(target="1h", warnings=[33.3]))
    m = only(sla(case(), the_book, MON))
    # 33.3 % of 3600 s = 1198.8 s = 19 min 58.8 s after 10:00.
    assert m.warnings[0].at == datetime(2025, 6, 2, 10, 19, 58, 800_000, tzinfo=NY)
    event = trail_of(case(), the_book, as_of=ny(2025, 6, 2, 10, 30))[1]
    assert event.reason == "33.3 % of 1h used"
    assert event.threshold == 33.3


# ---------------------------------------------------------------------------
# Pauses
# ---------------------------------------------------------------------------


def test_a_pause_moves_the_deadline_and_the_warnings_by_the_time_paused():
    the_case = case(status(ny(2025, 6, 2, 10, 30), WAITING), status(ny(2025, 6, 2, 11), "working"))
    result = sla(the_case, book(ms(warnings=[50, 75, 90])), ny(2025, 6, 2, 12, 0))
    m = only(result)
    # 30 min paused: the 12:00 deadline moves to 12:30; the warnings run 30 min before the
    # pause and the rest after it: 50 % (60 min) -> 11:30, 75 % (90 min) -> 12:00,
    # 90 % (108 min) -> 12:18.
    assert m.due == ny(2025, 6, 2, 12, 0)  # the deadline without pauses
    assert m.target == ny(2025, 6, 2, 12, 30)
    assert [w.at for w in m.warnings] == [
        ny(2025, 6, 2, 11, 30),
        ny(2025, 6, 2, 12, 0),
        ny(2025, 6, 2, 12, 18),
    ]
    assert m.paused == 30 * M
    assert m.business_elapsed == 90 * M
    assert m.elapsed == 2 * H
    assert steps(result) == [
        (ny(2025, 6, 2, 10, 0), "First Response", 1, "started"),
        (ny(2025, 6, 2, 10, 30), "First Response", 1, "paused"),
        (ny(2025, 6, 2, 11, 0), "First Response", 1, "resumed"),
        (ny(2025, 6, 2, 11, 30), "First Response", 1, "warning"),
        (ny(2025, 6, 2, 12, 0), "First Response", 1, "warning"),
    ]
    paused, resumed = result.trail[1:3]
    assert paused.reason == "status 'waiting on customer'"
    assert resumed.reason == "status 'working'"
    assert paused.target is None  # paused until further notice: deadline unknown
    assert resumed.target == ny(2025, 6, 2, 12, 30)


def test_pausing_and_resuming_many_times_adds_up_every_pause():
    the_case = case(
        status(ny(2025, 6, 2, 10, 20), WAITING),
        status(ny(2025, 6, 2, 10, 40), "working"),
        status(ny(2025, 6, 2, 10, 50), "escalated"),  # not a pause status: nothing happens
        status(ny(2025, 6, 2, 11, 0), WAITING),
        status(ny(2025, 6, 2, 11, 15), "waiting on vendor"),  # another pause status
        status(ny(2025, 6, 2, 11, 30), "working"),
        status(ny(2025, 6, 2, 11, 50), WAITING),
        status(ny(2025, 6, 2, 12, 0), "working"),
    )
    the_book = book(ms(), pause_statuses=(WAITING, "waiting on vendor"))
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 30))
    m = only(result)
    # Paused 10:20-10:40, 11:00-11:30 and 11:50-12:00: 60 min in all. Running:
    # 10:00-10:20 (20), 10:40-11:00 (40), 11:30-11:50 (60), then 60 more from 12:00 -> 13:00.
    assert m.target == ny(2025, 6, 2, 13, 0)
    assert m.paused == 60 * M
    assert m.business_elapsed == 90 * M
    assert m.business_elapsed + m.paused == ALWAYS.elapsed(MON, ny(2025, 6, 2, 12, 30))
    assert [(at, kind) for at, _, _, kind in steps(result)] == [
        (ny(2025, 6, 2, 10, 0), "started"),
        (ny(2025, 6, 2, 10, 20), "paused"),
        (ny(2025, 6, 2, 10, 40), "resumed"),
        (ny(2025, 6, 2, 11, 0), "paused"),
        (ny(2025, 6, 2, 11, 30), "resumed"),
        (ny(2025, 6, 2, 11, 50), "paused"),
        (ny(2025, 6, 2, 12, 0), "resumed"),
    ]
    assert result.status == "working"


def test_a_milestone_may_override_the_process_pause_statuses():
    the_book = book(
        ms("First Response", "2h"),  # the process's: waiting on customer
        ms("Resolution", "8h", pause_statuses=["on hold"]),  # its own instead
        ms("Fix", "4h", pause_statuses=[]),  # never paused
    )
    the_case = case(
        status(ny(2025, 6, 2, 10, 30), WAITING),
        status(ny(2025, 6, 2, 11, 0), "on hold"),
        status(ny(2025, 6, 2, 11, 30), "working"),
    )
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    first, resolution, fix = result.milestones
    assert (first.target, first.paused) == (ny(2025, 6, 2, 12, 30), 30 * M)  # 10:30-11:00
    assert (resolution.target, resolution.paused) == (ny(2025, 6, 2, 18, 30), 30 * M)  # 11-11:30
    assert (fix.target, fix.paused) == (ny(2025, 6, 2, 14, 0), ZERO)
    assert [(at, name, kind) for at, name, _, kind in steps(result) if kind != "started"] == [
        (ny(2025, 6, 2, 10, 30), "First Response", "paused"),
        (ny(2025, 6, 2, 11, 0), "First Response", "resumed"),
        (ny(2025, 6, 2, 11, 0), "Resolution", "paused"),
        (ny(2025, 6, 2, 11, 30), "Resolution", "resumed"),
    ]


def test_a_pause_on_office_hours_counts_only_open_time_and_the_parts_add_up():
    the_book = book(ms(target="4h", warnings=[50, 75, 90]), calendar="office")
    thursday = ny(2025, 7, 3, 15, 0)
    the_case = case(
        status(ny(2025, 7, 3, 16, 0), WAITING),
        status(ny(2025, 7, 7, 10, 0), "working"),
        opened=thursday,
    )
    as_of = ny(2025, 7, 7, 12, 0)
    m = only(sla(the_case, the_book, as_of))
    # Without the pause: Thursday 15-17 (2h) + Monday 09-11 -> Monday 11:00.
    assert m.due == ny(2025, 7, 7, 11, 0)
    # Paused Thursday 16:00 -> Monday 10:00 holds back Thursday 16-17 and Monday 09-10 (the
    # holiday and the weekend cost nothing): 2h, so the deadline is Monday 13:00.
    assert m.target == ny(2025, 7, 7, 13, 0)
    assert m.paused == 2 * H
    assert m.business_elapsed == 3 * H  # Thursday 15-16, Monday 10-12
    assert m.business_elapsed + m.paused == OFFICE.elapsed(thursday, as_of)
    assert m.elapsed == timedelta(days=3, hours=21)  # Thursday 15:00 -> Monday 12:00
    # 50 % = 2h: 1h on Thursday, 1h from Monday 10:00 -> 11:00; 75 % = 3h -> 12:00;
    # 90 % = 3h36 -> 12:36.
    assert [(w.at, w.reached) for w in m.warnings] == [
        (ny(2025, 7, 7, 11, 0), True),
        (ny(2025, 7, 7, 12, 0), True),
        (ny(2025, 7, 7, 12, 36), False),
    ]


def test_an_open_ended_pause_leaves_the_deadline_unknown_and_the_milestone_open():
    the_case = case(status(ny(2025, 6, 2, 10, 30), WAITING))
    result = sla(the_case, book(ms(warnings=[10, 50])), ny(2025, 6, 3, 10, 0))
    m = only(result)
    assert m.target is None
    assert m.due == ny(2025, 6, 2, 12, 0)
    assert m.state is MilestoneState.OPEN
    # 10 % = 12 min fell before the pause; 50 % waits for the pause to end.
    assert [(w.at, w.reached) for w in m.warnings] == [
        (ny(2025, 6, 2, 10, 12), True),
        (None, False),
    ]
    assert m.business_elapsed == 30 * M
    assert m.paused == 23 * H + 30 * M
    assert m.remaining == 90 * M
    assert [kind for _, _, _, kind in steps(result)] == ["started", "warning", "paused"]
    assert "target (paused)" in result.explain()
    assert "<td>(paused)</td>" in result._repr_html_()


def test_an_instance_started_while_paused_starts_paused():
    the_book = book(ms("Reply", "1h", recurrence="independent"))
    the_case = case(
        status(ny(2025, 6, 2, 10, 30), WAITING),
        reply(ny(2025, 6, 2, 11, 0)),
        status(ny(2025, 6, 2, 12, 0), "working"),
    )
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    first, second = result.instances("Reply")
    # #1: 30 min before the pause, 30 min after it -> 12:30.
    assert first.target == ny(2025, 6, 2, 12, 30)
    # #2 started at 11:00 in the pause: its hour runs from 12:00 -> 13:00.
    assert second.start == ny(2025, 6, 2, 11, 0)
    assert second.target == ny(2025, 6, 2, 13, 0)
    assert (second.business_elapsed, second.paused) == (ZERO, H)
    assert steps(result) == [
        (ny(2025, 6, 2, 10, 0), "Reply", 1, "started"),
        (ny(2025, 6, 2, 10, 30), "Reply", 1, "paused"),
        (ny(2025, 6, 2, 11, 0), "Reply", 2, "started"),
        (ny(2025, 6, 2, 11, 0), "Reply", 2, "paused"),
        (ny(2025, 6, 2, 12, 0), "Reply", 1, "resumed"),
        (ny(2025, 6, 2, 12, 0), "Reply", 2, "resumed"),
    ]
    assert result.trail[2].reason == "customer replied; target 1h"


def test_elapsed_is_wall_clock_time_across_the_autumn_dst_change():
    # Saturday 2025-11-01 12:00 EDT (16:00 UTC); clocks go back at 02:00 EDT on Sunday.
    the_book = book(ms("Fast", "24h", warnings=[50]), ms("Next day", "NBD", calendar="office"))
    saturday = ny(2025, 11, 1, 12, 0)
    as_of = ny(2025, 11, 2, 12, 0)  # EST: 17:00 UTC, 25 real hours after the opening
    fast, next_day = sla(case(opened=saturday), the_book, as_of).milestones
    # 24 real hours after 16:00 UTC is 16:00 UTC on Sunday = 11:00 EST.
    assert same(fast.target, ny(2025, 11, 2, 11, 0), ALWAYS)
    assert utc(fast.target) == datetime(2025, 11, 2, 16, 0, tzinfo=ZoneInfo("UTC"))
    # 50 % = 12h after 16:00 UTC = 04:00 UTC = 00:00 EDT on Sunday.
    assert same(fast.warnings[0].at, ny(2025, 11, 2, 0, 0))
    assert fast.elapsed == fast.business_elapsed == 25 * H
    assert fast.state is MilestoneState.VIOLATED
    # Office hours: nothing open at the weekend, yet 25 hours went by on the wall clock.
    assert next_day.elapsed == 25 * H
    assert next_day.business_elapsed == ZERO
    # Received Saturday -> counts from Monday 3 November; NBD -> Tuesday 4 November 17:00 EST.
    assert next_day.target == ny(2025, 11, 4, 17, 0)
    assert next_day.budget == 16 * H


def test_elapsed_is_wall_clock_time_across_the_spring_dst_change():
    saturday = ny(2025, 3, 8, 12, 0)  # EST; clocks jump from 02:00 to 03:00 on Sunday
    m = only(sla(case(opened=saturday), book(ms(target="48h")), ny(2025, 3, 9, 12, 0)))
    assert m.elapsed == m.business_elapsed == 23 * H
    assert m.target == ny(2025, 3, 10, 13, 0)  # 48 real hours: 17:00 UTC Monday = 13:00 EDT


def test_a_pause_through_the_repeated_hour_holds_back_real_time():
    # Paused from 00:30 EDT (04:30 UTC) to the second 01:30 (EST, 06:30 UTC): 2 real hours.
    the_case = case(
        status(ny(2025, 11, 2, 0, 30), WAITING),
        status(ny(2025, 11, 2, 1, 30, fold=1), "working"),
        opened=ny(2025, 11, 1, 12, 0),
    )
    m = only(sla(the_case, book(ms(target="24h")), ny(2025, 11, 2, 12, 0)))
    assert m.paused == 2 * H
    assert same(m.target, ny(2025, 11, 2, 13, 0))  # 11:00 EST + 2h
    assert m.business_elapsed == 23 * H
    assert m.elapsed == 25 * H


# ---------------------------------------------------------------------------
# Completion
# ---------------------------------------------------------------------------


def test_completion_exactly_at_the_deadline_is_met():
    the_case = case(done(ny(2025, 6, 2, 12, 0)))
    result = sla(the_case, book(ms()), ny(2025, 6, 2, 13, 0))
    m = only(result)
    assert m.state is MilestoneState.MET
    assert m.ended_at == ny(2025, 6, 2, 12, 0)
    assert (m.business_elapsed, m.remaining, m.percent) == (2 * H, ZERO, 100.0)
    assert [kind for _, _, _, kind in steps(result)] == ["started", "met"]
    assert result.trail[-1].reason == "completed"


def test_completion_at_a_warning_instant_comes_first_and_the_warning_never_fires():
    the_case = case(done(ny(2025, 6, 2, 11, 0)))
    result = sla(the_case, book(ms(warnings=[50])), ny(2025, 6, 2, 13, 0))
    assert [kind for _, _, _, kind in steps(result)] == ["started", "met"]
    assert only(result).warnings[0].reached is False


def test_completion_after_the_deadline_is_met_late():
    the_case = case(done(ny(2025, 6, 2, 12, 5)))
    result = sla(the_case, book(ms()), ny(2025, 6, 2, 13, 0))
    m = only(result)
    assert m.state is MilestoneState.MET_LATE
    assert m.ended_at == ny(2025, 6, 2, 12, 5)
    assert m.business_elapsed == 125 * M  # the clock stops at the completion
    assert m.remaining == -5 * M
    assert steps(result)[1:] == [
        (ny(2025, 6, 2, 12, 0), "First Response", 1, "violated"),
        (ny(2025, 6, 2, 12, 5), "First Response", 1, "met late"),
    ]
    assert m.state.final


def test_completion_after_a_violation_is_met_late_even_when_a_re_target_moved_the_deadline():
    the_book = book(
        ms(target="1h", priorities=["P1"]),
        ms(target="8h", priorities=["P3"]),
    )
    the_case = case(
        priority(ny(2025, 6, 2, 11, 10), "P3"),  # the deadline moves to 18:00
        done(ny(2025, 6, 2, 11, 20)),  # before 18:00, but it was violated at 11:00
    )
    between = only(sla(the_case, the_book, ny(2025, 6, 2, 11, 15)))
    assert between.target == ny(2025, 6, 2, 18, 0)
    assert between.state is MilestoneState.VIOLATED  # stays violated before its new deadline
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    m = only(result)
    assert m.target == ny(2025, 6, 2, 18, 0)
    assert m.state is MilestoneState.MET_LATE
    assert [kind for _, _, _, kind in steps(result)] == [
        "started",
        "violated",
        "re-targeted",
        "met late",
    ]


def test_completing_a_milestone_the_process_does_not_have_names_the_event():
    the_case = case(
        done(ny(2025, 6, 2, 10, 30)),
        done(ny(2025, 6, 2, 11, 0), "Escalation Call"),
    )
    the_book = book(ms(), ms("Resolution", "8h"))
    with pytest.raises(ModelError) as caught:
        sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    assert caught.value.field == "history[1].value"
    assert caught.value.reason == "'Escalation Call' is not a milestone of SLA process 'P'"
    assert str(caught.value) == (
        "Case 'C-1': history[1].value: 'Escalation Call' is not a milestone of SLA process 'P' "
        "(its milestones: 'First Response', 'Resolution')"
    )
    with pytest.raises(ModelError, match=r"history\[1\]\.value"):
        trail_of(the_case, the_book, as_of=ny(2025, 6, 2, 12, 0))
    # Only the history up to as_of is replayed: before the bad event, nothing is wrong.
    before = sla(the_case, the_book, ny(2025, 6, 2, 10, 59))
    assert before.instances("First Response")[0].state is MilestoneState.MET


def test_a_completion_while_paused_until_further_notice_is_met():
    the_case = case(status(ny(2025, 6, 2, 10, 30), WAITING), done(ny(2025, 6, 2, 18, 0)))
    m = only(sla(the_case, book(ms()), ny(2025, 6, 2, 19, 0)))
    # Past the 12:00 deadline on the wall clock, but only 30 min of the 2h were used.
    assert m.state is MilestoneState.MET
    assert m.target is None
    assert (m.business_elapsed, m.paused) == (30 * M, 7 * H + 30 * M)


def test_a_completion_with_no_open_instance_changes_nothing():
    the_book = book(ms(), ms("On-site", "4h", priorities=["P1"]))
    the_case = case(
        done(ny(2025, 6, 2, 10, 30)),
        done(ny(2025, 6, 2, 10, 45)),  # already met
        done(ny(2025, 6, 2, 10, 50), "On-site"),  # does not apply to P2
        priority="P2",
    )
    result = sla(the_case, the_book, ny(2025, 6, 2, 11, 0))
    m = only(result)
    assert (m.state, m.ended_at) == (MilestoneState.MET, ny(2025, 6, 2, 10, 30))
    assert [kind for _, _, _, kind in steps(result)] == ["started", "met"]


# ---------------------------------------------------------------------------
# Recurrence
# ---------------------------------------------------------------------------


def test_independent_instances_start_at_the_opening_and_each_reply_and_complete_together():
    the_book = book(ms("Reply", "1h", recurrence="independent"), ms("Resolution", "8h"))
    the_case = case(
        reply(ny(2025, 6, 2, 10, 20)),
        reply(ny(2025, 6, 2, 10, 40)),
        done(ny(2025, 6, 2, 10, 50), "Reply"),
        reply(ny(2025, 6, 2, 11, 0)),
    )
    result = sla(the_case, the_book, ny(2025, 6, 2, 11, 30))
    replies = result.instances("Reply")
    assert [(r.instance, r.start, r.target, r.state) for r in replies] == [
        (1, ny(2025, 6, 2, 10, 0), ny(2025, 6, 2, 11, 0), MilestoneState.MET),
        (2, ny(2025, 6, 2, 10, 20), ny(2025, 6, 2, 11, 20), MilestoneState.MET),
        (3, ny(2025, 6, 2, 10, 40), ny(2025, 6, 2, 11, 40), MilestoneState.MET),
        (4, ny(2025, 6, 2, 11, 0), ny(2025, 6, 2, 12, 0), MilestoneState.OPEN),
    ]
    assert {r.ended_at for r in replies[:3]} == {ny(2025, 6, 2, 10, 50)}
    assert len(result.instances("Resolution")) == 1  # replies do not restart it


def test_a_sequential_milestone_starts_its_next_instance_at_each_completion():
    the_book = book(ms("Update", "1h", recurrence="sequential"))
    the_case = case(
        reply(ny(2025, 6, 2, 10, 10)),  # replies start nothing
        done(ny(2025, 6, 2, 10, 30), "Update"),
        done(ny(2025, 6, 2, 11, 45), "Update"),
    )
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    assert [(u.instance, u.start, u.target, u.state) for u in result.milestones] == [
        (1, ny(2025, 6, 2, 10, 0), ny(2025, 6, 2, 11, 0), MilestoneState.MET),
        (2, ny(2025, 6, 2, 10, 30), ny(2025, 6, 2, 11, 30), MilestoneState.MET_LATE),
        (3, ny(2025, 6, 2, 11, 45), ny(2025, 6, 2, 12, 45), MilestoneState.OPEN),
    ]
    assert steps(result) == [
        (ny(2025, 6, 2, 10, 0), "Update", 1, "started"),
        (ny(2025, 6, 2, 10, 30), "Update", 1, "met"),
        (ny(2025, 6, 2, 10, 30), "Update", 2, "started"),
        (ny(2025, 6, 2, 11, 30), "Update", 2, "violated"),
        (ny(2025, 6, 2, 11, 45), "Update", 2, "met late"),
        (ny(2025, 6, 2, 11, 45), "Update", 3, "started"),
    ]
    assert result.trail[2].reason == "the previous instance completed; target 1h"


def test_a_once_per_case_milestone_has_one_instance_whatever_happens():
    the_case = case(reply(ny(2025, 6, 2, 10, 10)), done(ny(2025, 6, 2, 10, 30)))
    result = sla(the_case, book(ms()), ny(2025, 6, 2, 18, 0))
    assert [(m.instance, m.state) for m in result.milestones] == [(1, MilestoneState.MET)]


# ---------------------------------------------------------------------------
# Priority changes
# ---------------------------------------------------------------------------

VARIANTS = (
    ms(target="8h", priorities=["P3"], warnings=[50, 75, 90]),
    ms(target="1h", priorities=["P1"], warnings=[50, 75, 90]),
)


def test_a_priority_change_re_targets_from_the_original_start_and_catches_up_warnings():
    the_case = case(priority(ny(2025, 6, 2, 10, 50), "P1"), priority="P3")
    result = sla(the_case, book(*VARIANTS), ny(2025, 6, 2, 11, 0))
    m = only(result)
    # 1h from the original 10:00 start -> 11:00. Its 50 % (10:30) and 75 % (10:45) are
    # already past: they fire at the change, 10:50; 90 % (10:54) fires on its own.
    assert (m.start, m.target, m.budget) == (MON, ny(2025, 6, 2, 11, 0), H)
    assert m.definition is VARIANTS[1]
    assert m.state is MilestoneState.VIOLATED
    assert steps(result) == [
        (ny(2025, 6, 2, 10, 0), "First Response", 1, "started"),
        (ny(2025, 6, 2, 10, 50), "First Response", 1, "re-targeted"),
        (ny(2025, 6, 2, 10, 50), "First Response", 1, "warning"),
        (ny(2025, 6, 2, 10, 50), "First Response", 1, "warning"),
        (ny(2025, 6, 2, 10, 54), "First Response", 1, "warning"),
        (ny(2025, 6, 2, 11, 0), "First Response", 1, "violated"),
    ]
    retargeted, w50, w75, w90, violated = result.trail[1:]
    assert retargeted.reason == (
        "priority 'P3' -> 'P1': target 8h -> 1h, from the start 2025-06-02T10:00:00-04:00"
    )
    assert retargeted.target == ny(2025, 6, 2, 11, 0)
    assert w50.reason == "50 % of 1h used (reached when re-targeted)"
    assert w75.reason == "75 % of 1h used (reached when re-targeted)"
    assert w90.reason == "90 % of 1h used"
    assert violated.reason == "target 1h passed while open"
    assert result.priority == "P1"


def test_a_re_target_that_puts_the_deadline_in_the_past_violates_at_the_change():
    the_case = case(priority(ny(2025, 6, 2, 11, 30), "P1"), priority="P3")
    result = sla(the_case, book(*VARIANTS), ny(2025, 6, 2, 11, 30))
    assert [(at, kind) for at, _, _, kind in steps(result)] == [
        (ny(2025, 6, 2, 10, 0), "started"),
        (ny(2025, 6, 2, 11, 30), "re-targeted"),
        (ny(2025, 6, 2, 11, 30), "warning"),
        (ny(2025, 6, 2, 11, 30), "warning"),
        (ny(2025, 6, 2, 11, 30), "warning"),
        (ny(2025, 6, 2, 11, 30), "violated"),
    ]
    violated = result.trail[-1]
    assert violated.target == ny(2025, 6, 2, 11, 0)  # the deadline itself is unchanged
    assert violated.reason == "target 1h passed while open (reached when re-targeted)"
    assert only(result).state is MilestoneState.VIOLATED


def test_a_milestone_that_does_not_apply_to_the_new_priority_is_cancelled():
    the_book = book(ms(), ms("On-site", "4h", priorities=["P1"]))
    the_case = case(priority(ny(2025, 6, 2, 10, 30), "P2"))
    result = sla(the_case, the_book, ny(2025, 6, 2, 11, 0))
    first, onsite = result.milestones
    assert first.state is MilestoneState.OPEN  # applies to every priority: untouched
    assert (onsite.state, onsite.ended_at) == (MilestoneState.CANCELLED, ny(2025, 6, 2, 10, 30))
    assert onsite.business_elapsed == 30 * M
    cancelled = result.trail[-1]
    assert (cancelled.kind, cancelled.milestone) == (SlaEventKind.CANCELLED, "On-site")
    assert cancelled.reason == "priority 'P1' -> 'P2': the milestone does not apply to 'P2'"


def test_a_milestone_that_applies_only_from_the_new_priority_starts_at_the_change():
    the_book = book(ms(), ms("On-site", "4h", priorities=["P1"]))
    the_case = case(priority(ny(2025, 6, 2, 11, 0), "P1"), priority="P2")
    result = sla(the_case, the_book, ny(2025, 6, 2, 11, 0))
    (onsite,) = result.instances("On-site")
    assert (onsite.start, onsite.target) == (ny(2025, 6, 2, 11, 0), ny(2025, 6, 2, 15, 0))
    assert result.trail[-1].kind is SlaEventKind.STARTED
    assert result.trail[-1].reason == "priority 'P2' -> 'P1': the milestone applies; target 4h"


def test_a_completed_once_per_case_milestone_is_not_restarted_by_a_priority_change():
    the_book = book(ms("On-site", "4h", priorities=["P1"]))
    completed = case(
        done(ny(2025, 6, 2, 10, 30), "On-site"),
        priority(ny(2025, 6, 2, 11, 0), "P2"),
        priority(ny(2025, 6, 2, 12, 0), "P1"),
    )
    result = sla(completed, the_book, ny(2025, 6, 2, 13, 0))
    assert [(m.instance, m.state) for m in result.milestones] == [(1, MilestoneState.MET)]
    # Cancelled rather than completed, it starts again as a second instance at the change,
    # counting from its first start (10:00): still due at 14:00, no fresh deadline.
    cancelled = case(priority(ny(2025, 6, 2, 11, 0), "P2"), priority(ny(2025, 6, 2, 12, 0), "P1"))
    result = sla(cancelled, the_book, ny(2025, 6, 2, 13, 0))
    assert [(m.instance, m.start, m.target, m.state) for m in result.milestones] == [
        (1, MON, ny(2025, 6, 2, 14, 0), MilestoneState.CANCELLED),
        (2, MON, ny(2025, 6, 2, 14, 0), MilestoneState.OPEN),
    ]
    restarted = [e for e in result.trail if e.instance == 2]
    assert [(e.at, e.kind.value) for e in restarted] == [(ny(2025, 6, 2, 12, 0), "started")]
    assert restarted[0].reason == (
        "priority 'P2' -> 'P1': the milestone applies again, from its first start "
        "2025-06-02T10:00:00-04:00; target 4h"
    )


def test_a_once_per_case_milestone_stopped_while_violated_does_not_start_again():
    the_book = book(ms("On-site", "1h", priorities=["P1"]))
    flapped = case(priority(ny(2025, 6, 2, 11, 30), "P2"), priority(ny(2025, 6, 2, 12, 0), "P1"))
    result = sla(flapped, the_book, ny(2025, 6, 2, 13, 0))
    assert [(m.instance, m.state) for m in result.milestones] == [(1, MilestoneState.VIOLATED)]


def test_a_variant_with_its_own_calendar_re_targets_on_that_calendar():
    the_book = book(
        ms(target="NBD", priorities=["P3"], calendar="office"),
        ms(target="4h", priorities=["P1"]),  # the process's 24x7 calendar
    )
    friday = ny(2025, 6, 6, 16, 0)
    the_case = case(priority(ny(2025, 6, 7, 9, 0), "P1"), opened=friday, priority="P3")
    before = only(sla(the_case, the_book, ny(2025, 6, 7, 8, 0)))
    assert (before.calendar, before.target) == ("office", ny(2025, 6, 9, 17, 0))  # Monday
    after = only(sla(the_case, the_book, ny(2025, 6, 7, 9, 0)))
    # 4h around the clock from Friday 16:00 -> 20:00, already past at Saturday 09:00.
    assert (after.calendar, after.target) == ("24x7", ny(2025, 6, 6, 20, 0))
    assert after.state is MilestoneState.VIOLATED
    assert after.business_elapsed == 17 * H


def test_a_priority_change_stops_a_violated_instance_that_no_longer_applies():
    # Like closure: lowering the priority does not hide a breach; the clock stops, still violated.
    the_book = book(ms("On-site", "1h", priorities=["P1"]))
    the_case = case(priority(ny(2025, 6, 2, 11, 30), "P2"))
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    assert only(result).state is MilestoneState.VIOLATED
    assert only(result).ended_at == ny(2025, 6, 2, 11, 30)
    assert [kind for _, _, _, kind in steps(result)] == ["started", "violated", "stopped"]
    assert result.trail[-1].reason == (
        "priority 'P1' -> 'P2': the milestone does not apply to 'P2'; it stays violated"
    )


def test_a_violated_instance_gets_no_more_warnings_after_a_longer_re_target():
    # P1 (1h) is violated at 11:00; at 11:30 P3 (8h) moves the deadline to 18:00, but the
    # breach stands and the 8h target's 50/75/90 % instants (14:00, 16:00, 17:12) page nobody.
    the_book = book(
        ms(target="1h", priorities=["P1"], warnings=[50, 75, 90]),
        ms(target="8h", priorities=["P3"], warnings=[50, 75, 90]),
    )
    the_case = case(priority(ny(2025, 6, 2, 11, 30), "P3"))
    result = sla(the_case, the_book, ny(2025, 6, 2, 19, 0))
    assert only(result).state is MilestoneState.VIOLATED
    assert [kind for _, _, _, kind in steps(result)] == [
        "started",
        "warning",
        "warning",
        "warning",
        "violated",
        "re-targeted",
    ]


def test_a_change_to_the_same_priority_or_within_one_definition_does_nothing():
    the_book = book(ms(priorities=["P1", "P2"]))
    same_priority = case(priority(ny(2025, 6, 2, 10, 30), "P1"))
    within = case(priority(ny(2025, 6, 2, 10, 30), "P2"))
    for the_case in (same_priority, within):
        result = sla(the_case, the_book, ny(2025, 6, 2, 11, 0))
        assert [kind for _, _, _, kind in steps(result)] == ["started"]
        assert only(result).target == ny(2025, 6, 2, 12, 0)


# ---------------------------------------------------------------------------
# Closure
# ---------------------------------------------------------------------------


def test_closure_cancels_open_instances_and_stops_violated_ones():
    the_book = book(ms(warnings=[50]), ms("Resolution", "8h", warnings=[50]))
    the_case = case(closed(ny(2025, 6, 2, 13, 0)))
    result = sla(the_case, the_book, ny(2025, 6, 3, 13, 0))
    first, resolution = result.milestones
    assert (first.state, first.ended_at) == (MilestoneState.VIOLATED, ny(2025, 6, 2, 13, 0))
    assert first.business_elapsed == 3 * H  # the clock stopped at the closure
    assert (resolution.state, resolution.ended_at) == (
        MilestoneState.CANCELLED,
        ny(2025, 6, 2, 13, 0),
    )
    assert resolution.warnings[0].reached is False  # 50 % of 8h would be 14:00
    assert steps(result)[-2:] == [
        (ny(2025, 6, 2, 13, 0), "First Response", 1, "stopped"),
        (ny(2025, 6, 2, 13, 0), "Resolution", 1, "cancelled"),
    ]
    assert result.trail[-2].reason == "case closed; it stays violated"
    assert result.trail[-1].reason == "case closed"
    assert result.closed_at == ny(2025, 6, 2, 13, 0)
    # Nothing happens after the closure, however late we look.
    assert trail_of(the_case, the_book, as_of=ny(2025, 6, 9, 0, 0)) == result.trail
    assert max(e.at for e in result.trail) == ny(2025, 6, 2, 13, 0)


def test_closure_does_not_start_the_next_sequential_instance():
    the_book = book(ms("Update", "1h", recurrence="sequential"))
    the_case = case(closed(ny(2025, 6, 2, 10, 30)))
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    assert [(m.instance, m.state) for m in result.milestones] == [(1, MilestoneState.CANCELLED)]
    assert MilestoneState.VIOLATED.final is False
    assert MilestoneState.CANCELLED.final is True


def test_closed_at_is_reported_only_once_the_closure_happened():
    the_case = case(closed(ny(2025, 6, 2, 13, 0)))
    assert sla(the_case, book(ms()), ny(2025, 6, 2, 12, 59)).closed_at is None
    assert sla(the_case, book(ms()), ny(2025, 6, 2, 13, 0)).closed_at == ny(2025, 6, 2, 13, 0)


# ---------------------------------------------------------------------------
# Which calendar
# ---------------------------------------------------------------------------

LEVELS = {
    # calendar id -> a 2h milestone opened Monday 07:00 New York is due at ...
    "milestone-hours": BusinessHours.weekdays("08:00", "16:00", timezone="America/New_York"),
    "process-hours": BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York"),
    "entitlement-hours": BusinessHours.weekdays("10:00", "18:00", timezone="America/New_York"),
    "account-hours": BusinessHours.weekdays("11:00", "19:00", timezone="America/New_York"),
}


@pytest.mark.parametrize(
    ("levels", "calendar", "due"),
    [
        (("milestone", "process", "entitlement", "account"), "milestone-hours", (10, 0)),
        (("process", "entitlement", "account"), "process-hours", (11, 0)),
        (("entitlement", "account"), "entitlement-hours", (12, 0)),
        (("account",), "account-hours", (13, 0)),
        (("milestone", "account"), "milestone-hours", (10, 0)),
        (("process", "account"), "process-hours", (11, 0)),
    ],
)
def test_the_calendar_is_the_milestone_s_else_the_process_s_else_the_entitlement_s_else_the_account_s(  # noqa: E501
    levels, calendar, due
):
    def pick(level: str) -> str | None:
        return f"{level}-hours" if level in levels else None

    the_book = book(
        ms(calendar=pick("milestone")),
        calendar=pick("process"),
        entitlement_calendar=pick("entitlement"),
        account_calendar=pick("account"),
        calendars=LEVELS,
    )
    opened = ny(2025, 6, 2, 7, 0)  # before every calendar opens: 2h from its opening
    m = only(sla(case(opened=opened), the_book, opened))
    assert m.calendar == calendar
    assert m.target == ny(2025, 6, 2, *due)


def test_without_any_calendar_the_clock_is_always_open_in_the_account_s_zone():
    the_book = book(ms(), calendar=None, account_zone="Europe/Berlin")
    opened = ny(2025, 6, 7, 7, 0)  # Saturday 13:00 in Berlin: still open, it never closes
    result = sla(case(opened=opened), the_book, ny(2025, 6, 7, 8, 0))
    m = only(result)
    assert m.calendar is None
    assert m.start.tzinfo == BERLIN
    assert m.start == datetime(2025, 6, 7, 13, 0, tzinfo=BERLIN)
    assert m.target == datetime(2025, 6, 7, 15, 0, tzinfo=BERLIN)
    assert m.target.tzinfo == BERLIN
    assert m.business_elapsed == H
    assert {e.at.tzinfo for e in result.trail} == {BERLIN}


def test_the_trail_and_the_instants_are_in_the_milestone_calendar_s_zone():
    the_book = book(ms(calendar="london"), ms("Resolution", "8h"))
    the_case = case(done(ny(2025, 6, 2, 11, 0)), status(ny(2025, 6, 2, 11, 30), WAITING))
    result = sla(the_case, the_book, ny(2025, 6, 2, 12, 0))
    first, resolution = result.milestones
    assert first.start == datetime(2025, 6, 2, 15, 0, tzinfo=LONDON)
    assert first.start.tzinfo == first.target.tzinfo == first.ended_at.tzinfo == LONDON
    assert first.warnings == ()
    assert resolution.start.tzinfo == NY
    assert [(e.milestone, e.kind.value, e.at.tzinfo) for e in result.trail] == [
        ("First Response", "started", LONDON),
        ("Resolution", "started", NY),
        ("First Response", "met", LONDON),
        ("Resolution", "paused", NY),
    ]
    assert result.trail[2].at == datetime(2025, 6, 2, 16, 0, tzinfo=LONDON)  # 11:00 New York


# ---------------------------------------------------------------------------
# Coverage, as_of and errors
# ---------------------------------------------------------------------------


def test_before_the_case_opened_nothing_has_started():
    the_case = case(priority(ny(2025, 6, 2, 11, 0), "P2"), status(ny(2025, 6, 2, 11, 0), "new"))
    early = sla(the_case, book(ms()), ny(2025, 6, 2, 9, 59))
    assert early.milestones == ()
    assert early.trail == ()
    assert early.covered
    assert early.process is not None
    assert (early.priority, early.status) == ("P1", "")
    assert trail_of(the_case, book(ms()), as_of=ny(2025, 6, 2, 9, 59)) == ()
    at_opening = sla(the_case, book(ms()), MON)  # the opening instant itself counts
    assert [kind for _, _, _, kind in steps(at_opening)] == ["started"]


def test_a_naive_as_of_is_refused():
    the_book = book(ms())
    decision = resolve(case(), the_book)
    with pytest.raises(NaiveDatetimeError, match="as_of"):
        track(case(), decision, the_book, as_of=datetime(2025, 6, 2, 12, 0))
    with pytest.raises(NaiveDatetimeError, match="as_of"):
        trail(case(), decision, the_book, as_of=datetime(2025, 6, 2, 12, 0))


def test_a_decision_for_another_case_is_refused():
    the_book = book(ms())
    other = resolve(case(id="C-2"), the_book)
    with pytest.raises(ModelError) as caught:
        track(case(), other, the_book, as_of=MON)
    assert caught.value.field == "decision"
    assert caught.value.reason == "the decision is for case 'C-2', not 'C-1'"


def test_an_entitlement_of_another_account_is_refused():
    the_book = book(ms())
    stranger = Entitlement(id="E-B", account="B", process="P")
    with pytest.raises(ModelError) as caught:
        track(case(), stranger, the_book, as_of=MON)
    assert caught.value.field == "entitlement"
    assert caught.value.reason == "'E-B' belongs to account 'B'"
    assert "not to the case's account 'A'" in str(caught.value)


def test_coverage_must_be_a_decision_or_an_entitlement():
    with pytest.raises(ModelError) as caught:
        track(case(), "E", book(ms()), as_of=MON)  # type: ignore[arg-type]
    assert caught.value.field == "coverage"


def test_an_entitlement_may_be_given_instead_of_a_decision():
    the_book = book(ms(warnings=[50]))
    the_case = case(done(ny(2025, 6, 2, 11, 30)))
    by_entitlement = track(the_case, the_book.entitlement("E"), the_book, as_of=ny(2025, 6, 3))
    by_decision = sla(the_case, the_book, ny(2025, 6, 3))
    assert by_entitlement.milestones == by_decision.milestones
    assert by_entitlement.trail == by_decision.trail
    assert by_entitlement.covered
    assert by_entitlement.reason is None


def test_an_uncovered_decision_has_no_milestones_and_says_why():
    the_book = CoverageBook(
        accounts=[Account(id="A", timezone="America/New_York")],
        entitlements=[Entitlement(id="E", account="A", process="P", channels=["email"])],
        processes=[SlaProcess(id="P", milestones=[ms()])],
    )
    decision = resolve(case(), the_book)  # a phone case; only email is covered
    assert not decision.covered
    result = track(case(), decision, the_book, as_of=ny(2025, 6, 2, 13, 0))
    assert (result.covered, result.reason) == (False, Reason.CHANNEL_NOT_COVERED)
    assert result.milestones == ()
    assert result.trail == ()
    assert result.entitlement is None
    assert result.process is None
    assert result.explain() == (
        "Case 'C-1' as of 2025-06-02T13:00:00-04:00: not covered (channel_not_covered); "
        "no milestones."
    )
    assert result._repr_html_() == (
        "<p>Case &#x27;C-1&#x27; as of 2025-06-02T13:00:00-04:00: no milestones.</p>"
    )


def test_an_entitlement_without_a_process_has_no_milestones():
    the_book = CoverageBook(
        accounts=[Account(id="A", timezone="America/New_York")],
        entitlements=[Entitlement(id="E", account="A")],
    )
    result = track(case(), resolve(case(), the_book), the_book, as_of=ny(2025, 6, 2, 13, 0))
    assert result.covered
    assert result.entitlement.id == "E"
    assert result.process is None
    assert result.milestones == ()
    assert result.explain().endswith(": covered, without an SLA process; no milestones.")


def test_a_later_as_of_extends_the_trail_without_changing_what_came_before():
    the_book = book(ms(warnings=[50, 75]), ms("Resolution", "3h", warnings=[50]))
    the_case = case(
        status(ny(2025, 6, 2, 10, 40), WAITING),
        status(ny(2025, 6, 2, 11, 10), "working"),
        done(ny(2025, 6, 2, 12, 0)),
    )
    full = trail_of(the_case, the_book, as_of=ny(2025, 6, 2, 18, 0))
    for minutes in range(0, 8 * 60, 10):
        as_of = MON + minutes * M
        assert trail_of(the_case, the_book, as_of=as_of) == tuple(e for e in full if e.at <= as_of)


NEVER_OPEN = BusinessHours(timezone="America/New_York", week={})
ONE_DAY = BusinessHours(  # open only on Monday 2 June 2025, 09:00-17:00
    timezone="America/New_York", week={}, special_hours={date(2025, 6, 2): [("09:00", "17:00")]}
)


@pytest.mark.parametrize("target", ["2h", "NBD"])
def test_a_calendar_without_open_time_is_an_error_naming_case_milestone_and_calendar(target):
    the_book = book(ms(target=target), calendar="never", calendars={"never": NEVER_OPEN})
    with pytest.raises(NoBusinessTimeError) as caught:
        sla(case(), the_book, ny(2025, 6, 2, 12, 0))
    assert str(caught.value).startswith(
        "case 'C-1': milestone 'First Response' of process 'P', calendar 'never': "
    )


def test_a_resume_that_runs_past_the_calendar_s_open_time_is_located_too():
    the_book = book(ms(), calendar="one-day", calendars={"one-day": ONE_DAY})
    # 1h used by 11:00; resumed at 16:30 with 1h left but only 30 min of open time ahead.
    the_case = case(status(ny(2025, 6, 2, 11, 0), WAITING), status(ny(2025, 6, 2, 16, 30), "on"))
    assert only(sla(the_case, the_book, ny(2025, 6, 2, 16, 0))).target is None
    with pytest.raises(NoBusinessTimeError, match=r"^case 'C-1': milestone 'First Response'"):
        sla(the_case, the_book, ny(2025, 6, 2, 16, 30))


# ---------------------------------------------------------------------------
# Reading the result
# ---------------------------------------------------------------------------


def test_explain_shows_each_instance_and_the_trail():
    the_book = book(ms(warnings=[50]), ms("Update", "1h", recurrence="sequential"))
    the_case = case(done(ny(2025, 6, 2, 10, 30), "Update"))
    result = sla(the_case, the_book, ny(2025, 6, 2, 11, 15))
    assert result.explain() == "\n".join(
        [
            "Case 'C-1' as of 2025-06-02T11:15:00-04:00 (process 'P', priority 'P1'):",
            "  First Response #1: open; target 2025-06-02T12:00:00-04:00; used 1h15m of 2h (62 %)",
            "  Update #1: met; target 2025-06-02T11:00:00-04:00; used 30m of 1h (50 %)",
            "  Update #2: open; target 2025-06-02T11:30:00-04:00; used 45m of 1h (75 %)",
            "Trail:",
            "  2025-06-02T10:00:00-04:00  First Response #1  started: case opened; target 2h",
            "  2025-06-02T10:00:00-04:00  Update #1  started: case opened; target 1h",
            "  2025-06-02T10:30:00-04:00  Update #1  met: completed",
            "  2025-06-02T10:30:00-04:00  Update #2  started: the previous instance completed;"
            " target 1h",
            "  2025-06-02T11:00:00-04:00  First Response #1  warning: 50 % of 2h used",
        ]
    )


def test_the_html_table_has_a_row_per_instance_and_escapes_the_text():
    the_book = book(ms("Reply <fast>", "1h", recurrence="independent"))
    the_case = case(reply(ny(2025, 6, 2, 10, 30)), id="C&1")
    html = sla(the_case, the_book, ny(2025, 6, 2, 11, 15))._repr_html_()
    assert html.startswith("<p>Case &#x27;C&amp;1&#x27; as of 2025-06-02T11:15:00-04:00</p><table>")
    assert "<th>milestone</th><th>#</th><th>state</th><th>start</th><th>target</th>" in html
    assert html.count("<tr>") == 3  # the header and two instances
    assert (
        "<tr><td>Reply &lt;fast&gt;</td><td>1</td><td>violated</td>"
        "<td>2025-06-02T10:00:00-04:00</td><td>2025-06-02T11:00:00-04:00</td>"
        "<td>1h15m</td><td>125 %</td></tr>"
    ) in html
    assert (
        "<tr><td>Reply &lt;fast&gt;</td><td>2</td><td>open</td>"
        "<td>2025-06-02T10:30:00-04:00</td><td>2025-06-02T11:30:00-04:00</td>"
        "<td>45m</td><td>75 %</td></tr>"
    ) in html


def test_instances_picks_one_milestone_first_instance_first():
    the_book = book(ms("Reply", "1h", recurrence="independent"), ms("Resolution", "8h"))
    the_case = case(reply(ny(2025, 6, 2, 10, 30)), reply(ny(2025, 6, 2, 11, 0)))
    result = sla(the_case, the_book, ny(2025, 6, 2, 11, 0))
    assert [m.instance for m in result.instances("Reply")] == [1, 2, 3]
    assert [m.name for m in result.instances("Resolution")] == ["Resolution"]
    assert result.instances("Nothing") == ()
    assert len(result.milestones) == 4


# ---------------------------------------------------------------------------
# Suspected defects (failing on purpose; reported to the lead)
# ---------------------------------------------------------------------------


def test_warnings_of_a_longer_re_target_are_not_reached_before_their_instant():
    # P1, 1h from 10:00: 50 % (10:30) and 75 % (10:45) fire. At 10:50 the case drops to
    # P3, 8h from 10:00: 50 % now falls at 14:00, 75 % at 16:00, 90 % at 17:12. As of 11:00
    # none has accrued, so none can have been reached (Escalation: ``at`` is when the share
    # has accrued). The clock counts the warnings fired under the old variant instead.
    the_case = case(priority(ny(2025, 6, 2, 10, 50), "P3"))
    m = only(sla(the_case, book(*VARIANTS), ny(2025, 6, 2, 11, 0)))
    assert [(w.at, w.reached) for w in m.warnings] == [
        (ny(2025, 6, 2, 14, 0), False),
        (ny(2025, 6, 2, 16, 0), False),
        (ny(2025, 6, 2, 17, 12), False),
    ]


@pytest.mark.parametrize(
    ("opened_as", "now", "kind"),
    [
        ("P3", "P1", "resumed"),  # P1 never pauses: the clock runs again from 10:20
        ("P1", "P3", "paused"),  # P3 pauses on 'waiting on customer': the clock stops
    ],
)
def test_a_re_target_that_changes_whether_the_status_pauses_says_so_in_the_trail(
    opened_as, now, kind
):
    the_book = book(
        ms(target="8h", priorities=["P3"]),  # the process's pause statuses
        ms(target="1h", priorities=["P1"], pause_statuses=[]),
    )
    the_case = case(
        status(ny(2025, 6, 2, 10, 10), WAITING),
        priority(ny(2025, 6, 2, 10, 20), now),
        priority=opened_as,
    )
    result = sla(the_case, the_book, ny(2025, 6, 2, 10, 30))
    paused_now = only(result).target is None
    assert paused_now is (kind == "paused")  # the clock itself does switch
    assert (ny(2025, 6, 2, 10, 20), "First Response", 1, kind) in steps(result)
