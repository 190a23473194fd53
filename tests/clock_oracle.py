"""A brute-force restatement of the milestone clock that knows nothing of its implementation.

It replays a case minute by minute and applies the rules of
:mod:`entitlements.clock` literally (docs: the clock's module docstring):

* Time is stepped one UTC minute at a time from the case's opening to
  ``as_of``. Opening, history events and calendars are minute-aligned, so a
  minute is either wholly open or wholly closed (the calendar oracle of
  ``tests/oracle.py`` decides which), and wholly paused or not: its status is
  the one in force after every history event at its first instant.
* At each minute's first instant, the history events of that instant apply
  first, in the order given; then, per instance in creation order, the
  warnings that have accrued (in threshold order) and the violation; then,
  inside the minute, warnings whose share of the budget is crossed strictly
  within it fire at the exact microsecond it is crossed.
* An instance accrues a minute when the minute is open and the case's status
  is not one of the instance's pause statuses. A warning at ``p`` % fires
  when its accrued time first reaches ``p`` % of the budget; the instance is
  violated at the first instant at or after ``due0`` (the pause-free deadline)
  at which it has accrued its whole budget.
* The deadline ("target") reported for an instance is the same instant
  computed from the statuses known so far, the last one assumed to hold for
  ever: None when that pause never lets the budget run out.
* Completion ends every open instance of the milestone: met when never
  violated and at or before that deadline, else met late; a sequential
  milestone starts its next instance at once. A reply starts an instance of
  each independent milestone. Closure cancels open instances, and stops
  violated ones (they stay violated).
* A priority change re-targets an open instance from its start with the new
  variant's target, warnings and pause statuses (its accrued time is counted
  again under those); a warning already given (by threshold) is not given
  again unless the new variant puts its instant after the change. A violated
  instance gets no more warnings: its warnings stay as they were at the
  breach (thresholds, instants, all given), whatever the re-targets. An instance whose milestone no
  longer applies is cancelled, or stopped if violated, as on closure. A
  milestone that applies from the new priority on starts at the change; but a
  once-per-case one that had an instance starts again only if all its
  instances were cancelled, and then counts from its first start.

Scope: :class:`~entitlements.BusinessDuration` targets of whole minutes
only (day targets would need their own brute-force restatement), and one
calendar for every milestone. Shares of the budget are computed exactly; the
library computes them in floating point, so a threshold whose share lies
within a rounding error of half a microsecond could disagree (the strategies
draw none such). :func:`replay` raises :class:`OutOfScopeError` outside this
scope, or when a deadline lies beyond :data:`HORIZON_MINUTES`.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from functools import cache

from oracle import CalendarSpec, spec_is_open

MINUTE_US = 60_000_000
MINUTE = timedelta(minutes=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: How far (in minutes) the oracle steps ahead for a deadline before giving up.
HORIZON_MINUTES = 60 * 1440

#: the status changes known, ``(µs, status)`` in history order
Changes = tuple[tuple[int, str], ...]


class OutOfScopeError(Exception):
    """The scenario is outside what the oracle restates (or beyond its horizon)."""


def to_us(t: datetime) -> int:
    return (t - EPOCH) // timedelta(microseconds=1)


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


# -- what the oracle reports -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Event:
    """One trail entry; instants in UTC."""

    at: datetime
    kind: str  # the SlaEventKind value: "started", "warning", "met late", ...
    milestone: str
    instance: int
    threshold: float | None
    target: datetime | None


@dataclasses.dataclass(frozen=True)
class Escalation:
    threshold: float
    at: datetime | None
    reached: bool


@dataclasses.dataclass(frozen=True)
class Instance:
    """One milestone instance as of ``as_of``; instants in UTC."""

    name: str
    number: int
    start: datetime
    due: datetime
    target: datetime | None
    budget: timedelta
    warnings: tuple[Escalation, ...]
    state: str  # the MilestoneState value: "open", "met", "met late", "violated", "cancelled"
    ended_at: datetime | None
    business_elapsed: timedelta
    paused: timedelta
    elapsed: timedelta


@dataclasses.dataclass(frozen=True)
class Result:
    instances: tuple[Instance, ...]
    trail: tuple[Event, ...]


# -- the process, restated -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Definition:
    index: int  # its position in the process: variants are told apart by it
    name: str
    budget_minutes: int
    priorities: frozenset[str]
    warnings: tuple[float, ...]
    recurrence: str
    pause_statuses: frozenset[str]

    def applies_to(self, priority: str) -> bool:
        return not self.priorities or priority in self.priorities

    def share_us(self, threshold: float) -> int:
        """``threshold`` % of the budget in µs, rounded half to even (exactly, in fractions)."""
        return share_us(self.budget_minutes, threshold)


@cache
def share_us(budget_minutes: int, threshold: float) -> int:
    return round(Fraction(threshold) * budget_minutes * MINUTE_US / 100)


def definitions(process: object) -> tuple[Definition, ...]:
    """The process's milestones as plain data (checks the oracle's scope)."""
    result = []
    for index, milestone in enumerate(process.milestones):  # type: ignore[attr-defined]
        duration = getattr(milestone.target, "duration", None)
        if duration is None or duration % MINUTE or duration <= timedelta(0):
            raise OutOfScopeError(f"target {milestone.target}: not a whole number of minutes")
        own = milestone.pause_statuses
        pause_statuses = process.pause_statuses if own is None else own  # type: ignore[attr-defined]
        result.append(
            Definition(
                index=index,
                name=milestone.name,
                budget_minutes=duration // MINUTE,
                priorities=frozenset(milestone.priorities),
                warnings=tuple(milestone.warnings),
                recurrence=milestone.recurrence.value,
                pause_statuses=frozenset(pause_statuses),
            )
        )
    return tuple(result)


# -- minutes ---------------------------------------------------------------------------


class Clock:
    """Which minutes are open, and how much an instance accrues, by stepping."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self._open: dict[int, bool] = {}
        self._reached: dict[tuple[int, int, frozenset[str], Changes, int], int | None] = {}

    def is_open(self, minute: int) -> bool:
        if minute not in self._open:
            self._open[minute] = spec_is_open(self.spec, from_us(minute * MINUTE_US))
        return self._open[minute]

    def due0(self, start_minute: int, budget_minutes: int) -> int:
        """The end (µs) of the ``budget_minutes``-th open minute from ``start_minute``."""
        minute, counted = start_minute, 0
        while counted < budget_minutes:
            if minute - start_minute > HORIZON_MINUTES:
                raise OutOfScopeError("no deadline within the oracle's horizon")
            counted += self.is_open(minute)
            minute += 1
        return minute * MINUTE_US

    def accrues(self, minute: int, statuses: frozenset[str], changes: Changes) -> bool:
        """Whether an instance with pause ``statuses`` accrues ``minute``."""
        return self.is_open(minute) and status_at(changes, minute) not in statuses

    def reached(
        self,
        start_minute: int,
        amount_us: int,
        statuses: frozenset[str],
        changes: Changes,
        not_before_us: int = 0,
    ) -> int | None:
        """The first µs >= ``not_before_us`` by which ``amount_us`` has accrued since the start.

        ``changes`` are the status changes known so far; the last status holds
        for ever, so None when it pauses the clock before ``amount_us`` accrues.
        """
        key = (start_minute, amount_us, statuses, changes, not_before_us)
        if key not in self._reached:
            self._reached[key] = self._step(*key)
        return self._reached[key]

    def _step(
        self,
        start_minute: int,
        amount_us: int,
        statuses: frozenset[str],
        changes: Changes,
        not_before_us: int,
    ) -> int | None:
        last_change = max((at for at, _ in changes), default=0) // MINUTE_US
        accrued, minute = 0, start_minute
        while True:
            t = minute * MINUTE_US
            if accrued >= amount_us and t >= not_before_us:
                return t
            paused = status_at(changes, minute) in statuses
            if minute > last_change and paused and accrued < amount_us:
                return None  # paused for ever
            gains = self.accrues(minute, statuses, changes)
            crossed = t + amount_us - accrued
            if gains and t < crossed < t + MINUTE_US and crossed >= not_before_us:
                return crossed  # reached inside this minute
            accrued += MINUTE_US * gains
            minute += 1
            if minute - start_minute > HORIZON_MINUTES:
                raise OutOfScopeError("the amount does not accrue within the oracle's horizon")

    def used(
        self,
        start_us: int,
        end_us: int,
        statuses: frozenset[str],
        changes: Changes,
    ) -> tuple[int, int]:
        """(accrued, paused) open µs in ``[start, end)``."""
        accrued = paused = 0
        t = start_us
        while t < end_us:
            minute = t // MINUTE_US
            length = min(end_us, (minute + 1) * MINUTE_US) - t
            if self.is_open(minute):
                if status_at(changes, minute) in statuses:
                    paused += length
                else:
                    accrued += length
            t += length
        return accrued, paused


