"""Property tests of the milestone clock: against a brute-force oracle, and its invariants.

The oracle (``tests/clock_oracle.py``) replays a case minute by minute and
restates the rules of :mod:`entitlements.clock`; it covers whole-minute
duration targets. The invariants need no oracle and also run with day
targets (``NBD``, ``3BD``). Instants are compared in UTC throughout: Python
compares datetimes that share a tzinfo by their wall clocks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given, reject
from hypothesis import strategies as st

import clock_oracle
from clock_strategies import (
    PAUSING,
    ClockScenario,
    book_for,
    clock_scenarios,
    single_milestone_processes,
)
from entitlements import (
    BusinessDuration,
    BusinessHours,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseSla,
    Escalation,
    MilestoneDefinition,
    MilestoneState,
    MilestoneStatus,
    Pauses,
    SlaEvent,
    SlaEventKind,
    SlaProcess,
    due_actions,
    track,
    trail,
)
from entitlements.pausing import business_elapsed, paused_time
from instants import utc
from oracle import DAY_MINUTES

US = timedelta(microseconds=1)
#: the trail event that ends an instance, and the state it leaves
ENDINGS = {
    SlaEventKind.MET: MilestoneState.MET,
    SlaEventKind.MET_LATE: MilestoneState.MET_LATE,
    SlaEventKind.CANCELLED: MilestoneState.CANCELLED,
    SlaEventKind.STOPPED: MilestoneState.VIOLATED,
}
DUE = (SlaEventKind.WARNING, SlaEventKind.VIOLATED)


def track_at(scenario: ClockScenario, as_of: datetime) -> CaseSla:
    return track(scenario.case, scenario.entitlement, scenario.book, as_of=as_of)


def trail_at(scenario: ClockScenario, as_of: datetime) -> tuple[SlaEvent, ...]:
    return trail(scenario.case, scenario.entitlement, scenario.book, as_of=as_of)


def optional_utc(t: datetime | None) -> datetime | None:
    return None if t is None else utc(t)


def event_row(e: SlaEvent) -> tuple[object, ...]:
    """An event as plain values, its instants in UTC."""
    return (utc(e.at), e.kind.value, e.milestone, e.instance, e.threshold, optional_utc(e.target))


def full_row(e: SlaEvent) -> tuple[object, ...]:
    """Every field of an event, its instants in UTC."""
    return (*event_row(e), e.case, e.entitlement, e.reason)


def instance_row(m: MilestoneStatus) -> dict[str, object]:
    """A milestone instance as plain values, its instants in UTC."""
    return {
        "name": m.name,
        "number": m.instance,
        "start": utc(m.start),
        "due": utc(m.due),
        "target": optional_utc(m.target),
        "budget": m.budget,
        "warnings": [(w.threshold, optional_utc(w.at), w.reached) for w in m.warnings],
        "state": m.state.value,
        "ended_at": optional_utc(m.ended_at),
        "business_elapsed": m.business_elapsed,
        "paused": m.paused,
        "elapsed": m.elapsed,
    }


def events_of(sla: CaseSla, m: MilestoneStatus) -> list[SlaEvent]:
    return [e for e in sla.trail if (e.milestone, e.instance) == (m.name, m.instance)]


@st.composite
def later_instants(draw: st.DrawFn, scenario: ClockScenario) -> list[datetime]:
    """``as_of`` and instants after it, in order: trail instants (to the µs) and minutes later."""
    as_of = scenario.as_of
    last = as_of + timedelta(days=4)
    ahead = [utc(e.at) for e in trail_at(scenario, last) if utc(e.at) > as_of]
    chosen = draw(st.lists(st.sampled_from(ahead), max_size=4)) if ahead else []
    steps = draw(st.lists(st.integers(1, 3 * DAY_MINUTES), max_size=3))
    chosen += [as_of + timedelta(minutes=m) for m in steps]
    return [as_of, *sorted(set(chosen)), last]


# -- against the oracle ---------------------------------------------------------------


def oracle_row(i: clock_oracle.Instance) -> dict[str, object]:
    """An oracle instance in the shape of :func:`instance_row`."""
    return {
        "name": i.name,
        "number": i.number,
        "start": i.start,
        "due": i.due,
        "target": i.target,
        "budget": i.budget,
        "warnings": [(w.threshold, w.at, w.reached) for w in i.warnings],
        "state": i.state,
        "ended_at": i.ended_at,
        "business_elapsed": i.business_elapsed,
        "paused": i.paused,
        "elapsed": i.elapsed,
    }


def oracle_replay(scenario: ClockScenario, as_of: datetime) -> clock_oracle.Result:
    try:
        return clock_oracle.replay(scenario.spec, scenario.process, scenario.case, as_of)
    except clock_oracle.OutOfScopeError:
        reject()


def assert_agrees_with_the_oracle(scenario: ClockScenario, data: st.DataObject) -> None:
    # as of a whole minute, and as of an instant of the trail (a warning may fall mid-minute)
    ahead = [utc(e.at) for e in trail_at(scenario, scenario.as_of + timedelta(days=2))]
    as_of = data.draw(st.sampled_from([scenario.as_of, *ahead]), label="as_of")
    sla = track_at(scenario, as_of)
    expected = oracle_replay(scenario, as_of)
    assert [event_row(e) for e in sla.trail] == [
        (e.at, e.kind, e.milestone, e.instance, e.threshold, e.target) for e in expected.trail
    ]
    assert [instance_row(m) for m in sla.milestones] == [oracle_row(i) for i in expected.instances]
    for m in sla.milestones:
        assert m.remaining == m.budget - m.business_elapsed
        assert m.percent == m.business_elapsed / m.budget * 100


@given(clock_scenarios(), st.data())
def test_the_clock_agrees_with_the_oracle(scenario: ClockScenario, data: st.DataObject):
    assert_agrees_with_the_oracle(scenario, data)


@given(
    clock_scenarios(shapes=("some", "variants"), warned=True, priority_story=True),
    st.data(),
)
def test_the_clock_agrees_with_the_oracle_through_priority_changes(
    scenario: ClockScenario, data: st.DataObject
):
    """Re-targets (catch-up, warnings given again), milestones dropped and back."""
    assert_agrees_with_the_oracle(scenario, data)


# -- deadlines and warnings -----------------------------------------------------------


def pauses_until(scenario: ClockScenario, as_of: datetime) -> Pauses:
    """When the case's status (up to ``as_of``) pauses a milestone that started at opening."""
    intervals: list[tuple[datetime, datetime | None]] = []
    since = None
    for e in scenario.case.history:
        if utc(e.at) > utc(as_of):
            break
        if e.kind is not CaseEventKind.STATUS:
            continue
        if e.value in PAUSING and since is None:
            since = e.at
        elif e.value not in PAUSING and since is not None:
            if utc(e.at) > utc(since):
                intervals.append((since, e.at))
            since = None
    if since is not None:
        intervals.append((since, None))
    return Pauses(intervals)


