"""The milestone clock: replay a case's history against its SLA process.

:func:`track` is a pure function of a case, its coverage (a resolver
:class:`~entitlements.resolver.Decision` or an entitlement), the coverage book
and an instant ``as_of``; nothing reads the system clock. It replays the
case's history (the events at or before ``as_of``) in order and returns a
:class:`~entitlements.sla.CaseSla`: every milestone instance with its start,
deadline, warnings, time used and state, and the audit trail. :func:`trail`
returns the trail alone.

The rules (docs/milestones.md has them with examples):

* **Which milestones.** When the case opens, every milestone of the process
  whose priorities include the case's priority starts. A milestone name may
  have variants for different priorities; the variant for the current priority
  is the one in force.
* **Calendar.** The milestone's calendar, else the process's, else the
  entitlement's, else the account's; with none of these, an always-open (24x7)
  calendar in the account's zone.
* **Deadline and warnings.** The deadline is the target's due instant from the
  start, moved by exactly the business time paused
  (:func:`entitlements.pausing.deadline`). A warning at ``p`` % falls when ``p``
  % of the target's business time (rounded to the microsecond) has accrued.
* **Pauses.** While the case's status is one of the milestone's pause statuses
  (its own, else the process's), no business time accrues.
* **Priority change.** Open instances switch to the new priority's variant and
  are re-targeted from their original start (the trail records it); warnings
  and violations that the new target puts in the past fire at the change.
  Instances of milestones that do not apply to the new priority are cancelled
  (or stopped, staying violated, if already violated);
  milestones that apply only from the new priority start at the change. A
  once-per-case milestone that already had an instance starts again only if
  that instance was cancelled, and then counts from its first start, so that
  changing the priority back and forth never buys a fresh deadline. A warning
  threshold already given is not given again, unless the new target puts its
  instant after the change. The new variant's pause statuses apply from the instance's start,
  like its target.
* **Recurrence.** ``none``: one instance per case. ``independent``: the case
  opening and every customer reply start an instance. ``sequential``: when an
  instance completes, the next starts at once.
* **Completion.** A ``completed`` event completes every open instance of the
  milestone: met when at or before the deadline (and never violated), met late
  otherwise. A completion when no instance is open changes nothing.
* **Closure.** Closing the case does not complete anything: open instances are
  cancelled, violated ones stay violated and their clock stops.
* **Violation.** An instance still open at its deadline is violated from that
  instant on; it stays violated until completed (met late), even if a later
  re-target moves the deadline, and it gives no more warnings: its warnings
  stay as they were at the breach, whatever the re-targets.
* **Same instant.** Events at one instant apply in the order given, and before
  any warning or violation at that instant: a milestone completed exactly at
  its deadline is met.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from entitlements.book import CoverageBook
from entitlements.calendar import BusinessCalendar, BusinessHours
from entitlements.calendar._compiled import CompiledCalendar
from entitlements.calendar._instants import from_us, to_us
from entitlements.cases import Case, CaseEvent, CaseEventKind
from entitlements.errors import CalendarRangeError, ModelError, NoBusinessTimeError
from entitlements.models import Account, Entitlement
from entitlements.pausing import (
    Pauses,
    business_elapsed,
    deadline_from,
    paused_time,
    reached_at,
)
from entitlements.processes import MilestoneDefinition, Recurrence, SlaProcess
from entitlements.resolver import Decision
from entitlements.sla import (
    CaseSla,
    Escalation,
    MilestoneState,
    MilestoneStatus,
    SlaEvent,
    SlaEventKind,
)
from entitlements.targets import BusinessDuration, format_duration

__all__ = ["Outcome", "outcomes", "track", "trail"]

_ZERO = timedelta(0)
_NO_PAUSES = Pauses()
_US = timedelta(microseconds=1)
_DUE = frozenset({SlaEventKind.WARNING, SlaEventKind.VIOLATED})
_NEVER = 2**63  # a due_from no event reaches: the replay records nothing


@lru_cache(maxsize=64)
def _always_open(zone: ZoneInfo) -> BusinessCalendar:
    return BusinessHours.always_open(zone.key)


def share_us(budget_us: int, threshold: float) -> int:
    """``threshold`` percent of ``budget_us`` µs, rounded to the µs (half to even)."""
    return round(budget_us * threshold / 100)


def share(budget: timedelta, threshold: float) -> timedelta:
    """``threshold`` percent of ``budget``, rounded to the microsecond (half to even)."""
    return share_us(budget // _US, threshold) * _US


class _Instance:
    """One milestone instance while the history is replayed (mutable, internal)."""

    __slots__ = (
        "budget",
        "calendar",
        "calendar_id",
        "definition",
        "due",
        "due_us",
        "ended_at",
        "ended_us",
        "fired",
        "given",
        "name",
        "number",
        "pause_statuses",
        "pauses",
        "seq",
        "since",
        "since_us",
        "start",
        "start_us",
        "state",
        "target",
        "target_us",
        "thresholds",
        "violated",
        "warning_us",
    )

    def __init__(self, name: str, number: int, seq: int, start: datetime, start_us: int) -> None:
        self.name = name
        self.number = number
        self.seq = seq
        self.start = start
        self.start_us = start_us
        self.since = start  # the start, or the last re-target: no clock event fires before it
        self.since_us = self.start_us
        self.fired = 0  # the index of the next warning to give: those before it are given
        self.given: set[float] = set()  # the thresholds given so far
        self.thresholds: tuple[float, ...] = ()  # the warnings' thresholds, as scheduled
        self.violated = False
        self.ended_at: datetime | None = None
        self.ended_us = 0  # set with ended_at
        self.state: MilestoneState | None = None
        self.pauses = _NO_PAUSES
        # set by _Replay.configure and _Replay.schedule
        self.definition: MilestoneDefinition
        self.calendar: BusinessCalendar
        self.calendar_id: str | None
        self.pause_statuses: frozenset[str]
        self.due: datetime
        self.due_us: int
        self.budget: timedelta
        self.target: datetime | None
        self.target_us: int | None
        self.warning_us: list[int | None]

    def next_event(self) -> tuple[int, int] | None:
        """``(instant in µs, 0 for a warning / 1 for a violation)`` of its next clock event."""
        if self.violated:
            return None  # a breach needs no more warnings
        if self.fired < len(self.warning_us):
            at = self.warning_us[self.fired]
            return None if at is None else (max(at, self.since_us), 0)
        if self.target_us is None:
            return None
        return (max(self.target_us, self.since_us), 1)


class _Replay:
    """Replays one case's history against one SLA process."""

    def __init__(
        self,
        case: Case,
        entitlement: Entitlement,
        process: SlaProcess,
        book: CoverageBook,
        account: Account,
    ) -> None:
        self.case = case
        self.entitlement = entitlement
        self.process = process
        self.book = book
        self.account = account
        self.priority = case.priority
        self.status = ""
        self.statuses: list[tuple[datetime, int, str]] = []
        self.instances: list[_Instance] = []
        self.open: list[_Instance] = []
        self.events: list[SlaEvent] = []
        self.instants: list[int] = []  # the µs of each event, kept for due actions only
        self.names = frozenset(process.milestone_names)
        # set by due_actions: keep only warnings and violations from this instant on
        self.due_from: int | None = None
        # False for outcomes(): no warnings are scheduled. Thresholds are below 100 %, so a
        # warning falls at or before its target and never delays or advances a violation.
        self.warns = True
        self._last: tuple[datetime, int] | None = None

    def us(self, at: datetime) -> int:
        """``to_us(at)``, remembered for the datetime last asked about (events are shared)."""
        last = self._last
        if last is None or last[0] is not at:
            last = self._last = (at, to_us(at))
        return last[1]

    # -- set-up of an instance --------------------------------------------------

    def calendar_of(self, definition: MilestoneDefinition) -> tuple[str | None, BusinessCalendar]:
        calendar_id = (
            definition.calendar
            or self.process.calendar
            or self.entitlement.calendar
            or self.account.calendar
        )
        if calendar_id is None:
            return None, _always_open(self.account.zone)
        return calendar_id, self.book.calendar(calendar_id)

    def configure(self, instance: _Instance, definition: MilestoneDefinition) -> None:
        instance.definition = definition
        instance.calendar_id, instance.calendar = self.calendar_of(definition)
        statuses = definition.pause_statuses
        instance.pause_statuses = self.process.pause_statuses if statuses is None else statuses
        target = definition.target
        calendar = instance.calendar
        try:
            if isinstance(target, BusinessDuration) and isinstance(calendar, CompiledCalendar):
                instance.budget = target.duration
                instance.due_us = calendar._add_us(instance.start_us, target.duration // _US)
                instance.due = from_us(instance.due_us, calendar.timezone)
            elif isinstance(target, BusinessDuration):
                instance.budget = target.duration
                instance.due = calendar.add(instance.start, target.duration)
                instance.due_us = to_us(instance.due)
            else:
                instance.due = target.due(instance.start, calendar)
                instance.due_us = to_us(instance.due)
                if isinstance(calendar, CompiledCalendar):
                    budget_us = calendar._elapsed_us(instance.start_us, instance.due_us)
                    instance.budget = budget_us * _US
                else:
                    instance.budget = calendar.elapsed(instance.start, instance.due)
        except (NoBusinessTimeError, CalendarRangeError) as error:
            raise self.located(error, instance) from error
        instance.pauses = self.pauses_of(instance)
        self.schedule(instance)

    def located(
        self, error: NoBusinessTimeError | CalendarRangeError, instance: _Instance
    ) -> NoBusinessTimeError | CalendarRangeError:
        """The same error, saying which case, milestone, process and calendar it came from."""
        calendar = repr(instance.calendar_id) if instance.calendar_id else "(always open)"
        return type(error)(
            f"case {self.case.id!r}: milestone {instance.name!r} of process "
            f"{self.process.id!r}, calendar {calendar}: {error}"
        )

    def pauses_of(self, instance: _Instance) -> Pauses:
        """The pauses of ``instance`` from the statuses seen so far (the last one open-ended)."""
        statuses = instance.pause_statuses
        if not statuses or not self.statuses:
            return _NO_PAUSES
        changes = [
            (at if at_us > instance.start_us else instance.start, status in statuses)
            for at, at_us, status in self.statuses
        ]
        return Pauses.from_changes(changes)

    def schedule(self, instance: _Instance) -> None:
        """Work out the deadline and the warning instants of ``instance``."""
        try:
            self._schedule(instance)
        except (NoBusinessTimeError, CalendarRangeError) as error:
            raise self.located(error, instance) from error

    def _schedule(self, instance: _Instance) -> None:
        calendar, start, pauses = instance.calendar, instance.start, instance.pauses
        frozen = instance.violated  # a breach's warnings were all given: they stay as they were
        if not frozen:
            instance.thresholds = instance.definition.warnings if self.warns else ()
        thresholds = instance.thresholds
        if not pauses:
            instance.target, instance.target_us = instance.due, instance.due_us
            if frozen:
                return
            if isinstance(calendar, CompiledCalendar):
                # the hot path of due actions: whole-µs arithmetic, datetimes only when reported
                budget_us, start_us = instance.budget // _US, instance.start_us
                instance.warning_us = [
                    calendar._add_us(start_us, share_us(budget_us, t)) for t in thresholds
                ]
                return
        else:
            instance.target = deadline_from(calendar, start, instance.due, instance.budget, pauses)
            instance.target_us = None if instance.target is None else to_us(instance.target)
            if frozen:
                return
        at = (
            reached_at(calendar, start, share(instance.budget, threshold), pauses)
            for threshold in thresholds
        )
        instance.warning_us = [None if a is None else to_us(a) for a in at]

    @staticmethod
    def warning_instant(instance: _Instance, number: int) -> datetime | None:
        """The instant of warning ``number`` of ``instance``, in its calendar's zone."""
        at = instance.warning_us[number]
        return None if at is None else from_us(at, instance.calendar.timezone)

    # -- the trail ----------------------------------------------------------------

    def keeps(self, at_us: int) -> bool:
        """Whether a warning or violation at ``at_us`` is kept (for due actions: not too early)."""
        return self.due_from is None or at_us >= self.due_from

    def record(
        self,
        instance: _Instance,
        at: datetime,
        kind: SlaEventKind,
        reason: str,
        threshold: float | None = None,
        at_us: int = 0,
    ) -> None:
        if self.due_from is not None:
            if kind not in _DUE:
                return
            self.instants.append(at_us)
        self.events.append(
            SlaEvent(
                at=at.astimezone(instance.calendar.timezone),
                kind=kind,
                case=self.case.id,
                milestone=instance.name,
                instance=instance.number,
                entitlement=self.entitlement.id,
                reason=reason,
                threshold=threshold,
                target=instance.target,
            )
        )

    def start(
        self,
        name: str,
        definition: MilestoneDefinition,
        at: datetime,
        why: str,
        begin: datetime | None = None,
    ) -> None:
        """Start an instance at ``at``; its clock counts from ``begin`` if given (resumed)."""
        number = sum(1 for i in self.instances if i.name == name) + 1
        first = at if begin is None else begin
        instance = _Instance(name, number, len(self.instances), first, self.us(first))
        instance.since, instance.since_us = at, self.us(at)
        self.configure(instance, definition)
        self.instances.append(instance)
        self.open.append(instance)
        if self.due_from is not None:
            return
        self.record(instance, at, SlaEventKind.STARTED, f"{why}; target {definition.target}")
        if self.status in instance.pause_statuses:
            self.record(instance, at, SlaEventKind.PAUSED, f"status {self.status!r}")

    def end(self, instance: _Instance, at: datetime, state: MilestoneState) -> None:
        instance.ended_at = at
        instance.ended_us = self.us(at)
        instance.state = state
        self.open.remove(instance)

    # -- replaying ------------------------------------------------------------------

    def run(self, as_of_us: int) -> None:
        for definition in self.process.milestones_for(self.priority):
            self.start(definition.name, definition, self.case.opened_at, "case opened")
        for index, event in enumerate(self.case.history):
            event_us = self.us(event.at)
            if event_us > as_of_us:
                break
            self.fire_until(event_us, inclusive=False)
            self.apply(index, event)
        self.fire_until(as_of_us, inclusive=True)

    def fire_until(self, limit_us: int, *, inclusive: bool) -> None:
        """Fire the warnings and violations due before ``limit_us`` (or at it), in time order."""
        while self.open:
            best: tuple[int, int, int] | None = None
            chosen: _Instance | None = None
            for instance in self.open:
                upcoming = instance.next_event()
                if upcoming is None:
                    continue
                key = (upcoming[0], instance.seq, upcoming[1])
                if best is None or key < best:
                    best, chosen = key, instance
            if chosen is None or best is None:
                return
            if best[0] > limit_us or (best[0] == limit_us and not inclusive):
                return
            self.fire(chosen, best[0], best[2] == 1)

    def fire(self, instance: _Instance, at_us: int, violation: bool) -> None:
        own_us = instance.target_us if violation else self._warning_us(instance)
        late = own_us is not None and at_us > own_us
        if not self.keeps(at_us):
            if violation:
                instance.violated = True
            else:
                self.mark_given(instance)
            return
        at = self._instant(instance, at_us, violation)
        suffix = " (reached when re-targeted)" if late else ""
        if violation:
            instance.violated = True
            target = instance.definition.target
            reason = f"target {target} passed while open{suffix}"
            self.record(instance, at, SlaEventKind.VIOLATED, reason, at_us=at_us)
            return
        threshold = instance.thresholds[instance.fired]
        self.mark_given(instance)
        self.record(
            instance,
            at,
            SlaEventKind.WARNING,
            f"{threshold:g} % of {format_duration(instance.budget)} used{suffix}",
            threshold,
            at_us,
        )

    @staticmethod
    def mark_given(instance: _Instance) -> None:
        """Mark the next warning of ``instance`` given, and move past those given before."""
        instance.given.add(instance.thresholds[instance.fired])
        instance.fired += 1
        _Replay.skip_given(instance)

    @staticmethod
    def skip_given(instance: _Instance) -> None:
        thresholds = instance.thresholds
        while instance.fired < len(thresholds) and thresholds[instance.fired] in instance.given:
            instance.fired += 1

    @staticmethod
    def _warning_us(instance: _Instance) -> int:
        at = instance.warning_us[instance.fired]
        assert at is not None  # noqa: S101 - only known instants fire
        return at

    def _instant(self, instance: _Instance, at_us: int, violation: bool) -> datetime:
        """The datetime of a clock event at ``at_us``: its own instant, or the re-target's."""
        if violation and at_us == instance.target_us and instance.target is not None:
            return instance.target
        if not violation and at_us == self._warning_us(instance):
            return from_us(at_us, instance.calendar.timezone)
        return instance.since

    def apply(self, index: int, event: CaseEvent) -> None:
        kind = event.kind
        if kind is CaseEventKind.STATUS:
            self.change_status(event)
        elif kind is CaseEventKind.PRIORITY:
            self.change_priority(event)
        elif kind is CaseEventKind.COMPLETED:
            self.complete(index, event)
        elif kind is CaseEventKind.REPLY:
            for definition in self.process.milestones_for(self.priority):
                if definition.recurrence is Recurrence.INDEPENDENT:
                    self.start(definition.name, definition, event.at, "customer replied")
        else:
            self.close(event)

    def change_status(self, event: CaseEvent) -> None:
        before, self.status = self.status, event.value
        self.statuses.append((event.at, self.us(event.at), event.value))
        for instance in list(self.open):
            was, now = before in instance.pause_statuses, event.value in instance.pause_statuses
            instance.pauses = self.pauses_of(instance)
            if was == now:
                continue
            self.schedule(instance)
            kind = SlaEventKind.PAUSED if now else SlaEventKind.RESUMED
            self.record(instance, event.at, kind, f"status {event.value!r}")

    def change_priority(self, event: CaseEvent) -> None:
        before, self.priority = self.priority, event.value
        if before == event.value:
            return
        at_us = self.us(event.at)
        change = f"priority {before!r} -> {event.value!r}"
        for name in self.process.milestone_names:
            old = self.process.variant(name, before)
            new = self.process.variant(name, event.value)
            running = [i for i in self.open if i.name == name]
            if new is None:
                reason = f"{change}: the milestone does not apply to {event.value!r}"
                for instance in running:
                    self.stop(instance, event.at, reason)
            elif old is None:
                self.applies_again(name, new, event.at, change)
            elif new is not old:
                for instance in running:
                    self.retarget(instance, new, event.at, at_us, change)

    def applies_again(self, name: str, new: MilestoneDefinition, at: datetime, change: str) -> None:
        """Start milestone ``name``, which applies from this priority change on."""
        earlier = [i for i in self.instances if i.name == name]
        if new.recurrence is not Recurrence.NONE or not earlier:
            self.start(name, new, at, f"{change}: the milestone applies")
        elif all(i.state is MilestoneState.CANCELLED for i in earlier):
            # once per case, cancelled by an earlier change: it comes back with its first
            # start, so flapping the priority cannot buy a fresh deadline
            first = earlier[0].start
            why = f"{change}: the milestone applies again, from its first start {first.isoformat()}"
            self.start(name, new, at, why, begin=first)

    def retarget(
        self, instance: _Instance, new: MilestoneDefinition, at: datetime, at_us: int, change: str
    ) -> None:
        """Switch ``instance`` to variant ``new``, re-targeted from its original start."""
        previous = instance.definition
        was_paused = self.status in instance.pause_statuses
        self.configure(instance, new)
        instance.since, instance.since_us = at, at_us
        # Warnings already given stay given, unless the new target puts them later:
        # those are given again when the new instant comes (a breach's stay given).
        thresholds, instants = instance.thresholds, instance.warning_us
        instance.given -= (
            set()
            if instance.violated
            else {
                t
                for t, w in zip(thresholds, instants, strict=True)
                if t in instance.given and (w is None or w > at_us)
            }
        )
        instance.fired = 0
        self.skip_given(instance)
        self.record(
            instance,
            at,
            SlaEventKind.RETARGETED,
            f"{change}: target {previous.target} -> {new.target}, from the start "
            f"{instance.start.isoformat()}",
        )
        now_paused = self.status in instance.pause_statuses
        if now_paused != was_paused:
            kind = SlaEventKind.PAUSED if now_paused else SlaEventKind.RESUMED
            self.record(instance, at, kind, f"status {self.status!r} under the new target")

    def complete(self, index: int, event: CaseEvent) -> None:
        name = event.value
        if name not in self.names:
            raise ModelError(
                f"Case {self.case.id!r}: history[{index}].value: {name!r} is not a milestone "
                f"of SLA process {self.process.id!r} (its milestones: "
                f"{', '.join(repr(n) for n in self.process.milestone_names) or 'none'})",
                field=f"history[{index}].value",
                reason=f"{name!r} is not a milestone of SLA process {self.process.id!r}",
            )
        at_us = self.us(event.at)
        for instance in [i for i in self.open if i.name == name]:
            on_time = not instance.violated and (
                instance.target_us is None or at_us <= instance.target_us
            )
            state = MilestoneState.MET if on_time else MilestoneState.MET_LATE
            self.end(instance, event.at, state)
            kind = SlaEventKind.MET if on_time else SlaEventKind.MET_LATE
            self.record(instance, event.at, kind, "completed")
            definition = instance.definition
            if definition.recurrence is Recurrence.SEQUENTIAL:
                self.start(name, definition, event.at, "the previous instance completed")

    def close(self, event: CaseEvent) -> None:
        for instance in list(self.open):
            self.stop(instance, event.at, "case closed")

    def stop(self, instance: _Instance, at: datetime, reason: str) -> None:
        """End ``instance`` without completing it: cancelled, or stopped if already violated."""
        if instance.violated:
            self.end(instance, at, MilestoneState.VIOLATED)
            self.record(instance, at, SlaEventKind.STOPPED, f"{reason}; it stays violated")
        else:
            self.end(instance, at, MilestoneState.CANCELLED)
            self.record(instance, at, SlaEventKind.CANCELLED, reason)

    # -- the result -------------------------------------------------------------------

    def status_of(self, instance: _Instance, as_of: datetime) -> MilestoneStatus:
        calendar, start = instance.calendar, instance.start
        end = instance.ended_at if instance.ended_at is not None else as_of
        used = business_elapsed(calendar, start, end, instance.pauses)
        held = paused_time(calendar, start, end, instance.pauses)
        budget = instance.budget
        percent = 100.0 if budget == _ZERO else used / budget * 100
        state = instance.state
        if state is None:
            state = MilestoneState.VIOLATED if instance.violated else MilestoneState.OPEN
        zone = calendar.timezone
        return MilestoneStatus(
            name=instance.name,
            instance=instance.number,
            definition=instance.definition,
            calendar=instance.calendar_id,
            start=start.astimezone(zone),
            due=instance.due,
            target=instance.target,
            budget=budget,
            warnings=tuple(
                Escalation(
                    threshold=threshold,
                    at=self.warning_instant(instance, number),
                    reached=threshold in instance.given,
                )
                for number, threshold in enumerate(instance.thresholds)
            ),
            state=state,
            ended_at=None if instance.ended_at is None else instance.ended_at.astimezone(zone),
            business_elapsed=used,
            paused=held,
            elapsed=(to_us(end) - instance.start_us) * _US,
            remaining=budget - used,
            percent=percent,
        )


def _coverage(
    case: Case, coverage: Decision | Entitlement
) -> tuple[Decision | None, Entitlement | None]:
    if isinstance(coverage, Decision):
        if coverage.case != case.id:
            raise ModelError(
                f"track: decision: the decision is for case {coverage.case!r}, not {case.id!r}",
                field="decision",
                reason=f"the decision is for case {coverage.case!r}, not {case.id!r}",
            )
        return coverage, coverage.entitlement
    if isinstance(coverage, Entitlement):
        if coverage.account != case.account:
            raise ModelError(
                f"track: entitlement: {coverage.id!r} belongs to account {coverage.account!r}, "
                f"not to the case's account {case.account!r}",
                field="entitlement",
                reason=f"{coverage.id!r} belongs to account {coverage.account!r}",
            )
        return None, coverage
    raise ModelError(
        f"track: coverage: {coverage!r} is neither a Decision nor an Entitlement",
        field="coverage",
        reason=f"{coverage!r} is neither a Decision nor an Entitlement",
    )


def _replay(
    case: Case,
    coverage: Decision | Entitlement,
    book: CoverageBook,
    as_of_us: int,
    due_from: int | None = None,
    *,
    warns: bool = True,
) -> tuple[_Replay | None, Decision | None, Entitlement | None]:
    """Replay the history up to ``as_of_us``; None when there is nothing to clock."""
    decision, entitlement = _coverage(case, coverage)
    if entitlement is None or entitlement.process is None:
        return None, decision, entitlement
    opened_us = to_us(case.opened_at)
    if as_of_us < opened_us:
        return None, decision, entitlement
    replay = _Replay(
        case,
        entitlement,
        book.process(entitlement.process),
        book,
        book.account(case.account),
    )
    replay.due_from = due_from
    replay.warns = warns
    replay._last = (case.opened_at, opened_us)
    replay.run(as_of_us)
    return replay, decision, entitlement


def track(
    case: Case, coverage: Decision | Entitlement, book: CoverageBook, *, as_of: datetime
) -> CaseSla:
    """Return the SLA of ``case`` as of ``as_of``: every milestone instance and the trail.

    Only the history at or before ``as_of`` counts; replaying with a later
    ``as_of`` extends the trail without changing what came before.

    Args:
        case: the case, with its history.
        coverage: the resolver's decision for the case, or the entitlement
            whose SLA process applies.
        book: the coverage book (for the process, the calendars and the account).
        as_of: the instant to evaluate at (aware); before the case opened,
            nothing has started.

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: the decision is for another case, the entitlement for
            another account, or the history completes a milestone the
            process does not have (the message names ``history[i].value``).
        UnknownRecordError: the entitlement's process, account or a calendar
            is not in the book.
    """
    replay, decision, entitlement = _replay(case, coverage, book, to_us(as_of, "as_of"))
    process = None
    if replay is not None:
        process = replay.process
    elif entitlement is not None and entitlement.process is not None:
        process = book.process(entitlement.process)
    return CaseSla(
        case=case.id,
        account=case.account,
        as_of=as_of,
        covered=decision.covered if decision is not None else True,
        reason=decision.reason if decision is not None else None,
        entitlement=entitlement,
        process=process,
        priority=case.priority_at(as_of),
        status=case.status_at(as_of),
        closed_at=_closed_by(case, as_of),
        milestones=()
        if replay is None
        else tuple(replay.status_of(i, as_of) for i in replay.instances),
        trail=() if replay is None else tuple(replay.events),
    )


#: ``(milestone name, start, state, remaining business time in µs)`` of one instance.
Outcome = tuple[str, datetime, MilestoneState, int]


def outcomes(
    case: Case,
    coverage: Decision | Entitlement,
    book: CoverageBook,
    as_of: datetime,
    as_of_us: int | None = None,
) -> list[Outcome]:
    """Each milestone instance's name, start, state and remaining µs as of ``as_of``.

    ``as_of_us`` is ``as_of`` in µs, when the caller has it already.

    Exactly what ``track(case, coverage, book, as_of=...)`` says of each
    instance in ``milestones`` (``name``, ``start``, ``state``, ``remaining``),
    in the same order, without building the trail, the warnings or the other
    fields: what a report over millions of cases needs.
    """
    if as_of_us is None:
        as_of_us = to_us(as_of, "as_of")
    replay, _, _ = _replay(case, coverage, book, as_of_us, _NEVER, warns=False)
    if replay is None:
        return []
    result: list[Outcome] = []
    for instance in replay.instances:
        calendar = instance.calendar
        end_us = instance.ended_us if instance.ended_at is not None else as_of_us
        if not instance.pauses and isinstance(calendar, CompiledCalendar):
            used_us = calendar._elapsed_us(instance.start_us, end_us)
        else:
            end = instance.ended_at if instance.ended_at is not None else as_of
            used_us = business_elapsed(calendar, instance.start, end, instance.pauses) // _US
        state = instance.state
        if state is None:
            state = MilestoneState.VIOLATED if instance.violated else MilestoneState.OPEN
        result.append((instance.name, instance.start, state, instance.budget // _US - used_us))
    return result


def _closed_by(case: Case, as_of: datetime) -> datetime | None:
    closed = case.closed_at
    return closed if closed is not None and to_us(closed) <= to_us(as_of) else None


def trail(
    case: Case, coverage: Decision | Entitlement, book: CoverageBook, *, as_of: datetime
) -> tuple[SlaEvent, ...]:
    """Return the audit trail of ``case``'s SLA up to ``as_of``, in time order.

    Exactly ``track(case, coverage, book, as_of=as_of).trail``, without working
    out the time used. For ``a <= b``, ``trail(..., as_of=a)`` is the prefix of
    ``trail(..., as_of=b)`` up to ``a``.
    """
    replay, _, _ = _replay(case, coverage, book, to_us(as_of, "as_of"))
    return () if replay is None else tuple(replay.events)


def due_events(
    case: Case, coverage: Decision | Entitlement, book: CoverageBook, start_us: int, end_us: int
) -> list[tuple[int, SlaEvent]]:
    """The warnings and violations of the trail with ``start_us <= at < end_us``, with their µs.

    Exactly those of :func:`trail` (``as_of=end``), without building the others.
    """
    replay, _, _ = _replay(case, coverage, book, end_us, start_us)
    if replay is None:
        return []
    return [
        (at_us, event)
        for at_us, event in zip(replay.instants, replay.events, strict=True)
        if at_us < end_us
    ]