def status_at(changes: Changes, minute: int) -> str:
    """The status during ``minute``: the last change at or before its first instant."""
    status = ""
    for at, value in changes:
        if at <= minute * MINUTE_US:
            status = value
    return status


# -- the replay ------------------------------------------------------------------------


@dataclasses.dataclass(eq=False)
class _Running:
    seq: int
    name: str
    number: int
    definition: Definition
    start_us: int
    due_us: int
    accrued_us: int = 0
    given: set[float] = dataclasses.field(default_factory=set)  # thresholds warned of
    violated: bool = False
    frozen: tuple[tuple[float, int | None], ...] | None = None  # its warnings at the breach
    state: str = "open"
    end_us: int | None = None
    changes_at_end: Changes | None = None


class _Replay:
    def __init__(self, spec: CalendarSpec, process: object, priority: str) -> None:
        self.clock = Clock(spec)
        self.definitions = definitions(process)
        self.names = tuple(dict.fromkeys(d.name for d in self.definitions))
        self.priority = priority
        self.status = ""
        self.changes: list[tuple[int, str]] = []
        self.instances: list[_Running] = []
        self.trail: list[Event] = []

    def variant(self, name: str, priority: str) -> Definition | None:
        for d in self.definitions:
            if d.name == name and d.applies_to(priority):
                return d
        return None

    def open(self) -> list[_Running]:
        return [i for i in self.instances if i.end_us is None]

    def known(self, inst: _Running) -> Changes:
        """The status changes known to ``inst``: those before it ended, else all so far."""
        return tuple(self.changes) if inst.changes_at_end is None else inst.changes_at_end

    def target(self, inst: _Running, changes: Changes) -> int | None:
        d = inst.definition
        return self.clock.reached(
            inst.start_us // MINUTE_US,
            d.budget_minutes * MINUTE_US,
            d.pause_statuses,
            changes,
            not_before_us=inst.due_us,
        )

    def warning_at(self, inst: _Running, threshold: float, changes: Changes) -> int | None:
        """When ``threshold`` % of the budget has accrued (None while paused for ever)."""
        d = inst.definition
        share = d.share_us(threshold)
        return self.clock.reached(inst.start_us // MINUTE_US, share, d.pause_statuses, changes)

    def record(self, inst: _Running, at_us: int, kind: str, threshold: float | None = None) -> None:
        target = self.target(inst, self.known(inst))
        self.trail.append(
            Event(
                at=from_us(at_us),
                kind=kind,
                milestone=inst.name,
                instance=inst.number,
                threshold=threshold,
                target=None if target is None else from_us(target),
            )
        )

    # -- history events

    def start(self, definition: Definition, at_us: int, begin_us: int | None = None) -> None:
        """Start an instance at ``at_us``; its clock counts from ``begin_us`` if given."""
        number = 1 + sum(1 for i in self.instances if i.name == definition.name)
        start_us = at_us if begin_us is None else begin_us
        due = self.clock.due0(start_us // MINUTE_US, definition.budget_minutes)
        inst = _Running(len(self.instances), definition.name, number, definition, start_us, due)
        inst.accrued_us, _ = self.clock.used(
            start_us, at_us, definition.pause_statuses, tuple(self.changes)
        )
        self.instances.append(inst)
        self.record(inst, at_us, "started")
        if self.status in definition.pause_statuses:
            self.record(inst, at_us, "paused")

    def end(self, inst: _Running, at_us: int, state: str, kind: str) -> None:
        inst.state, inst.end_us = state, at_us
        inst.changes_at_end = tuple(self.changes)
        self.record(inst, at_us, kind)

    def stop(self, inst: _Running, at_us: int) -> None:
        """End without completion: a violated instance stays violated, others are cancelled."""
        if inst.violated:
            self.end(inst, at_us, "violated", "stopped")
        else:
            self.end(inst, at_us, "cancelled", "cancelled")

    def apply(self, at_us: int, kind: str, value: str) -> None:
        if kind == "status":
            before, self.status = self.status, value
            self.changes.append((at_us, value))
            for inst in self.open():
                statuses = inst.definition.pause_statuses
                if (before in statuses) != (value in statuses):
                    self.record(inst, at_us, "paused" if value in statuses else "resumed")
        elif kind == "priority":
            before, self.priority = self.priority, value
            if before != value:
                self.change_priority(at_us, before, value)
        elif kind == "completed":
            for inst in [i for i in self.open() if i.name == value]:
                target = self.target(inst, tuple(self.changes))
                on_time = not inst.violated and (target is None or at_us <= target)
                state = "met" if on_time else "met late"
                self.end(inst, at_us, state, state)
                if inst.definition.recurrence == "sequential":
                    self.start(inst.definition, at_us)
        elif kind == "reply":
            for d in self.definitions:
                if d.applies_to(self.priority) and d.recurrence == "independent":
                    self.start(d, at_us)
        elif kind == "closed":
            for inst in self.open():
                self.stop(inst, at_us)
        else:  # pragma: no cover - the case model knows no other kind
            raise OutOfScopeError(kind)

    def change_priority(self, at_us: int, before: str, after: str) -> None:
        for name in self.names:
            old, new = self.variant(name, before), self.variant(name, after)
            running = [i for i in self.open() if i.name == name]
            if new is None:
                for inst in running:
                    self.stop(inst, at_us)
            elif old is None:
                earlier = [i for i in self.instances if i.name == name]
                if new.recurrence != "none" or not earlier:
                    self.start(new, at_us)
                elif all(i.state == "cancelled" for i in earlier):
                    # once per case and cancelled: it comes back from its first start
                    self.start(new, at_us, begin_us=earlier[0].start_us)
            elif new.index != old.index:
                for inst in running:
                    self.retarget(inst, new, at_us)

    def retarget(self, inst: _Running, new: Definition, at_us: int) -> None:
        """Switch to ``new`` from the original start: its target, warnings and pause statuses."""
        was_paused = self.status in inst.definition.pause_statuses
        inst.definition = new
        inst.due_us = self.clock.due0(inst.start_us // MINUTE_US, new.budget_minutes)
        inst.accrued_us, _ = self.clock.used(
            inst.start_us, at_us, new.pause_statuses, tuple(self.changes)
        )
        # a warning given stays given, unless the new variant puts its instant after now
        # (a violated instance's warnings stay as they were at the breach)
        if not inst.violated:
            inst.given = {
                p for p in inst.given if p not in new.warnings or new.share_us(p) <= inst.accrued_us
            }
        self.record(inst, at_us, "re-targeted")
        now_paused = self.status in new.pause_statuses
        if now_paused != was_paused:
            self.record(inst, at_us, "paused" if now_paused else "resumed")

    # -- the clock

    def fire_at_instant(self, t_us: int) -> None:
        """Warnings and violations due at the minute boundary ``t_us`` (after its events).

        Also the ones a re-target at ``t_us`` put in the past: they fire now.
        """
        for inst in self.open():
            d = inst.definition
            for threshold in d.warnings:
                due = d.share_us(threshold) <= inst.accrued_us
                if due and not inst.violated and threshold not in inst.given:
                    self.record(inst, t_us, "warning", threshold)
                    inst.given.add(threshold)
            budget = d.budget_minutes * MINUTE_US
            if not inst.violated and inst.accrued_us >= budget and t_us >= inst.due_us:
                inst.violated = True
                inst.state = "violated"
                inst.frozen = tuple(
                    (p, self.warning_at(inst, p, tuple(self.changes))) for p in d.warnings
                )
                self.record(inst, t_us, "violated")

    def run_minute(self, minute: int, as_of_us: int) -> None:
        """Accrue one minute; fire the warnings crossed strictly inside it (up to ``as_of``)."""
        t_us = minute * MINUTE_US
        crossings = []
        for inst in self.open():
            d = inst.definition
            if not self.clock.is_open(minute) or self.status in d.pause_statuses:
                continue
            for number, threshold in enumerate(d.warnings):
                share = d.share_us(threshold)
                inside = inst.accrued_us < share < inst.accrued_us + MINUTE_US
                if inside and not inst.violated and threshold not in inst.given:
                    at = t_us + share - inst.accrued_us
                    if at <= as_of_us:
                        crossings.append((at, inst.seq, number, inst))
            inst.accrued_us += MINUTE_US
        for at, _, number, inst in sorted(crossings, key=lambda c: c[:3]):
            threshold = inst.definition.warnings[number]
            self.record(inst, at, "warning", threshold)
            inst.given.add(threshold)

    def run(self, opened_us: int, history: list[tuple[int, str, str]], as_of_us: int) -> None:
        for d in self.definitions:
            if d.applies_to(self.priority):
                self.start(d, opened_us)
        minute, index = opened_us // MINUTE_US, 0
        while minute * MINUTE_US <= as_of_us:
            t_us = minute * MINUTE_US
            while index < len(history) and history[index][0] == t_us:
                self.apply(*history[index])
                index += 1
            self.fire_at_instant(t_us)
            self.run_minute(minute, as_of_us)
            minute += 1

    # -- the result

    def result(self, as_of_us: int) -> Result:
        instances = []
        for inst in self.instances:
            d = inst.definition
            changes = self.known(inst)
            end_us = as_of_us if inst.end_us is None else inst.end_us
            target = self.target(inst, changes)
            used, held = self.clock.used(inst.start_us, end_us, d.pause_statuses, changes)
            if inst.frozen is None:
                frozen = [(p, self.warning_at(inst, p, changes)) for p in d.warnings]
            else:
                frozen = list(inst.frozen)
            warnings = [
                Escalation(p, None if at is None else from_us(at), p in inst.given)
                for p, at in frozen
            ]
            instances.append(
                Instance(
                    name=inst.name,
                    number=inst.number,
                    start=from_us(inst.start_us),
                    due=from_us(inst.due_us),
                    target=None if target is None else from_us(target),
                    budget=timedelta(minutes=d.budget_minutes),
                    warnings=tuple(warnings),
                    state=inst.state,
                    ended_at=None if inst.end_us is None else from_us(inst.end_us),
                    business_elapsed=timedelta(microseconds=used),
                    paused=timedelta(microseconds=held),
                    elapsed=timedelta(microseconds=end_us - inst.start_us),
                )
            )
        return Result(tuple(instances), tuple(self.trail))


def replay(spec: CalendarSpec, process: object, case: object, as_of: datetime) -> Result:
    """Replay ``case`` (a :class:`~entitlements.Case`) against ``process`` up to ``as_of``.

    ``spec`` describes the calendar every milestone runs on; ``process`` is an
    :class:`~entitlements.SlaProcess`, read as plain data.
    """
    opened_us, as_of_us = to_us(case.opened_at), to_us(as_of)  # type: ignore[attr-defined]
    if as_of_us < opened_us:
        return Result((), ())
    history = []
    for event in case.history:  # type: ignore[attr-defined]
        at_us = to_us(event.at)
        if at_us % MINUTE_US:
            raise OutOfScopeError("history events must be minute-aligned")
        if at_us <= as_of_us:
            history.append((at_us, event.kind.value, event.value))
    if opened_us % MINUTE_US:
        raise OutOfScopeError("the case must open on a whole minute")
    state = _Replay(spec, process, case.priority)  # type: ignore[attr-defined]
    state.run(opened_us, history, as_of_us)
    return state.result(as_of_us)