@given(
    clock_scenarios(
        process=single_milestone_processes, kinds=("status", "status", "status"), may_close=False
    )
)
def test_the_deadline_moves_by_exactly_the_paused_business_time(scenario: ClockScenario):
    (m,) = track_at(scenario, scenario.as_of).milestones
    calendar, start, target = scenario.calendar, m.start, m.definition.target
    pauses = pauses_until(scenario, scenario.as_of)
    assert utc(m.due) == utc(target.due(start, calendar))
    assert m.budget == calendar.elapsed(start, m.due)
    if isinstance(target, BusinessDuration):
        assert utc(m.due) == utc(calendar.add(start, target.duration))
    assert m.business_elapsed == business_elapsed(calendar, start, scenario.as_of, pauses)
    assert m.paused == paused_time(calendar, start, scenario.as_of, pauses)
    if m.target is None:  # paused until further notice, with budget left
        assert pauses.open_ended
        assert business_elapsed(calendar, start, pauses[-1][0], pauses) < m.budget
        return
    held = paused_time(calendar, start, m.target, pauses)
    assert calendar.elapsed(start, m.target) == m.budget + held
    assert utc(m.target) >= utc(m.due)
    if paused_time(calendar, start, m.due, pauses) == timedelta(0):
        assert utc(m.target) == utc(m.due)  # no pause holds time back: the target's own
    else:  # the earliest instant with the budget used up
        assert business_elapsed(calendar, start, utc(m.target) - US, pauses) < m.budget


@given(clock_scenarios(day_targets=True))
def test_warnings_are_ordered_and_fall_between_start_and_target(scenario: ClockScenario):
    for m in track_at(scenario, scenario.as_of).milestones:
        instants = [w.at for w in m.warnings]
        known = [utc(at) for at in instants if at is not None]
        # a pause until further notice holds back the later warnings, and then the target
        assert instants[len(known) :] == [None] * (len(instants) - len(known))
        assert m.target is None or len(known) == len(instants)
        assert known == sorted(known)
        assert all(utc(m.start) <= at for at in known)
        if m.target is not None:
            assert all(at <= utc(m.target) for at in known)
            assert utc(m.target) >= utc(m.due) >= utc(m.start)


