"""Hypothesis strategies for the milestone clock: small processes, cases and their books.

A :class:`ClockScenario` is one account with one entitlement, one SLA process
and (at most) one calendar, and a case with a short, minute-aligned history.
Everything stays within what the brute-force clock oracle restates (whole-minute
duration targets, one calendar for every milestone), unless a strategy is asked
for day targets.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from hypothesis import strategies as st

from entitlements import (
    Account,
    BusinessCalendar,
    BusinessDuration,
    Case,
    CaseEvent,
    CoverageBook,
    Entitlement,
    MilestoneDefinition,
    Recurrence,
    SlaProcess,
)
from oracle import DAY_MINUTES, CalendarSpec, build_calendar
from strategies import ALWAYS_OPEN_WEEK, ZONES, anchors, calendar_specs, targets, weekly_patterns

NAMES = ("FR", "OS", "RES")
PRIORITIES = ("P1", "P2", "P3")
STATUSES = ("waiting", "on hold", "in progress", "assigned")
#: where the calendar id is given; None leaves the always-open calendar of the account's zone
PLACEMENTS = ("milestone", "process", "entitlement", "account", None)
CALENDAR_ID = "hours"
PAUSING = frozenset(STATUSES[:2])
#: pause statuses of a process or milestone: mostly some, sometimes none
PAUSE_SETS = (PAUSING, frozenset(STATUSES[:1]), frozenset(STATUSES[1:3]), frozenset())
#: the kinds of history events drawn, weighted (closure is drawn apart, at the end)
HISTORY_KINDS = ("status", "status", "priority", "priority", "completed", "completed", "reply")
#: how a milestone's definitions split the priorities (weighted)
SHAPES = ("all", "some", "variants", "variants", "variants")
#: the priorities of a milestone's variants
VARIANT_SPLITS = (
    (("P1",), ("P2",), ("P3",)),
    (("P1", "P2"), ("P3",)),
    (("P1",), ("P2", "P3")),
    (("P1", "P3"), ("P2",)),
    (("P1",), ("P2",)),
    (("P1",), ("P3",)),
    (("P2",), ("P3",)),
)

#: Thresholds in whole percents, in tenths (12.5, 33.3), and a few whose share of a
#: whole-minute budget is a fraction of a microsecond (100/7 % of 1m is 8571428.57 µs),
#: none of them within a floating-point error of half a microsecond (checked for
#: budgets up to 5 days), so that exact and float arithmetic round alike.
AWKWARD_THRESHOLDS = (100 / 3, 100 / 7, 300 / 7, 500 / 7, 100 / 9, 200 / 9, 87.654321, 0.001)
thresholds = st.one_of(
    st.integers(1, 99),
    st.integers(1, 999).filter(lambda tenths: tenths % 10).map(lambda tenths: tenths / 10),
    st.sampled_from(AWKWARD_THRESHOLDS),
)
warning_lists = st.lists(thresholds, unique=True, max_size=3).map(lambda ws: tuple(sorted(ws)))
some_warnings = st.lists(thresholds, unique=True, min_size=1, max_size=3).map(
    lambda ws: tuple(sorted(ws))
)
#: budgets of a minute to a few hours
budgets = st.one_of(st.integers(1, 30), st.integers(1, 360)).map(lambda m: timedelta(minutes=m))


def weekly_open_minutes(week: dict[int, tuple[tuple[int, int], ...]]) -> int:
    return sum(
        end - start if end > start else DAY_MINUTES - start + end
        for intervals in week.values()
        for start, end in intervals
    )


@dataclasses.dataclass(frozen=True)
class ClockScenario:
    spec: CalendarSpec  # the hours every milestone runs on
    calendar: BusinessCalendar = dataclasses.field(repr=False)  # built from spec
    placement: str | None  # where the calendar's id is given
    zone: str  # the account's
    process: SlaProcess
    case: Case
    as_of: datetime
    book: CoverageBook = dataclasses.field(repr=False)

    @property
    def entitlement(self) -> Entitlement:
        return self.book.entitlements[0]


def book_for(
    process: SlaProcess, calendar: BusinessCalendar, placement: str | None, zone: str
) -> CoverageBook:
    """One account, one entitlement on it, ``process`` and the calendar where ``placement`` says."""
    calendar_id = CALENDAR_ID if placement is not None else None
    return CoverageBook(
        accounts=[
            Account(
                id="ACME", timezone=zone, calendar=calendar_id if placement == "account" else None
            )
        ],
        entitlements=[
            Entitlement(
                id="E",
                account="ACME",
                process=process.id,
                calendar=calendar_id if placement == "entitlement" else None,
            )
        ],
        processes=[process],
        calendars={CALENDAR_ID: calendar} if placement is not None else {},
    )


@st.composite
def milestone_variants(
    draw: st.DrawFn,
    name: str,
    *,
    placement: str | None,
    day_targets: bool = False,
    shapes: tuple[str, ...] = SHAPES,
    warned: bool = False,
) -> list[MilestoneDefinition]:
    """The definitions of one milestone: for all priorities, for some, or 2-3 variants.

    With ``warned``, every definition has at least one warning threshold.
    """
    warning_tuples = some_warnings if warned else warning_lists
    shape = draw(st.sampled_from(shapes))
    if shape == "all":
        groups = [frozenset()]
    elif shape == "some":
        groups = [draw(st.frozensets(st.sampled_from(PRIORITIES), min_size=1))]
    else:  # two or three variants, maybe leaving a priority without any
        groups = [frozenset(group) for group in draw(st.sampled_from(VARIANT_SPLITS))]
    # variants promise other targets, and sometimes other warnings and pause statuses
    warnings = draw(warning_tuples)
    own_warnings = draw(st.sampled_from((False, False, True)))
    pause_statuses = st.sampled_from((None, None, *PAUSE_SETS))
    pauses = draw(pause_statuses)
    own_pauses = draw(st.sampled_from((False, False, True)))
    recurrence = draw(st.sampled_from(Recurrence))
    target = targets(kind=None, fine=False) if day_targets else budgets.map(BusinessDuration)
    return [
        MilestoneDefinition(
            name=name,
            target=draw(target),
            priorities=group,
            warnings=draw(warning_tuples) if own_warnings else warnings,
            recurrence=recurrence,
            calendar=CALENDAR_ID if placement == "milestone" else None,
            pause_statuses=draw(pause_statuses) if own_pauses else pauses,
        )
        for group in groups
    ]


@st.composite
def processes(
    draw: st.DrawFn,
    *,
    placement: str | None,
    names: tuple[str, ...] | None = None,
    day_targets: bool = False,
    shapes: tuple[str, ...] = SHAPES,
    warned: bool = False,
) -> SlaProcess:
    """An SLA process with 1-3 milestones (some in variants), in any definition order."""
    if names is None:
        names = tuple(draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)))
    definitions = [
        definition
        for name in names
        for definition in draw(
            milestone_variants(
                name, placement=placement, day_targets=day_targets, shapes=shapes, warned=warned
            )
        )
    ]
    return SlaProcess(
        id="SLA",
        milestones=draw(st.permutations(definitions)),
        calendar=CALENDAR_ID if placement == "process" else None,
        pause_statuses=draw(st.sampled_from(PAUSE_SETS)),
    )


@st.composite
def single_milestone_processes(draw: st.DrawFn, placement: str | None) -> SlaProcess:
    """One milestone for every priority, with any kind of target, paused by two statuses."""
    target = draw(
        st.one_of(
            budgets.map(BusinessDuration),
            targets(kind="duration", fine=False),
            targets(kind="nbd", fine=False),
            targets(kind="bd", fine=False).filter(lambda t: t.n <= 5),
        )
    )
    return SlaProcess(
        id="SLA",
        milestones=[
            MilestoneDefinition(
                name="RES",
                target=target,
                warnings=draw(warning_lists),
                calendar=CALENDAR_ID if placement == "milestone" else None,
            )
        ],
        calendar=CALENDAR_ID if placement == "process" else None,
        pause_statuses=PAUSING,
    )


Landmark = tuple[int, str]


def landmarks(
    calendar: BusinessCalendar, opened: datetime, process: SlaProcess, priority: str
) -> tuple[Landmark, ...]:
    """``(minutes after opened, milestone)`` around which a milestone started then is due or warns.

    Without pauses; each instant is rounded down and up to the minute. The
    deadlines of the milestones of a case of ``priority`` are listed three times,
    to be drawn as often as the warnings; the other priorities' variants are
    listed too (a priority change at their instants puts them just in the past).
    """
    found: list[Landmark] = []
    for milestone in process.milestones:
        due = milestone.target.due(opened, calendar)
        budget = calendar.elapsed(opened, due)
        warnings = [calendar.add(opened, budget * p / 100) for p in milestone.warnings]
        dues = [due] * (3 if milestone.applies_to(priority) else 1)
        for t in [*dues, *warnings]:
            offset = (t - opened) / timedelta(minutes=1)
            for minutes in {math.floor(offset), math.ceil(offset)}:
                if 0 <= minutes <= 3 * DAY_MINUTES:
                    found.append((minutes, milestone.name))
    return tuple(sorted(found))


@st.composite
def hours_specs(draw: st.DrawFn, zone: str, anchor: datetime) -> CalendarSpec:
    """Calendar hours near ``anchor``: 24x7, office-like or cut from the week, 8h+ a week."""
    week = draw(
        weekly_patterns().filter(lambda week: weekly_open_minutes(week) >= 8 * 60),
    )
    return draw(calendar_specs(zone=zone, week=week, anchor=anchor))


@st.composite
def histories(
    draw: st.DrawFn,
    opened: datetime,
    names: tuple[str, ...],
    *,
    horizon: int,
    kinds: tuple[str, ...] = HISTORY_KINDS,
    max_size: int = 8,
    may_close: bool = True,
    landmarks: tuple[Landmark, ...] = (),
) -> list[CaseEvent]:
    """Up to ``max_size`` events within ``horizon`` minutes of ``opened``.

    Some events share an instant. Events fall at random minutes, at the previous event, or at
    ``landmarks`` or next to them (a completion there is mostly of the landmark's
    milestone, so that some fall exactly at a deadline or a warning).
    """
    events: list[CaseEvent] = []
    offset = 0
    sizes = st.integers(0, max_size) | st.integers(min(3, max_size), max_size)
    for _ in range(draw(sizes | st.integers(max_size // 2, max_size))):
        kind = draw(st.sampled_from(kinds))
        ahead = [mark for mark in landmarks if mark[0] >= offset]
        # completions and pauses often land on a deadline or a warning, or next to it
        near = 1 if kind == "reply" else 4
        how = draw(st.sampled_from(("same", *["landmark"] * near, "any", "any")))
        name = None
        if how == "landmark" and ahead:
            mark, name = draw(st.sampled_from(ahead))
            offset = max(offset, mark + draw(st.sampled_from((0, 0, 0, 0, -1, 1))))
        elif how != "same" or not events:
            offset = draw(st.integers(offset, max(offset, horizon)))
        if kind == "status":
            value = draw(st.sampled_from(STATUSES))
        elif kind == "priority":
            value = draw(st.sampled_from(PRIORITIES))
        elif kind == "completed":
            value = draw(st.sampled_from(names if name is None else (name,) * 3 + names))
        else:
            value = ""
        at = opened + timedelta(minutes=offset)
        if all((e.at, e.kind.value, e.value) != (at, kind, value) for e in events):
            events.append(CaseEvent(at=at, kind=kind, value=value))
    if may_close and draw(st.sampled_from((False, False, False, False, True))):
        at = opened + timedelta(minutes=draw(st.integers(offset, max(offset, horizon))))
        events.append(CaseEvent(at=at, kind="closed"))
    return events


@st.composite
def priority_stories(
    draw: st.DrawFn,
    opened: datetime,
    names: tuple[str, ...],
    priority: str,
    *,
    horizon: int,
    landmarks: tuple[Landmark, ...],
) -> list[CaseEvent]:
    """A history around 1-3 priority changes, mostly at (or next to) a deadline or a warning.

    A change there puts the new variant's warnings or deadline just in the past
    (they fire at the change), or a given warning's instant just ahead (it is
    given again). Up to 4 other events (status, completion, reply) come between.
    """
    events = draw(
        histories(
            opened,
            names,
            horizon=horizon,
            kinds=("status", "completed", "completed", "reply"),
            max_size=4,
            may_close=False,
            landmarks=landmarks,
        )
    )
    offset = 0
    for _ in range(draw(st.integers(1, 3))):
        ahead = [mark for mark, _ in landmarks if mark >= offset]
        if ahead and draw(st.sampled_from((True, True, False))):
            offset = max(
                offset, draw(st.sampled_from(ahead)) + draw(st.sampled_from((0, 0, -1, 1)))
            )
        elif draw(st.booleans()):  # sometimes at the same instant as the previous change
            offset = draw(st.integers(offset, max(offset, horizon)))
        priority = draw(st.sampled_from([p for p in PRIORITIES if p != priority]))
        change = CaseEvent(at=opened + timedelta(minutes=offset), kind="priority", value=priority)
        if change not in events:
            events.append(change)
    events.sort(key=lambda e: e.at)  # stable: a change after the other events of its instant
    if draw(st.sampled_from((False, False, False, False, True))):
        last = (events[-1].at - opened) // timedelta(minutes=1)
        at = opened + timedelta(minutes=draw(st.integers(last, max(last, horizon))))
        events.append(CaseEvent(at=at, kind="closed"))
    return events


@st.composite
def clock_scenarios(
    draw: st.DrawFn,
    *,
    day_targets: bool = False,
    kinds: tuple[str, ...] = HISTORY_KINDS,
    may_close: bool = True,
    process: Callable[[str | None], st.SearchStrategy[SlaProcess]] | None = None,
    shapes: tuple[str, ...] = SHAPES,
    warned: bool = False,
    priority_story: bool = False,
) -> ClockScenario:
    """A book and a case for the clock, and an instant to evaluate it at.

    ``process(placement)`` is the strategy of the SLA process given where the
    calendar id goes (by default :func:`processes`, with day targets when
    ``day_targets``).
    """
    placement = draw(st.sampled_from(PLACEMENTS))
    zone = draw(st.sampled_from(ZONES))
    hours_zone = zone if placement is None or draw(st.booleans()) else draw(st.sampled_from(ZONES))
    opened = draw(anchors(hours_zone))  # often within days of a DST transition
    if placement is None:
        spec = CalendarSpec(zone=zone, week=ALWAYS_OPEN_WEEK)
    else:
        spec = draw(hours_specs(hours_zone, opened))
    if process is None:
        sla = draw(
            processes(placement=placement, day_targets=day_targets, shapes=shapes, warned=warned)
        )
    else:
        sla = draw(process(placement))
    calendar = build_calendar(spec)
    priority = draw(st.sampled_from(PRIORITIES))
    marks = landmarks(calendar, opened, sla, priority)
    horizon = draw(st.sampled_from((60, 600, 3 * DAY_MINUTES)))
    if priority_story:
        history = draw(
            priority_stories(
                opened, sla.milestone_names, priority, horizon=horizon, landmarks=marks
            )
        )
    else:
        history = draw(
            histories(
                opened,
                sla.milestone_names,
                horizon=horizon,
                kinds=kinds,
                may_close=may_close,
                landmarks=marks,
            )
        )
    case = Case(
        id="K-1",
        account="ACME",
        channel="phone",
        opened_at=opened,
        priority=priority,
        history=history,
    )
    offsets = st.integers(0, horizon + DAY_MINUTES)
    if marks:
        offsets |= st.sampled_from([minutes for minutes, _ in marks])
    as_of = opened + timedelta(minutes=draw(offsets))
    return ClockScenario(
        spec=spec,
        calendar=calendar,
        placement=placement,
        zone=zone,
        process=sla,
        case=case,
        as_of=as_of,
        book=book_for(sla, calendar, placement, zone),
    )
