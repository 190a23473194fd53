"""The milestone clock's stories: deadlines, warnings, pauses and audit trails of real cases.

* the alarm company's Platinum sensor call: a 2-hour on-site visit, 24x7,
  opened late on a Saturday (and on the nights the clocks change);
* its Standard site's next-business-day visit, asked for on the Friday before
  Labor Day;
* a Standard case that waits on the customer over a weekend;
* a help desk whose First Response is 8h for P3 and 1h for P1, and a case
  raised from P3 to P1;
* a managed security provider's escalation worker, running every minute;
* a biotech's audit trail of one case, event by event.

Every expected instant is written out literally, with how it was worked out
by hand. Instants are compared in UTC where a wall clock repeats (DST).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
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
    MilestoneStatus,
    ModelError,
    NextBusinessDay,
    SlaEvent,
    SlaEventKind,
    SlaProcess,
    due_actions,
    resolve,
    track,
    trail,
)
from entitlements.io import load_book, load_cases
from instants import utc

DATA = Path(__file__).resolve().parents[1] / "examples" / "data"
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
PARIS = ZoneInfo("Europe/Paris")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

OPEN = MilestoneState.OPEN
MET = MilestoneState.MET
MET_LATE = MilestoneState.MET_LATE
VIOLATED = MilestoneState.VIOLATED
CANCELLED = MilestoneState.CANCELLED

STARTED = SlaEventKind.STARTED
WARNING = SlaEventKind.WARNING
PAUSED = SlaEventKind.PAUSED
RESUMED = SlaEventKind.RESUMED
RETARGETED = SlaEventKind.RETARGETED
MET_EVENT = SlaEventKind.MET
MET_LATE_EVENT = SlaEventKind.MET_LATE
VIOLATED_EVENT = SlaEventKind.VIOLATED
CANCELLED_EVENT = SlaEventKind.CANCELLED
STOPPED = SlaEventKind.STOPPED


def ny(month: int, day: int, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    """A New York wall time in 2025 (``fold=1``: the second of a repeated hour)."""
    return datetime(2025, month, day, hour, minute, tzinfo=NEW_YORK, fold=fold)


def status(at: datetime, value: str) -> CaseEvent:
    return CaseEvent(at=at, kind="status", value=value)


def priority(at: datetime, value: str) -> CaseEvent:
    return CaseEvent(at=at, kind="priority", value=value)


def completed(at: datetime, milestone: str) -> CaseEvent:
    return CaseEvent(at=at, kind="completed", value=milestone)


def reply(at: datetime) -> CaseEvent:
    return CaseEvent(at=at, kind="reply")


def closed(at: datetime) -> CaseEvent:
    return CaseEvent(at=at, kind="closed")


def milestone(sla: CaseSla, name: str, number: int = 1) -> MilestoneStatus:
    """Instance ``number`` of milestone ``name``."""
    return sla.instances(name)[number - 1]


def steps(events: tuple[SlaEvent, ...] | list[SlaEvent], name: str | None = None) -> list:
    """The trail as ``(UTC instant, kind)`` pairs, for one milestone or all."""
    return [(utc(e.at), e.kind) for e in events if name is None or e.milestone == name]


def warning_instants(status: MilestoneStatus) -> list[datetime | None]:
    return [None if w.at is None else utc(w.at) for w in status.warnings]


# -- the alarm company ---------------------------------------------------------------


@attrs.frozen
class Alarm:
    book: CoverageBook
    platinum_call: Case  # ALM-1001: a Platinum site (SITE-00001)
    standard_call: Case  # ALM-1004: a Standard site (SITE-00005)

    def track(self, case: Case, as_of: datetime) -> CaseSla:
        return track(case, resolve(case, self.book), self.book, as_of=as_of)


@pytest.fixture(scope="module")
def alarm() -> Alarm:
    # The sample cases without their recorded history: each story writes its own.
    cases = {
        case.id: attrs.evolve(case, history=())
        for case in load_cases(DATA / "alarm_company" / "cases.csv")
    }
    return Alarm(load_book(DATA / "alarm_company"), cases["ALM-1001"], cases["ALM-1004"])


# Saturday 5 July 2025, 23:10 in New York: a motion sensor at a Platinum site
# keeps tripping. Platinum promises a first response in 15 minutes and a
# technician on site within 2 hours, 24x7, with warnings at 50, 75 and 90 %.
SATURDAY_2310 = ny(7, 5, 23, 10)
ON_SITE = "On-site Arrival"
FIRST_RESPONSE = "First Response"


def sensor_call(alarm: Alarm, *history: CaseEvent, opened: datetime = SATURDAY_2310) -> Case:
    return attrs.evolve(alarm.platinum_call, id="ALM-2001", opened_at=opened, history=history)


def test_the_sensor_call_gets_its_technician_by_0110_with_warnings_at_0010_0040_0058(
    alarm: Alarm,
):
    sla = alarm.track(sensor_call(alarm), as_of=SATURDAY_2310)
    assert sla.covered
    assert sla.process is not None
    assert sla.process.id == "platinum"
    assert [(m.name, m.state) for m in sla.milestones] == [(FIRST_RESPONSE, OPEN), (ON_SITE, OPEN)]

    on_site = milestone(sla, ON_SITE)
    assert on_site.calendar == "platinum-24x7"  # the process's calendar
    assert on_site.start == SATURDAY_2310
    assert on_site.budget == timedelta(hours=2)
    # 2 h of 24x7 time after 23:10 is 01:10 on Sunday.
    assert on_site.due == on_site.target == ny(7, 6, 1, 10)
    # 50 % = 1 h -> 00:10; 75 % = 1 h 30 -> 00:40; 90 % = 1 h 48 -> 00:58.
    assert [(w.threshold, w.at, w.reached) for w in on_site.warnings] == [
        (50, ny(7, 6, 0, 10), False),
        (75, ny(7, 6, 0, 40), False),
        (90, ny(7, 6, 0, 58), False),
    ]
    # First Response: 15 minutes, by 23:25 (warnings 23:17:30, 23:21:15, 23:23:30).
    first = milestone(sla, FIRST_RESPONSE)
    assert first.target == ny(7, 5, 23, 25)
    assert [w.at for w in first.warnings] == [
        datetime(2025, 7, 5, 23, 17, 30, tzinfo=NEW_YORK),
        datetime(2025, 7, 5, 23, 21, 15, tzinfo=NEW_YORK),
        datetime(2025, 7, 5, 23, 23, 30, tzinfo=NEW_YORK),
    ]


@pytest.mark.parametrize(
    ("as_of", "state", "reached", "used"),
    [
        (ny(7, 6, 0, 9), OPEN, 0, timedelta(minutes=59)),
        (ny(7, 6, 0, 10), OPEN, 1, timedelta(hours=1)),  # a warning fires at its own instant
        (ny(7, 6, 0, 40), OPEN, 2, timedelta(hours=1, minutes=30)),
        (ny(7, 6, 0, 58), OPEN, 3, timedelta(hours=1, minutes=48)),
        (ny(7, 6, 1, 10) - timedelta(microseconds=1), OPEN, 3, timedelta(hours=2, microseconds=-1)),
        (ny(7, 6, 1, 10), VIOLATED, 3, timedelta(hours=2)),  # open at the deadline: violated
        (ny(7, 6, 2, 0), VIOLATED, 3, timedelta(hours=2, minutes=50)),
    ],
)
def test_the_on_site_clock_through_the_night(
    alarm: Alarm, as_of: datetime, state: MilestoneState, reached: int, used: timedelta
):
    responded = completed(ny(7, 5, 23, 20), FIRST_RESPONSE)
    on_site = milestone(alarm.track(sensor_call(alarm, responded), as_of=as_of), ON_SITE)
    assert on_site.state is state
    assert [w.reached for w in on_site.warnings] == [n < reached for n in range(3)]
    assert on_site.business_elapsed == on_site.elapsed == used  # 24x7: every minute counts
    assert on_site.paused == timedelta(0)
    assert on_site.remaining == timedelta(hours=2) - used
    assert on_site.percent == pytest.approx(used / timedelta(hours=2) * 100)
    assert on_site.ended_at is None


def test_a_technician_on_site_at_0105_meets_the_milestone(alarm: Alarm):
    call = sensor_call(
        alarm,
        completed(ny(7, 5, 23, 20), FIRST_RESPONSE),
        completed(ny(7, 6, 1, 5), ON_SITE),
    )
    sla = alarm.track(call, as_of=ny(7, 6, 9, 0))  # the next morning: nothing moves any more
    on_site = milestone(sla, ON_SITE)
    assert on_site.state is MET
    assert on_site.ended_at == ny(7, 6, 1, 5)
    assert on_site.business_elapsed == timedelta(hours=1, minutes=55)  # 23:10 -> 01:05
    assert on_site.remaining == timedelta(minutes=5)
    assert all(w.reached for w in on_site.warnings)
    assert milestone(sla, FIRST_RESPONSE).state is MET  # 10 minutes of its 15

    assert [(e.at, e.kind, e.reason) for e in sla.trail if e.milestone == ON_SITE] == [
        (SATURDAY_2310, STARTED, "case opened; target 2h"),
        (ny(7, 6, 0, 10), WARNING, "50 % of 2h used"),
        (ny(7, 6, 0, 40), WARNING, "75 % of 2h used"),
        (ny(7, 6, 0, 58), WARNING, "90 % of 2h used"),
        (ny(7, 6, 1, 5), MET_EVENT, "completed"),
    ]


def test_a_technician_on_site_exactly_at_0110_still_meets_it(alarm: Alarm):
    # The completion is applied before the violation due at the same instant.
    call = sensor_call(alarm, completed(ny(7, 6, 1, 10), ON_SITE))
    on_site = milestone(alarm.track(call, as_of=ny(7, 6, 3, 0)), ON_SITE)
    assert on_site.state is MET
    assert on_site.remaining == timedelta(0)
    assert on_site.percent == 100.0


def test_a_technician_at_0130_meets_it_late_after_the_violation(alarm: Alarm):
    call = sensor_call(alarm, completed(ny(7, 6, 1, 30), ON_SITE))
    sla = alarm.track(call, as_of=ny(7, 6, 3, 0))
    on_site = milestone(sla, ON_SITE)
    assert on_site.state is MET_LATE
    assert on_site.remaining == timedelta(minutes=-20)
    assert [(e.at, e.kind) for e in sla.trail if e.milestone == ON_SITE][-2:] == [
        (ny(7, 6, 1, 10), VIOLATED_EVENT),
        (ny(7, 6, 1, 30), MET_LATE_EVENT),
    ]
    # And the 15-minute response nobody gave was violated at 23:25.
    assert milestone(sla, FIRST_RESPONSE).state is VIOLATED


def test_the_night_the_clocks_go_back_the_second_0105_is_too_late(alarm: Alarm):
    # Saturday 1 November 2025, 23:10 EDT. New York repeats 01:00-02:00 on
    # Sunday. Two real hours after 23:10 EDT is the *first* 01:10 (EDT). A
    # technician who arrives at the second 01:05 (EST) arrives 55 minutes late.
    opened = ny(11, 1, 23, 10)
    call = sensor_call(alarm, completed(ny(11, 2, 1, 5, fold=1), ON_SITE), opened=opened)
    on_site = milestone(alarm.track(call, as_of=ny(11, 2, 3, 0)), ON_SITE)
    assert on_site.target is not None
    assert utc(on_site.target) == datetime(2025, 11, 2, 5, 10, tzinfo=UTC)
    assert on_site.target.utcoffset() == timedelta(hours=-4)  # 01:10 EDT
    assert warning_instants(on_site) == [
        utc(ny(11, 2, 0, 10)),
        utc(ny(11, 2, 0, 40)),
        utc(ny(11, 2, 0, 58)),  # all before the repeat
    ]
    assert on_site.state is MET_LATE
    assert on_site.business_elapsed == timedelta(hours=2, minutes=55)  # the wall clock says 1:55
    assert on_site.ended_at is not None
    assert on_site.ended_at.utcoffset() == timedelta(hours=-5)

    # The trail is in time order: the violation at 01:10 EDT comes before the
    # arrival at 01:05 EST, although its wall clock reads later.
    trail_of = steps(
        trail(call, resolve(call, alarm.book), alarm.book, as_of=ny(11, 2, 3)), ON_SITE
    )
    assert trail_of[-2:] == [
        (utc(ny(11, 2, 1, 10)), VIOLATED_EVENT),
        (utc(ny(11, 2, 1, 5, fold=1)), MET_LATE_EVENT),
    ]

    # The first 01:05 (EDT) is on time.
    early = sensor_call(alarm, completed(ny(11, 2, 1, 5), ON_SITE), opened=opened)
    assert milestone(alarm.track(early, as_of=ny(11, 2, 3)), ON_SITE).state is MET


def test_the_night_the_clocks_go_forward_two_hours_read_three_on_the_wall(alarm: Alarm):
    # Sunday 9 March 2025, 00:30 EST; New York skips 02:00-03:00. The 2 hours
    # run 00:30-02:00 EST (1 h 30) and 03:00-03:30 EDT (30 min).
    call = sensor_call(alarm, opened=ny(3, 9, 0, 30))
    on_site = milestone(alarm.track(call, as_of=ny(3, 9, 3, 30)), ON_SITE)
    assert on_site.target == ny(3, 9, 3, 30)
    assert on_site.target.utcoffset() == timedelta(hours=-4)
    assert [w.at for w in on_site.warnings] == [
        ny(3, 9, 1, 30),  # 1 h
        ny(3, 9, 3, 0),  # 1 h 30: 02:00 EST is 03:00 EDT
        ny(3, 9, 3, 18),  # 1 h 48
    ]
    assert on_site.state is VIOLATED
    assert on_site.business_elapsed == on_site.elapsed == timedelta(hours=2)


# -- the Standard site: next business day, before Labor Day -------------------------


def test_the_standard_call_before_labor_day_is_due_tuesday_at_the_close(alarm: Alarm):
    # Friday 29 August 2025, 15:00. Standard: on site by the close of the next
    # business day, Monday-Friday 08:00-17:00 New York, US holidays. Monday
    # 1 September is Labor Day, so the next business day is Tuesday 2 September.
    call = attrs.evolve(alarm.standard_call, id="ALM-2004", opened_at=ny(8, 29, 15))
    sla = alarm.track(call, as_of=ny(8, 29, 15))
    on_site = milestone(sla, ON_SITE)
    assert on_site.calendar == "standard-us"
    assert on_site.definition.target == NextBusinessDay()
    assert on_site.due == on_site.target == ny(9, 2, 17)
    # The budget of a day target is the business time it allows: 2 h on
    # Friday (15:00-17:00) and 9 h on Tuesday.
    assert on_site.budget == timedelta(hours=11)
    # Warnings in business time: 50 % = 5 h 30 (2 h Fri + 3 h 30 Tue) -> Tue
    # 11:30; 75 % = 8 h 15 -> Tue 14:15; 90 % = 9 h 54 -> Tue 15:54.
    assert [w.at for w in on_site.warnings] == [
        ny(9, 2, 11, 30),
        ny(9, 2, 14, 15),
        ny(9, 2, 15, 54),
    ]

    # On the holiday itself nothing accrues: still the 2 h of Friday.
    holiday = milestone(alarm.track(call, as_of=ny(9, 1, 12)), ON_SITE)
    assert holiday.state is OPEN
    assert holiday.business_elapsed == timedelta(hours=2)
    assert holiday.elapsed == timedelta(days=3, hours=-3)  # Fri 15:00 -> Mon 12:00
    assert holiday.percent == pytest.approx(200 / 11)
    assert not any(w.reached for w in holiday.warnings)

    # The escalation worker sees exactly the three warnings and the violation.
    actions = due_actions([call], alarm.book, ny(8, 29, 15), ny(9, 3, 0))
    assert [(a.at, a.kind, a.threshold) for a in actions] == [
        (ny(9, 2, 11, 30), WARNING, 50),
        (ny(9, 2, 14, 15), WARNING, 75),
        (ny(9, 2, 15, 54), WARNING, 90),
        (ny(9, 2, 17), VIOLATED_EVENT, None),
    ]


def test_the_after_hours_call_of_that_friday_puts_the_whole_budget_on_tuesday(alarm: Alarm):
    # ALM-1004 itself came in at 18:30 that Friday, after the close: still due
    # Tuesday 17:00, but the budget is Tuesday's 9 hours only.
    call = alarm.standard_call
    assert call.opened_at == ny(8, 29, 18, 30)
    on_site = milestone(alarm.track(call, as_of=call.opened_at), ON_SITE)
    assert on_site.target == ny(9, 2, 17)
    assert on_site.budget == timedelta(hours=9)
    # 4 h 30, 6 h 45 and 8 h 06 after Tuesday's 08:00 opening.
    assert [w.at for w in on_site.warnings] == [ny(9, 2, 12, 30), ny(9, 2, 14, 45), ny(9, 2, 16, 6)]


# -- waiting on the customer over a weekend ----------------------------------------

# Friday 12 September 2025, 09:00: a Standard site asks for a technician (due
# Monday 15 September 17:00, a budget of 8 h Friday + 9 h Monday = 17 h). At
# 16:00 the desk needs the customer to confirm site access: "waiting on
# customer" pauses the clock until the customer answers on Monday at 10:00.
WAIT_OPENED = ny(9, 12, 9)
WAIT_FROM = ny(9, 12, 16)
WAIT_UNTIL = ny(9, 15, 10)


def waiting_call(alarm: Alarm, *more: CaseEvent) -> Case:
    history = [status(WAIT_FROM, "waiting on customer"), status(WAIT_UNTIL, "in progress"), *more]
    return attrs.evolve(alarm.standard_call, id="ALM-2005", opened_at=WAIT_OPENED, history=history)


def test_while_the_customer_is_silent_the_deadline_is_unknown(alarm: Alarm):
    saturday = milestone(alarm.track(waiting_call(alarm), as_of=ny(9, 13, 12)), ON_SITE)
    assert saturday.due == ny(9, 15, 17)  # the deadline the target gives, without pauses
    assert saturday.target is None  # paused until further notice
    assert [w.at for w in saturday.warnings] == [None, None, None]
    assert saturday.state is OPEN
    assert saturday.business_elapsed == timedelta(hours=7)  # 09:00-16:00 Friday
    assert saturday.paused == timedelta(hours=1)  # 16:00-17:00 Friday; the weekend is closed
    assert saturday.remaining == timedelta(hours=10)


def test_the_deadline_moves_by_exactly_the_paused_business_time(alarm: Alarm):
    call = waiting_call(alarm)
    sla = alarm.track(call, as_of=ny(9, 16, 12))
    on_site = milestone(sla, ON_SITE)
    # Paused business time: Friday 16:00-17:00 and Monday 08:00-10:00 = 3 h.
    # Monday 17:00 plus 3 business hours is Tuesday 11:00.
    assert on_site.paused == timedelta(hours=3)
    assert on_site.due == ny(9, 15, 17)
    assert on_site.target == ny(9, 16, 11)
    calendar = alarm.book.calendar("standard-us")
    assert calendar.elapsed(WAIT_OPENED, on_site.target) == on_site.budget + timedelta(hours=3)
    # Warnings, in unpaused business time: 50 % = 8 h 30 (7 h by Friday 16:00,
    # 1 h 30 from Monday 10:00) -> Mon 11:30; 75 % = 12 h 45 -> Mon 15:45;
    # 90 % = 15 h 18 -> 8 h 18 from Monday 10:00: 7 h to the close, 1 h 18 on
    # Tuesday -> Tue 09:18.
    assert [w.at for w in on_site.warnings] == [
        ny(9, 15, 11, 30),
        ny(9, 15, 15, 45),
        ny(9, 16, 9, 18),
    ]
    assert on_site.state is VIOLATED  # nobody came by 11:00

    assert [(e.at, e.kind, e.reason) for e in sla.trail] == [
        (WAIT_OPENED, STARTED, "case opened; target NBD"),
        (WAIT_FROM, PAUSED, "status 'waiting on customer'"),
        (WAIT_UNTIL, RESUMED, "status 'in progress'"),
        (ny(9, 15, 11, 30), WARNING, "50 % of 17h used"),
        (ny(9, 15, 15, 45), WARNING, "75 % of 17h used"),
        (ny(9, 16, 9, 18), WARNING, "90 % of 17h used"),
        (ny(9, 16, 11), VIOLATED_EVENT, "target NBD passed while open"),
    ]
    assert all(e.target == ny(9, 16, 11) for e in sla.trail[2:])  # known again once resumed
    assert sla.trail[1].target is None  # unknown while paused


def test_a_technician_on_site_tuesday_1030_is_on_time_thanks_to_the_pause(alarm: Alarm):
    call = waiting_call(alarm, completed(ny(9, 16, 10, 30), ON_SITE))
    on_site = milestone(alarm.track(call, as_of=ny(9, 17, 9)), ON_SITE)
    assert on_site.state is MET
    assert on_site.business_elapsed == timedelta(hours=16, minutes=30)  # 7 + 7 + 2.5
    assert on_site.remaining == timedelta(minutes=30)


# -- a priority raised mid-case --------------------------------------------------------

# A software vendor's help desk, Monday-Friday 09:00-17:00 London. First
# Response is due in 8 business hours for P3 and in 1 for P1 (two variants of
# one milestone). P3 cases also get a Callback by the next business day; P1
# cases get a Resolution in 4 business hours.


@pytest.fixture(scope="module")
def desk() -> CoverageBook:
    return CoverageBook(
        accounts=[Account(id="northwind", timezone="Europe/London", calendar="desk")],
        entitlements=[Entitlement(id="E-SUPPORT", account="northwind", process="support")],
        processes=[
            SlaProcess(
                id="support",
                milestones=[
                    MilestoneDefinition(
                        name="First Response", target="8h", priorities=["P3"], warnings=[50, 75, 90]
                    ),
                    MilestoneDefinition(
                        name="First Response", target="1h", priorities=["P1"], warnings=[50, 75, 90]
                    ),
                    MilestoneDefinition(name="Callback", target="NBD", priorities=["P3"]),
                    MilestoneDefinition(
                        name="Resolution", target="4h", priorities=["P1"], warnings=[50]
                    ),
                ],
            )
        ],
        calendars={
            "desk": BusinessHours.weekdays(
                "09:00", "17:00", timezone="Europe/London", holidays="GB"
            )
        },
    )


def london(hour: int, minute: int = 0) -> datetime:
    """Monday 3 March 2025 in London (GMT, UTC+0)."""
    return datetime(2025, 3, 3, hour, minute, tzinfo=LONDON)


def raised(*history: CaseEvent) -> Case:
    return Case(
        id="NW-301",
        account="northwind",
        channel="phone",
        priority="P3",
        opened_at=london(9),
        history=history,
    )


def test_a_p3_case_gets_8_hours_for_its_first_response_and_a_callback(desk: CoverageBook):
    sla = track(raised(), resolve(raised(), desk), desk, as_of=london(9))
    assert [(m.name, m.target) for m in sla.milestones] == [
        ("First Response", london(17)),
        ("Callback", datetime(2025, 3, 4, 17, tzinfo=LONDON)),
    ]
    assert [w.at for w in milestone(sla, "First Response").warnings] == [
        london(13),
        london(15),
        london(16, 12),
    ]


def test_raised_to_p1_in_time_the_first_response_is_re_targeted_from_the_start(
    desk: CoverageBook,
):
    case = raised(priority(london(9, 20), "P1"))
    sla = track(case, desk.entitlement("E-SUPPORT"), desk, as_of=london(9, 50))
    first = milestone(sla, "First Response")
    assert first.definition.target.duration == timedelta(hours=1)  # the P1 variant
    assert first.start == london(9)  # not the change
    assert first.target == london(10)  # 1 h from the start
    assert [(w.at, w.reached) for w in first.warnings] == [
        (london(9, 30), True),
        (london(9, 45), True),
        (london(9, 54), False),
    ]
    assert sla.priority == "P1"
    assert [(e.at, e.milestone, e.kind, e.reason) for e in sla.trail] == [
        (london(9), "First Response", STARTED, "case opened; target 8h"),
        (london(9), "Callback", STARTED, "case opened; target NBD"),
        (
            london(9, 20),
            "First Response",
            RETARGETED,
            "priority 'P3' -> 'P1': target 8h -> 1h, from the start 2025-03-03T09:00:00+00:00",
        ),
        (
            london(9, 20),
            "Callback",
            CANCELLED_EVENT,
            "priority 'P3' -> 'P1': the milestone does not apply to 'P1'",
        ),
        (
            london(9, 20),
            "Resolution",
            STARTED,
            "priority 'P3' -> 'P1': the milestone applies; target 4h",
        ),
        (london(9, 30), "First Response", WARNING, "50 % of 1h used"),
        (london(9, 45), "First Response", WARNING, "75 % of 1h used"),
    ]
    assert sla.trail[2].target == london(10)  # the trail records the new deadline


def test_raised_to_p1_too_late_the_warnings_and_the_violation_catch_up_at_the_change(
    desk: CoverageBook,
):
    # Raised at 11:00: the P1 target (10:00) and its warnings (09:30, 09:45,
    # 09:54) are already past, so they all fire at 11:00, in order.
    case = raised(priority(london(11), "P1"), completed(london(11, 30), "First Response"))
    sla = track(case, desk.entitlement("E-SUPPORT"), desk, as_of=london(16))
    first = milestone(sla, "First Response")
    assert first.state is MET_LATE
    assert first.target == london(10)
    assert [w.at for w in first.warnings] == [london(9, 30), london(9, 45), london(9, 54)]
    assert [
        (e.at, e.kind, e.threshold, e.reason) for e in sla.trail if e.milestone == "First Response"
    ] == [
        (london(9), STARTED, None, "case opened; target 8h"),
        (
            london(11),
            RETARGETED,
            None,
            "priority 'P3' -> 'P1': target 8h -> 1h, from the start 2025-03-03T09:00:00+00:00",
        ),
        (london(11), WARNING, 50, "50 % of 1h used (reached when re-targeted)"),
        (london(11), WARNING, 75, "75 % of 1h used (reached when re-targeted)"),
        (london(11), WARNING, 90, "90 % of 1h used (reached when re-targeted)"),
        (
            london(11),
            VIOLATED_EVENT,
            None,
            "target 1h passed while open (reached when re-targeted)",
        ),
        (london(11, 30), MET_LATE_EVENT, None, "completed"),
    ]
    # The P3 Callback no longer applies; the P1 Resolution starts at the change.
    callback = milestone(sla, "Callback")
    assert (callback.state, callback.ended_at) == (CANCELLED, london(11))
    resolution = milestone(sla, "Resolution")
    assert resolution.start == london(11)
    assert resolution.target == london(15)
    assert resolution.state is VIOLATED  # 4 h from 11:00, nobody resolved it
    assert [w.at for w in resolution.warnings] == [london(13)]


def test_a_violation_survives_a_later_re_target(desk: CoverageBook):
    # P1 from 09:00 (violated at 10:00), lowered to P3 at 11:00: the 8 h target
    # (17:00) lies ahead, but the instance stays violated until completed.
    case = Case(
        id="NW-302",
        account="northwind",
        channel="web",
        priority="P1",
        opened_at=london(9),
        history=[priority(london(11), "P3"), completed(london(12), "First Response")],
    )
    entitlement = desk.entitlement("E-SUPPORT")
    at_1130 = milestone(track(case, entitlement, desk, as_of=london(11, 30)), "First Response")
    assert (at_1130.state, at_1130.target) == (VIOLATED, london(17))
    at_noon = milestone(track(case, entitlement, desk, as_of=london(12)), "First Response")
    assert at_noon.state is MET_LATE


# -- the managed security provider's escalation worker --------------------------------

# A security operations centre in Paris, Monday-Friday 08:00-18:00, French
# holidays, must respond to a high-severity incident within 8 business hours
# and warns the analyst on duty at 50, 75 and 90 %. Its worker calls
# due_actions every minute.


@pytest.fixture(scope="module")
def soc() -> CoverageBook:
    return CoverageBook(
        accounts=[Account(id="bank", timezone="Europe/Paris", calendar="soc")],
        entitlements=[Entitlement(id="MDR", account="bank", process="high-severity")],
        processes=[
            SlaProcess(
                id="high-severity",
                milestones=[
                    MilestoneDefinition(name="Response", target="8h", warnings=[50, 75, 90])
                ],
                pause_statuses=["waiting on customer"],
            )
        ],
        calendars={
            "soc": BusinessHours.weekdays("08:00", "18:00", timezone="Europe/Paris", holidays="FR")
        },
    )


def paris(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """``day`` of May 2025 if above 20, else of June 2025, in Paris (CEST, UTC+2)."""
    month = 5 if day > 20 else 6
    return datetime(2025, month, day, hour, minute, second, tzinfo=PARIS)


def incidents() -> list[Case]:
    def incident(id: str, opened: datetime, *history: CaseEvent) -> Case:
        return Case(id=id, account="bank", channel="phone", opened_at=opened, history=history)

    return [
        incident("INC-1", paris(2, 8)),  # Monday at the opening
        incident("INC-2", paris(2, 9, 0, 30)),  # 30 seconds past a minute
        incident("INC-3", paris(30, 15)),  # the Friday before
        incident("INC-4", paris(2, 10), completed(paris(2, 14, 30), "Response")),
        incident(
            "INC-5",
            paris(2, 11),
            status(paris(2, 12), "waiting on customer"),
            status(paris(2, 14), "in progress"),
        ),
        incident("INC-6", paris(2, 10, 30), closed(paris(2, 13))),  # closed before 50 %
        incident("INC-7", paris(2, 8)),  # the same instants as INC-1
    ]


#: What the worker must report, worked out by hand (8 h = 480 min; 50 % =
#: 4 h, 75 % = 6 h, 90 % = 7 h 12, each in business time).
EXPECTED_ACTIONS = [
    # INC-3: Fri 15:00 + 3 h on Friday, then Monday from 08:00.
    (paris(2, 9), "INC-3", WARNING, 50),
    (paris(2, 11), "INC-3", WARNING, 75),
    # INC-1 and INC-7 at the same instant: by case id.
    (paris(2, 12), "INC-1", WARNING, 50),
    (paris(2, 12), "INC-7", WARNING, 50),
    (paris(2, 12, 12), "INC-3", WARNING, 90),
    (paris(2, 13), "INC-3", VIOLATED_EVENT, None),
    (paris(2, 13, 0, 30), "INC-2", WARNING, 50),
    (paris(2, 14), "INC-1", WARNING, 75),
    (paris(2, 14), "INC-4", WARNING, 50),  # then answered at 14:30
    (paris(2, 14), "INC-7", WARNING, 75),
    (paris(2, 15, 0, 30), "INC-2", WARNING, 75),
    (paris(2, 15, 12), "INC-1", WARNING, 90),
    (paris(2, 15, 12), "INC-7", WARNING, 90),
    (paris(2, 16), "INC-1", VIOLATED_EVENT, None),
    (paris(2, 16), "INC-7", VIOLATED_EVENT, None),
    (paris(2, 16, 12, 30), "INC-2", WARNING, 90),
    # INC-5: 1 h before the pause, 2 h paused; 50 % = 14:00 + 3 h.
    (paris(2, 17), "INC-5", WARNING, 50),
    (paris(2, 17, 0, 30), "INC-2", VIOLATED_EVENT, None),
    # INC-5: 5 h by Monday's close; 75 % = Tue 08:00 + 1 h, 90 % = + 2 h 12.
    (paris(3, 9), "INC-5", WARNING, 75),
    (paris(3, 10, 12), "INC-5", WARNING, 90),
    (paris(3, 11), "INC-5", VIOLATED_EVENT, None),
]


def test_the_worker_running_every_minute_reports_each_warning_exactly_once(soc: CoverageBook):
    cases = incidents()
    decisions = {case.id: resolve(case, soc) for case in cases}
    start, end = paris(30, 15), paris(3, 12)  # Friday 15:00 to Tuesday noon
    reported: list[SlaEvent] = []
    tick = start
    while tick < end:
        reported += due_actions(cases, soc, tick, tick + timedelta(minutes=1), decisions=decisions)
        tick += timedelta(minutes=1)

    assert [(e.at, e.case, e.kind, e.threshold) for e in reported] == EXPECTED_ACTIONS
    once = Counter((e.case, e.milestone, e.instance, e.kind, e.threshold) for e in reported)
    assert set(once.values()) == {1}
    warned = Counter(e.case for e in reported if e.kind is WARNING)
    assert warned == {"INC-1": 3, "INC-2": 3, "INC-3": 3, "INC-4": 1, "INC-5": 3, "INC-7": 3}
    # Minute by minute is the same as one window over the whole stretch...
    assert due_actions(cases, soc, start, end) == reported
    # ...and each event is the one the case's own trail holds.
    for event in reported:
        case = next(c for c in cases if c.id == event.case)
        assert event in trail(case, decisions[case.id], soc, as_of=end)


def test_the_windows_are_half_open(soc: CoverageBook):
    cases = incidents()
    noon = paris(2, 12)  # INC-1 and INC-7 reach 50 % at exactly noon
    assert due_actions(cases, soc, paris(2, 11, 59), noon) == []
    assert [e.case for e in due_actions(cases, soc, noon, paris(2, 12, 1))] == ["INC-1", "INC-7"]
    assert due_actions(cases, soc, noon, noon) == []  # an empty window
    with pytest.raises(ModelError, match="is before start"):
        due_actions(cases, soc, noon, paris(2, 11))


# -- the biotech's audit trail ------------------------------------------------------------

# A biotech's sequencing lab is supported Monday-Friday 07:00-19:00 Los Angeles
# time (US holidays). Its process: First Response in 4 business hours for P2
# and 1 for P1 (warning at 75 %); a Customer Update within 2 hours of the case
# opening and of every customer reply (it never pauses); a Resolution by the
# next business day (warning at 50 %). "waiting on customer" pauses the others.


@pytest.fixture(scope="module")
def lab() -> CoverageBook:
    return CoverageBook(
        accounts=[Account(id="helix-bio", timezone="America/Los_Angeles", calendar="lab")],
        entitlements=[Entitlement(id="E-SEQ", account="helix-bio", process="lab-support")],
        processes=[
            SlaProcess(
                id="lab-support",
                milestones=[
                    MilestoneDefinition(
                        name="First Response", target="4h", priorities=["P2"], warnings=[75]
                    ),
                    MilestoneDefinition(
                        name="First Response", target="1h", priorities=["P1"], warnings=[75]
                    ),
                    MilestoneDefinition(
                        name="Customer Update",
                        target="2h",
                        recurrence="independent",
                        pause_statuses=[],
                    ),
                    MilestoneDefinition(name="Resolution", target="NBD", warnings=[50]),
                ],
                pause_statuses=["waiting on customer"],
            )
        ],
        calendars={
            "lab": BusinessHours.weekdays(
                "07:00", "19:00", timezone="America/Los_Angeles", holidays="US"
            )
        },
    )


def la(hour: int, minute: int = 0) -> datetime:
    """Tuesday 10 June 2025 in Los Angeles (PDT, UTC-7)."""
    return datetime(2025, 6, 10, hour, minute, tzinfo=LOS_ANGELES)


SEQUENCER_CASE = Case(
    id="HX-88",
    account="helix-bio",
    channel="email",
    priority="P2",
    opened_at=la(8),
    history=[
        completed(la(9, 30), "Customer Update"),
        status(la(10), "waiting on customer"),
        reply(la(11)),
        status(la(11), "in progress"),
        priority(la(11, 15), "P1"),
        completed(la(11, 30), "First Response"),
        closed(la(14)),
    ],
)

#: The whole trail, worked out by hand:
#: - First Response (P2, 4h) from 08:00; paused 10:00-11:00. Raised to P1 at
#:   11:15: 1 h from 08:00 is 09:00 (the pause starts later), 75 % is 08:45;
#:   both past, so both fire at 11:15. Answered at 11:30: met late.
#: - Customer Update #1 from 08:00 (target 10:00), done at 09:30: met.
#:   #2 starts with the reply at 11:00 (target 13:00), never done: violated at
#:   13:00, and the closure at 14:00 stops it.
#: - Resolution (NBD: Wednesday 19:00, a budget of 11 h + 12 h) paused with
#:   the rest; the closure cancels it.
AUDIT_TRAIL = [
    (la(8), "First Response", 1, STARTED, "case opened; target 4h"),
    (la(8), "Customer Update", 1, STARTED, "case opened; target 2h"),
    (la(8), "Resolution", 1, STARTED, "case opened; target NBD"),
    (la(9, 30), "Customer Update", 1, MET_EVENT, "completed"),
    (la(10), "First Response", 1, PAUSED, "status 'waiting on customer'"),
    (la(10), "Resolution", 1, PAUSED, "status 'waiting on customer'"),
    (la(11), "Customer Update", 2, STARTED, "customer replied; target 2h"),
    (la(11), "First Response", 1, RESUMED, "status 'in progress'"),
    (la(11), "Resolution", 1, RESUMED, "status 'in progress'"),
    (
        la(11, 15),
        "First Response",
        1,
        RETARGETED,
        "priority 'P2' -> 'P1': target 4h -> 1h, from the start 2025-06-10T08:00:00-07:00",
    ),
    (la(11, 15), "First Response", 1, WARNING, "75 % of 1h used (reached when re-targeted)"),
    (
        la(11, 15),
        "First Response",
        1,
        VIOLATED_EVENT,
        "target 1h passed while open (reached when re-targeted)",
    ),
    (la(11, 30), "First Response", 1, MET_LATE_EVENT, "completed"),
    (la(13), "Customer Update", 2, VIOLATED_EVENT, "target 2h passed while open"),
    # One instant: the instances in the order they started.
    (la(14), "Resolution", 1, CANCELLED_EVENT, "case closed"),
    (la(14), "Customer Update", 2, STOPPED, "case closed; it stays violated"),
]


def test_the_audit_trail_lists_every_event_in_order_with_its_reason(lab: CoverageBook):
    decision = resolve(SEQUENCER_CASE, lab)
    events = trail(SEQUENCER_CASE, decision, lab, as_of=datetime(2025, 6, 30, tzinfo=LOS_ANGELES))
    assert [(e.at, e.milestone, e.instance, e.kind, e.reason) for e in events] == AUDIT_TRAIL
    assert {(e.case, e.entitlement) for e in events} == {("HX-88", "E-SEQ")}
    assert all(e.at.tzinfo == LOS_ANGELES for e in events)  # in the calendar's zone
    assert [e.threshold for e in events if e.kind is WARNING] == [75]
    # The Resolution's deadline, after the hour's pause: Wednesday 19:00 + 1 h
    # of business time = Thursday 08:00.
    assert events[8].target == datetime(2025, 6, 12, 8, tzinfo=LOS_ANGELES)


def test_after_the_closure_every_instance_has_its_final_state(lab: CoverageBook):
    sla = track(SEQUENCER_CASE, resolve(SEQUENCER_CASE, lab), lab, as_of=la(18))
    assert sla.closed_at == la(14)
    assert [(m.name, m.instance, m.state, m.ended_at) for m in sla.milestones] == [
        ("First Response", 1, MET_LATE, la(11, 30)),
        ("Customer Update", 1, MET, la(9, 30)),
        ("Resolution", 1, CANCELLED, la(14)),
        ("Customer Update", 2, VIOLATED, la(14)),  # stopped, and violated for good
    ]
    update = milestone(sla, "Customer Update", 2)
    assert update.business_elapsed == timedelta(hours=3)  # 11:00 -> 14:00, then the clock stopped
    resolution = milestone(sla, "Resolution")
    assert resolution.paused == timedelta(hours=1)
    assert resolution.business_elapsed == timedelta(hours=5)  # 08-10 and 11-14


def test_an_earlier_as_of_gives_a_prefix_of_the_trail(lab: CoverageBook):
    decision = resolve(SEQUENCER_CASE, lab)
    full = trail(SEQUENCER_CASE, decision, lab, as_of=la(23))
    instants = sorted({e.at for e in full} | {la(7), la(12), la(23)}, key=utc)
    tiny = timedelta(microseconds=1)
    for moment in instants:
        for as_of in (moment - tiny, moment, moment + tiny):
            earlier = trail(SEQUENCER_CASE, decision, lab, as_of=as_of)
            assert earlier == full[: len(earlier)], as_of
            assert earlier == tuple(e for e in full if utc(e.at) <= utc(as_of)), as_of
            assert track(SEQUENCER_CASE, decision, lab, as_of=as_of).trail == earlier
    assert trail(SEQUENCER_CASE, decision, lab, as_of=la(7, 59)) == ()  # before it opened


def test_a_history_that_completes_an_unknown_milestone_is_an_error_once_replayed(
    lab: CoverageBook,
):
    case = attrs.evolve(SEQUENCER_CASE, history=[completed(la(9), "Root Cause")])
    entitlement = lab.entitlement("E-SEQ")
    assert track(case, entitlement, lab, as_of=la(8, 59)).milestones  # not replayed yet
    with pytest.raises(ModelError) as raised_error:
        track(case, entitlement, lab, as_of=la(9))
    assert str(raised_error.value) == (
        "Case 'HX-88': history[0].value: 'Root Cause' is not a milestone of SLA process "
        "'lab-support' (its milestones: 'First Response', 'Customer Update', 'Resolution')"
    )
    assert raised_error.value.field == "history[0].value"


# -- variants that promise differently -----------------------------------------------------


def test_lowered_to_p3_the_warnings_of_the_longer_target_are_given_at_their_own_instants(
    desk: CoverageBook,
):
    # P1 (1 h: warnings 09:30, 09:45, 09:54, all given) lowered to P3 (8 h) at
    # 09:56: the P3 warnings fall at 13:00, 15:00 and 16:12, after the change,
    # so they are given again then.
    case = Case(
        id="NW-303",
        account="northwind",
        channel="phone",
        priority="P1",
        opened_at=london(9),
        history=[priority(london(9, 56), "P3")],
    )
    entitlement = desk.entitlement("E-SUPPORT")
    first = milestone(track(case, entitlement, desk, as_of=london(10)), "First Response")
    assert first.state is OPEN  # the P1 deadline (10:00) was not reached before the change
    assert first.target == london(17)
    assert [(w.at, w.reached) for w in first.warnings] == [
        (london(13), False),
        (london(15), False),
        (london(16, 12), False),
    ]
    sla = track(case, entitlement, desk, as_of=london(17))
    assert [(e.at, e.reason) for e in sla.trail if e.milestone == "First Response"][-4:] == [
        (london(13), "50 % of 8h used"),
        (london(15), "75 % of 8h used"),
        (london(16, 12), "90 % of 8h used"),
        (london(17), "target 8h passed while open"),
    ]


def test_lowered_while_violated_a_p1_only_milestone_is_stopped_and_stays_violated(
    desk: CoverageBook,
):
    # P1 from 09:00: First Response (1 h) violated at 10:00, Resolution (4 h)
    # at 13:00. Lowered to P3 at 14:00: the Resolution does not apply to P3,
    # but its breach is kept; the First Response moves to the 8 h target
    # (17:00) and stays violated; the P3 Callback starts.
    case = Case(
        id="NW-304",
        account="northwind",
        channel="phone",
        priority="P1",
        opened_at=london(9),
        history=[priority(london(14), "P3")],
    )
    sla = track(case, desk.entitlement("E-SUPPORT"), desk, as_of=london(17, 30))
    assert [(m.name, m.state, m.ended_at) for m in sla.milestones] == [
        ("First Response", VIOLATED, None),
        ("Resolution", VIOLATED, london(14)),
        ("Callback", OPEN, None),
    ]
    assert [(e.milestone, e.kind, e.reason) for e in sla.trail if e.at == london(14)] == [
        (
            "First Response",
            RETARGETED,
            "priority 'P1' -> 'P3': target 1h -> 8h, from the start 2025-03-03T09:00:00+00:00",
        ),
        (
            "Callback",
            STARTED,
            "priority 'P1' -> 'P3': the milestone applies; target NBD",
        ),
        (
            "Resolution",
            STOPPED,
            "priority 'P1' -> 'P3': the milestone does not apply to 'P3'; it stays violated",
        ),
    ]
    # A breached instance gives no more warnings, and its warnings stay as they were
    # at the breach: the 1 h target's 50/75/90 % (09:30, 09:45, 09:54), all given,
    # not the 8 h target's (13:00, 15:00, 16:12).
    first = milestone(sla, "First Response")
    assert [(w.at, w.reached) for w in first.warnings] == [
        (london(9, 30), True),
        (london(9, 45), True),
        (london(9, 54), True),
    ]
    assert [e.kind for e in sla.trail if e.milestone == "First Response"] == [
        STARTED,
        WARNING,
        WARNING,
        WARNING,
        VIOLATED_EVENT,
        RETARGETED,
    ]


@pytest.mark.parametrize(
    ("p3_pauses", "p1_pauses", "expected", "paused"),
    [
        (
            ["waiting"],
            [],
            [
                (london(10), PAUSED, "status 'waiting'"),
                (london(11), RETARGETED, None),
                (london(11), RESUMED, "status 'waiting' under the new target"),
            ],
            timedelta(0),  # P1 never pauses, from the start: 10:00-11:00 counts
        ),
        (
            [],
            ["waiting"],
            [
                (london(11), RETARGETED, None),
                (london(11), PAUSED, "status 'waiting' under the new target"),
                (london(12), RESUMED, "status 'working'"),
            ],
            timedelta(hours=2),  # P1 pauses on 'waiting', from the start: 10:00-12:00
        ),
    ],
    ids=["P3-pauses-P1-does-not", "P1-pauses-P3-does-not"],
)
def test_a_variant_with_other_pause_statuses_reports_the_change_of_pause(
    desk: CoverageBook,
    p3_pauses: list[str],
    p1_pauses: list[str],
    expected: list[tuple[datetime, SlaEventKind, str | None]],
    paused: timedelta,
):
    # The case waits from 10:00, is raised to P1 at 11:00 and worked on from
    # 12:00. The new variant's pause statuses apply from the instance's start,
    # like its target; the trail says when the clock stopped or ran again.
    book = desk.replace(
        SlaProcess(
            id="support",
            milestones=[
                MilestoneDefinition(
                    name="First Response", target="8h", priorities=["P3"], pause_statuses=p3_pauses
                ),
                MilestoneDefinition(
                    name="First Response", target="4h", priorities=["P1"], pause_statuses=p1_pauses
                ),
            ],
        )
    )
    case = raised(
        status(london(10), "waiting"), priority(london(11), "P1"), status(london(12), "working")
    )
    sla = track(case, book.entitlement("E-SUPPORT"), book, as_of=london(12, 30))
    changes = [
        (e.at, e.kind, None if e.kind is RETARGETED else e.reason)
        for e in sla.trail
        if e.kind in (PAUSED, RESUMED, RETARGETED)
    ]
    assert changes == expected
    assert milestone(sla, "First Response").paused == paused


# -- variants with thresholds of their own -------------------------------------------------


def test_the_new_variants_own_thresholds_fire(desk: CoverageBook):
    """Warnings are counted by threshold, not by position.

    P3 warns at 10 % and 20 % of 8 h (09:48, 10:36); P1 warns at 50 % of 4 h
    (11:00). Raised to P1 at 11:00, the 50 % warning was never given, so it
    is given at its instant, 11:00.
    """
    book = desk.replace(
        SlaProcess(
            id="support",
            milestones=[
                MilestoneDefinition(
                    name="First Response", target="8h", priorities=["P3"], warnings=[10, 20]
                ),
                MilestoneDefinition(
                    name="First Response", target="4h", priorities=["P1"], warnings=[50]
                ),
            ],
        )
    )
    case = raised(priority(london(11), "P1"))
    sla = track(case, book.entitlement("E-SUPPORT"), book, as_of=london(12))
    assert [(e.at, e.threshold) for e in sla.trail if e.kind is WARNING] == [
        (london(9, 48), 10),
        (london(10, 36), 20),
        (london(11), 50),
    ]