@given(clock_scenarios(shapes=("some", "variants"), warned=True, priority_story=True))
def test_a_warning_given_is_reached_once_its_instant_has_passed(scenario: ClockScenario):
    """A warning in the trail is reached once its instant (under the variant in force) is past.

    ``Escalation.reached`` says whether the warning fired, and a warning is
    reached from its instant on (docs/milestones.md). It found that a violated
    instance re-targeted later lost its given warnings for good; a breach's
    warnings now stay as they were at the breach.
    """
    sla = track_at(scenario, scenario.as_of)
    for m in sla.milestones:
        end = utc(scenario.as_of if m.ended_at is None else m.ended_at)
        given = {e.threshold for e in events_of(sla, m) if e.kind is SlaEventKind.WARNING}
        for w in m.warnings:
            if w.reached:
                assert w.threshold in given
                assert w.at is not None
                assert utc(w.at) <= end
            elif w.threshold in given and w.at is not None:
                assert utc(w.at) > end, "given, its instant has passed, yet not reached"


def test_a_warning_given_before_a_breach_stays_reached_after_a_re_target():
    """The shortest case the property above found."""
    opened = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    process = SlaProcess(
        id="SLA",
        milestones=[
            MilestoneDefinition(name="FR", target="1m", priorities=["P1"], warnings=[50]),
            MilestoneDefinition(name="FR", target="10m", priorities=["P2"], warnings=[50]),
        ],
    )
    book = book_for(process, BusinessHours.always_open(), None, "UTC")

    def warning(*history: tuple[int, str], as_of: int) -> Escalation:
        case = Case(
            id="K-1",
            account="ACME",
            channel="phone",
            opened_at=opened,
            priority="P1",
            history=[
                CaseEvent(at=opened + timedelta(minutes=m), kind="priority", value=p)
                for m, p in history
            ],
        )
        sla = track(case, book.entitlements[0], book, as_of=opened + timedelta(minutes=as_of))
        (escalation,) = sla.milestones[0].warnings
        assert escalation.at is not None
        assert utc(escalation.at) <= opened + timedelta(minutes=as_of)
        return escalation

    # 50 % given at 08:00:30, violated at 08:01; P2 at 08:02 puts 50 % at 08:05
    assert warning((2, "P2"), as_of=8).reached
    # ... and P1 again at once: the variant under which it was given
    assert warning((2, "P2"), (2, "P1"), as_of=3).reached


# -- over time ------------------------------------------------------------------------


@given(clock_scenarios(day_targets=True), st.data())
def test_final_states_never_change(scenario: ClockScenario, data: st.DataObject):
    instants = data.draw(later_instants(scenario), label="as_of")
    for earlier, later in pairwise(track_at(scenario, t) for t in instants):
        assert len(later.milestones) >= len(earlier.milestones)
        for before, after in zip(earlier.milestones, later.milestones, strict=False):
            assert (after.name, after.instance) == (before.name, before.instance)
            assert utc(after.start) == utc(before.start)
            if before.state.final or before.ended_at is not None:
                assert instance_row(after) == instance_row(before)  # nothing changes it
            elif before.state is MilestoneState.VIOLATED:
                assert after.state in (MilestoneState.VIOLATED, MilestoneState.MET_LATE)
            retargets = [
                len([e for e in events_of(sla, m) if e.kind is SlaEventKind.RETARGETED])
                for sla, m in ((earlier, before), (later, after))
            ]
            if retargets[0] == retargets[1]:  # a warning reached stays reached, until a re-target
                reached = {w.threshold for w in before.warnings if w.reached}
                assert reached <= {w.threshold for w in after.warnings if w.reached}


@given(clock_scenarios(day_targets=True))
def test_the_state_agrees_with_the_trail(scenario: ClockScenario):
    sla = track_at(scenario, scenario.as_of)
    assert sla.trail == trail_at(scenario, scenario.as_of)
    instants = [utc(e.at) for e in sla.trail]
    assert instants == sorted(instants)
    assert utc(scenario.as_of) >= max(instants, default=utc(scenario.as_of))
    for m in sla.milestones:
        events = events_of(sla, m)
        kinds = [e.kind for e in events]
        assert kinds[0] is SlaEventKind.STARTED
        assert kinds.count(SlaEventKind.STARTED) == 1
        assert kinds.count(SlaEventKind.VIOLATED) <= 1
        endings = [e for e in events if e.kind in ENDINGS]
        assert len(endings) <= 1
        if endings:
            (ending,) = endings
            assert ending is events[-1]  # nothing happens to an instance after its end
            assert utc(ending.at) == utc(m.ended_at)
            assert m.state is ENDINGS[ending.kind]
        else:
            assert m.ended_at is None
            violated = SlaEventKind.VIOLATED in kinds
            assert m.state is (MilestoneState.VIOLATED if violated else MilestoneState.OPEN)
        # met only if never violated; met late or stopped only after a violation or the target
        if m.state is MilestoneState.MET:
            assert SlaEventKind.VIOLATED not in kinds
            assert m.target is None or utc(m.ended_at) <= utc(m.target)
        if SlaEventKind.STOPPED in kinds:
            assert SlaEventKind.VIOLATED in kinds
        if m.state is MilestoneState.MET_LATE and SlaEventKind.VIOLATED not in kinds:
            assert m.target is not None
            assert utc(m.ended_at) > utc(m.target)
        # a warning reached is in the trail; without re-targets, exactly those in the trail
        given_ = {e.threshold for e in events if e.kind is SlaEventKind.WARNING}
        assert {w.threshold for w in m.warnings if w.reached} <= given_
        if SlaEventKind.RETARGETED not in kinds:
            assert [w.threshold for w in m.warnings if w.reached] == [
                e.threshold for e in events if e.kind is SlaEventKind.WARNING
            ]
        for e in events:
            assert utc(e.at) >= utc(m.start)
            if e.kind is SlaEventKind.VIOLATED:
                assert e.target is not None
                assert utc(e.at) >= utc(e.target)


@given(clock_scenarios(day_targets=True), st.data())
def test_an_earlier_trail_is_a_prefix_of_a_later_one(scenario: ClockScenario, data: st.DataObject):
    instants = data.draw(later_instants(scenario), label="as_of")
    full = [full_row(e) for e in trail_at(scenario, instants[-1])]
    for as_of in instants:
        assert [full_row(e) for e in trail_at(scenario, as_of)] == [
            row for row in full if row[0] <= utc(as_of)
        ]


@given(clock_scenarios(day_targets=True), st.data())
def test_due_actions_over_consecutive_windows_report_each_event_once(
    scenario: ClockScenario, data: st.DataObject
):
    opened = utc(scenario.case.opened_at)
    t0 = opened + timedelta(minutes=data.draw(st.integers(-60, DAY_MINUTES), label="t0"))
    t2 = t0 + timedelta(minutes=data.draw(st.integers(0, 4 * DAY_MINUTES), label="t2 - t0"))
    due = [utc(e.at) for e in trail_at(scenario, t2) if e.kind in DUE and t0 <= utc(e.at) <= t2]
    # the middle bound: anywhere, or exactly at an event (to the µs)
    t1 = data.draw(
        st.sampled_from(due) | st.integers(0, (t2 - t0) // US).map(lambda us: t0 + us * US)
        if due
        else st.just(t0 + (t2 - t0) / 2),
        label="t1",
    )
    case, book = [scenario.case], scenario.book
    reported = due_actions(case, book, t0, t1) + due_actions(case, book, t1, t2)
    expected = [e for e in trail_at(scenario, t2) if e.kind in DUE and t0 <= utc(e.at) < t2]
    expected.sort(
        key=lambda e: (utc(e.at), e.milestone, e.instance, e.kind is SlaEventKind.VIOLATED)
    )
    assert [full_row(e) for e in reported] == [full_row(e) for e in expected]
    assert [full_row(e) for e in due_actions(case, book, t0, t2)] == [full_row(e) for e in expected]


# -- outcomes: what the compliance report asks of the clock ---------------------------


@given(
    st.one_of(
        clock_scenarios(),
        clock_scenarios(day_targets=True),
        clock_scenarios(shapes=("some", "variants"), warned=True, priority_story=True),
    )
)
def test_outcomes_are_what_track_says_of_each_instance(scenario: ClockScenario):
    """The short replay (no trail, no warnings) gives every instance's state and time left."""
    from entitlements.clock import outcomes

    sla = track(scenario.case, scenario.entitlement, scenario.book, as_of=scenario.as_of)
    # Instants compared in UTC: an aware datetime in a repeated hour (fold=1) never equals
    # one in another zone, whatever the instant (PEP 495).
    expected = [(m.name, utc(m.start), m.state, m.remaining // US) for m in sla.milestones]
    found = outcomes(scenario.case, scenario.entitlement, scenario.book, scenario.as_of)
    assert [(name, utc(start), state, left) for name, start, state, left in found] == expected
